import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { useBodyCheck, type FieldErrors } from '../shared/schema';
import {
  ErrorBox,
  OtherErrors,
  Page,
  QueryView,
  SelectField,
  StatusBadge,
  TextArea,
  TextField,
} from '../shared/ui';
import type { Application } from './types';

export function useApplicationTiers() {
  return useRest<ListOf<{ name: string; description?: string }>>(
    'devportal',
    '/throttling-policies/application',
  );
}

/** The user's applications and a form to create one. */
export function ApplicationsPage() {
  const navigate = useNavigate();
  const apps = useRest<ListOf<Application>>('devportal', '/applications', { limit: 100 });
  const tiers = useApplicationTiers();
  const check = useBodyCheck('devportal', 'applicationsPost');
  const [name, setName] = useState('');
  const [tier, setTier] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const create = useRestMutation(
    (body: object) => request<Application>('devportal', '/applications', { json: body }),
    {
      stale: [['devportal', '/applications']],
      onSuccess: (app) => navigate(`/devportal/applications/${app.applicationId}`),
    },
  );
  const tierNames = (tiers.data?.list ?? []).map((t) => t.name);
  const chosenTier = tier || (tierNames.includes('Unlimited') ? 'Unlimited' : tierNames[0]) || '';
  return (
    <Page title="Applications">
      <QueryView
        query={apps}
        what="applications"
        isEmpty={(d) => d.list.length === 0}
        empty="You have no applications yet: create one below."
      >
        {(data) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Rate limit</th>
                <th scope="col">Subscriptions</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {data.list.map((a) => (
                <tr key={a.applicationId}>
                  <td>
                    <Link to={`/devportal/applications/${a.applicationId}`}>{a.name}</Link>
                  </td>
                  <td>{a.throttlingPolicy}</td>
                  <td>{a.subscriptionCount ?? ''}</td>
                  <td>
                    <StatusBadge status={a.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
      <form
        className="panel"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const body = {
            name: name.trim(),
            throttlingPolicy: chosenTier,
            description: description.trim(),
            tokenType: 'JWT',
          };
          const found = check(body);
          setErrors(found);
          if (!found) create.mutate(body);
        }}
      >
        <h2>Create an application</h2>
        <div className="row">
          <TextField label="Application name" required value={name} error={errors?.name} onChange={setName} />
          <SelectField
            label="Application rate limit"
            value={chosenTier}
            options={tierNames}
            error={errors?.throttlingPolicy ?? (tiers.isError ? tiers.error.message : undefined)}
            onChange={setTier}
          />
        </div>
        <TextArea
          label="Description"
          rows={2}
          value={description}
          error={errors?.description}
          onChange={setDescription}
        />
        <OtherErrors errors={errors} shown={['name', 'throttlingPolicy', 'description']} />
        <ErrorBox error={create.error} />
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create application'}
        </button>
      </form>
    </Page>
  );
}
