/**
 * The control plane's Prisma client for request handlers: while a REST change runs
 * (runAsChange), every transaction first sets `apim.audit` (transaction-local) to the change's
 * context, and a write outside an explicit transaction is made inside one that sets it, so the
 * audit triggers attribute each changed row to its actor in the same transaction.
 * Outside a change (reads, background jobs) it is the plain client and costs nothing; what it
 * writes then is recorded as the control plane's (the connection's apim.audit_actor).
 */
import { setAuditContext, type PrismaClient, type TransactionClient } from '@apim/db';
import { currentChange, type ChangeContext } from './change-context.js';

const WRITES = new Set([
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
]);

type Query = (tx: TransactionClient) => Promise<unknown>;

export function auditedPrisma(base: PrismaClient): PrismaClient {
  const inChange = (change: ChangeContext, fn: Query, options?: unknown) =>
    base.$transaction(async (tx) => {
      await setAuditContext(tx, change);
      return fn(tx);
    }, options as never);

  const delegates = new Map<string | symbol, unknown>();
  const delegate = (name: string | symbol, model: Record<string, unknown>) => {
    if (!delegates.has(name))
      delegates.set(
        name,
        new Proxy(model, {
          get(target, method) {
            const value = Reflect.get(target, method) as unknown;
            if (typeof method !== 'string' || !WRITES.has(method) || typeof value !== 'function')
              return value;
            return (args: unknown) => {
              const change = currentChange();
              if (!change) return (value as (a: unknown) => unknown).call(target, args);
              return inChange(change, (tx) =>
                (tx as unknown as Record<string, Record<string, (a: unknown) => Promise<unknown>>>)[
                  name as string
                ]![method]!(args),
              );
            };
          },
        }),
      );
    return delegates.get(name);
  };

  return new Proxy(base, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (prop === '$transaction')
        return (arg: Query | Promise<unknown>[], options?: unknown) => {
          const change = currentChange();
          if (!change) return target.$transaction(arg as never, options as never);
          if (Array.isArray(arg))
            return target
              .$transaction([setAuditContext(target, change), ...(arg as never[])], options as never)
              .then((results: unknown[]) => results.slice(1));
          return inChange(change, arg, options);
        };
      if (typeof value === 'function') return (value as (...a: unknown[]) => unknown).bind(target);
      // model delegates (prisma.api, prisma.subscription...) are objects with lower-case names
      if (value && typeof value === 'object' && typeof prop === 'string' && !prop.startsWith('$'))
        return delegate(prop, value as Record<string, unknown>);
      return value;
    },
  });
}
