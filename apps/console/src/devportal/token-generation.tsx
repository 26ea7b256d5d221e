/**
 * Generating an access token of an application key (generate-token), shared by the keys page and
 * try-it: the write, checked against the REST schema, remembers the token for the tab's session;
 * and the validity field with its check.
 */
import { request } from '../shared/api';
import { errorAt, useCheckedWrite, type FieldErrors } from '../shared/schema';
import { TextField } from '../shared/ui';
import type { Complete, Devportal } from '@apim/rest-contract';
import { rememberCredential, type RememberedCredential } from './token-memory';

export function useGenerateToken(
  app: Complete<Devportal.Application> | undefined,
  key: Devportal.ApplicationKey | undefined,
  onToken?: (remembered: RememberedCredential, token: Complete<Devportal.ApplicationToken>) => void,
) {
  return useCheckedWrite(
    'devportal',
    'applicationsApplicationIdOauthKeysKeyMappingIdGenerateTokenPost',
    (body: Devportal.ApplicationTokenGenerateRequest) =>
      request<Complete<Devportal.ApplicationToken>>(
        'devportal',
        `/applications/${app!.applicationId}/oauth-keys/${key!.keyMappingId}/generate-token`,
        { json: body },
      ),
    {
      stale: [],
      onSuccess: (t) => {
        const remembered: RememberedCredential = {
          applicationId: app!.applicationId,
          applicationName: app!.name,
          keyType: key!.keyType,
          kind: 'oauth',
          value: t.accessToken,
          scopes: t.tokenScopes,
          expiresAt: Date.now() + t.validityTime * 1000,
        };
        rememberCredential(remembered);
        onToken?.(remembered, t);
      },
    },
  );
}

/** The form's own check of a validity in seconds (the schema takes any integer). */
export function validityErrors(seconds: number): FieldErrors {
  return Number.isInteger(seconds) && seconds >= 1
    ? {}
    : { validityPeriod: 'must be a whole number of seconds' };
}

export function ValidityField({
  value,
  errors,
  onChange,
}: {
  value: string;
  errors: FieldErrors | null;
  onChange: (v: string) => void;
}) {
  return (
    <TextField
      label="Validity (seconds)"
      type="number"
      min={1}
      value={value}
      error={errorAt(errors, 'validityPeriod')}
      onChange={onChange}
    />
  );
}
