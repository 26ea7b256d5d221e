/** The users manifests name as owners (default: the user applying), and their applications. */
import type { TransactionClient } from '@apim/db';
import { badRequest } from '../../http/errors.js';
import type { ReconcileScope } from './kind.js';

export async function ownerOf(s: ReconcileScope, username: string | undefined) {
  if (username === undefined || username === s.principal.username) return s.principal;
  const user = await s.tx.user.findUnique({ where: { username }, select: { id: true, username: true } });
  if (!user) throw badRequest(`'owner' names no user: there is no user '${username}'`);
  return { userId: user.id, username: user.username };
}

/** The application `name` of `owner`, or null (the owner does not exist either: null). */
export async function findApplication(tx: TransactionClient, owner: string, name: string) {
  return tx.application.findFirst({ where: { name, owner: { username: owner } } });
}
