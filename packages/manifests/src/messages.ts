/**
 * ajv's errors as problems a person can act on: a JSON pointer to the field (to the missing or
 * unknown field itself for `required` and `additionalProperties`) and a sentence naming it as the
 * manifest spells it ("timeout must be at most 3900"). The noise of alternatives (`oneOf` branches,
 * the `null` of a nullable field) is dropped when a more precise error explains the failure.
 */
import type { ErrorObject } from 'ajv';
import { KYMA_PATH } from './schemas/kyma.js';

export interface PointedMessage {
  pointer: string;
  message: string;
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** The field as a manifest writes it: its key, with the index when it is a list entry (`methods[1]`). */
export function fieldOf(pointer: string): string {
  const parts = pointer.split('/').slice(1).map(unescape);
  const last = parts.pop();
  if (last === undefined) return 'the document';
  if (!/^\d+$/.test(last)) return last;
  return `${parts.pop() ?? 'entry'}[${last}]`;
}

const PATTERNS: Record<string, string> = {
  [KYMA_PATH]:
    'must be a path of URL characters and {*} or {**} segments, or /* (e.g. /headers, /users/{*}, /{**})',
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$':
    'must be lowercase letters, digits and -, starting and ending with a letter or digit',
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$':
    'must be lowercase letters, digits, - and ., starting and ending with a letter or digit',
  '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?/([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$': 'must be <namespace>/<name>',
  '^https?://': 'must start with http:// or https://',
  '^/': 'must start with /',
  '^/[A-Za-z0-9_.~-]+(/[A-Za-z0-9_.~-]+)*$':
    'must be a path such as /orders/v1: segments of letters, digits and _ . ~ -',
  '^[^\\s]+$': 'must not contain spaces',
};

const FORMATS: Record<string, string> = {
  uri: 'a URL',
  email: 'an email address',
  hostname: 'a host name',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  uuid: 'a UUID',
};

const TYPES: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

const plural = (n: unknown, one: string, many: string) => `${String(n)} ${Number(n) === 1 ? one : many}`;

function sentence(e: ErrorObject, field: string): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${String(p.missingProperty)} is required`;
    case 'additionalProperties': {
      const known = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      const hint = known.length ? ` (known fields: ${known.join(', ')})` : '';
      return `${String(p.additionalProperty)} is not a known field${hint}`;
    }
    case 'type':
      return `${field} must be ${String(p.type)
        .split(',')
        .map((t) => TYPES[t] ?? t)
        .join(' or ')}`;
    case 'enum':
      return `${field} must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `${field} must be ${JSON.stringify(p.allowedValue)}`;
    case 'pattern':
      return `${field} ${PATTERNS[String(p.pattern)] ?? `must match the pattern ${String(p.pattern)}`}`;
    case 'format':
      return `${field} must be ${FORMATS[String(p.format)] ?? `a valid ${String(p.format)}`}`;
    case 'minLength':
      return Number(p.limit) <= 1
        ? `${field} must not be empty`
        : `${field} needs at least ${plural(p.limit, 'character', 'characters')}`;
    case 'maxLength':
      return `${field} can have at most ${plural(p.limit, 'character', 'characters')}`;
    case 'minimum':
      return `${field} must be at least ${String(p.limit)}`;
    case 'maximum':
      return `${field} must be at most ${String(p.limit)}`;
    case 'minItems':
      return Number(p.limit) <= 1
        ? `${field} needs at least one entry`
        : `${field} needs at least ${String(p.limit)} entries`;
    case 'maxItems':
      return `${field} can have at most ${plural(p.limit, 'entry', 'entries')}`;
    case 'uniqueItems':
      return `${field} lists the same entry twice (entries ${String(p.j)} and ${String(p.i)})`;
    case 'minProperties':
      return `${field} must not be empty`;
    case 'maxProperties':
      return `${field} can have at most ${plural(p.limit, 'key', 'keys')}`;
    case 'propertyNames':
      return `${field} has a key ${JSON.stringify(p.propertyName)} that is not allowed`;
    case 'oneOf':
    case 'anyOf':
      return `${field} is none of the forms it may take`;
    default:
      return `${field} ${e.message ?? 'is invalid'}`;
  }
}

function pointerOf(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required') return `${e.instancePath}/${escape(String(p.missingProperty))}`;
  if (e.keyword === 'additionalProperties')
    return `${e.instancePath}/${escape(String(p.additionalProperty))}`;
  return e.instancePath;
}

const under = (path: string, parent: string) => path === parent || path.startsWith(`${parent}/`);

/** The errors worth reading: alternatives' noise dropped, one sentence per field and failure. */
export function messagesOfAjv(errors: ErrorObject[]): PointedMessage[] {
  // a property name's inner errors repeat what the propertyNames error says
  const real = errors.filter((e) => e.keyword === 'propertyNames' || !('propertyName' in e.params));
  const kept = real.filter((e) => {
    const others = real.filter((o) => o !== e);
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf')
      return !others.some((o) => under(o.instancePath, e.instancePath));
    // a branch of an alternative that failed on its type, where another branch got further
    if (e.keyword === 'type' || e.keyword === 'const')
      return !others.some(
        (o) =>
          (o.instancePath !== e.instancePath && under(o.instancePath, e.instancePath)) ||
          (o.instancePath === e.instancePath && !['type', 'const', 'oneOf', 'anyOf'].includes(o.keyword)),
      );
    return true;
  });
  const seen = new Map<string, PointedMessage>();
  const types = new Map<string, string[]>();
  for (const e of kept.length ? kept : real) {
    const pointer = pointerOf(e);
    if (e.keyword === 'type') {
      // the branches of a nullable field ("a mapping", "null") said in one sentence
      const all = [...(types.get(pointer) ?? []), String((e.params as { type: unknown }).type)];
      types.set(pointer, all);
      seen.set(`${pointer}\ntype`, {
        pointer,
        message: sentence({ ...e, params: { type: all.join(',') } }, fieldOf(pointer)),
      });
      continue;
    }
    const message = sentence(e, fieldOf(e.instancePath));
    seen.set(`${pointer}\n${message}`, { pointer, message });
  }
  return [...seen.values()];
}
