/**
 * Client certificates of APIs secured with mutual TLS (WSO2's `mutualssl`): the publisher uploads
 * each client's certificate under an alias, with the subscription tier that throttles the callers
 * presenting it and the key type that picks their endpoints (production or sandbox). Like the rest of an API's settings, they reach gateways with the API's next
 * revision, which carries their fingerprints, tiers and validity (never the PEMs).
 */
import { X509Certificate } from 'node:crypto';
import { Scopes, certificateFingerprint } from '@apim/contracts';
import type { Prisma, PrismaClient } from '@apim/db';
import type { AppContext } from '../context.js';
import { badRequest, conflict, isUniqueViolation, notFound } from '../http/errors.js';
import { clientCertificateFields, uuid, type Complete, type Publisher } from '@apim/rest-contract';
import { page, pagingQuery, type Paging } from '../http/paging.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';
import { loadApi } from './apis.js';

const { alias, tier, keyType } = clientCertificateFields;
type KeyType = (typeof keyType.enum)[number];

type CertificateRow = Prisma.ApiClientCertificateGetPayload<object>;

/** What we keep of an uploaded certificate. */
interface ParsedCertificate {
  pem: string;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * One X.509 certificate, PEM or DER (WSO2 takes .crt and .cer files). A chain, a private key or an
 * expired certificate is refused with what to do instead.
 */
export function parseClientCertificate(bytes: Buffer, now = new Date()): ParsedCertificate {
  const text = bytes.toString('latin1');
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text))
    throw badRequest("The file holds a private key: upload only the client's certificate, never its key");
  if ((text.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length > 1)
    throw badRequest("The file holds several certificates: upload the client's own certificate alone");
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(bytes);
  } catch {
    throw badRequest(
      "The 'certificate' file is not an X.509 certificate (PEM or DER, e.g. a .crt or .cer file)",
    );
  }
  const notBefore = new Date(x509.validFrom);
  const notAfter = new Date(x509.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime()))
    throw badRequest('The certificate has a validity period that cannot be read');
  if (notAfter <= now)
    throw badRequest(`The certificate expired on ${notAfter.toISOString()}: upload a current one`);
  return {
    pem: x509.toString(),
    fingerprint: certificateFingerprint(x509.fingerprint256),
    notBefore,
    notAfter,
  };
}

function metadataDto(c: CertificateRow): Complete<Publisher.ClientCertMetadata> {
  return { alias: c.alias, apiId: c.apiId, tier: c.tier, keyType: c.keyType };
}

function infoDto(c: CertificateRow, now = new Date()): Complete<Publisher.CertificateInfo> {
  const x509 = new X509Certificate(c.certificate);
  return {
    status: c.notAfter <= now ? 'Expired' : c.notBefore > now ? 'Inactive' : 'Active',
    validity: { from: c.notBefore.toISOString(), to: c.notAfter.toISOString() },
    subject: x509.subject,
    issuer: x509.issuer,
    serialNumber: x509.serialNumber,
    fingerprint: c.fingerprint,
  };
}

/** The single uploaded 'certificate' file, if any. */
function uploadedCertificate(files: Express.Multer.File[]): Buffer | undefined {
  if (files.length > 1) throw badRequest("Upload one file, in the 'certificate' field");
  return files[0]?.buffer;
}

/** Rejects a tier that is no subscription policy, naming the ones there are. */
async function checkTier(prisma: PrismaClient, name: string): Promise<void> {
  const policies = await prisma.throttlingPolicy.findMany({
    where: { type: 'SUBSCRIPTION' },
    select: { name: true },
    orderBy: { name: 'asc' },
  });
  if (!policies.some((p) => p.name === name))
    throw badRequest(
      `Unknown tier '${name}': it must be a subscription policy (${policies.map((p) => p.name).join(', ')})`,
    );
}

/** Refuses a certificate the API already has (under any alias but `except`), naming its alias. */
async function checkNotUploaded(
  prisma: PrismaClient,
  apiId: string,
  fingerprint: string,
  except?: string,
): Promise<void> {
  const same = await prisma.apiClientCertificate.findUnique({
    where: { apiId_fingerprint: { apiId, fingerprint } },
    select: { alias: true },
  });
  if (same && same.alias !== except)
    throw conflict(`The API already has this certificate, under the alias '${same.alias}'`);
}

async function findCertificate(prisma: PrismaClient, apiId: string, name: string) {
  const c = await prisma.apiClientCertificate.findUnique({ where: { apiId_alias: { apiId, alias: name } } });
  if (!c) throw notFound(`Client certificate '${name}'`);
  return c;
}

/** A concurrent upload of the same alias or certificate, caught by the unique keys. */
const raced = (e: unknown): never => {
  throw isUniqueViolation(e)
    ? conflict('The API already has a certificate with this alias, or this certificate under another alias')
    : e;
};

const params = { apiId: uuid, alias };

export function clientCertificateOperations({ prisma }: AppContext): OperationSpec<never, never>[] {
  const view = [Scopes.apiView, Scopes.apiCreate, Scopes.apiPublish];
  const edit = [Scopes.apiCreate];
  const tag = 'Client Certificates';
  return [
    operation<unknown, Paging & { alias?: string }>({
      method: 'get',
      path: '/apis/{apiId}/client-certificates',
      operationId: 'getAPIClientCertificates',
      summary: "The API's client certificates (mutual TLS), optionally the one with an alias",
      tag,
      access: view,
      params: { apiId: uuid },
      query: { properties: { ...pagingQuery, alias } },
      responses: { 200: { description: 'Certificates', schema: ref('ClientCertificates') } },
      async handle({ params: p, query }) {
        await loadApi(prisma, p.apiId!);
        const where = { apiId: p.apiId!, ...(query.alias ? { alias: query.alias } : {}) };
        const [total, rows] = await prisma.$transaction([
          prisma.apiClientCertificate.count({ where }),
          prisma.apiClientCertificate.findMany({
            where,
            orderBy: { alias: 'asc' },
            skip: query.offset,
            take: query.limit,
          }),
        ]);
        const { count, list, pagination } = page(
          `/apis/${p.apiId!}/client-certificates`,
          rows.map(metadataDto),
          total,
          query,
          query.alias ? { alias: query.alias } : {},
        );
        return { status: 200, body: { count, certificates: list, pagination } };
      },
    }),
    operation<{ alias: string; tier: string; keyType?: KeyType }>({
      method: 'post',
      path: '/apis/{apiId}/client-certificates',
      operationId: 'addAPIClientCertificate',
      summary:
        'Upload a client certificate (the file, its alias, the tier that throttles its callers and their key type, PRODUCTION by default)',
      tag,
      access: edit,
      params: { apiId: uuid },
      multipart: {
        fields: { type: 'object', required: ['alias', 'tier'], properties: { alias, tier, keyType } },
        fileFields: ['certificate'],
      },
      responses: { 200: { description: 'Uploaded', schema: ref('ClientCertMetadata') } },
      async handle({ params: p, body, files }) {
        const apiId = p.apiId!;
        await loadApi(prisma, apiId);
        const bytes = uploadedCertificate(files);
        if (!bytes) throw badRequest("Upload the certificate file in the 'certificate' field");
        const parsed = parseClientCertificate(bytes);
        await checkTier(prisma, body.tier);
        if (await prisma.apiClientCertificate.count({ where: { apiId, alias: body.alias } }))
          throw conflict(`The API already has a certificate with the alias '${body.alias}'`);
        await checkNotUploaded(prisma, apiId, parsed.fingerprint);
        const created = await prisma.apiClientCertificate
          .create({
            data: {
              apiId,
              alias: body.alias,
              certificate: parsed.pem,
              fingerprint: parsed.fingerprint,
              tier: body.tier,
              keyType: body.keyType ?? 'PRODUCTION',
              notBefore: parsed.notBefore,
              notAfter: parsed.notAfter,
            },
          })
          .catch(raced);
        return {
          status: 200,
          body: metadataDto(created),
          headers: {
            location: `/api/am/publisher/v4/apis/${apiId}/client-certificates/${encodeURIComponent(created.alias)}`,
          },
        };
      },
    }),
    operation({
      method: 'get',
      path: '/apis/{apiId}/client-certificates/{alias}',
      operationId: 'getAPIClientCertificateByAlias',
      summary: "A certificate's subject, issuer, validity and fingerprint",
      tag,
      access: view,
      params,
      responses: { 200: { description: 'The certificate', schema: ref('CertificateInfo') } },
      async handle({ params: p }) {
        return { status: 200, body: infoDto(await findCertificate(prisma, p.apiId!, p.alias!)) };
      },
    }),
    operation<{ tier?: string; keyType?: KeyType }>({
      method: 'put',
      path: '/apis/{apiId}/client-certificates/{alias}',
      operationId: 'updateAPIClientCertificateByAlias',
      summary: 'Replace the certificate under an alias, or change its tier or key type',
      tag,
      access: edit,
      params,
      multipart: { fields: { type: 'object', properties: { tier, keyType } }, fileFields: ['certificate'] },
      responses: { 200: { description: 'Updated', schema: ref('ClientCertMetadata') } },
      async handle({ params: p, body, files }) {
        const current = await findCertificate(prisma, p.apiId!, p.alias!);
        const bytes = uploadedCertificate(files);
        if (!bytes && body.tier === undefined && body.keyType === undefined)
          throw badRequest("Give a new 'certificate' file, a new 'tier' or a new 'keyType'");
        const parsed = bytes ? parseClientCertificate(bytes) : undefined;
        if (body.tier !== undefined) await checkTier(prisma, body.tier);
        if (parsed) await checkNotUploaded(prisma, current.apiId, parsed.fingerprint, current.alias);
        const updated = await prisma.apiClientCertificate
          .update({
            where: { id: current.id },
            data: {
              ...(body.tier !== undefined ? { tier: body.tier } : {}),
              ...(body.keyType !== undefined ? { keyType: body.keyType } : {}),
              ...(parsed
                ? {
                    certificate: parsed.pem,
                    fingerprint: parsed.fingerprint,
                    notBefore: parsed.notBefore,
                    notAfter: parsed.notAfter,
                  }
                : {}),
            },
          })
          .catch(raced);
        return { status: 200, body: metadataDto(updated) };
      },
    }),
    operation({
      method: 'delete',
      path: '/apis/{apiId}/client-certificates/{alias}',
      operationId: 'deleteAPIClientCertificateByAlias',
      summary: 'Delete a certificate (deployed revisions keep admitting it until the next one is deployed)',
      tag,
      access: edit,
      params,
      responses: { 200: { description: 'Deleted' } },
      async handle({ params: p }) {
        const c = await findCertificate(prisma, p.apiId!, p.alias!);
        await prisma.apiClientCertificate.delete({ where: { id: c.id } });
        return { status: 200 };
      },
    }),
    operation({
      method: 'get',
      path: '/apis/{apiId}/client-certificates/{alias}/content',
      operationId: 'getAPIClientCertificateContentByAlias',
      summary: 'Download the certificate (PEM)',
      tag,
      access: view,
      params,
      responses: {
        200: {
          description: 'The certificate',
          schema: { type: 'string' },
          contentTypes: ['application/x-pem-file'],
        },
      },
      async handle({ params: p }) {
        const c = await findCertificate(prisma, p.apiId!, p.alias!);
        return {
          status: 200,
          body: c.certificate,
          contentType: 'application/x-pem-file',
          headers: {
            'content-disposition': `attachment; filename="${c.alias}.crt"`,
            'x-content-type-options': 'nosniff',
          },
        };
      },
    }),
  ] as OperationSpec<never, never>[];
}
