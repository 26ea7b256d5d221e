/** The developer portal's API catalog: published APIs the caller may see, their tiers and documents. */
import type { PrismaClient } from '@apim/db';
import { API_DEFAULTS, type Complete, type Devportal } from '@apim/rest-contract';
import type { Principal } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { documentResponse, exportOpenApi } from '../apis/openapi/operations.js';
import { jsonMediaFirst } from '../apis/openapi/media-order.js';
import { API_INCLUDE, type ApiRow } from '../apis/api-model.js';
import { visibleApis } from '../applications/access.js';
import { requireApiType } from '../apis/api-type.js';

export async function visibleApi(
  prisma: PrismaClient,
  principal: Principal | undefined,
  apiId: string,
): Promise<ApiRow> {
  const api = await prisma.api.findFirst({
    where: { id: apiId, ...visibleApis(principal) },
    include: API_INCLUDE,
  });
  if (!api) throw notFound('API');
  return api;
}

interface Vhost {
  host: string;
  httpContext?: string;
  httpPort?: number;
  httpsPort?: number;
}

/** Where the API can be called: one entry per environment it is deployed to (shown in the portal). */
export async function endpointUrls(prisma: PrismaClient, api: ApiRow) {
  const deployments = await prisma.revisionDeployment.findMany({
    where: { apiId: api.id, displayOnDevportal: true },
    include: { environment: true },
  });
  return deployments.map((d) => {
    const vhost = (d.environment.vhosts as unknown as Vhost[]).find((v) => v.host === d.vhost) ?? {
      host: d.vhost,
    };
    const path = `${vhost.httpContext ?? ''}${api.context}/${api.version}`;
    return {
      environmentName: d.environment.name,
      environmentDisplayName: d.environment.displayName,
      environmentType: d.environment.type,
      URLs: {
        http: `http://${vhost.host}:${vhost.httpPort ?? 80}${path}`,
        // a vhost without an HTTPS port has no HTTPS listener: no URL where nothing answers
        https: vhost.httpsPort ? `https://${vhost.host}:${vhost.httpsPort}${path}` : null,
      },
      defaultVersionURLs: api.isDefaultVersion
        ? { http: `http://${vhost.host}:${vhost.httpPort ?? 80}${vhost.httpContext ?? ''}${api.context}` }
        : null,
    };
  });
}

export function catalogInfo(
  api: Pick<
    ApiRow,
    | 'id'
    | 'name'
    | 'description'
    | 'context'
    | 'version'
    | 'type'
    | 'lifecycleStatus'
    | 'tags'
    | 'subscriptionPolicies'
    | 'isDefaultVersion'
  > & { provider: { username: string } },
): Complete<Devportal.APIInfo> {
  return {
    id: api.id,
    name: api.name,
    description: api.description,
    context: api.context,
    version: api.version,
    type: api.type,
    provider: api.provider.username,
    lifeCycleStatus: api.lifecycleStatus,
    isDefaultVersion: api.isDefaultVersion,
    tags: api.tags,
    throttlingPolicies: api.subscriptionPolicies,
  };
}

export async function catalogApi(prisma: PrismaClient, api: ApiRow): Promise<Complete<Devportal.API>> {
  const tiers = await prisma.throttlingPolicy.findMany({
    where: { type: 'SUBSCRIPTION', name: { in: api.subscriptionPolicies } },
  });
  return {
    ...catalogInfo(api),
    tiers: tiers.map((t) => ({
      tierName: t.name,
      tierPlan: t.billingPlan,
      description: t.description ?? '',
      requestCount: t.requestCount,
      unitTime: t.unitTime,
      timeUnit: t.timeUnit,
    })),
    securityScheme: api.securitySchemes,
    keyManagers: api.keyManagers,
    authorizationHeader: api.authorizationHeader ?? API_DEFAULTS.authorizationHeader,
    apiKeyHeader: api.apiKeyHeader ?? API_DEFAULTS.apiKeyHeader,
    businessInformation: api.businessInformation as Record<string, unknown> | null,
    endpointURLs: await endpointUrls(prisma, api),
    operations: api.operations.map((o) => ({
      target: o.target,
      verb: o.verb,
      authType: o.authEnabled ? 'Application & Application User' : 'None',
      scopes: o.scopes,
    })),
  };
}

/**
 * The API's document for consumers: servers point at the gateways, and nothing about the backend
 * (endpoints, internal settings) is shown.
 */
export async function consumerDocument(prisma: PrismaClient, api: ApiRow, format: 'json' | 'yaml') {
  requireApiType(api, ['HTTP'], 'OpenAPI document');
  const doc = jsonMediaFirst(exportOpenApi(api));
  for (const key of Object.keys(doc))
    if (key.startsWith('x-wso2-') && key !== 'x-wso2-basePath') delete doc[key];
  const urls = await endpointUrls(prisma, api);
  if (doc.swagger === '2.0') {
    const first = urls[0] ? new URL(urls[0].URLs.http) : undefined;
    if (first) {
      doc.host = first.host;
      doc.basePath = first.pathname;
      doc.schemes = urls[0]!.URLs.https ? ['http', 'https'] : ['http'];
    }
  } else {
    doc.servers = urls.flatMap((u) =>
      [u.URLs.https, u.URLs.http].filter((url) => url !== null).map((url) => ({ url })),
    );
  }
  return documentResponse(doc, format);
}
