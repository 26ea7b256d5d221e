/** Self sign-up and which changes wait for an administrator's approval. */
import { useState } from 'react';
import { request } from '../shared/api';
import { useRest } from '../shared/hooks';
import { useCheckedWrite } from '../shared/schema';
import { Checkbox, FormPanel, Page, QueryView, splitList, TextField } from '../shared/ui';
import type { Admin } from '@apim/rest-contract';

const WORKFLOWS = [
  ['APPLICATION_CREATION', 'New applications need approval'],
  ['SUBSCRIPTION_CREATION', 'New subscriptions need approval'],
  ['SUBSCRIPTION_UPDATE', 'Tier changes of subscriptions need approval'],
] as const;

function SettingsForm({ settings }: { settings: Admin.Settings }) {
  const [signUp, setSignUp] = useState(settings.selfSignUp?.enabled ?? false);
  const [roles, setRoles] = useState((settings.selfSignUp?.roles ?? ['subscriber']).join(', '));
  const [flows, setFlows] = useState<Record<string, boolean>>({ ...settings.workflows });
  const save = useCheckedWrite(
    'admin',
    'updateAdminSettings',
    (body: Admin.Settings) => request<Admin.Settings>('admin', '/settings', { method: 'PUT', json: body }),
    { stale: [['admin', '/settings']] },
  );
  return (
    <FormPanel
      write={save}
      shown={['selfSignUp.roles']}
      submit="Save settings"
      done="Settings saved."
      onSubmit={() =>
        save.submit({ selfSignUp: { enabled: signUp, roles: splitList(roles) }, workflows: flows })
      }
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
        error={save.errors?.['selfSignUp.roles']}
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
    </FormPanel>
  );
}

export function SettingsPage() {
  const settings = useRest<Admin.Settings>('admin', '/settings');
  return (
    <Page title="Settings">
      <QueryView query={settings} what="settings">
        {(s) => <SettingsForm settings={s} />}
      </QueryView>
    </Page>
  );
}
