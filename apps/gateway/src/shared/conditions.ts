import ipaddr from 'ipaddr.js';
import type { GatewayCondition } from '@apim/contracts';
import type { RequestContext } from '../pipeline/types.js';

function ipBytes(ip: string): number[] | null {
  try {
    const a = ipaddr.process(ip);
    return a.toByteArray();
  } catch {
    return null;
  }
}

function compareBytes(a: number[], b: number[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** True when `ip` lies in [start, end] (same address family). */
export function ipInRange(ip: string, start: string, end: string): boolean {
  const [x, s, e] = [ipBytes(ip), ipBytes(start), ipBytes(end)];
  if (!x || !s || !e || x.length !== s.length) return false;
  return compareBytes(x, s) >= 0 && compareBytes(x, e) <= 0;
}

export function sameIp(a: string, b: string): boolean {
  const [x, y] = [ipBytes(a), ipBytes(b)];
  return x !== null && y !== null && compareBytes(x, y) === 0;
}

function queryParam(ctx: RequestContext, name: string): string | null {
  return ctx.target.query ? new URLSearchParams(ctx.target.query.slice(1)).get(name) : null;
}

function holds(c: GatewayCondition, ctx: RequestContext): boolean {
  switch (c.type) {
    case 'IPCONDITION':
      return c.specificIp !== undefined && sameIp(ctx.clientIp, c.specificIp);
    case 'IPRANGECONDITION':
      return (
        c.startingIp !== undefined &&
        c.endingIp !== undefined &&
        ipInRange(ctx.clientIp, c.startingIp, c.endingIp)
      );
    case 'HEADERCONDITION': {
      const v = c.name ? ctx.req.headers[c.name.toLowerCase()] : undefined;
      return typeof v === 'string' && v === c.value;
    }
    case 'QUERYPARAMETERCONDITION':
      return c.name !== undefined && queryParam(ctx, c.name) === c.value;
    case 'JWTCLAIMSCONDITION': {
      const claim = c.name ? ctx.credential?.claims[c.name] : undefined;
      if (claim === undefined || c.value === undefined) return false;
      try {
        return new RegExp(c.value).test(typeof claim === 'string' ? claim : JSON.stringify(claim));
      } catch {
        return false;
      }
    }
  }
}

/** A conditional group applies when every one of its conditions holds (each possibly inverted). */
export function conditionsHold(conditions: readonly GatewayCondition[], ctx: RequestContext): boolean {
  return conditions.every((c) => holds(c, ctx) !== c.invertCondition);
}
