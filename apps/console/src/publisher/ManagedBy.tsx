/** Which manifest made the API (apim apply) and its state: "APIRule default/httpbin: Ready — ...". */
import type { Publisher } from '@apim/rest-contract';
import { StatusBadge } from '../shared/ui';

export function ManagedBy({ managedBy }: { managedBy: Publisher.ManagedBy }) {
  return (
    <>
      {managedBy.kind} <code>{managedBy.name}</code>: <StatusBadge status={managedBy.state} />
      {managedBy.description ? ` — ${managedBy.description}` : ''}
    </>
  );
}
