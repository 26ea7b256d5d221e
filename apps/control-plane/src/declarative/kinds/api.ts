/** APIs (and the APIs APIRules translate to) as manifests describe them. */
import type { Publisher } from '@apim/rest-contract';
import { badRequest } from '../../http/errors.js';
import { apiFields, DEFAULT_OPERATIONS, operationDraft, scopesOf } from '../../apis/api-model.js';
import {
  createApiIn,
  deleteApiIn,
  loadApi,
  replaceDefinitionIn,
  stripRow,
  updateApiIn,
} from '../../apis/apis.js';
import { parseImport } from '../../apis/import.js';
import { operationsOf, scopesOfDocument, type OperationDraft } from '../../apis/openapi/operations.js';
import type { FieldChange } from '../diff.js';
import type { ApiSpec, ApiDeployment } from '@apim/manifests';
import { changeLifecycle, rollOut } from './api-rollout.js';
import type { KindHandler, ReconcileScope } from './kind.js';

/** Fields that say how the API is rolled out rather than what it is: changing them takes no revision. */
const ROLLOUT_FIELDS = new Set(['lifecycleStatus', 'isDefaultVersion', 'deployments']);

function operationResource(d: OperationDraft): Publisher.APIOperations {
  return {
    target: d.target,
    verb: d.verb,
    authType: d.authEnabled ? 'Application & Application User' : 'None',
    throttlingPolicy: d.throttlingPolicy,
    scopes: d.scopes,
    rule: (d.rule ?? null) as Publisher.OperationRule | null,
  };
}

function ownScope(s: Publisher.APIScope): Publisher.APIScope {
  const { name, displayName, description, bindings } = s.scope;
  return {
    scope: {
      name,
      displayName: displayName ?? name,
      description: description ?? '',
      bindings: bindings ?? [],
    },
    shared: false,
  };
}

const byName = (a: Publisher.APIScope, b: Publisher.APIScope) => a.scope.name.localeCompare(b.scope.name);
const byEnvironment = (a: ApiDeployment, b: ApiDeployment) => a.environment.localeCompare(b.environment);

/** The row's fields (as apiFields writes them, defaults filled in) by the manifest's names. */
function fieldsAsSpec(f: { [K in keyof ReturnType<typeof apiFields>]: unknown }) {
  return {
    description: f.description,
    tags: f.tags,
    visibility: f.visibility,
    visibleRoles: f.visibleRoles,
    policies: f.subscriptionPolicies,
    apiThrottlingPolicy: f.apiThrottlingPolicy,
    securityScheme: f.securitySchemes,
    authorizationHeader: f.authorizationHeader,
    apiKeyHeader: f.apiKeyHeader,
    keyManagers: f.keyManagers,
    endpointConfig: f.endpointConfig,
    corsConfiguration: f.corsConfig ?? null,
    maxTps: f.maxTps ?? null,
    businessInformation: f.businessInformation ?? null,
    enableSchemaValidation: f.enableSchemaValidation,
    responseCachingEnabled: f.responseCachingEnabled,
    cacheTimeout: f.cacheTimeout,
    mediationPolicies: f.mediationPolicies ?? null,
    hosts: f.hosts,
  } as Partial<ApiSpec>;
}

/** The inline OpenAPI document bundled and checked as an import checks it. */
async function parsedDefinition(s: ReconcileScope, definition: Record<string, unknown>) {
  const parsed = await parseImport(
    { kind: 'inline', text: JSON.stringify(definition) },
    s.ctx.config.importUrlAllowlist,
  ).catch((e: { description?: string }) => {
    throw badRequest(`'definition' is not a usable OpenAPI document: ${e.description ?? String(e)}`);
  });
  return parsed.document;
}

async function firstVhost(s: ReconcileScope, environment: string): Promise<string | undefined> {
  const env = await s.tx.gatewayEnvironment.findUnique({ where: { name: environment } });
  return (env?.vhosts as Array<{ host: string }> | undefined)?.[0]?.host;
}

const topField = (c: FieldChange) => c.path.split('/')[1] ?? '';

export const apiKind: KindHandler<'API'> = {
  kind: 'API',

  async find(s, spec) {
    return s.tx.api.findUnique({ where: { name_version: { name: spec.name, version: spec.version } } });
  },

  async current(s, id) {
    const row = await loadApi(s.tx, id);
    const deployments = await s.tx.revisionDeployment.findMany({
      where: { apiId: id },
      include: { environment: true },
    });
    return {
      name: row.name,
      version: row.version,
      context: row.context,
      ...fieldsAsSpec(row),
      operations: row.operations.map(stripRow).map(operationResource),
      scopes: (await scopesOf(s.tx, row))
        .filter((x) => !x.shared)
        .map(ownScope)
        .sort(byName),
      definition: (row.definition as Record<string, unknown> | null) ?? undefined,
      lifecycleStatus: row.lifecycleStatus,
      isDefaultVersion: row.isDefaultVersion,
      deployments: deployments
        .map((d) => ({
          environment: d.environment.name,
          vhost: d.vhost,
          displayOnDevportal: d.displayOnDevportal,
        }))
        .sort(byEnvironment),
    };
  },

  async desired(s, spec) {
    const definition = spec.definition ? await parsedDefinition(s, spec.definition) : undefined;
    const drafts = spec.operations?.length
      ? spec.operations.map(operationDraft)
      : definition
        ? operationsOf(definition)
        : DEFAULT_OPERATIONS;
    const deployments: ApiDeployment[] = [];
    for (const d of spec.deployments ?? [])
      deployments.push({
        environment: d.environment,
        vhost: d.vhost ?? (await firstVhost(s, d.environment)),
        displayOnDevportal: d.displayOnDevportal ?? true,
      });
    return {
      name: spec.name,
      version: spec.version,
      context: spec.context,
      ...fieldsAsSpec(apiFields(spec)),
      operations: drafts.map(operationResource),
      scopes: (spec.scopes ?? [])
        .filter((x) => !x.shared)
        .map(ownScope)
        .sort(byName),
      definition,
      lifecycleStatus: spec.lifecycleStatus ?? 'CREATED',
      isDefaultVersion: spec.isDefaultVersion ?? false,
      deployments: deployments.sort(byEnvironment),
    };
  },

  async create(s, spec) {
    const definition = spec.definition ?? undefined;
    const drafts = (spec.operations ?? []).map(operationDraft);
    const row = await createApiIn(s.tx, s.principal, spec, {
      definition,
      scopes: definition ? scopesOfDocument(definition, drafts) : [],
    });
    await changeLifecycle(s, row.id, row.lifecycleStatus, spec.lifecycleStatus ?? 'CREATED');
    await rollOut(s, row.id, spec, true);
    return row.id;
  },

  async update(s, id, spec, changes) {
    const content = changes.filter((c) => !ROLLOUT_FIELDS.has(topField(c)));
    const current = await loadApi(s.tx, id);
    if (changes.some((c) => topField(c) !== 'lifecycleStatus' && topField(c) !== 'deployments'))
      await updateApiIn(s.tx, id, spec);
    if (spec.definition && changes.some((c) => topField(c) === 'definition')) {
      const drafts = (spec.operations ?? []).map(operationDraft);
      await replaceDefinitionIn(s.tx, id, spec.definition, {
        operations: drafts,
        scopes: scopesOfDocument(spec.definition, drafts),
      });
    }
    await changeLifecycle(s, id, current.lifecycleStatus, spec.lifecycleStatus ?? current.lifecycleStatus);
    if (content.length || changes.some((c) => topField(c) === 'deployments'))
      await rollOut(s, id, spec, content.length > 0);
  },

  async remove(s, id) {
    await deleteApiIn(s.tx, id);
  },

  async all(s) {
    const rows = await s.tx.api.findMany({
      select: { id: true },
      orderBy: [{ name: 'asc' }, { version: 'asc' }],
    });
    return rows.map((r) => r.id);
  },
};
