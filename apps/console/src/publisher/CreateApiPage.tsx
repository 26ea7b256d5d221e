import { useState } from 'react';
import { useNavigate } from 'react-router';
import { request } from '../shared/api';
import { useRestMutation } from '../shared/hooks';
import { useBodyCheck, type FieldErrors } from '../shared/schema';
import { ErrorBox, OtherErrors, Page } from '../shared/ui';
import {
  ApiBasicsFields,
  BASICS_FIELDS,
  basicsBody,
  basicsErrors,
  duplicateErrors,
  EMPTY_BASICS,
  type ApiBasics,
} from './basics';
import type { Api } from './types';

/** A new API from a form; its operations start as the default wildcard resources. */
export function CreateApiPage() {
  const navigate = useNavigate();
  const check = useBodyCheck('publisher', 'createAPI');
  const [basics, setBasics] = useState<ApiBasics>(EMPTY_BASICS);
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const create = useRestMutation(
    (body: Record<string, unknown>) => request<Api>('publisher', '/apis', { json: body }),
    {
      stale: [['publisher', '/apis']],
      onSuccess: (api) => navigate(`/publisher/apis/${api.id}`),
    },
  );
  const checkUnique = async () => {
    const dup = await duplicateErrors(basics.name, basics.context, basics.version.trim()).catch(() => ({}));
    setErrors((prev) => {
      const next = { ...(prev ?? {}) };
      delete next.name;
      delete next.context;
      return { ...next, ...dup };
    });
    return dup;
  };
  return (
    <Page title="Create an API">
      <form
        className="panel"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const body = basicsBody(basics);
          const found = { ...basicsErrors(check(body)), ...(await checkUnique()) };
          setErrors(Object.keys(found).length ? found : null);
          if (Object.keys(found).length === 0) create.mutate(body);
        }}
      >
        <ApiBasicsFields
          value={basics}
          onChange={setBasics}
          errors={errors}
          onBlurUnique={() => void checkUnique()}
        />
        <OtherErrors errors={errors} shown={BASICS_FIELDS} />
        <ErrorBox error={create.error} />
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create'}
        </button>
      </form>
    </Page>
  );
}
