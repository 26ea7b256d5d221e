/** Shared set-up of the declarative tests: a control plane, the admin applying, object builders. */
import { startTestBed, type TestBed } from '../test-support.js';
import type { ApiSpec, DesiredObject, Target, TargetKind, TargetSpecs } from '@apim/manifests';
import { reconcile, type ReconcileRequest } from './reconcile.js';

export interface DeclarativeBed extends TestBed {
  apply(objects: DesiredObject[], options?: Partial<ReconcileRequest>): ReturnType<typeof reconcile>;
  eventCount(): Promise<number>;
}

export async function startDeclarativeBed(
  options: Parameters<typeof startTestBed>[0] = {},
): Promise<DeclarativeBed> {
  const bed = await startTestBed(options);
  const admin = await bed.prisma.user.findUniqueOrThrow({ where: { username: 'admin' } });
  const principal = { userId: admin.id, username: admin.username };
  return {
    ...bed,
    apply: (objects, request = {}) =>
      reconcile(bed.cp.app.context, principal, {
        mode: 'apply',
        dryRun: false,
        prune: false,
        prepare: () => ({ objects, problems: [] }),
        ...request,
      }),
    eventCount: () => bed.prisma.gatewayEvent.count(),
  } satisfies DeclarativeBed;
}

/** A product-kind object as the manifests package makes it. */
export function desired<K extends TargetKind>(kind: K, name: string, spec: TargetSpecs[K]): DesiredObject {
  const manifest = { apiVersion: 'apim.io/v1', kind, name };
  return {
    manifest,
    labels: {},
    document: { ...manifest, metadata: { name }, spec },
    target: { kind, spec } as Target,
  };
}

/** An API named `name` in version v1, deployed to the Default environment. */
export function apiObject(spec: Partial<ApiSpec> & { name: string }): DesiredObject {
  return desired('API', `${spec.name}:v1`, {
    version: 'v1',
    context: `/${spec.name}`,
    endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://127.0.0.1:9/backend' } },
    lifecycleStatus: 'CREATED',
    deployments: [{ environment: 'Default' }],
    ...spec,
  });
}
