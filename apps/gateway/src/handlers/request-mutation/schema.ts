/** RFC 9110 field names; values without control characters (undici refuses CR, LF and NUL anyway). */
const headerName = { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9a-z-]+$" } as const;
const headerValue = { type: 'string', pattern: '^[\\t\\x20-\\x7e\\x80-\\xff]*$' } as const;
/** RFC 6265: a cookie name is a token, its value cookie-octets (no space, quote, comma, semicolon, backslash) */
const cookieName = { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" } as const;
const cookieValue = {
  type: 'string',
  pattern: '^[\\x21\\x23-\\x2b\\x2d-\\x3a\\x3c-\\x5b\\x5d-\\x7e]*$',
} as const;

export const schema = {
  type: 'object',
  required: ['operations'],
  additionalProperties: false,
  properties: {
    operations: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['operation', 'headers', 'cookies'],
        additionalProperties: false,
        properties: {
          operation: { type: 'integer', minimum: 0 },
          headers: { type: 'object', propertyNames: headerName, additionalProperties: headerValue },
          cookies: { type: 'object', propertyNames: cookieName, additionalProperties: cookieValue },
        },
      },
    },
  },
} as const;

/** The request mutations of an API's rules: per operation (by position), headers set and cookies merged. */
export interface RequestMutationConfig {
  operations: Array<{
    operation: number;
    /** lower-case names */
    headers: Record<string, string>;
    cookies: Record<string, string>;
  }>;
}
