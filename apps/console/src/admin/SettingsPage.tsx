/** Self sign-up and which changes wait for an administrator's approval. */
import { useState } from 'react';
import { request } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { useBodyCheck, type FieldErrors } from '../shared/schema';
import { Checkbox, ErrorBox, Notice, OtherErrors, Page, QueryView, TextField } from '../shared/ui';

interface Settings {
  selfSignUp?: { enabled?: boolean; roles?: string[] };
  workflows?: {
    APPLICATION_CREATION?: boolean;
    SUBSCRIPTION_CREATION?: boolean;
    SUBSCRIPTION_UPDATE?: boolean;
  };
}

const WORKFLOWS = [
  ['APPLICATION_CREATION', 'New applications need approval'],
  ['SUBSCRIPTION_CREATION', 'New subscriptions need approval'],
  ['SUBSCRIPTION_UPDATE', 'Tier changes of subscriptions need approval'],
] as const;

function SettingsForm({ settings }: { settings: Settings }) {
  const check = useBodyCheck('admin', 'updateAdminSettings');
  const [signUp, setSignUp] = useState(settings.selfSignUp?.enabled ?? false);
  const [roles, setRoles] = useState((settings.selfSignUp?.roles ?? ['subscriber']).join(', '));
  const [flows, setFlows] = useState<Record<string, boolean>>({ ...settings.workflows });
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const save = useRestMutation(
    (body: Settings) => request<Settings>('admin', '/settings', { method: 'PUT', json: body }),
    {
      stale: [['admin', '/settings']],
    },
  );
  return (
    <form
      className="panel"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const body: Settings = {
          selfSignUp: {
            enabled: signUp,
            roles: roles
              .split(',')
              .map((r) => r.trim())
              .filter(Boolean),
          },
          workflows: flows,
        };
        const found = check(body);
        setErrors(found);
        if (!found) save.mutate(body);
      }}
    >
      <h2>Self sign-up</h2>
      <Checkbox
        label="Anyone may create an account on the developer portal"
        checked={signUp}
        onChange={setSignUp}
      />
      <TextField
        label="Roles given to new accounts"
        hint="Separated by commas"
        value={roles}
        error={errors?.['selfSignUp.roles']}
        onChange={setRoles}
      />
      <h2>Approvals</h2>
      {WORKFLOWS.map(([key, label]) => (
        <Checkbox
          key={key}
          label={label}
          checked={flows[key] ?? false}
          onChange={(on) => setFlows({ ...flows, [key]: on })}
        />
      ))}
      <OtherErrors errors={errors} shown={['selfSignUp.roles']} />
      <ErrorBox error={save.error} />
      {save.isSuccess && <Notice>Settings saved.</Notice>}
      <button type="submit" disabled={save.isPending}>
        Save settings
      </button>
    </form>
  );
}

export function SettingsPage() {
  const settings = useRest<Settings>('admin', '/settings');
  return (
    <Page title="Settings">
      <QueryView query={settings} what="settings">
        {(s) => <SettingsForm settings={s} />}
      </QueryView>
    </Page>
  );
}
