/** Revisions (immutable snapshots, at most five) and their deployment to gateway environments. */
import { useEffect, useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { ErrorBox, formatDate, Notice, QueryView, TextField, useConfirm } from '../shared/ui';
import type { Admin, Complete, Publisher } from '@apim/rest-contract';
import { useNotify } from '../shared/notify';
import { awaitsGateways, DeploymentStatus } from './DeploymentStatus';

/** How often the revisions are read again while a deployment waits for its gateways' answer. */
const AWAIT_GATEWAYS_MS = 2000;

/** The gateway environments (the admin API lists them to publishers too). */
export function useEnvironments() {
  return useRest<ListOf<Admin.Environment>>('admin', '/environments');
}

function DeployControl({
  api,
  revision,
  environments,
}: {
  api: Complete<Publisher.API>;
  revision: Complete<Publisher.APIRevision>;
  environments: Admin.Environment[];
}) {
  const notHere = environments.filter((e) => !revision.deploymentInfo.some((d) => d.name === e.name));
  const [env, setEnv] = useState(notHere[0]?.name ?? '');
  const notify = useNotify();
  const deploy = useRestMutation(
    (target: Admin.Environment) =>
      request<Publisher.APIRevisionDeployment[]>('publisher', `/apis/${api.id}/deploy-revision`, {
        query: { revisionId: revision.id },
        json: [{ name: target.name, vhost: target.vhosts?.[0]?.host, displayOnDevportal: true }],
      }),
    {
      stale: [['publisher', `/apis/${api.id}`]],
      onSuccess: (_, target) => {
        const unpublished = api.lifeCycleStatus === 'CREATED' || api.lifeCycleStatus === 'PROTOTYPED';
        notify({
          message: `${revision.displayName} deployed to ${target.displayName ?? target.name}.`,
          next: unpublished
            ? { label: 'Next: publish', to: `/publisher/apis/${api.id}/lifecycle` }
            : { label: 'See it in the developer portal', to: `/devportal/apis/${api.id}` },
        });
      },
    },
  );
  if (notHere.length === 0) return null;
  const chosen = notHere.find((e) => e.name === env) ?? notHere[0];
  return (
    <div className="row">
      <select
        aria-label={`Environment to deploy ${revision.displayName} to`}
        value={chosen?.name}
        onChange={(e) => setEnv(e.target.value)}
      >
        {notHere.map((e) => (
          <option key={e.name} value={e.name}>
            {e.displayName ?? e.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="small"
        disabled={deploy.isPending || !chosen}
        onClick={() => chosen && deploy.mutate(chosen)}
      >
        Deploy {revision.displayName}
      </button>
      <ErrorBox error={deploy.error} />
    </div>
  );
}

export function DeploymentsTab({ api }: { api: Complete<Publisher.API> }) {
  const [awaiting, setAwaiting] = useState(false);
  const revisions = useRest<ListOf<Complete<Publisher.APIRevision>>>(
    'publisher',
    `/apis/${api.id}/revisions`,
    undefined,
    { refetchInterval: awaiting ? AWAIT_GATEWAYS_MS : undefined },
  );
  const pending = awaitsGateways(revisions.data?.list);
  useEffect(() => setAwaiting(pending), [pending]);
  const environments = useEnvironments();
  const confirm = useConfirm();
  const [description, setDescription] = useState('');
  const stale = [['publisher', `/apis/${api.id}`]] as const;
  const create = useRestMutation(
    () =>
      request<Complete<Publisher.APIRevision>>('publisher', `/apis/${api.id}/revisions`, {
        json: description.trim() ? { description: description.trim() } : {},
      }),
    { stale, onSuccess: () => setDescription('') },
  );
  const undeploy = useRestMutation(
    ({
      revision,
      env,
    }: {
      revision: Complete<Publisher.APIRevision>;
      env: Publisher.APIRevisionDeployment;
    }) =>
      request('publisher', `/apis/${api.id}/undeploy-revision`, {
        query: { revisionId: revision.id },
        json: [{ name: env.name, vhost: env.vhost }],
      }),
    { stale },
  );
  const restore = useRestMutation(
    (revision: Complete<Publisher.APIRevision>) =>
      request('publisher', `/apis/${api.id}/restore-revision`, {
        method: 'POST',
        query: { revisionId: revision.id },
      }),
    { stale },
  );
  const remove = useRestMutation(
    (revision: Complete<Publisher.APIRevision>) =>
      request('publisher', `/apis/${api.id}/revisions/${revision.id}`, { method: 'DELETE' }),
    { stale },
  );
  return (
    <>
      <form
        className="panel row"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <TextField
          label="Revision description"
          value={description}
          placeholder="What changed"
          onChange={setDescription}
        />
        <div className="field">
          <button type="submit" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create revision'}
          </button>
        </div>
      </form>
      {confirm.dialog}
      <ErrorBox error={create.error ?? undeploy.error ?? restore.error ?? remove.error} />
      {restore.isSuccess && <Notice>The revision is the working copy again.</Notice>}
      {environments.isError && <ErrorBox error={environments.error} />}
      <QueryView
        query={revisions}
        what="revisions"
        isEmpty={(d) => d.list.length === 0}
        empty="No revisions yet. A revision is a snapshot of the API that can be deployed to gateways."
      >
        {(data) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Revision</th>
                <th scope="col">Created</th>
                <th scope="col">Deployed to</th>
                <th scope="col">Deploy</th>
                <th scope="col">Other actions</th>
              </tr>
            </thead>
            <tbody>
              {data.list.map((r) => (
                <tr key={r.id}>
                  <td>
                    <strong>{r.displayName}</strong>
                    {r.description && <div className="muted">{r.description}</div>}
                  </td>
                  <td>{formatDate(r.createdTime)}</td>
                  <td>
                    {r.deploymentInfo.length === 0 && <span className="muted">not deployed</span>}
                    {r.deploymentInfo.map((d) => (
                      <div key={d.name}>
                        {d.name} <span className="muted">({d.vhost})</span>{' '}
                        <button
                          type="button"
                          className="secondary small"
                          disabled={undeploy.isPending}
                          onClick={() =>
                            confirm.ask(
                              {
                                title: `Undeploy ${r.displayName} from ${d.name}?`,
                                effect: `The gateways of ${d.name} stop serving ${api.name} ${api.version}: its subscribers’ calls there fail until a revision is deployed again.`,
                                confirm: `Undeploy from ${d.name}`,
                              },
                              () => undeploy.mutate({ revision: r, env: d }),
                            )
                          }
                        >
                          Undeploy from {d.name}
                        </button>
                        <DeploymentStatus deployment={d} />
                      </div>
                    ))}
                  </td>
                  <td>
                    <DeployControl api={api} revision={r} environments={environments.data?.list ?? []} />
                  </td>
                  <td>
                    <button type="button" className="secondary small" onClick={() => restore.mutate(r)}>
                      Restore {r.displayName}
                    </button>{' '}
                    <button
                      type="button"
                      className="secondary small"
                      disabled={r.deploymentInfo.length > 0}
                      title={r.deploymentInfo.length ? 'Undeploy it first' : undefined}
                      onClick={() =>
                        confirm.ask(
                          {
                            title: `Delete ${r.displayName}?`,
                            effect:
                              'The snapshot is gone for good; the working copy and the other revisions stay.',
                            confirm: `Delete ${r.displayName}`,
                          },
                          () => remove.mutate(r),
                        )
                      }
                    >
                      Delete {r.displayName}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </>
  );
}
