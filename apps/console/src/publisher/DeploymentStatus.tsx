/** What the gateways of an environment report about a deployed revision. */
import type { Publisher } from '@apim/rest-contract';
import { DEPLOYMENT_STATUS_LABELS, GATEWAY_REPORT_LABELS, labelOf } from '../shared/labels';
import { StatusBadge } from '../shared/ui';

/** Deployed; Failed with the gateway's reason; Pending with what it waits for; then each gateway. */
export function DeploymentStatus({ deployment }: { deployment: Publisher.APIRevisionDeployment }) {
  const { status, statusReason, gateways = [] } = deployment;
  if (!status) return null;
  return (
    <div className="deployment-status">
      <StatusBadge status={status} labels={DEPLOYMENT_STATUS_LABELS} />
      {statusReason && <span className={status === 'FAILED' ? undefined : 'muted'}> {statusReason}</span>}
      {gateways.length > 0 && (
        <details>
          <summary>{gateways.length === 1 ? '1 gateway' : `${gateways.length} gateways`}</summary>
          <ul>
            {gateways.map((g) => (
              <li key={g.gatewayId}>
                {g.gatewayId}: {labelOf(GATEWAY_REPORT_LABELS, g.state)}
                {g.reason && <span className="muted"> ({g.reason})</span>}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** Some deployment still waits for its gateways' answer: worth asking again soon. */
export function awaitsGateways(revisions: readonly Publisher.APIRevision[] | undefined): boolean {
  return !!revisions?.some((r) => r.deploymentInfo?.some((d) => d.status === 'PENDING'));
}
