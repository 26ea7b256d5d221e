/**
 * Whether a deployed revision really runs: what the running gateway nodes of its environment
 * report about it (gateway_node, gateway_deployment_status, written by each node: see the
 * gateway's src/store/deployment-report.ts).
 */
import { GATEWAY_HEARTBEAT_MS } from '@apim/contracts';
import type { PrismaClient, TransactionClient } from '@apim/db';
import type { DEPLOYMENT_STATES } from '@apim/rest-contract';

/** A node is running while it was seen within three heartbeats (one missed write is no outage). */
const LIVE_WITHIN_SECONDS = (3 * GATEWAY_HEARTBEAT_MS) / 1000;
const POLL_MS = 250;

type Db = PrismaClient | TransactionClient;

/** A revision deployed to an environment. */
export interface Deployment {
  apiId: string;
  revisionId: string;
  /** the environment's name */
  environment: string;
}

export interface GatewayReport {
  gatewayId: string;
  /** PENDING: the node has not reported this revision (it has not compiled it yet, or serves another) */
  state: 'ACCEPTED' | 'REFUSED' | 'PENDING';
  reason: string | null;
  updatedTime: string | null;
}

export interface DeploymentStatus {
  status: (typeof DEPLOYMENT_STATES)[number];
  /** why it failed, or what it waits for; null once deployed */
  statusReason: string | null;
  gateways: GatewayReport[];
}

interface NodeReportRow {
  gateway_id: string;
  environment: string;
  api_id: string | null;
  revision_id: string | null;
  state: 'ACCEPTED' | 'REFUSED' | null;
  reason: string | null;
  updated_at: Date | null;
}

/**
 * Reads, in one query whatever their number, what the running nodes of these deployments'
 * environments report, and answers each deployment's status from it.
 */
export async function deploymentStatuses(
  db: Db,
  deployments: readonly Deployment[],
): Promise<(d: Deployment) => DeploymentStatus> {
  const rows = deployments.length
    ? await db.$queryRaw<NodeReportRow[]>`
        SELECT n.id AS gateway_id, n.environment, s.api_id::text AS api_id,
               s.revision_id::text AS revision_id, s.state, s.reason, s.updated_at
          FROM gateway_node n
          LEFT JOIN gateway_deployment_status s
            ON s.gateway_id = n.id AND s.api_id = ANY(${unique(deployments.map((d) => d.apiId))}::uuid[])
         WHERE n.environment = ANY(${unique(deployments.map((d) => d.environment))}::text[])
           AND n.last_seen_at > now() - make_interval(secs => ${LIVE_WITHIN_SECONDS})
         ORDER BY n.id`
    : [];
  const nodes = new Map<string, Set<string>>();
  const reports = new Map<string, NodeReportRow>();
  for (const row of rows) {
    const ofEnvironment = nodes.get(row.environment) ?? new Set<string>();
    nodes.set(row.environment, ofEnvironment.add(row.gateway_id));
    if (row.api_id) reports.set(`${row.gateway_id} ${row.api_id}`, row);
  }
  return (d) =>
    statusOf(
      d,
      [...(nodes.get(d.environment) ?? [])].map((id) => reportOf(id, d, reports.get(`${id} ${d.apiId}`))),
    );
}

function reportOf(gatewayId: string, d: Deployment, row: NodeReportRow | undefined): GatewayReport {
  if (row?.state && row.revision_id === d.revisionId)
    return {
      gatewayId,
      state: row.state,
      reason: row.reason,
      updatedTime: row.updated_at?.toISOString() ?? null,
    };
  const reason = row ? 'still serves another revision' : 'has not reported this revision yet';
  return { gatewayId, state: 'PENDING', reason, updatedTime: null };
}

/** DEPLOYED when every running node serves the revision, FAILED when one refused it, else PENDING. */
function statusOf(d: Deployment, gateways: GatewayReport[]): DeploymentStatus {
  if (!gateways.length)
    return {
      status: 'PENDING',
      statusReason: `No gateway of environment '${d.environment}' is running`,
      gateways,
    };
  const refused = gateways.filter((g) => g.state === 'REFUSED');
  if (refused.length)
    return {
      status: 'FAILED',
      statusReason: refused.map((g) => `Gateway ${g.gatewayId} refused the revision: ${g.reason}`).join('; '),
      gateways,
    };
  const waiting = gateways.filter((g) => g.state === 'PENDING');
  if (!waiting.length) return { status: 'DEPLOYED', statusReason: null, gateways };
  return {
    status: 'PENDING',
    statusReason:
      `Waiting for ${waiting.length} of ${gateways.length} gateways of environment '${d.environment}' ` +
      `to serve the revision: ${waiting.map((g) => `${g.gatewayId} ${g.reason}`).join(', ')}`,
    gateways,
  };
}

/**
 * Waits until the gateways have answered for a revision deployed to these environments: resolves
 * with each environment's status, DEPLOYED or FAILED, or PENDING for those still waiting when
 * `timeoutMs` has passed.
 */
export async function waitForDeployments(
  prisma: PrismaClient,
  apiId: string,
  revisionId: string,
  environments: readonly string[],
  timeoutMs: number,
): Promise<Record<string, DeploymentStatus>> {
  const deployments = environments.map((environment) => ({ apiId, revisionId, environment }));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const statusOf = await deploymentStatuses(prisma, deployments);
    const states = Object.fromEntries(deployments.map((d) => [d.environment, statusOf(d)]));
    const settled = Object.values(states).every((s) => s.status !== 'PENDING');
    if (settled || Date.now() >= deadline) return states;
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
