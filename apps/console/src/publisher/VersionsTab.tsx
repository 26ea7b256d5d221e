/** Versions: every version of this API, which one is the default, and a new version from this one. */
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { request, type ListOf } from '../shared/api';
import { useRest, useRestMutation } from '../shared/hooks';
import { useRestDocument } from '../shared/schema';
import { Checkbox, ErrorBox, QueryView, StatusBadge, TextField } from '../shared/ui';
import type { Complete, Publisher } from '@apim/rest-contract';
import { LIFECYCLE_STATE_LABELS } from '../shared/labels';

export function VersionsTab({ api }: { api: Complete<Publisher.API> }) {
  const navigate = useNavigate();
  const versions = useRest<ListOf<Complete<Publisher.APIInfo>>>('publisher', '/apis', {
    query: `context:${api.context}`,
    limit: 100,
  });
  const doc = useRestDocument('publisher');
  const [version, setVersion] = useState('');
  const [makeDefault, setMakeDefault] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const copy = useRestMutation(
    () =>
      request<Complete<Publisher.API>>('publisher', '/apis/copy-api', {
        method: 'POST',
        query: { apiId: api.id, newVersion: version.trim(), defaultVersion: makeDefault },
      }),
    { stale: [['publisher', '/apis']], onSuccess: (created) => navigate(`/publisher/apis/${created.id}`) },
  );
  // The version's rules come from the API schema the server validates with.
  const versionSchema = (
    doc.data as
      { components?: { schemas?: { API?: { properties?: { version?: { pattern?: string } } } } } } | undefined
  )?.components?.schemas?.API?.properties?.version;
  return (
    <>
      <div className="panel">
        <QueryView query={versions} what="versions">
          {(data) => (
            <table>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Status</th>
                  <th scope="col">Default</th>
                </tr>
              </thead>
              <tbody>
                {data.list
                  .filter((v) => v.context === api.context)
                  .map((v) => (
                    <tr key={v.id}>
                      <td>
                        {v.id === api.id ? (
                          <strong>{v.version} (this one)</strong>
                        ) : (
                          <Link to={`/publisher/apis/${v.id}`}>{v.version}</Link>
                        )}
                      </td>
                      <td>
                        <StatusBadge status={v.lifeCycleStatus} labels={LIFECYCLE_STATE_LABELS} />
                      </td>
                      <td>{v.isDefaultVersion ? 'default version' : ''}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
        </QueryView>
        <p className="hint">To make a version the default, tick “Default version” on its Overview tab.</p>
      </div>
      <form
        className="panel"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const v = version.trim();
          if (!v) return setError('is required');
          if (versionSchema?.pattern && !new RegExp(versionSchema.pattern, 'u').test(v))
            return setError('contains characters that are not allowed');
          if (versions.data?.list.some((x) => x.context === api.context && x.version === v))
            return setError(`Version ${v} already exists`);
          setError(undefined);
          copy.mutate();
        }}
      >
        <h2>Create a new version</h2>
        <TextField
          label="New version"
          required
          value={version}
          placeholder="2.0.0"
          error={error}
          onChange={setVersion}
        />
        <Checkbox label="Make it the default version" checked={makeDefault} onChange={setMakeDefault} />
        <ErrorBox error={copy.error} />
        <button type="submit" disabled={copy.isPending}>
          {copy.isPending ? 'Creating…' : 'Create new version'}
        </button>
      </form>
    </>
  );
}
