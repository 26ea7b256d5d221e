/** What the manifests package reads and produces: documents, problems, options and desired objects. */
import type { Admin, Devportal, LIFECYCLE_STATES, Publisher } from '@apim/rest-contract';

/** One YAML/JSON document and where it was read (the REST API's ManifestDocument). */
export type ManifestDocument = Admin.ManifestDocument;

/** Something wrong in a document: the file, the document's index in it, a JSON pointer and a sentence. */
export interface ManifestProblem extends Admin.ManifestProblem {
  file: string | null;
  document: number;
}

/** The documents read and what was wrong with the rest. */
export interface ParsedManifests {
  documents: ManifestDocument[];
  problems: ManifestProblem[];
}

/** How APIRules become APIs here (the control plane's APIM_APIRULE_* settings). */
export interface ManifestOptions {
  /** completes short host names (`httpbin` -> `httpbin.<domain>`); null: short names are refused */
  domain: string | null;
  /** hosts must end with one of these (empty: any host) */
  allowedDomains: string[];
  /** services that may not be exposed, as `name.namespace` */
  blockedServices: string[];
  /** a backend URL from a Kyma service: `{name}`, `{namespace}`, `{port}` */
  serviceUrlTemplate: string;
  /** the environment of APIRules on the default Kyma gateway (or none) */
  defaultEnvironment: string;
  /** environments by Kyma gateway (`namespace/name`) */
  gateways: Record<string, string>;
  /** the owner of Applications and Subscriptions that do not name one */
  defaultOwner: string;
  /** host and path of APIRules already applied, by their identity (`namespace/name`) */
  existingRoutes: Array<{ host: string; path: string; owner: string }>;
}

export const DEFAULT_SERVICE_URL_TEMPLATE = 'http://{name}.{namespace}.svc.cluster.local:{port}';

/** Where a revision of an API is deployed. */
export interface ApiDeployment {
  environment: string;
  vhost?: string;
  displayOnDevportal?: boolean;
}

/** An API as a manifest wants it: the publisher API resource's writable fields and the rest of its state. */
export type ApiSpec = Omit<
  Publisher.API,
  | 'id'
  | 'provider'
  | 'lifeCycleStatus'
  | 'managedBy'
  | 'createdTime'
  | 'lastUpdatedTime'
  | 'type'
  | 'transport'
> & {
  /** the OpenAPI definition, inline (a manifest's definitionFile is read into it) */
  definition?: Record<string, unknown>;
  lifecycleStatus: (typeof LIFECYCLE_STATES)[number];
  deployments: ApiDeployment[];
};

/** A key pair an application must have (its secret is never in a manifest). */
export interface ApplicationKeySpec {
  keyType: 'PRODUCTION' | 'SANDBOX';
  grantTypes: string[];
  callbackUrl?: string;
}

export type ApplicationSpec = Pick<
  Devportal.Application,
  'name' | 'throttlingPolicy' | 'tokenType' | 'description' | 'attributes'
> & { owner: string; keys: ApplicationKeySpec[] };

export interface SubscriptionSpec {
  application: { name: string; owner: string };
  api: { name: string; version: string };
  throttlingPolicy: string;
}

export type ThrottlingPolicyType = 'subscription' | 'application' | 'advanced';
export type ThrottlingPolicySpec = Omit<Admin.ThrottlePolicy, 'policyId' | 'isDeployed' | 'type'> & {
  policyType: ThrottlingPolicyType;
};

export type KeyManagerSpec = Omit<Admin.KeyManager, 'id' | 'registrationTokenSet'>;
export type EnvironmentSpec = Omit<Admin.Environment, 'id' | 'isReadOnly'>;

/** What an object of each kind is made from. */
export interface TargetSpecs {
  API: ApiSpec;
  Application: ApplicationSpec;
  Subscription: SubscriptionSpec;
  ThrottlingPolicy: ThrottlingPolicySpec;
  KeyManager: KeyManagerSpec;
  Environment: EnvironmentSpec;
}
export type TargetKind = keyof TargetSpecs;
export type Target = { [K in TargetKind]: { kind: K; spec: TargetSpecs[K] } }[TargetKind];

/** One object the manifests want to exist, validated and translated. */
export interface DesiredObject {
  /** the manifest: its apiVersion, kind and identity (`APIRule` `ns/name`, `API` `name:version`...) */
  manifest: { apiVersion: string; kind: string; name: string };
  source?: { file: string; index: number };
  labels: Record<string, string>;
  /** the document as written (v1beta1 as given, definitionFile inlined): what an export gives back */
  document: Record<string, unknown>;
  target: Target;
}

export interface ValidatedManifests {
  objects: DesiredObject[];
  problems: ManifestProblem[];
}
