/**
 * Client certificates of mutual-TLS APIs (WSO2's publisher v4 /apis/{apiId}/client-certificates):
 * certificates made by openssl, uploaded as WSO2 clients upload them (multipart), and carried to
 * gateways inside the API's next revision.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFingerprint, type ApiSnapshot, type GatewayEventPayloads } from '@apim/contracts';
import { selfSignedCertificate, type TestCertificate } from '@apim/testing';
import { createUser, restClient, startTestBed, type Caller, type TestBed } from '../test-support.js';

const BASE = '/api/am/publisher/v4';
let bed: TestBed;
let call: ReturnType<typeof restClient>;
let creator: Caller;
let subscriber: Caller;
let partner: TestCertificate;
let other: TestCertificate;

const fingerprintOf = (pem: string) => certificateFingerprint(new X509Certificate(pem).fingerprint256);

function upload(fields: Record<string, string>, file?: { text: string | Buffer; name?: string }): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.append('certificate', new Blob([file.text]), file.name ?? 'client.crt');
  return form;
}

async function createApi(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call<{ id: string }>('POST', `${BASE}/apis`, {
    as: creator,
    json: { name, context: `/${name.toLowerCase()}`, version: '1', securityScheme: ['mutualssl'], ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/** Uploads the partner's certificate (Gold tier, sandbox) to the API and takes a revision: its id. */
async function revisionWithPartner(apiId: string): Promise<string> {
  const added = await call('POST', `${BASE}/apis/${apiId}/client-certificates`, {
    as: creator,
    form: upload({ alias: 'partner', tier: 'Gold', keyType: 'SANDBOX' }, { text: partner.cert }),
  });
  expect(added.status).toBe(200);
  const rev = await call<{ id: string }>('POST', `${BASE}/apis/${apiId}/revisions`, {
    as: creator,
    json: {},
  });
  expect(rev.status).toBe(201);
  return rev.body.id;
}

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
  creator = await createUser(bed.prisma, 'certs-creator', ['creator']);
  subscriber = await createUser(bed.prisma, 'certs-subscriber', ['subscriber']);
  partner = selfSignedCertificate('partner');
  other = selfSignedCertificate('other');
});
afterAll(async () => bed?.close());

describe('client certificates', () => {
  it('uploads, lists, describes, downloads, re-tiers, re-keys and deletes a certificate', async () => {
    const apiId = await createApi('Certified');
    const certs = `${BASE}/apis/${apiId}/client-certificates`;
    const added = await call('POST', certs, {
      as: creator,
      form: upload({ alias: 'partner-1', tier: 'Gold' }, { text: partner.cert }),
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toEqual({ alias: 'partner-1', apiId, tier: 'Gold', keyType: 'PRODUCTION' });
    expect(added.headers.get('location')).toBe(`${certs}/partner-1`);
    // DER is taken as well as PEM
    const der = new X509Certificate(other.cert).raw;
    expect(
      (
        await call('POST', certs, {
          as: creator,
          form: upload(
            { alias: 'other', tier: 'Silver', keyType: 'SANDBOX' },
            { text: der, name: 'other.cer' },
          ),
        })
      ).status,
    ).toBe(200);

    const list = await call('GET', certs, { as: subscriber });
    expect(list.status).toBe(403);
    const listed = await call('GET', `${certs}?limit=1`, { as: creator });
    expect(listed.body).toMatchObject({
      count: 1,
      certificates: [{ alias: 'other', apiId, tier: 'Silver', keyType: 'SANDBOX' }],
      pagination: { total: 2, limit: 1, offset: 0 },
    });
    const byAlias = await call('GET', `${certs}?alias=partner-1`, { as: creator });
    expect(byAlias.body).toMatchObject({ count: 1, certificates: [{ alias: 'partner-1' }] });

    const info = await call<Record<string, unknown>>('GET', `${certs}/partner-1`, { as: creator });
    expect(info.status).toBe(200);
    const x509 = new X509Certificate(partner.cert);
    expect(info.body).toEqual({
      status: 'Active',
      validity: {
        from: new Date(x509.validFrom).toISOString(),
        to: new Date(x509.validTo).toISOString(),
      },
      subject: 'CN=partner',
      issuer: 'CN=partner',
      serialNumber: x509.serialNumber,
      fingerprint: fingerprintOf(partner.cert),
    });

    const content = await fetch(`${bed.cp.url}${certs}/other/content`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${creator.username}:${creator.password}`).toString('base64')}`,
      },
    });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-disposition')).toBe('attachment; filename="other.crt"');
    expect(fingerprintOf(await content.text())).toBe(fingerprintOf(other.cert));

    const retiered = await call('PUT', `${certs}/partner-1`, {
      as: creator,
      form: upload({ tier: 'Bronze' }),
    });
    expect(retiered.status).toBe(200);
    expect(retiered.body).toEqual({ alias: 'partner-1', apiId, tier: 'Bronze', keyType: 'PRODUCTION' });
    const rekeyed = await call('PUT', `${certs}/partner-1`, {
      as: creator,
      form: upload({ keyType: 'SANDBOX' }),
    });
    expect(rekeyed.body).toEqual({ alias: 'partner-1', apiId, tier: 'Bronze', keyType: 'SANDBOX' });
    const renewed = selfSignedCertificate('partner', { days: 30 });
    const replaced = await call('PUT', `${certs}/partner-1`, {
      as: creator,
      form: upload({}, { text: renewed.cert }),
    });
    expect(replaced.status).toBe(200);
    expect((await call('GET', `${certs}/partner-1`, { as: creator })).body.fingerprint).toBe(
      fingerprintOf(renewed.cert),
    );
    const nothing = await call('PUT', `${certs}/partner-1`, { as: creator, form: upload({}) });
    expect(nothing.status).toBe(400);

    expect((await call('DELETE', `${certs}/partner-1`, { as: creator })).status).toBe(200);
    expect((await call('GET', `${certs}/partner-1`, { as: creator })).status).toBe(404);
    expect((await call('DELETE', `${certs}/partner-1`, { as: creator })).status).toBe(404);
  });

  it('refuses what is no usable certificate, an unknown tier and duplicates, keeping nothing', async () => {
    const apiId = await createApi('Strict');
    const certs = `${BASE}/apis/${apiId}/client-certificates`;
    expect(
      (
        await call('POST', certs, {
          as: creator,
          form: upload({ alias: 'first', tier: 'Gold' }, { text: partner.cert }),
        })
      ).status,
    ).toBe(200);
    const expired = selfSignedCertificate('late', { days: -1 });
    const cases: Array<[string, FormData, number, RegExp]> = [
      ['not a certificate', upload({ alias: 'a', tier: 'Gold' }, { text: 'hello' }), 400, /not an X\.509/],
      [
        'a private key',
        upload({ alias: 'a', tier: 'Gold' }, { text: `${partner.cert}${partner.key}` }),
        400,
        /private key/,
      ],
      [
        'a chain',
        upload({ alias: 'a', tier: 'Gold' }, { text: `${partner.cert}${other.cert}` }),
        400,
        /several certificates/,
      ],
      [
        'an expired certificate',
        upload({ alias: 'a', tier: 'Gold' }, { text: expired.cert }),
        400,
        /expired on/,
      ],
      [
        'an unknown tier',
        upload({ alias: 'a', tier: 'Platinum' }, { text: other.cert }),
        400,
        /Unknown tier 'Platinum'.*Gold/,
      ],
      ['no file', upload({ alias: 'a', tier: 'Gold' }), 400, /'certificate' field/],
      [
        'an unknown key type',
        upload({ alias: 'a', tier: 'Gold', keyType: 'STAGING' }, { text: other.cert }),
        400,
        /'keyType'.*PRODUCTION, SANDBOX/,
      ],
      ['no alias', upload({ tier: 'Gold' }, { text: other.cert }), 400, /'alias' is required/],
      ['a bad alias', upload({ alias: 'a b', tier: 'Gold' }, { text: other.cert }), 400, /'alias'/],
      ['a taken alias', upload({ alias: 'first', tier: 'Gold' }, { text: other.cert }), 409, /alias 'first'/],
      [
        'the same certificate again',
        upload({ alias: 'again', tier: 'Gold' }, { text: partner.cert }),
        409,
        /under the alias 'first'/,
      ],
    ];
    for (const [what, form, status, message] of cases) {
      const res = await call<{ description: string }>('POST', certs, { as: creator, form });
      expect(res.status, what).toBe(status);
      expect(res.body.description, what).toMatch(message);
    }
    expect(await bed.prisma.apiClientCertificate.count({ where: { apiId } })).toBe(1);
    const elsewhere = await call(
      'POST',
      `${BASE}/apis/00000000-0000-4000-8000-000000000000/client-certificates`,
      {
        as: creator,
        form: upload({ alias: 'a', tier: 'Gold' }, { text: other.cert }),
      },
    );
    expect(elsewhere.status).toBe(404);
    // the same certificate may serve another API
    const second = await createApi('Second');
    expect(
      (
        await call('POST', `${BASE}/apis/${second}/client-certificates`, {
          as: creator,
          form: upload({ alias: 'first', tier: 'Silver' }, { text: partner.cert }),
        })
      ).status,
    ).toBe(200);
  });

  it('a new version of the API admits the same certificates, kept apart from the first', async () => {
    const apiId = await createApi('Versioned');
    const certs = (id: string) => `${BASE}/apis/${id}/client-certificates`;
    await call('POST', certs(apiId), {
      as: creator,
      form: upload({ alias: 'partner', tier: 'Gold', keyType: 'SANDBOX' }, { text: partner.cert }),
    });
    const copy = await call<{ id: string }>('POST', `${BASE}/apis/copy-api?apiId=${apiId}&newVersion=2`, {
      as: creator,
    });
    expect(copy.status, JSON.stringify(copy.body)).toBe(201);
    const copied = await call('GET', certs(copy.body.id), { as: creator });
    expect(copied.body).toMatchObject({
      count: 1,
      certificates: [{ alias: 'partner', apiId: copy.body.id, tier: 'Gold', keyType: 'SANDBOX' }],
    });
    expect((await call('GET', `${certs(copy.body.id)}/partner`, { as: creator })).body).toMatchObject({
      fingerprint: fingerprintOf(partner.cert),
    });
    // each version's certificates change on their own
    expect((await call('DELETE', `${certs(copy.body.id)}/partner`, { as: creator })).status).toBe(200);
    expect((await call('GET', certs(apiId), { as: creator })).body).toMatchObject({ count: 1 });
  });

  it('restoring a revision puts back the certificates it was taken with', async () => {
    const apiId = await createApi('Restored');
    const certs = `${BASE}/apis/${apiId}/client-certificates`;
    const rev = await revisionWithPartner(apiId);
    // the revision keeps the PEM for restoring, but not in the snapshot gateways receive
    const row = await bed.prisma.apiRevision.findUniqueOrThrow({ where: { id: rev } });
    expect(JSON.stringify(row.snapshot)).not.toContain('BEGIN CERTIFICATE');
    await call('DELETE', `${certs}/partner`, { as: creator });
    await call('POST', certs, {
      as: creator,
      form: upload({ alias: 'other', tier: 'Silver' }, { text: other.cert }),
    });

    const restored = await call('POST', `${BASE}/apis/${apiId}/restore-revision?revisionId=${rev}`, {
      as: creator,
    });
    expect(restored.status, JSON.stringify(restored.body)).toBe(201);
    expect((await call('GET', certs, { as: creator })).body).toMatchObject({
      count: 1,
      certificates: [{ alias: 'partner', tier: 'Gold', keyType: 'SANDBOX' }],
    });
    expect((await call('GET', `${certs}/partner`, { as: creator })).body).toMatchObject({
      status: 'Active',
      fingerprint: fingerprintOf(partner.cert),
    });
  });

  it("carries the certificates and the operations' scope role bindings to gateways in the next revision", async () => {
    const apiId = await createApi('Revised', {
      securityScheme: ['mutualssl', 'basic_auth'],
      scopes: [{ scope: { name: 'revised:write', bindings: ['creator', 'partner'] } }],
      operations: [
        { target: '/things', verb: 'GET' },
        { target: '/things', verb: 'POST', scopes: ['revised:write'] },
      ],
    });
    const certs = `${BASE}/apis/${apiId}/client-certificates`;
    const rev = await revisionWithPartner(apiId);
    // a certificate added after the revision is not in it
    await call('POST', certs, {
      as: creator,
      form: upload({ alias: 'later', tier: 'Gold' }, { text: other.cert }),
    });

    const row = await bed.prisma.apiRevision.findUniqueOrThrow({ where: { id: rev } });
    const snapshot = row.snapshot as unknown as ApiSnapshot;
    const x509 = new X509Certificate(partner.cert);
    expect(snapshot.clientCertificates).toEqual([
      {
        alias: 'partner',
        fingerprint: fingerprintOf(partner.cert),
        tier: 'Gold',
        keyType: 'SANDBOX',
        userName: 'partner',
        notBefore: new Date(x509.validFrom).toISOString(),
        notAfter: new Date(x509.validTo).toISOString(),
      },
    ]);
    expect(JSON.stringify(snapshot)).not.toContain('BEGIN CERTIFICATE');
    expect(snapshot.scopes).toEqual([{ name: 'revised:write', roles: ['creator', 'partner'] }]);

    const before = (await bed.prisma.gatewayEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    const deployed = await call('POST', `${BASE}/apis/${apiId}/deploy-revision?revisionId=${rev}`, {
      as: (await createUser(bed.prisma, 'certs-publisher', ['publisher'])) as Caller,
      json: [{ name: 'Default' }],
    });
    expect(deployed.status).toBe(201);
    const event = await bed.prisma.gatewayEvent.findFirstOrThrow({
      where: { id: { gt: before }, type: 'API_DEPLOYED' },
    });
    const api = (event.payload as unknown as GatewayEventPayloads['API_DEPLOYED']).api;
    expect(api.clientCertificates?.map((c) => c.alias)).toEqual(['partner']);
    expect(api.scopes).toEqual(snapshot.scopes);
  });
});
