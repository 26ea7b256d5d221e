/** The developer portal API's resources, with WSO2's field names. */
export interface DevApiInfo {
  id: string;
  name: string;
  description: string | null;
  context: string;
  version: string;
  provider: string;
  lifeCycleStatus: string;
  throttlingPolicies?: string[];
  tags?: string[];
}

export interface EndpointUrls {
  environmentName: string;
  environmentDisplayName?: string;
  environmentType?: string;
  URLs: { http?: string | null; https?: string | null };
  defaultVersionURLs?: { http?: string | null; https?: string | null } | null;
}

export interface DevApi extends DevApiInfo {
  tiers?: { tierName: string; tierPlan?: string }[];
  endpointURLs?: EndpointUrls[];
  securityScheme?: string[];
  authorizationHeader?: string | null;
  apiKeyHeader?: string | null;
  isDefaultVersion?: boolean;
}

export interface Application {
  applicationId: string;
  name: string;
  throttlingPolicy: string;
  description: string | null;
  tokenType?: string;
  status: string;
  subscriptionCount?: number;
  owner?: string;
}

export interface ApplicationToken {
  accessToken: string;
  tokenScopes: string[];
  validityTime: number;
}

export interface ApplicationKey {
  keyMappingId: string;
  keyManager?: string;
  consumerKey: string;
  consumerSecret?: string | null;
  supportedGrantTypes?: string[];
  callbackUrl?: string | null;
  keyState?: string;
  keyType: 'PRODUCTION' | 'SANDBOX';
  /** MAPPED: an existing client added with map-keys */
  mode?: 'CREATED' | 'MAPPED';
  token?: ApplicationToken | null;
}

/** A key manager an application can get keys from (GET /key-managers). */
export interface KeyManagerInfo {
  id?: string;
  name: string;
  displayName?: string;
  type: string;
  description?: string;
  enabled: boolean;
  /** generate-keys creates clients there */
  enableOAuthAppCreation?: boolean;
  /** map-keys accepts its clients */
  enableMapOAuthConsumerApps?: boolean;
  /** generate-token gets tokens from it */
  enableTokenGeneration?: boolean;
}

export interface Subscription {
  subscriptionId: string;
  applicationId: string;
  apiId: string;
  apiInfo?: DevApiInfo;
  throttlingPolicy: string;
  requestedThrottlingPolicy?: string | null;
  status: string;
}

export interface ApiKeyInfo {
  keyName?: string;
  apikey: string;
  validityTime: number;
}
