/** What a gateway test says about an API it deploys, and the API row (with operations) it becomes. */
import { randomUUID } from 'node:crypto';
import type {
  ApiType,
  CorsConfig,
  EndpointConfig,
  GatewayClientCertificate,
  GatewayOperation,
  GatewayScope,
  LifecycleStatus,
  OperationVerb,
} from '@apim/contracts';
import type { Prisma } from '@apim/db';
import { API_DEFAULTS } from '@apim/rest-contract';

export interface ApiSpec {
  name?: string;
  context?: string;
  version?: string;
  /** a single production endpoint, or a full endpointConfig */
  backendUrl?: string;
  endpointConfig?: EndpointConfig;
  /** WSO2's API type (unset: HTTP); a WS or SSE API's operations are channels (SUBSCRIBE, PUBLISH) */
  type?: ApiType;
  operations?: Array<Partial<GatewayOperation> & { verb: OperationVerb; target: string }>;
  securitySchemes?: string[];
  apiKeyHeader?: string | null;
  authorizationHeader?: string | null;
  lifecycleStatus?: LifecycleStatus;
  isDefaultVersion?: boolean;
  apiThrottlingPolicy?: string | null;
  maxTps?: { production?: number; sandbox?: number } | null;
  corsConfig?: CorsConfig | null;
  enableSchemaValidation?: boolean;
  /** WSO2's response caching: seconds a successful GET answer is kept (unset: off) */
  cacheTimeout?: number;
  definition?: unknown;
  /** a GRAPHQL API's schema (SDL); its operations are root fields (QUERY status, SUBSCRIPTION ticks...) */
  graphqlSchema?: string;
  mediationPolicies?: unknown;
  vhost?: string;
  environment?: string;
  /**
   * the certificates the revision admits, as gateways match them: a test has no PEM to store, so the
   * revision carries them as given instead of being read from certificate rows
   */
  clientCertificates?: GatewayClientCertificate[];
  /** the role bindings of scopes the operations require, stored as the API's scopes */
  scopes?: GatewayScope[];
}

/** Prisma's input for a JSON column that may be left unset (null when read back). */
const json = (value: unknown) => (value ?? undefined) as Prisma.InputJsonValue | undefined;

/** The API row a publisher would have made of `spec`, with its operations in order. */
export function apiData(spec: ApiSpec, providerId: string): Prisma.ApiUncheckedCreateInput {
  const name = spec.name ?? `api-${randomUUID().slice(0, 8)}`;
  const operations = spec.operations ?? [{ verb: 'GET', target: '/*' }];
  const endpointConfig: EndpointConfig = spec.endpointConfig ?? {
    endpoint_type: 'http',
    production_endpoints: { url: spec.backendUrl ?? 'http://127.0.0.1:9' },
  };
  return {
    name,
    type: spec.type ?? 'HTTP',
    context: spec.context ?? `/${name}`,
    version: spec.version ?? '1.0.0',
    providerId,
    lifecycleStatus: spec.lifecycleStatus ?? 'PUBLISHED',
    isDefaultVersion: spec.isDefaultVersion ?? false,
    endpointConfig: endpointConfig as unknown as Prisma.InputJsonValue,
    securitySchemes: spec.securitySchemes ?? ['oauth2'],
    authorizationHeader: spec.authorizationHeader ?? null,
    apiKeyHeader: spec.apiKeyHeader ?? null,
    corsConfig: json(spec.corsConfig),
    subscriptionPolicies: ['Gold', 'Silver', 'Bronze', 'Unlimited'],
    apiThrottlingPolicy: spec.apiThrottlingPolicy ?? null,
    maxTps: json(spec.maxTps),
    enableSchemaValidation: spec.enableSchemaValidation ?? API_DEFAULTS.enableSchemaValidation,
    responseCachingEnabled: spec.cacheTimeout !== undefined,
    cacheTimeout: spec.cacheTimeout ?? API_DEFAULTS.cacheTimeout,
    mediationPolicies: json(spec.mediationPolicies),
    definition: json(spec.definition),
    graphqlSchema: spec.graphqlSchema ?? null,
    operations: {
      create: operations.map((o, position) => ({
        verb: o.verb,
        target: o.target,
        authEnabled: o.authEnabled ?? true,
        scopes: o.scopes ?? [],
        throttlingPolicy: o.throttlingPolicy ?? null,
        operationPolicies: json(o.operationPolicies),
        rule: json(o.rule),
        position,
      })),
    },
  };
}
