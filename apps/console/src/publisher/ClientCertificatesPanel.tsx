/**
 * The client certificates of an API secured with mutual TLS: who may call it by certificate, on
 * which tier and which endpoints (production or sandbox). They reach the gateways with the API's next revision, like its other settings.
 */
import { useState } from 'react';
import { request, type ListOf } from '../shared/api';
import { useRest } from '../shared/hooks';
import { errorAt, useCheckedWrite } from '../shared/schema';
import {
  DeleteButton,
  FormPanel,
  formatDate,
  ListTable,
  SelectField,
  StatusBadge,
  TextField,
} from '../shared/ui';
import { useSubscriptionTiers } from './basics';
import type { Complete, Publisher } from '@apim/rest-contract';
import { KEY_TYPE_LABELS, labelOf, optionsOf } from '../shared/labels';

type KeyType = NonNullable<Publisher.ClientCertMetadata['keyType']>;

const KEY_TYPES = optionsOf(KEY_TYPE_LABELS);

/** The publisher API lists certificates in an envelope of their own (WSO2's). */
const asList = (d: Publisher.ClientCertificates): ListOf<Complete<Publisher.ClientCertMetadata>> => ({
  count: d.count,
  // every certificate is answered with all its fields
  list: d.certificates as Complete<Publisher.ClientCertMetadata>[],
});

export function ClientCertificatesPanel({ api }: { api: Complete<Publisher.API> }) {
  const path = `/apis/${api.id}/client-certificates`;
  const list = useRest('publisher', path, { limit: 1000 }, { select: asList });
  const pathOf = (c: Complete<Publisher.ClientCertMetadata>) => `${path}/${c.alias}`;
  return (
    <>
      <section className="panel" aria-labelledby="client-certificates">
        <h2 id="client-certificates">Client certificates</h2>
        <p className="muted">
          Callers presenting one of these certificates over HTTPS are admitted by mutual TLS, throttled by its
          tier and sent to the production or sandbox endpoints by its key type. A change takes effect when the
          next revision is deployed.
        </p>
        <ListTable
          query={list}
          what="the client certificates"
          label="Client certificates"
          empty="No client certificates yet: nobody can call this API by certificate."
          rowKey={(c) => c.alias}
          columns={[
            { header: 'Alias', cell: (c) => <code>{c.alias}</code> },
            { header: 'Subject', cell: (c) => <CertificateDetail path={pathOf(c)} show="subject" /> },
            { header: 'Tier', cell: (c) => c.tier },
            { header: 'Endpoints', cell: (c) => labelOf(KEY_TYPE_LABELS, c.keyType ?? 'PRODUCTION') },
            { header: 'Validity', cell: (c) => <CertificateDetail path={pathOf(c)} show="validity" /> },
          ]}
          actions={(c) => (
            <DeleteButton
              api="publisher"
              path={pathOf(c)}
              stale={[['publisher', path]]}
              label={`Delete the certificate ${c.alias}`}
            />
          )}
        />
      </section>
      <UploadForm path={path} />
    </>
  );
}

/** What the list leaves out, read from the certificate itself (one request per certificate, shared by its cells). */
function CertificateDetail({ path, show }: { path: string; show: 'subject' | 'validity' }) {
  const { data } = useRest<Complete<Publisher.CertificateInfo>>('publisher', path);
  if (!data) return null;
  if (show === 'subject') return <>{data.subject}</>;
  return (
    <>
      <StatusBadge status={data.status} /> until {formatDate(data.validity.to)}
    </>
  );
}

function UploadForm({ path }: { path: string }) {
  const tiers = useSubscriptionTiers();
  const [alias, setAlias] = useState('');
  const [tier, setTier] = useState('');
  const [keyType, setKeyType] = useState<KeyType>('PRODUCTION');
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const write = useCheckedWrite(
    'publisher',
    'addAPIClientCertificate',
    (body: { alias: string; tier: string; keyType: KeyType }) => {
      const form = new FormData();
      form.set('alias', body.alias);
      form.set('tier', body.tier);
      form.set('keyType', body.keyType);
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
      shown={['alias', 'tier', 'keyType', 'certificate']}
      submit="Upload certificate"
      pending="Uploading…"
      done="Uploaded. Create a revision and deploy it to put the change live."
      onSubmit={() =>
        write.submit(
          { alias: alias.trim(), tier: chosenTier, keyType },
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
        <SelectField
          label="Key type"
          value={keyType}
          options={KEY_TYPES}
          error={errorAt(write.errors, 'keyType')}
          onChange={(v) => setKeyType(v as KeyType)}
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
