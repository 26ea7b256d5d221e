/** The publisher API's resources, with WSO2's field names. */
import type { CorsConfig, EndpointConfig, HttpVerb } from '@apim/contracts';

export interface ApiInfo {
  id: string;
  name: string;
  description: string | null;
  context: string;
  version: string;
  provider: string;
  lifeCycleStatus: string;
  isDefaultVersion: boolean;
  tags: string[];
}

export interface ApiOperation {
  id?: string;
  target: string;
  verb: HttpVerb;
  authType?: string;
  throttlingPolicy?: string | null;
  scopes?: string[];
}

export interface ApiScope {
  scope: { id?: string; name: string; displayName?: string; description?: string; bindings?: string[] };
  shared?: boolean;
}

export interface Api extends ApiInfo {
  policies: string[];
  apiThrottlingPolicy: string | null;
  authorizationHeader: string | null;
  apiKeyHeader: string | null;
  securityScheme: string[];
  maxTps: { production?: number; sandbox?: number } | null;
  visibility: 'PUBLIC' | 'PRIVATE' | 'RESTRICTED';
  visibleRoles: string[];
  endpointConfig: EndpointConfig;
  corsConfiguration: CorsConfig | null;
  businessInformation: Record<string, string> | null;
  enableSchemaValidation: boolean;
  responseCachingEnabled: boolean;
  cacheTimeout: number;
  /** whose tokens the API accepts: ["all"] or names of key managers */
  keyManagers: string[];
  operations: ApiOperation[];
  scopes: ApiScope[];
}

export interface LifecycleState {
  state: string;
  availableTransitions: { event: string; targetState: string }[];
}

export interface RevisionDeployment {
  revisionUuid?: string;
  name: string;
  vhost?: string;
  displayOnDevportal?: boolean;
  deployedTime?: string;
  status?: string;
}

export interface Revision {
  id: string;
  displayName: string;
  description: string | null;
  createdTime: string;
  deploymentInfo: RevisionDeployment[];
}

/** A rate-limit tier as the admin API lists it (readable with apim:tier_view, which publishers hold). */
export interface TierInfo {
  policyName: string;
  displayName?: string;
  description?: string;
}

/** A key manager as the publisher API lists it (what an API's keyManagers can name). */
export interface KeyManagerInfo {
  name: string;
  displayName: string;
  type: string;
  enabled: boolean;
}

export const VERBS: readonly HttpVerb[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
