/**
 * Validation errors in sentences a person can act on. Both the form checks (ajv's errors, in
 * schema.ts) and the control plane's 400 answers (ajv's messages inside a description, in api.ts)
 * come through here: ajv keyword + params + the field's label -> a sentence naming the field.
 * Keywords not mapped keep ajv's own text.
 */

/** One failed check: ajv's keyword and params, and its original message for the fallback. */
export interface ValidationIssue {
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

const WORDS: Record<string, string> = {
  api: 'API',
  apis: 'APIs',
  id: 'ID',
  ids: 'IDs',
  url: 'URL',
  urls: 'URLs',
  uri: 'URI',
  tps: 'TPS',
  jwt: 'JWT',
  jwks: 'JWKS',
  ip: 'IP',
  tls: 'TLS',
  oauth: 'OAuth',
  cors: 'CORS',
  http: 'HTTP',
};

/** A property name as a label: `cacheTimeout` -> "Cache timeout", `production_endpoints` -> "Production endpoints". */
export function humaniseProperty(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((w) => WORDS[w.toLowerCase()] ?? w.toLowerCase());
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The label of a field path (dots): its last non-index segment, humanised; '' for the whole body. */
export function labelOfPath(path: string): string {
  const name = path
    .split('.')
    .filter((s) => s && !/^\d+$/.test(s))
    .pop();
  return name ? humaniseProperty(name) : '';
}

const FORMATS: Record<string, string> = {
  uri: 'a valid URL',
  'uri-reference': 'a valid URL',
  url: 'a valid URL',
  email: 'a valid email address',
  uuid: 'a valid UUID',
  'date-time': 'a date and time',
  date: 'a date',
  time: 'a time',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  hostname: 'a host name',
};

const TYPES: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'empty',
};

/** What the characters of a positive class are: "letters, digits and . _ -". */
function describeClass(body: string): string {
  const kinds: string[] = [];
  const chars: string[] = [];
  let rest = body;
  if (/A-Z|a-z/.test(rest)) kinds.push('letters');
  if (/0-9/.test(rest)) kinds.push('digits');
  rest = rest.replace(/A-Z|a-z|0-9/g, '');
  if (/\\s/.test(rest)) kinds.push('spaces');
  rest = rest.replace(/\\s/g, '');
  for (let i = 0; i < rest.length; i++) {
    const c = (rest[i] === '\\' && i + 1 < rest.length ? rest[++i] : rest[i]) ?? '';
    if (c && !chars.includes(c)) chars.push(c);
  }
  const all = [...kinds, ...(chars.length ? [chars.join(' ')] : [])];
  return all.length > 1 ? `${all.slice(0, -1).join(', ')} and ${all[all.length - 1]}` : (all[0] ?? '');
}

/** A pattern the schemas use, in words ("must start with /"); undefined when it has no simple reading. */
export function describePattern(pattern: string): string | undefined {
  if (pattern === '^https?://') return 'must start with http:// or https://';
  const prefix = /^\^((?:[^\\[\](){}.*+?^$|]|\\[/.-])+)$/.exec(pattern);
  if (prefix) return `must start with ${(prefix[1] ?? '').replace(/\\/g, '')}`;
  if (pattern === '^[0-9]+$' || pattern === '^\\d+$') return 'may contain only digits';
  if (pattern === '^[^\\s]+$' || pattern === '^\\S+$') return 'must not contain spaces';
  const path = /^\^\/\[([^\]^][^\]]*)\]/.exec(pattern);
  if (path) return `must start with / and use only ${describeClass(`${path[1]}/`)}`;
  const negated = /^\^\[\^([^\]]+)\][+*]\$?$/.exec(pattern);
  if (negated) return `must not contain any of ${describeClass(negated[1] ?? '')}`;
  const classes = /^\^((?:\[[^\]^][^\]]*\](?:[+*?]|\{\d*,?\d*\})?)+)\$$/.exec(pattern);
  if (classes) {
    const bodies = [...(classes[1] ?? '').matchAll(/\[([^\]]+)\]/g)].map((m) => m[1] ?? '');
    return `may contain only ${describeClass(bodies.join(''))}`;
  }
  return undefined;
}

const plural = (n: unknown, one: string, many: string) => `${String(n)} ${Number(n) === 1 ? one : many}`;

/**
 * The sentence for one failed check of the field called `label` ('' for the whole body). Keywords
 * not mapped keep ajv's text (after the label, when there is one).
 */
export function friendlyMessage(issue: ValidationIssue, label: string): string {
  const p = issue.params;
  const field = label || 'This value';
  switch (issue.keyword) {
    case 'required': {
      const missing = typeof p.missingProperty === 'string' ? humaniseProperty(p.missingProperty) : '';
      return `${label || missing || 'This value'} is required`;
    }
    case 'additionalProperties':
      return `${label || humaniseProperty(String(p.additionalProperty ?? 'This field'))} is not a known field`;
    case 'minLength':
      return Number(p.limit) <= 1
        ? `${field} is required`
        : `${field} needs at least ${plural(p.limit, 'character', 'characters')}`;
    case 'maxLength':
      return `${field} can have at most ${plural(p.limit, 'character', 'characters')}`;
    case 'minimum':
      return `${field} must be at least ${String(p.limit)}`;
    case 'maximum':
      return `${field} must be at most ${String(p.limit)}`;
    case 'exclusiveMinimum':
      return `${field} must be more than ${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `${field} must be less than ${String(p.limit)}`;
    case 'multipleOf':
      return `${field} must be a multiple of ${String(p.multipleOf)}`;
    case 'minItems':
      return Number(p.limit) <= 1
        ? `${field} needs at least one entry`
        : `${field} needs at least ${String(p.limit)} entries`;
    case 'maxItems':
      return `${field} can have at most ${plural(p.limit, 'entry', 'entries')}`;
    case 'uniqueItems':
      return `${field} has the same entry twice`;
    case 'pattern': {
      const words = describePattern(String(p.pattern ?? ''));
      return words ? `${field} ${words}` : `${field} is not in the expected form`;
    }
    case 'format': {
      const what = FORMATS[String(p.format)];
      return what ? `${field} must be ${what}` : `${field} must be a valid ${String(p.format)}`;
    }
    case 'enum': {
      const values = Array.isArray(p.allowedValues) ? p.allowedValues.map(String) : [];
      if (!values.length) return `${field} must be one of the allowed values`;
      return label ? `${label} must be one of: ${values.join(', ')}` : `Choose one of: ${values.join(', ')}`;
    }
    case 'const':
      return `${field} must be ${JSON.stringify(p.allowedValue)}`;
    case 'type': {
      const types = String(p.type ?? '')
        .split(',')
        .map((t) => TYPES[t] ?? t);
      return `${field} must be ${types.join(' or ')}`;
    }
    default: {
      const original = issue.message ?? 'is invalid';
      return label ? `${label} ${original}` : original;
    }
  }
}

/** ajv's English message read back into its keyword and params (undefined: not one of ajv's). */
export function issueOfMessage(message: string): ValidationIssue | undefined {
  let m: RegExpExecArray | null;
  if (message === 'is required') return { keyword: 'required', params: {}, message };
  if ((m = /^must have required property '(.+)'$/.exec(message)))
    return { keyword: 'required', params: { missingProperty: m[1] }, message };
  if (message === 'is not a known field' || message === 'must NOT have additional properties')
    return { keyword: 'additionalProperties', params: {}, message };
  if ((m = /^must be (>=|<=|>|<) (-?\d+(?:\.\d+)?)$/.exec(message))) {
    const keyword = { '>=': 'minimum', '<=': 'maximum', '>': 'exclusiveMinimum', '<': 'exclusiveMaximum' }[
      m[1] as '>=' | '<=' | '>' | '<'
    ];
    return { keyword, params: { limit: Number(m[2]) }, message };
  }
  if ((m = /^must NOT have (fewer|more) than (\d+) (characters|items)$/.exec(message))) {
    const keyword =
      m[3] === 'items'
        ? m[1] === 'fewer'
          ? 'minItems'
          : 'maxItems'
        : m[1] === 'fewer'
          ? 'minLength'
          : 'maxLength';
    return { keyword, params: { limit: Number(m[2]) }, message };
  }
  if ((m = /^must match pattern "(.*)"$/.exec(message)))
    return { keyword: 'pattern', params: { pattern: m[1] }, message };
  if ((m = /^must match format "(.*)"$/.exec(message)))
    return { keyword: 'format', params: { format: m[1] }, message };
  if (message === 'must be equal to one of the allowed values')
    return { keyword: 'enum', params: {}, message };
  if ((m = /^must be one of (.+)$/.exec(message)))
    return { keyword: 'enum', params: { allowedValues: (m[1] ?? '').split(', ') }, message };
  if ((m = /^must be multiple of (-?\d+(?:\.\d+)?)$/.exec(message)))
    return { keyword: 'multipleOf', params: { multipleOf: Number(m[1]) }, message };
  if ((m = /^must NOT have duplicate items/.exec(message)))
    return { keyword: 'uniqueItems', params: {}, message };
  if (
    (m =
      /^must be ((?:integer|number|string|boolean|array|object|null)(?:,(?:integer|number|string|boolean|array|object|null))*)$/.exec(
        message,
      ))
  )
    return { keyword: 'type', params: { type: m[1] }, message };
  return undefined;
}

/**
 * The control plane's 400 description ("Request body field 'cacheTimeout' must be >= 1; Request
 * body field 'name' is required", see describeErrors in the control plane's rest-api.ts) in
 * sentences. Clauses it cannot read stay as they are.
 */
export function friendlyDescription(description: string): string {
  const clauses = description.split('; ');
  let changed = false;
  const out = clauses.map((clause) => {
    const m =
      /^(.*?)(?: field)? '([^']+)' (.+)$/.exec(clause) ??
      /^(Request body|Query parameters?) (.+)$/.exec(clause);
    if (!m) return clause;
    const [path = '', message = ''] = m.length === 4 ? [m[2], m[3]] : ['', m[2]];
    const issue = issueOfMessage(message);
    if (!issue) return clause;
    changed = true;
    return friendlyMessage(issue, labelOfPath(path));
  });
  return changed ? out.join('. ') : description;
}
