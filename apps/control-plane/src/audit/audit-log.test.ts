import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '@apim/db';
import { testRedisUrl } from '@apim/testing';
import { ADMIN, createUser, restClient, startTestBed, type Caller, type TestBed } from '../test-support.js';
import { startControlPlane, type RunningControlPlane } from '../testing.js';
import { auditedPrisma } from './audited-prisma.js';
import { runAsChange } from './change-context.js';
import { applyDecision } from '../workflows/queue.js';
import { pruneAuditLog } from './retention.js';

const A = '/api/am/admin/v4';
let bed: TestBed;
let call: ReturnType<typeof restClient>;
let publisher: Caller;

interface Entry {
  id: string;
  actor: string | null;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  operation: string;
  method: string | null;
  path: string | null;
  sourceIp: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
interface EntryList {
  count: number;
  list: Entry[];
  pagination: { total: number; next: string; previous: string };
}

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
  publisher = await createUser(bed.prisma, 'audited-publisher', ['publisher']);
});
afterAll(async () => bed?.close());

describe('audit log', () => {
  it('records who created, changed and deleted a deny policy, with the row before and after', async () => {
    const created = await call<{ conditionId: string }>('POST', `${A}/throttling/deny-policies`, {
      as: ADMIN,
      json: { conditionType: 'IP', conditionValue: '192.0.2.44' },
    });
    expect(created.status).toBe(201);
    const id = created.body.conditionId;
    expect(
      (
        await call('PATCH', `${A}/throttling/deny-policy/${id}`, {
          as: ADMIN,
          json: { conditionStatus: false },
        })
      ).status,
    ).toBe(200);
    expect((await call('DELETE', `${A}/throttling/deny-policy/${id}`, { as: ADMIN })).status).toBe(200);

    const log = await call<EntryList>('GET', `${A}/audit-logs?entityType=deny_policy&entityId=${id}`, {
      as: ADMIN,
    });
    expect(log.status).toBe(200);
    // newest first
    expect(log.body.list.map((e) => [e.action, e.operation, e.actor, e.method])).toEqual([
      ['removeDenyPolicy', 'DELETE', 'admin', 'DELETE'],
      ['updateDenyPolicy', 'UPDATE', 'admin', 'PATCH'],
      ['addDenyPolicy', 'INSERT', 'admin', 'POST'],
    ]);
    const [removed, updated, added] = log.body.list;
    expect(added!.before).toBeNull();
    expect(added!.after).toMatchObject({ id, condition_value: '192.0.2.44', enabled: true });
    // an update holds only the columns it changed (updated_at is not a change)
    expect(updated!.before).toEqual({ enabled: true });
    expect(updated!.after).toEqual({ enabled: false });
    expect(removed!.before).toMatchObject({ id, enabled: false });
    expect(removed!.after).toBeNull();
    expect(added!.path).toBe(`${A}/throttling/deny-policies`);
    expect(added!.sourceIp).toBe('127.0.0.1');
    const admin = await bed.prisma.user.findUniqueOrThrow({ where: { username: 'admin' } });
    expect(added!.actorId).toBe(admin.id);
  });

  it('writes no entry for a change that failed, and hides secrets', async () => {
    const user = await call<{ id: string }>('POST', `${A}/users`, {
      as: ADMIN,
      json: { username: 'audited-new', password: 'a-long-password', roles: ['subscriber'] },
    });
    expect(user.status).toBe(201);
    const again = await call('POST', `${A}/users`, {
      as: ADMIN,
      json: { username: 'audited-new', password: 'a-long-password', roles: ['subscriber'] },
    });
    expect(again.status).toBe(409);
    const log = await call<EntryList>(
      'GET',
      `${A}/audit-logs?entityType=user_account&entityId=${user.body.id}`,
      {
        as: ADMIN,
      },
    );
    expect(log.body.list).toHaveLength(1);
    expect(log.body.list[0]!.after).toMatchObject({ username: 'audited-new', password_hash: '[hidden]' });
    expect(JSON.stringify(log.body.list[0])).not.toContain('scrypt$');
    // the roles given with the user are rows of their own, in the same change
    const roles = await call<EntryList>('GET', `${A}/audit-logs?entityType=user_role&actor=admin`, {
      as: ADMIN,
    });
    expect(roles.body.list.map((e) => e.entityId)).toContain(`${user.body.id}:subscriber`);
  });

  it('rolls the entry back with the change it belongs to', async () => {
    const prisma = auditedPrisma(bed.prisma);
    const change = { actorName: 'rollback-test', action: 'test', method: 'POST', path: '/test' };
    await expect(
      runAsChange(change, () =>
        prisma.$transaction(async (tx) => {
          await tx.denyPolicy.create({ data: { conditionType: 'IP', conditionValue: '192.0.2.99' } });
          throw new Error('the change fails after its write');
        }),
      ),
    ).rejects.toThrow('the change fails');
    expect(await bed.prisma.auditLog.count({ where: { actorName: 'rollback-test' } })).toBe(0);
    // a single write outside a transaction is made in one that carries the context
    const row = await runAsChange(change, () =>
      prisma.denyPolicy.create({ data: { conditionType: 'IP', conditionValue: '192.0.2.98' } }),
    );
    const entries = await bed.prisma.auditLog.findMany({ where: { actorName: 'rollback-test' } });
    expect(entries.map((e) => [e.entityType, e.entityId])).toEqual([['deny_policy', row.id]]);
    // outside a change, the connection's own actor: the database user for a client that sets none
    await prisma.denyPolicy.delete({ where: { id: row.id } });
    const deleted = await bed.prisma.auditLog.findFirstOrThrow({
      where: { entityId: row.id, action: 'delete' },
    });
    expect([deleted.actorName, deleted.actorId]).toEqual(['db:postgres', null]);
  });

  it('records an update as the columns it changed, and none for a change of updated_at only', async () => {
    const api = await call<Record<string, unknown> & { id: string }>('POST', '/api/am/publisher/v4/apis', {
      as: publisher,
      json: { name: 'Partial', context: '/partial', version: 'v1' },
    });
    expect(api.status).toBe(201);
    const put = await call('PUT', `/api/am/publisher/v4/apis/${api.body.id}`, {
      as: publisher,
      json: { ...api.body, visibility: 'PRIVATE' },
    });
    expect(put.status).toBe(200);
    const log = await call<EntryList>('GET', `${A}/audit-logs?entityType=api&entityId=${api.body.id}`, {
      as: ADMIN,
    });
    const [update, create] = log.body.list;
    expect(update).toMatchObject({ action: 'updateAPI', operation: 'UPDATE', actor: 'audited-publisher' });
    expect(update!.before).toEqual({ visibility: 'PUBLIC' });
    expect(update!.after).toEqual({ visibility: 'PRIVATE' });
    // a creation still holds the whole new row
    expect(create!.after).toHaveProperty('definition');

    await bed.prisma.$executeRaw`UPDATE api SET updated_at = now() WHERE id = ${api.body.id}::uuid`;
    await bed.prisma.$executeRaw`UPDATE api SET name = name WHERE id = ${api.body.id}::uuid`;
    expect(await bed.prisma.auditLog.count({ where: { entityType: 'api', entityId: api.body.id } })).toBe(2);

    // a secret's change shows as its column, never its value
    await createUser(bed.prisma, 'audited-secret', ['subscriber']);
    const user = await bed.prisma.user.findUniqueOrThrow({ where: { username: 'audited-secret' } });
    await bed.prisma
      .$executeRaw`UPDATE user_account SET password_hash = 'scrypt$other' WHERE id = ${user.id}::uuid`;
    const secret = await bed.prisma.auditLog.findFirstOrThrow({
      where: { entityType: 'user_account', entityId: user.id },
      orderBy: { id: 'desc' },
    });
    expect(secret.details).toMatchObject({
      before: { password_hash: '[hidden]' },
      after: { password_hash: '[hidden]' },
    });
    expect(Object.keys((secret.details as { after: object }).after)).toEqual(['password_hash']);
  });

  it("records the product's own changes as a system actor", async () => {
    // a wrong Basic password counts against the account: the control plane's own write
    const victim = await createUser(bed.prisma, 'audited-victim', ['subscriber']);
    const wrong = { username: victim.username, password: 'not-the-password' };
    expect((await call('GET', '/api/am/devportal/v3/applications', { as: wrong })).status).toBe(401);
    const user = await bed.prisma.user.findUniqueOrThrow({ where: { username: victim.username } });
    const log = await call<EntryList>('GET', `${A}/audit-logs?entityType=user_account&entityId=${user.id}`, {
      as: ADMIN,
    });
    expect(log.body.list[0]).toMatchObject({
      actor: 'system:control-plane',
      actorId: null,
      action: 'update',
      operation: 'UPDATE',
      method: null,
      before: { failed_logins: 0 },
      after: { failed_logins: 1 },
    });
    const byActor = await call<EntryList>('GET', `${A}/audit-logs?actor=system:control-plane`, { as: ADMIN });
    expect(byActor.body.list.map((e) => e.entityId)).toContain(user.id);
  });

  it("records a workflow decision's changes as the admin who decided, though a job applies them", async () => {
    const D = '/api/am/devportal/v3';
    const dev = await createUser(bed.prisma, 'audited-dev', ['subscriber']);
    expect(
      (await call('PUT', `${A}/settings`, { as: ADMIN, json: { workflows: { APPLICATION_CREATION: true } } }))
        .status,
    ).toBe(200);
    const app = await call<{ applicationId: string }>('POST', `${D}/applications`, {
      as: dev,
      json: { name: 'Awaiting', throttlingPolicy: 'Unlimited' },
    });
    const wf = await bed.prisma.workflow.findFirstOrThrow({ where: { referenceId: app.body.applicationId } });
    const decided = await call('POST', `${A}/workflows/update-workflow-status?workflowReferenceId=${wf.id}`, {
      as: ADMIN,
      json: { status: 'APPROVED' },
    });
    expect(decided.status).toBe(200);
    await call('PUT', `${A}/settings`, { as: ADMIN, json: { workflows: { APPLICATION_CREATION: false } } });
    const entries = await bed.prisma.auditLog.findMany({
      where: { entityId: { in: [wf.id, app.body.applicationId] }, action: 'updateWorkflowStatus' },
      orderBy: { id: 'asc' },
    });
    const admin = await bed.prisma.user.findUniqueOrThrow({ where: { username: 'admin' } });
    expect(entries.map((e) => [e.entityType, e.actorName, e.actorId, e.sourceIp])).toEqual([
      ['workflow', 'admin', admin.id, '127.0.0.1'],
      ['application', 'admin', admin.id, '127.0.0.1'],
    ]);
    expect(entries[1]!.details).toMatchObject({
      before: { status: 'CREATED' },
      after: { status: 'APPROVED' },
    });

    // a job that carries no decider (queued by an earlier version) is the workflow engine's
    const other = await call<{ applicationId: string }>('POST', `${D}/applications`, {
      as: dev,
      json: { name: 'Queued before', throttlingPolicy: 'Unlimited' },
    });
    const queued = await bed.prisma.workflow.create({
      data: { type: 'APPLICATION_CREATION', referenceId: other.body.applicationId },
    });
    expect(await applyDecision(bed.prisma, { workflowId: queued.id, status: 'REJECTED' })).toBe(true);
    const unattributed = await bed.prisma.auditLog.findMany({
      where: { entityId: { in: [queued.id, other.body.applicationId] }, action: 'applyWorkflowDecision' },
      orderBy: { id: 'asc' },
    });
    expect(unattributed.map((e) => [e.entityType, e.actorName, e.actorId])).toEqual([
      ['workflow', 'system:workflow', null],
      ['application', 'system:workflow', null],
    ]);
  });

  it('filters by actor and period, pages, and is for admins only', async () => {
    for (const value of ['192.0.2.61', '192.0.2.62', '192.0.2.63'])
      expect(
        (
          await call('POST', `${A}/throttling/deny-policies`, {
            as: ADMIN,
            json: { conditionType: 'IP', conditionValue: value },
          })
        ).status,
      ).toBe(201);
    const first = await call<EntryList>('GET', `${A}/audit-logs?actor=admin&entityType=deny_policy&limit=2`, {
      as: ADMIN,
    });
    expect(first.body.count).toBe(2);
    expect(first.body.pagination.total).toBeGreaterThanOrEqual(3);
    expect(first.body.pagination.next).toBe(
      '/audit-logs?actor=admin&entityType=deny_policy&limit=2&offset=2',
    );
    expect(first.body.list.map((e) => e.after?.condition_value)).toEqual(['192.0.2.63', '192.0.2.62']);
    const nobody = await call<EntryList>('GET', `${A}/audit-logs?actor=nobody`, { as: ADMIN });
    expect(nobody.body.count).toBe(0);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const later = await call<EntryList>('GET', `${A}/audit-logs?from=${encodeURIComponent(future)}`, {
      as: ADMIN,
    });
    expect(later.body.count).toBe(0);
    const past = new Date(Date.now() - 3_600_000).toISOString();
    const recent = await call<EntryList>(
      'GET',
      `${A}/audit-logs?from=${encodeURIComponent(past)}&to=${encodeURIComponent(future)}`,
      { as: ADMIN },
    );
    expect(recent.body.pagination.total).toBeGreaterThanOrEqual(3);
    expect(
      (
        await call(
          'GET',
          `${A}/audit-logs?from=${encodeURIComponent(future)}&to=${encodeURIComponent(past)}`,
          {
            as: ADMIN,
          },
        )
      ).status,
    ).toBe(400);
    expect((await call('GET', `${A}/audit-logs?from=yesterday`, { as: ADMIN })).status).toBe(400);
    expect((await call('GET', `${A}/audit-logs`, { as: publisher })).status).toBe(403);
    expect((await call('GET', `${A}/audit-logs`)).status).toBe(401);
  });

  it('records publisher changes with the operation that made them', async () => {
    const api = await call<{ id: string }>('POST', '/api/am/publisher/v4/apis', {
      as: publisher,
      json: { name: 'Audited', context: '/audited', version: 'v1' },
    });
    expect(api.status).toBe(201);
    const log = await call<EntryList>('GET', `${A}/audit-logs?entityType=api&entityId=${api.body.id}`, {
      as: ADMIN,
    });
    expect(log.body.list.map((e) => [e.action, e.actor])).toEqual([['createAPI', 'audited-publisher']]);
    expect(log.body.list[0]!.after).toMatchObject({ name: 'Audited', context: '/audited' });
  });

  it('deletes entries older than the retention', async () => {
    const old = await bed.prisma.auditLog.create({
      data: { at: new Date(Date.now() - 40 * 86_400_000), action: 'old', entityType: 'api' },
    });
    const recent = await bed.prisma.auditLog.create({ data: { action: 'recent', entityType: 'api' } });
    expect(await pruneAuditLog(bed.prisma, 30)).toBeGreaterThanOrEqual(1);
    expect(await bed.prisma.auditLog.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await bed.prisma.auditLog.findUnique({ where: { id: recent.id } })).not.toBeNull();
  });
});

describe('behind a trusted proxy', () => {
  let proxied: RunningControlPlane;
  let prisma: PrismaClient;
  beforeAll(async () => {
    proxied = await startControlPlane({
      databaseUrl: bed.databaseUrl,
      redisUrl: testRedisUrl(),
      redisPrefix: `${bed.redisPrefix}-proxied`,
      env: { APIM_TRUST_PROXY: 'loopback', APIM_HSTS_MAX_AGE: '600' },
    });
    prisma = createPrismaClient(bed.databaseUrl, { poolSize: 1 });
  });
  afterAll(async () => {
    await proxied?.close();
    await prisma?.$disconnect();
  });

  const createDeny = (url: string, value: string, headers: Record<string, string>) =>
    restClient(url)<{ conditionId: string }>('POST', `${A}/throttling/deny-policies`, {
      as: ADMIN,
      json: { conditionType: 'IP', conditionValue: value },
      headers,
    });
  const sourceOf = async (id: string) =>
    (await prisma.auditLog.findFirstOrThrow({ where: { entityType: 'deny_policy', entityId: id } })).sourceIp;

  it('records the client a trusted proxy forwarded, and never a header from anyone else', async () => {
    const spoofed = { 'x-forwarded-for': '203.0.113.66, 198.51.100.7' };
    const viaProxy = await createDeny(proxied.url, '192.0.2.71', spoofed);
    // loopback is trusted: the walk from the right stops at the first untrusted hop
    expect(await sourceOf(viaProxy.body.conditionId)).toBe('198.51.100.7');
    const direct = await createDeny(bed.cp.url, '192.0.2.72', spoofed);
    // no proxy is trusted by default: the header is the caller's own words
    expect(await sourceOf(direct.body.conditionId)).toBe('127.0.0.1');
    const forwarded = await createDeny(proxied.url, '192.0.2.73', { forwarded: 'for=203.0.113.9' });
    // only the configured header (X-Forwarded-For by default) is read
    expect(await sourceOf(forwarded.body.conditionId)).toBe('127.0.0.1');
  });

  it('sends HSTS on what a trusted proxy received over HTTPS only', async () => {
    const hsts = async (url: string, headers: Record<string, string>) =>
      (await fetch(`${url}/console-config.json`, { headers })).headers.get('strict-transport-security');
    expect(await hsts(proxied.url, { 'x-forwarded-proto': 'https' })).toBe('max-age=600');
    expect(await hsts(proxied.url, { 'x-forwarded-proto': 'http' })).toBeNull();
    expect(await hsts(proxied.url, {})).toBeNull();
    expect(await hsts(bed.cp.url, { 'x-forwarded-proto': 'https' })).toBeNull();
  });
});
