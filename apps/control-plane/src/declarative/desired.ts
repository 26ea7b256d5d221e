/**
 * What the reconcile core is given: the objects manifests ask for, already validated and
 * translated (an APIRule is an API by now), as the manifests contract describes them. Where the
 * objects come from (files, REST, a cluster watch) is not the core's business.
 */
import type { LifecycleStatus } from '@apim/contracts';
import type { Admin, Devportal, Publisher } from '@apim/rest-contract';

export type TargetKind =
  'API' | 'Application' | 'Subscription' | 'ThrottlingPolicy' | 'KeyManager' | 'Environment';

export interface DeploymentSpec {
  environment: string;
  vhost?: string;
  displayOnDevportal?: boolean;
}

type ReadOnlyApiFields =
  | 'id'
  | 'provider'
  | 'lifeCycleStatus'
  | 'type'
  | 'transport'
  | 'managedBy'
  | 'createdTime'
  | 'lastUpdatedTime';

export interface ApiSpec extends Omit<Publisher.API, ReadOnlyApiFields> {
  /** the OpenAPI document, inline */
  definition?: Record<string, unknown> | null;
  lifecycleStatus?: LifecycleStatus;
  isDefaultVersion?: boolean;
  deployments?: DeploymentSpec[];
}

export interface ApplicationKeySpec {
  keyType: 'PRODUCTION' | 'SANDBOX';
  grantTypes: string[];
  callbackUrl?: string;
}

export interface ApplicationSpec extends Pick<
  Devportal.Application,
  'name' | 'throttlingPolicy' | 'tokenType' | 'description' | 'attributes'
> {
  /** the owner's user name (default: the user applying) */
  owner?: string;
  keys?: ApplicationKeySpec[];
}

export interface SubscriptionSpec {
  application: { name: string; owner?: string };
  api: { name: string; version: string };
  throttlingPolicy: string;
}

export type PolicyLevel = 'subscription' | 'application' | 'advanced';

export interface ThrottlingPolicySpec extends Omit<Admin.ThrottlePolicy, 'policyId' | 'isDeployed' | 'type'> {
  policyType: PolicyLevel;
}

export type KeyManagerSpec = Omit<Admin.KeyManager, 'id'>;
export type EnvironmentSpec = Omit<Admin.Environment, 'id'>;

export interface SpecOfKind {
  API: ApiSpec;
  Application: ApplicationSpec;
  Subscription: SubscriptionSpec;
  ThrottlingPolicy: ThrottlingPolicySpec;
  KeyManager: KeyManagerSpec;
  Environment: EnvironmentSpec;
}

export interface DesiredObject<K extends TargetKind = TargetKind> {
  /** the manifest as named: an APIRule keeps its kind and namespace/name though it makes an API */
  manifest: { apiVersion: string; kind: string; name: string };
  source?: { file: string; index: number };
  labels: Record<string, string>;
  target: { kind: K; spec: SpecOfKind[K] };
}
