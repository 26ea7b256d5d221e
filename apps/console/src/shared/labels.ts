/**
 * The words the console shows for the REST resources' enumerated values (subscription and
 * application statuses, lifecycle states, security schemes...), declared once. Each table is keyed
 * by the contract's own type, so a value added to the contract without a label fails the type check;
 * labels.test.ts checks the same against the contract's lists at run time.
 */
import type { KeyManagerType, LifecycleStatus, SubscriptionStatus, TimeUnit } from '@apim/contracts';
import type { Admin, DEPLOYMENT_STATES, Devportal, GRANT_TYPES, Publisher } from '@apim/rest-contract';

export type Labels<T extends string> = Readonly<Record<T, string>>;

export const SUBSCRIPTION_STATUS_LABELS: Labels<SubscriptionStatus> = {
  UNBLOCKED: 'Active',
  BLOCKED: 'Blocked',
  PROD_ONLY_BLOCKED: 'Production blocked',
  ON_HOLD: 'Awaiting approval',
  REJECTED: 'Rejected',
};

/** An application's status (the REST resource declares a string; these are the values it takes). */
export type ApplicationStatus = 'CREATED' | 'APPROVED' | 'REJECTED';
export const APPLICATION_STATUS_LABELS: Labels<ApplicationStatus> = {
  CREATED: 'Awaiting approval',
  APPROVED: 'Active',
  REJECTED: 'Rejected',
};

export const LIFECYCLE_STATE_LABELS: Labels<LifecycleStatus> = {
  CREATED: 'Created',
  PROTOTYPED: 'Prototyped',
  PUBLISHED: 'Published',
  BLOCKED: 'Blocked',
  DEPRECATED: 'Deprecated',
  RETIRED: 'Retired',
};

export type SecurityScheme = NonNullable<Publisher.API['securityScheme']>[number];
export const SECURITY_SCHEME_LABELS: Labels<SecurityScheme> = {
  oauth2: 'OAuth 2.0',
  api_key: 'API key',
  basic_auth: 'Basic',
  mutualssl: 'Mutual TLS',
  oauth_basic_auth_api_key_mandatory: 'Application-level security mandatory',
  mutualssl_mandatory: 'Mutual TLS mandatory',
};

/** A deployed revision's status: what the running gateways of its environment report. */
export const DEPLOYMENT_STATUS_LABELS: Labels<(typeof DEPLOYMENT_STATES)[number]> = {
  PENDING: 'Pending',
  DEPLOYED: 'Deployed',
  FAILED: 'Failed',
};

/** What one gateway node did with a deployed revision. */
export type GatewayReportState = NonNullable<Publisher.APIRevisionDeployment['gateways']>[number]['state'];
export const GATEWAY_REPORT_LABELS: Labels<GatewayReportState> = {
  ACCEPTED: 'Serving it',
  REFUSED: 'Refused it',
  PENDING: 'Not serving it yet',
};

export const KEY_TYPE_LABELS: Labels<Devportal.ApplicationKey['keyType']> = {
  PRODUCTION: 'Production',
  SANDBOX: 'Sandbox',
};

export type GrantType = (typeof GRANT_TYPES)[number];
export const GRANT_TYPE_LABELS: Labels<GrantType> = {
  client_credentials: 'Client credentials',
  password: 'Password',
  refresh_token: 'Refresh token',
  authorization_code: 'Authorization code',
};

/** The kinds of quota a throttling limit sets. */
export const QUOTA_TYPE_LABELS: Labels<Admin.ThrottleLimit['type']> = {
  REQUESTCOUNTLIMIT: 'Request count',
  BANDWIDTHLIMIT: 'Bandwidth',
  UNLIMITED: 'Unlimited',
};

/** A throttling limit's time unit, as in "10 requests per minute". */
export const TIME_UNIT_LABELS: Labels<TimeUnit> = {
  sec: 'second',
  min: 'minute',
  hour: 'hour',
  day: 'day',
};

/** The time units as select options, in the contract's order ("minutes"). */
export const TIME_UNIT_OPTIONS = optionsOf(TIME_UNIT_LABELS).map((o) => ({ ...o, label: `${o.label}s` }));

/** "minute", "5 minutes": the span of a limit, after "per". */
export function perTime(unitTime: number, unit: TimeUnit): string {
  const word = labelOf(TIME_UNIT_LABELS, unit);
  return unitTime === 1 ? word : `${unitTime} ${word}s`;
}

export type WorkflowType = NonNullable<Admin.WorkflowInfo['workflowType']>;
export const WORKFLOW_TYPE_LABELS: Labels<WorkflowType> = {
  AM_APPLICATION_CREATION: 'Application creation',
  AM_SUBSCRIPTION_CREATION: 'Subscription creation',
  AM_SUBSCRIPTION_UPDATE: 'Subscription update',
};

export const WORKFLOW_STATUS_LABELS: Labels<NonNullable<Admin.WorkflowInfo['workflowStatus']>> = {
  CREATED: 'Pending',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
};

export const KEY_MANAGER_TYPE_LABELS: Labels<KeyManagerType> = {
  custom: 'Other OpenID Connect provider',
  Keycloak: 'Keycloak',
  Okta: 'Okta',
  Auth0: 'Auth0',
  EntraID: 'Microsoft Entra ID',
};

/** What a condition group of an advanced throttling policy matches on. */
export const THROTTLE_CONDITION_TYPE_LABELS: Labels<Admin.ThrottleCondition['type']> = {
  HEADERCONDITION: 'Header',
  QUERYPARAMETERCONDITION: 'Query parameter',
  IPCONDITION: 'IP address',
  JWTCLAIMSCONDITION: 'JWT claim',
};

export const DENY_CONDITION_TYPE_LABELS: Labels<Admin.BlockingCondition['conditionType']> = {
  API: 'API context',
  APPLICATION: 'Application',
  USER: 'User',
  IP: 'IP address',
  IPRANGE: 'IP range',
};

/** What an API document is about. */
export const DOCUMENT_TYPE_LABELS: Labels<Publisher.Document['type']> = {
  HOWTO: 'How-to',
  SAMPLES: 'Samples',
  PUBLIC_FORUM: 'Public forum',
  SUPPORT_FORUM: 'Support forum',
  API_MESSAGE_FORMAT: 'Message format',
  OTHER: 'Other',
};

/** Where an API document's content is. */
export const DOCUMENT_SOURCE_LABELS: Labels<Publisher.Document['sourceType']> = {
  MARKDOWN: 'Markdown',
  INLINE: 'Plain text',
  URL: 'Link',
  FILE: 'File',
};

/** Who sees an API document. */
export const DOCUMENT_VISIBILITY_LABELS: Labels<NonNullable<Publisher.Document['visibility']>> = {
  API_LEVEL: 'Everyone who can see the API',
  OWNER_ONLY: 'Publishers only',
};

/** "SOME_VALUE" -> "Some value": for a value no table knows (a newer server), rather than nothing. */
export function humanise(value: string): string {
  const words = value.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The label of `value` in `labels` ('' for none; a value the table lacks, in plain words). */
export function labelOf<T extends string>(labels: Labels<T>, value: string | null | undefined): string {
  if (!value) return '';
  return (labels as Readonly<Record<string, string>>)[value] ?? humanise(value);
}

/** Select options of every value of a table, in its order. */
export function optionsOf<T extends string>(labels: Labels<T>): { value: T; label: string }[] {
  return (Object.keys(labels) as T[]).map((value) => ({ value, label: labels[value] }));
}
