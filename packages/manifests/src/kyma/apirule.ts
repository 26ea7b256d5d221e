/** Kyma's APIRule v2 as its schema (../schemas/kyma.ts) admits it. */
import type { KymaService } from './exposure.js';

export interface KymaJwtConfig {
  authentications?: Array<{
    issuer: string;
    jwksUri: string;
    fromHeaders?: Array<{ name: string; prefix?: string }>;
    fromParams?: string[];
  }>;
  authorizations?: Array<{ requiredScopes?: string[]; audiences?: string[] }>;
}

export interface KymaRule {
  path: string;
  service?: KymaService;
  methods?: string[];
  noAuth?: boolean;
  jwt?: KymaJwtConfig;
  extAuth?: { authorizers: string[]; restrictions?: KymaJwtConfig };
  timeout?: number;
  request?: { cookies?: Record<string, string>; headers?: Record<string, string> };
}

export interface KymaCorsPolicy {
  allowHeaders?: string[];
  allowMethods?: string[];
  allowOrigins?: Array<Record<string, string>>;
  allowCredentials?: boolean;
  exposeHeaders?: string[];
  maxAge?: number;
}

export interface ApiRuleV2 {
  apiVersion: string;
  kind: 'APIRule';
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: {
    hosts: string[];
    service?: KymaService;
    gateway?: string;
    corsPolicy?: KymaCorsPolicy;
    rules: KymaRule[];
    timeout?: number;
  };
}

export const DEFAULT_NAMESPACE = 'default';
/** Kyma's timeout when neither the rule nor the APIRule gives one (seconds). */
export const DEFAULT_TIMEOUT_SECONDS = 180;

export const namespaceOf = (rule: ApiRuleV2) => rule.metadata.namespace ?? DEFAULT_NAMESPACE;

/** A service's namespace as Kyma finds it: the rule's service, the APIRule's, then the APIRule's own. */
export const serviceNamespace = (apiRule: ApiRuleV2, service: KymaService) =>
  service.namespace ?? apiRule.spec.service?.namespace ?? namespaceOf(apiRule);
