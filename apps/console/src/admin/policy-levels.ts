/** The three kinds of throttling policy the admin manages, and a policy as the REST API lists it. */
import type { Admin, Answered } from '@apim/rest-contract';
import type { ConditionalGroup, ThrottleLimit } from './conditions';

export type Level = 'subscription' | 'application' | 'advanced';

/** A policy as listed, its limits told apart by type (conditions.tsx). */
export type Policy = Omit<
  Answered<Admin.ThrottlePolicy, 'policyId'>,
  'defaultLimit' | 'conditionalGroups'
> & {
  defaultLimit: ThrottleLimit;
  conditionalGroups?: ConditionalGroup[];
};

export const TITLES: Record<Level, string> = {
  subscription: 'Subscription policies',
  application: 'Application policies',
  advanced: 'Advanced policies',
};
export const OPERATION_IDS: Record<Level, string> = {
  subscription: 'addSubscriptionThrottlePolicy',
  application: 'addApplicationThrottlePolicy',
  advanced: 'addAdvancedThrottlePolicy',
};
export const pathOf = (level: Level) => `/throttling/policies/${level}`;
