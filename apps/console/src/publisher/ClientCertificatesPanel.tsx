/**
 * The client certificates of an API secured with mutual TLS: who may call it by certificate, and on
 * which tier. They reach the gateways with the API's next revision, like its other settings.
 */
import { useState } from 'react';
import { request } from '../shared/api';
import { useRest } from '../shared/hooks';
import { errorAt, useCheckedWrite } from '../shared/schema';
import {
  DeleteButton,
  FormPanel,
  formatDate,
  QueryView,
  SelectField,
  StatusBadge,
  TextField,
} from '../shared/ui';
import { useSubscriptionTiers } from './basics';
import type { Api } from './types';

interface ClientCertificate {
  alias: string;
  tier: string;
}

interface ClientCertificates {
  count: number;
  certificates: ClientCertificate[];
}

interface CertificateInfo {
  status: string;
  validity: { from: string; to: string };
  subject: string;
}

export function ClientCertificatesPanel({ api }: { api: Api }) {
  const path = `/apis/${api.id}/client-certificates`;
  const list = useRest<ClientCertificates>('publisher', path, { limit: 1000 });
  return (
    <>
      <section className="panel" aria-labelledby="client-certificates">
        <h2 id="client-certificates">Client certificates</h2>
        <p className="muted">
          Callers presenting one of these certificates over HTTPS are admitted by mutual TLS and throttled by
          its tier. A change takes effect when the next revision is deployed.
        </p>
        <QueryView
          query={list}
          what="the client certificates"
          isEmpty={(d) => d.count === 0}
          empty="No client certificates yet: nobody can call this API by certificate."
        >
          {(d) => (
            <table aria-label="Client certificates">
              <thead>
                <tr>
                  <th scope="col">Alias</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Tier</th>
                  <th scope="col">Validity</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.certificates.map((c) => (
                  <CertificateRow key={c.alias} path={`${path}/${c.alias}`} certificate={c} />
                ))}
              </tbody>
            </table>
          )}
        </QueryView>
      </section>
      <UploadForm path={path} />
    </>
  );
}

function CertificateRow({ path, certificate }: { path: string; certificate: ClientCertificate }) {
  const info = useRest<CertificateInfo>('publisher', path);
  return (
    <tr>
      <td>
        <code>{certificate.alias}</code>
      </td>
      <td>{info.data?.subject}</td>
      <td>{certificate.tier}</td>
      <td>
        {info.data && (
          <>
            <StatusBadge status={info.data.status} /> until {formatDate(info.data.validity.to)}
          </>
        )}
      </td>
      <td>
        <DeleteButton
          api="publisher"
          path={path}
          stale={[['publisher', path.slice(0, path.lastIndexOf('/'))]]}
          label={`Delete the certificate ${certificate.alias}`}
        />
      </td>
    </tr>
  );
}

function UploadForm({ path }: { path: string }) {
  const tiers = useSubscriptionTiers();
  const [alias, setAlias] = useState('');
  const [tier, setTier] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const write = useCheckedWrite(
    'publisher',
    'addAPIClientCertificate',
    (body: { alias: string; tier: string }) => {
      const form = new FormData();
      form.set('alias', body.alias);
      form.set('tier', body.tier);
      if (file) form.append('certificate', file, file.name);
      return request('publisher', path, { form });
    },
    {
      stale: [['publisher', path]],
      onSuccess: () => {
        setAlias('');
        setFile(null);
        // a file input cannot be cleared by value: a new one replaces it
        setInputKey((k) => k + 1);
      },
    },
  );
  const tierNames = (tiers.data?.list ?? []).map((t) => t.policyName);
  const chosenTier = tier || tierNames[0] || '';
  const fileError = errorAt(write.errors, 'certificate');
  return (
    <FormPanel
      title="Add a client certificate"
      write={write}
      shown={['alias', 'tier', 'certificate']}
      submit="Upload certificate"
      pending="Uploading…"
      done="Uploaded. Create a revision and deploy it to put the change live."
      onSubmit={() =>
        write.submit(
          { alias: alias.trim(), tier: chosenTier },
          file ? {} : { certificate: 'Choose the certificate file (.crt, .cer or .pem)' },
        )
      }
    >
      <div className="row">
        <TextField
          label="Alias"
          placeholder="partner-1"
          value={alias}
          error={errorAt(write.errors, 'alias')}
          onChange={setAlias}
        />
        <SelectField
          label="Tier"
          value={chosenTier}
          options={tierNames}
          error={
            errorAt(write.errors, 'tier') ??
            (tiers.isError ? `The tiers could not be loaded: ${tiers.error.message}` : undefined)
          }
          onChange={setTier}
        />
      </div>
      <div className={`field${fileError ? ' has-error' : ''}`}>
        <label htmlFor="client-certificate-file">Certificate file</label>
        <input
          key={inputKey}
          id="client-certificate-file"
          type="file"
          accept=".crt,.cer,.pem,application/x-x509-ca-cert,application/x-pem-file"
          aria-invalid={fileError ? true : undefined}
          aria-describedby={fileError ? 'client-certificate-file-error' : undefined}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        {fileError && (
          <small id="client-certificate-file-error" className="field-error" role="alert">
            {fileError}
          </small>
        )}
      </div>
    </FormPanel>
  );
}
