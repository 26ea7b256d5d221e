/** The admin's manifests REST API (/manifests): apply, diff, delete, the status of applied objects, export, schemas. */
import { Scopes } from '@apim/contracts';
import { manifestKindSchemas, validateManifests } from '@apim/manifests';
import type { Admin } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { errorBody } from '../http/errors.js';
import { callerOf, operation, ref, type OperationSpec, type RestRequest } from '../http/rest-api.js';
import { exportManifests, type ExportFilter } from './export.js';
import { awaitGateways } from './gateway-wait.js';
import { managedStatus } from './managed-objects.js';
import { ManifestRejected, reconcile, type ReconcileRequest } from './reconcile.js';

const tag = 'Manifests';
const access = [Scopes.admin];
const text = { type: 'string', minLength: 1, maxLength: 255 };

/** A bad request body (not a ManifestRequest) has no problems list; refused manifests have one. */
const REFUSED = {
  description:
    'The request or its manifests were refused (problems: one per manifest problem): nothing was changed',
  schema: {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { type: 'integer' },
      message: { type: 'string' },
      description: { type: 'string' },
      problems: { type: 'array', items: ref('ManifestProblem') },
    },
  },
};

export function manifestOperations(ctx: AppContext): OperationSpec<never, never>[] {
  /** Validates the documents against the routes already served, reconciles, waits for the gateways. */
  async function run(
    req: RestRequest<Admin.ManifestRequest, unknown>,
    mode: ReconcileRequest['mode'],
    dryRun: boolean,
  ) {
    const { body } = req;
    const principal = callerOf(req);
    try {
      const result = await reconcile(ctx, principal, {
        mode,
        dryRun,
        prune: body.prune ?? false,
        label: body.label,
        prepare: (existingRoutes) =>
          validateManifests(body.documents, {
            ...ctx.config.apiRules,
            defaultOwner: principal.username,
            existingRoutes,
          }),
      });
      if (!dryRun && mode === 'apply')
        result.objects = await awaitGateways(ctx, result.objects, body.waitSeconds ?? 30);
      return { status: 200, body: result };
    } catch (e) {
      if (!(e instanceof ManifestRejected)) throw e;
      const description = `${e.problems.length} problem(s) in the manifests: nothing was changed`;
      return { status: 400, body: { ...errorBody(400, description), problems: e.problems } };
    }
  }

  const writes = [
    [
      'apply',
      'applyManifests',
      'Make the objects match the manifests (one transaction), then wait for the gateways',
    ],
    ['diff', 'diffManifests', 'What apply would change, field by field (changes nothing)'],
    ['delete', 'deleteManifests', 'Delete the objects the manifests name'],
  ] as const;

  return [
    ...writes.map(([path, operationId, summary]) =>
      operation<Admin.ManifestRequest>({
        method: 'post',
        path: `/manifests/${path}`,
        operationId,
        summary,
        tag,
        access,
        body: ref('ManifestRequest'),
        responses: {
          200: { description: 'What was done (or would be)', schema: ref('ManifestResult') },
          400: REFUSED,
        },
        handle: (req) =>
          run(req, path === 'delete' ? 'delete' : 'apply', path === 'diff' || (req.body.dryRun ?? false)),
      }),
    ),
    operation<unknown, { kind?: string; name?: string; label?: string }>({
      method: 'get',
      path: '/manifests',
      operationId: 'getManagedObjects',
      summary: 'The objects manifests made, with their state',
      tag,
      access,
      query: { properties: { kind: text, name: text, label: text } },
      responses: { 200: { description: 'Managed objects', schema: ref('ManagedObjectList') } },
      async handle({ query }) {
        const rows = await ctx.prisma.managedObject.findMany({
          where: { kind: query.kind, name: query.name, label: query.label },
          orderBy: [{ kind: 'asc' }, { name: 'asc' }],
        });
        // an API still Processing is looked at again (once, no waiting): `apim status --wait` polls this
        const list = await awaitGateways(ctx, rows.map(managedStatus), 0);
        return { status: 200, body: { count: list.length, list } };
      },
    }),
    operation<unknown, ExportFilter>({
      method: 'get',
      path: '/manifests/export',
      operationId: 'exportManifests',
      summary: 'Every object (or those of a kind, or one) as manifests; secrets left out',
      tag,
      access,
      query: { properties: { kind: text, name: text } },
      responses: { 200: { description: 'The manifests', schema: ref('ManifestExport') } },
      async handle({ query }) {
        return { status: 200, body: { documents: await exportManifests(ctx, query) } };
      },
    }),
    operation({
      method: 'get',
      path: '/manifests/schemas',
      operationId: 'getManifestSchemas',
      summary: 'The JSON Schema of each manifest kind, by apiVersion/kind',
      tag,
      access,
      responses: { 200: { description: 'Schemas', schema: { type: 'object' } } },
      async handle() {
        return { status: 200, body: manifestKindSchemas };
      },
    }),
  ] as OperationSpec<never, never>[];
}
