import { useState } from 'react';
import { request } from '../shared/api';
import { Page } from '../shared/ui';
import { EMPTY_BASICS, NewApiForm } from './basics';
import type { Complete, Publisher } from '@apim/rest-contract';

/** A new API from a form; its operations start as the default wildcard resources. */
export function CreateApiPage() {
  const [basics, setBasics] = useState(EMPTY_BASICS);
  return (
    <Page title="Create an API">
      <NewApiForm
        value={basics}
        onChange={setBasics}
        send={(body) => request<Complete<Publisher.API>>('publisher', '/apis', { json: body })}
        submit="Create"
        pending="Creating…"
      />
    </Page>
  );
}
