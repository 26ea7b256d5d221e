/** External authorizers as the admin API shows and writes them, and the deployed rules that name them. */
import type { Admin, Answered } from '@apim/rest-contract';
import type { Prisma, TransactionClient } from '@apim/db';
import type { OutboundUrlPolicy } from '@apim/service';
import { badRequest } from '../http/errors.js';

export type AuthorizerRow = Prisma.ExternalAuthorizerGetPayload<object>;
/** The body as validated: its defaults filled in */
export type AuthorizerBody = Answered<
  Admin.ExternalAuthorizer,
  'headersToSend' | 'headersToPassBack' | 'timeoutMs' | 'failClosed'
>;

export function authorizerDto(row: AuthorizerRow): Admin.ExternalAuthorizer {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    headersToSend: row.headersToSend,
    headersToPassBack: row.headersToPassBack,
    timeoutMs: row.timeoutMs,
    failClosed: row.failClosed,
    createdTime: row.createdAt.toISOString(),
  };
}

/** The row's fields from a body; a URL gateways may not call (outbound policy) is a 400 naming its host. */
export async function authorizerData(body: AuthorizerBody, policy: OutboundUrlPolicy) {
  const refused = await policy.refusal(body.url);
  if (refused) throw badRequest(`url: ${refused}`);
  return {
    name: body.name,
    url: body.url,
    headersToSend: body.headersToSend,
    headersToPassBack: body.headersToPassBack,
    timeoutMs: body.timeoutMs,
    failClosed: body.failClosed,
  };
}

/** "name version" of each API with a deployed revision whose rules name the authorizer. */
export async function apisNaming(tx: TransactionClient, authorizer: string): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ name: string; version: string }>>`
    SELECT DISTINCT a.name, a.version
    FROM revision_deployment d
    JOIN api_revision r ON r.id = d.revision_id
    JOIN api a ON a.id = d.api_id
    WHERE jsonb_path_exists(
      r.snapshot::jsonb,
      '$.operations[*].rule.access.authorizers[*] ? (@ == $name)',
      jsonb_build_object('name', ${authorizer}::text)
    )
    ORDER BY a.name, a.version`;
  return rows.map((r) => `${r.name} ${r.version}`);
}
