/** WSO2 API Manager's default throttling policies, with WSO2's numbers. */
export type TimeUnit = 'sec' | 'min' | 'hour' | 'day';

export interface DefaultPolicy {
  type: 'SUBSCRIPTION' | 'APPLICATION' | 'ADVANCED';
  name: string;
  description: string;
  quotaType: 'REQUESTCOUNT' | 'UNLIMITED';
  requestCount: number | null;
  unitTime: number;
  timeUnit: TimeUnit;
  stopOnQuotaReach: boolean;
}

function policy(
  type: DefaultPolicy['type'],
  name: string,
  requestCount: number | null,
  description: string,
): DefaultPolicy {
  return {
    type,
    name,
    description,
    quotaType: requestCount === null ? 'UNLIMITED' : 'REQUESTCOUNT',
    requestCount,
    unitTime: 1,
    timeUnit: 'min',
    stopOnQuotaReach: true,
  };
}

export const UNLIMITED = 'Unlimited';

export const DefaultPolicies: readonly DefaultPolicy[] = [
  policy('SUBSCRIPTION', 'Gold', 5000, 'Allows 5000 requests per minute'),
  policy('SUBSCRIPTION', 'Silver', 2000, 'Allows 2000 requests per minute'),
  policy('SUBSCRIPTION', 'Bronze', 1000, 'Allows 1000 requests per minute'),
  policy(
    'SUBSCRIPTION',
    'Unauthenticated',
    500,
    'Allows 500 requests per minute for unauthenticated resources',
  ),
  policy('SUBSCRIPTION', UNLIMITED, null, 'Allows unlimited requests'),
  policy('APPLICATION', '10PerMin', 10, 'Allows 10 requests per minute'),
  policy('APPLICATION', '20PerMin', 20, 'Allows 20 requests per minute'),
  policy('APPLICATION', '50PerMin', 50, 'Allows 50 requests per minute'),
  policy('APPLICATION', UNLIMITED, null, 'Allows unlimited requests'),
  policy('ADVANCED', '10KPerMin', 10000, 'Allows 10000 requests per minute'),
  policy('ADVANCED', '20KPerMin', 20000, 'Allows 20000 requests per minute'),
  policy('ADVANCED', '50KPerMin', 50000, 'Allows 50000 requests per minute'),
  policy('ADVANCED', UNLIMITED, null, 'Allows unlimited requests'),
];

const unitMs: Record<TimeUnit, number> = { sec: 1000, min: 60_000, hour: 3_600_000, day: 86_400_000 };

export function windowMs(unitTime: number, timeUnit: TimeUnit): number {
  return unitTime * unitMs[timeUnit];
}
