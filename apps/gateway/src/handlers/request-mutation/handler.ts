import type { GatewayOperation } from '@apim/contracts';
import { DeploymentError } from '../../pipeline/deployment-error.js';
import type { HandlerModule } from '../../pipeline/handler-module.js';
import type { RequestContext } from '../../pipeline/types.js';
import { schema, type RequestMutationConfig } from './schema.js';

/** Headers that frame or route the request, or that the gateway sets itself: no rule sets them. */
const RESERVED = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-request-id',
]);

interface Mutation {
  headers: Array<[string, string]>;
  cookies: ReadonlyMap<string, string> | null;
}

const cookieName = (pair: string) => {
  const eq = pair.indexOf('=');
  return (eq === -1 ? pair : pair.slice(0, eq)).trim();
};

/** A Cookie header with the rule's cookies, replacing those of the same name, the others kept in order. */
export function mergeCookies(
  header: string | null | undefined,
  cookies: ReadonlyMap<string, string>,
): string {
  const pairs = (header ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '' && !cookies.has(cookieName(p)));
  for (const [name, value] of cookies) pairs.push(`${name}=${value}`);
  return pairs.join('; ');
}

/** The Cookie header as forwarded so far: a handler's edit (null: removed), else the client's. */
const currentCookie = (ctx: RequestContext) =>
  ctx.backendHeaders.cookie !== undefined ? ctx.backendHeaders.cookie : ctx.req.headers.cookie;

/**
 * Kyma's per-rule `request` mutations: headers set (replacing the client's) and cookies merged into
 * the Cookie header before the request is forwarded. Built at deploy per operation; an API none of
 * whose rules mutates requests has no such handler in its chain.
 */
export const requestMutation: HandlerModule<RequestMutationConfig> = {
  name: 'request-mutation',
  schema,
  configOf(api) {
    const operations = api.operations.flatMap((op, operation) => {
      const { headers = {}, cookies = {} } = op.rule?.request ?? {};
      if (Object.keys(headers).length === 0 && Object.keys(cookies).length === 0) return [];
      const lowerCase = Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]);
      return [{ operation, headers: Object.fromEntries(lowerCase) as Record<string, string>, cookies }];
    });
    return operations.length > 0 ? { operations } : null;
  },
  create(config, _services, api) {
    const byOperation = new Map<GatewayOperation, Mutation>();
    for (const { operation, headers, cookies } of config.operations) {
      const op = api.operations[operation]!;
      for (const name of Object.keys(headers))
        if (RESERVED.has(name))
          throw new DeploymentError(
            `request-mutation: ${op.verb} ${op.target}: a rule cannot set ${name} (the gateway frames and routes the request with it)`,
          );
      const named = Object.entries(cookies);
      byOperation.set(op, {
        headers: Object.entries(headers),
        cookies: named.length ? new Map(named) : null,
      });
    }
    return {
      name: 'request-mutation',
      onRequest(ctx) {
        const mutation = byOperation.get(ctx.operation);
        if (!mutation) return undefined;
        for (const [name, value] of mutation.headers) ctx.backendHeaders[name] = value;
        if (mutation.cookies) ctx.backendHeaders.cookie = mergeCookies(currentCookie(ctx), mutation.cookies);
        return undefined;
      },
    };
  },
};
