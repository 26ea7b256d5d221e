import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KEY_MANAGER_TYPES } from '@apim/contracts';
import {
  adminComponents,
  DEPLOYMENT_STATES,
  GRANT_TYPES,
  keyType,
  LIFECYCLE_STATES,
  publisherComponents,
  THROTTLE_TIME_UNITS,
  WSO2_WORKFLOW_TYPES,
  type JsonSchema,
} from '@apim/rest-contract';
import {
  APPLICATION_STATUS_LABELS,
  DENY_CONDITION_TYPE_LABELS,
  DEPLOYMENT_STATUS_LABELS,
  DOCUMENT_SOURCE_LABELS,
  DOCUMENT_TYPE_LABELS,
  DOCUMENT_VISIBILITY_LABELS,
  GATEWAY_REPORT_LABELS,
  GRANT_TYPE_LABELS,
  humanise,
  KEY_MANAGER_TYPE_LABELS,
  KEY_TYPE_LABELS,
  labelOf,
  perTime,
  LIFECYCLE_STATE_LABELS,
  QUOTA_TYPE_LABELS,
  SECURITY_SCHEME_LABELS,
  SUBSCRIPTION_STATUS_LABELS,
  THROTTLE_CONDITION_TYPE_LABELS,
  TIME_UNIT_LABELS,
  WORKFLOW_STATUS_LABELS,
  WORKFLOW_TYPE_LABELS,
} from './labels';

/** The enum of a served component's property (`items` for an array of them). */
function enumOf(components: Record<string, JsonSchema>, name: string, property: string): unknown[] {
  const schema = components[name] as {
    properties: Record<string, { enum?: unknown[]; items?: { enum?: unknown[] } }>;
  };
  const p = schema.properties[property];
  const values = p?.enum ?? p?.items?.enum;
  if (!values) throw new Error(`${name}.${property} declares no enum`);
  return values;
}

/**
 * The statuses the REST resources declare as plain strings are the database's enums: read them from
 * the Prisma schema, the model the control plane answers from.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const prismaSchema = readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');
function databaseEnum(name: string): string[] {
  const block = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(prismaSchema)?.[1];
  if (!block) throw new Error(`prisma/schema.prisma has no enum ${name}`);
  return block
    .split('\n')
    .map((l) => l.replace(/\/\/.*$/, '').trim())
    .filter(Boolean);
}

const tables: [string, Readonly<Record<string, string>>, readonly unknown[]][] = [
  ['subscription status', SUBSCRIPTION_STATUS_LABELS, databaseEnum('SubscriptionStatus')],
  ['application status', APPLICATION_STATUS_LABELS, databaseEnum('ApplicationStatus')],
  ['lifecycle state', LIFECYCLE_STATE_LABELS, LIFECYCLE_STATES],
  ['lifecycle state (database)', LIFECYCLE_STATE_LABELS, databaseEnum('ApiLifecycleStatus')],
  ['security scheme', SECURITY_SCHEME_LABELS, enumOf(publisherComponents, 'API', 'securityScheme')],
  ['key type', KEY_TYPE_LABELS, keyType.enum],
  ['deployment status', DEPLOYMENT_STATUS_LABELS, DEPLOYMENT_STATES],
  [
    'gateway report state',
    GATEWAY_REPORT_LABELS,
    (
      publisherComponents.APIRevisionDeployment as {
        properties: { gateways: { items: { properties: { state: { enum: string[] } } } } };
      }
    ).properties.gateways.items.properties.state.enum,
  ],
  ['grant type', GRANT_TYPE_LABELS, GRANT_TYPES],
  ['quota type', QUOTA_TYPE_LABELS, enumOf(adminComponents, 'ThrottleLimit', 'type')],
  ['time unit', TIME_UNIT_LABELS, THROTTLE_TIME_UNITS],
  ['workflow type', WORKFLOW_TYPE_LABELS, Object.values(WSO2_WORKFLOW_TYPES)],
  ['workflow status', WORKFLOW_STATUS_LABELS, enumOf(adminComponents, 'WorkflowInfo', 'workflowStatus')],
  ['workflow status (database)', WORKFLOW_STATUS_LABELS, databaseEnum('WorkflowStatus')],
  ['key manager type', KEY_MANAGER_TYPE_LABELS, KEY_MANAGER_TYPES],
  [
    'throttle condition type',
    THROTTLE_CONDITION_TYPE_LABELS,
    enumOf(adminComponents, 'ThrottleCondition', 'type'),
  ],
  ['document type', DOCUMENT_TYPE_LABELS, enumOf(publisherComponents, 'Document', 'type')],
  ['document source', DOCUMENT_SOURCE_LABELS, enumOf(publisherComponents, 'Document', 'sourceType')],
  ['document visibility', DOCUMENT_VISIBILITY_LABELS, enumOf(publisherComponents, 'Document', 'visibility')],
  [
    'deny condition type',
    DENY_CONDITION_TYPE_LABELS,
    enumOf(adminComponents, 'BlockingCondition', 'conditionType'),
  ],
];

describe('labels', () => {
  it.each(tables)(
    'every %s of the contract has a label, and no label is of a value it lacks',
    (_, labels, values) => {
      expect(values.length).toBeGreaterThan(0);
      for (const v of values) expect(labels[v as string], `no label for ${String(v)}`).toMatch(/\S/);
      expect(Object.keys(labels).sort()).toEqual([...values].map(String).sort());
    },
  );

  it('says the words the console promises', () => {
    expect(labelOf(SUBSCRIPTION_STATUS_LABELS, 'UNBLOCKED')).toBe('Active');
    expect(labelOf(SUBSCRIPTION_STATUS_LABELS, 'ON_HOLD')).toBe('Awaiting approval');
    expect(labelOf(SUBSCRIPTION_STATUS_LABELS, 'PROD_ONLY_BLOCKED')).toBe('Production blocked');
    expect(labelOf(SECURITY_SCHEME_LABELS, 'oauth2')).toBe('OAuth 2.0');
    expect(perTime(1, 'min')).toBe('minute');
    expect(perTime(5, 'hour')).toBe('5 hours');
    expect(labelOf(SECURITY_SCHEME_LABELS, 'oauth_basic_auth_api_key_mandatory')).toBe(
      'Application-level security mandatory',
    );
  });

  it('puts a value no table knows in plain words, and nothing in none', () => {
    expect(labelOf(SUBSCRIPTION_STATUS_LABELS, 'TIER_UPDATE_PENDING')).toBe('Tier update pending');
    expect(humanise('load_balance')).toBe('Load balance');
    expect(labelOf(SUBSCRIPTION_STATUS_LABELS, undefined)).toBe('');
  });
});
