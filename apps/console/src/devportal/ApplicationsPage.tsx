import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { request, type ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { useCheckedWrite, type FieldErrors } from '../shared/schema';
import { FormPanel, ListTable, Page, SelectField, StatusBadge, TextArea, TextField } from '../shared/ui';
import type { Complete, Devportal } from '@apim/rest-contract';
import { APPLICATION_STATUS_LABELS } from '../shared/labels';

export function useApplicationTiers() {
  return useRest<ListOf<{ name: string; description?: string }>>(
    'devportal',
    '/throttling-policies/application',
  );
}

interface ApplicationFieldsProps {
  name: string;
  setName(v: string): void;
  tier: string;
  setTier(v: string): void;
  tierOptions: string[];
  description: string;
  setDescription(v: string): void;
  /** by field: name, throttlingPolicy, description */
  errors: Partial<FieldErrors> | null | undefined;
}

/** An application's name, rate limit and description, as its creation and its edit ask for them. */
export function ApplicationFields(p: ApplicationFieldsProps) {
  return (
    <>
      <div className="row">
        <TextField
          label="Application name"
          required
          value={p.name}
          error={p.errors?.name}
          onChange={p.setName}
        />
        <SelectField
          label="Application rate limit"
          value={p.tier}
          options={p.tierOptions}
          error={p.errors?.throttlingPolicy}
          onChange={p.setTier}
        />
      </div>
      <TextArea
        label="Description"
        rows={2}
        value={p.description}
        error={p.errors?.description}
        onChange={p.setDescription}
      />
    </>
  );
}

function CreateApplication() {
  const navigate = useNavigate();
  const tiers = useApplicationTiers();
  const [name, setName] = useState('');
  const [tier, setTier] = useState('');
  const [description, setDescription] = useState('');
  const create = useCheckedWrite(
    'devportal',
    'applicationsPost',
    (body: object) => request<Complete<Devportal.Application>>('devportal', '/applications', { json: body }),
    {
      stale: [['devportal', '/applications']],
      onSuccess: (app) => navigate(`/devportal/applications/${app.applicationId}`),
    },
  );
  const errors = create.errors;
  const tierNames = (tiers.data?.list ?? []).map((t) => t.name);
  const chosenTier = tier || (tierNames.includes('Unlimited') ? 'Unlimited' : tierNames[0]) || '';
  return (
    <FormPanel
      title="Create an application"
      write={create}
      shown={['name', 'throttlingPolicy', 'description']}
      submit="Create application"
      pending="Creating…"
      onSubmit={() =>
        create.submit({
          name: name.trim(),
          throttlingPolicy: chosenTier,
          description: description.trim(),
          tokenType: 'JWT',
        })
      }
    >
      <ApplicationFields
        name={name}
        setName={setName}
        tier={chosenTier}
        setTier={setTier}
        tierOptions={tierNames}
        description={description}
        setDescription={setDescription}
        errors={{
          ...errors,
          throttlingPolicy: errors?.throttlingPolicy ?? (tiers.isError ? tiers.error.message : undefined),
        }}
      />
    </FormPanel>
  );
}

/** The user's applications and a form to create one. */
export function ApplicationsPage() {
  const apps = useRest<ListOf<Complete<Devportal.Application>>>('devportal', '/applications', { limit: 100 });
  return (
    <Page title="Applications">
      <ListTable
        query={apps}
        what="applications"
        empty="You have no applications yet: create one below."
        rowKey={(a) => a.applicationId}
        columns={[
          {
            header: 'Name',
            cell: (a) => <Link to={`/devportal/applications/${a.applicationId}`}>{a.name}</Link>,
          },
          { header: 'Rate limit', cell: (a) => a.throttlingPolicy },
          { header: 'Subscriptions', cell: (a) => a.subscriptionCount ?? '' },
          {
            header: 'Status',
            cell: (a) => <StatusBadge status={a.status} labels={APPLICATION_STATUS_LABELS} />,
          },
        ]}
      />
      <CreateApplication />
    </Page>
  );
}
