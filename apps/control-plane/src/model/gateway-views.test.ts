/**
 * A gateway that loads the snapshot (loadGatewaySnapshot) and one that replays the event log from the
 * start end up holding the same APIs, applications and subscriptions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RESIDENT_KEY_MANAGER,
  type GatewayApi,
  type GatewayApplication,
  type GatewayEventPayloads,
  type GatewaySubscription,
} from '@apim/contracts';
import { loadGatewaySnapshot } from '@apim/gateway-model';
import { ADMIN, createUser, restClient, startTestBed, type TestBed } from '../test-support.js';

let bed: TestBed;
let call: ReturnType<typeof restClient>;
beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
});
afterAll(async () => bed?.close());

/** The part of a gateway's store these events build. */
function replay(events: Array<{ type: string; payload: unknown }>) {
  const apis = new Map<string, GatewayApi>();
  const applications = new Map<string, GatewayApplication>();
  const subscriptions = new Map<string, GatewaySubscription>();
  for (const e of events) {
    const p = e.payload as GatewayEventPayloads[keyof GatewayEventPayloads];
    switch (e.type) {
      case 'API_DEPLOYED': {
        const { api } = p as GatewayEventPayloads['API_DEPLOYED'];
        apis.set(`${api.id}@${api.environment}`, api);
        break;
      }
      case 'API_UNDEPLOYED': {
        const { apiId, environment } = p as GatewayEventPayloads['API_UNDEPLOYED'];
        apis.delete(`${apiId}@${environment}`);
        break;
      }
      case 'API_STATUS_CHANGED': {
        const { apiId, lifecycleStatus } = p as GatewayEventPayloads['API_STATUS_CHANGED'];
        for (const a of apis.values()) if (a.id === apiId) a.lifecycleStatus = lifecycleStatus;
        break;
      }
      case 'API_DEFAULT_VERSION_CHANGED': {
        const { context, defaultVersion } = p as GatewayEventPayloads['API_DEFAULT_VERSION_CHANGED'];
        for (const a of apis.values())
          if (a.context === context) a.isDefaultVersion = a.version === defaultVersion;
        break;
      }
      case 'APPLICATION_UPSERTED': {
        const { application } = p as GatewayEventPayloads['APPLICATION_UPSERTED'];
        applications.set(application.id, application);
        break;
      }
      case 'APPLICATION_DELETED':
        applications.delete((p as GatewayEventPayloads['APPLICATION_DELETED']).applicationId);
        break;
      case 'SUBSCRIPTION_UPSERTED': {
        const { subscription } = p as GatewayEventPayloads['SUBSCRIPTION_UPSERTED'];
        subscriptions.set(subscription.id, subscription);
        break;
      }
      case 'SUBSCRIPTION_DELETED':
        subscriptions.delete((p as GatewayEventPayloads['SUBSCRIPTION_DELETED']).subscriptionId);
        break;
    }
  }
  const byId = <T extends { id: string }>(m: Map<string, T>) =>
    [...m.values()].sort((a, b) => a.id.localeCompare(b.id));
  return { apis: byId(apis), applications: byId(applications), subscriptions: byId(subscriptions) };
}

describe('gateway views', () => {
  it('give the same state from the snapshot as from replaying the event log', async () => {
    const P = '/api/am/publisher/v4';
    const dev = await createUser(bed.prisma, 'viewdev', ['subscriber']);
    const ids: string[] = [];
    for (const [i, version] of ['1', '2'].entries()) {
      const api = await call<{ id: string }>('POST', `${P}/apis`, {
        as: ADMIN,
        json: {
          name: 'Views',
          context: '/views',
          version,
          policies: ['Gold'],
          isDefaultVersion: i === 1,
          // version 2 takes the resident key manager's tokens only
          ...(i === 1 ? { keyManagers: [RESIDENT_KEY_MANAGER] } : {}),
        },
      });
      ids.push(api.body.id);
      const rev = await call<{ id: string }>('POST', `${P}/apis/${api.body.id}/revisions`, {
        as: ADMIN,
        json: {},
      });
      await call('POST', `${P}/apis/${api.body.id}/deploy-revision?revisionId=${rev.body.id}`, {
        as: ADMIN,
        json: [{ name: 'Default' }],
      });
      await call('POST', `${P}/apis/change-lifecycle?apiId=${api.body.id}&action=Publish`, { as: ADMIN });
    }
    // version 1 becomes the default again, and is blocked
    await call('PUT', `${P}/apis/${ids[0]}`, {
      as: ADMIN,
      json: { ...(await call('GET', `${P}/apis/${ids[0]}`, { as: ADMIN })).body, isDefaultVersion: true },
    });
    await call('POST', `${P}/apis/change-lifecycle?apiId=${ids[0]}&action=Block`, { as: ADMIN });
    const apps = [];
    for (const name of ['One', 'Two']) {
      const app = await call<{ applicationId: string }>('POST', '/api/am/devportal/v3/applications', {
        as: dev,
        json: { name, throttlingPolicy: '10PerMin' },
      });
      apps.push(app.body.applicationId);
      await call('POST', '/api/am/devportal/v3/subscriptions', {
        as: dev,
        json: { applicationId: app.body.applicationId, apiId: ids[1], throttlingPolicy: 'Gold' },
      });
    }
    await call('DELETE', `/api/am/devportal/v3/applications/${apps[0]}`, { as: dev });

    const state = await loadGatewaySnapshot(bed.prisma, 'Default');
    const events = await bed.prisma.gatewayEvent.findMany({ orderBy: { id: 'asc' } });
    expect(state.lastEventId).toBe(events.at(-1)!.id);
    const replayed = replay(events);
    const sorted = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
    expect(sorted(state.apis)).toEqual(replayed.apis);
    expect(sorted(state.applications)).toEqual(replayed.applications);
    expect(sorted(state.subscriptions)).toEqual(replayed.subscriptions);
    expect(state.apis.map((a) => [a.version, a.lifecycleStatus, a.isDefaultVersion]).sort()).toEqual([
      ['1', 'BLOCKED', true],
      ['2', 'PUBLISHED', false],
    ]);
    expect(state.apis.map((a) => [a.version, a.keyManagers]).sort()).toEqual([
      ['1', ['all']],
      ['2', [RESIDENT_KEY_MANAGER]],
    ]);
    expect(state.applications.map((a) => a.name)).toEqual(['Two']);
    expect(state.policies.map((p) => p.name)).toContain('Gold');
  });
});
