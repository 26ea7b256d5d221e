export const schema = {
  type: 'object',
  required: ['issuer', 'header', 'ttlSec', 'algorithm'],
  properties: {
    issuer: { type: 'string', minLength: 1 },
    header: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
    ttlSec: { type: 'integer', minimum: 10 },
    algorithm: { enum: ['RS256', 'ES256', 'PS256'] },
  },
  additionalProperties: false,
} as const;

export interface BackendJwtConfig {
  issuer: string;
  header: string;
  ttlSec: number;
  algorithm: 'RS256' | 'ES256' | 'PS256';
}
