export const schema = {
  type: 'object',
  required: [
    'accessControlAllowOrigins',
    'accessControlAllowCredentials',
    'accessControlAllowHeaders',
    'accessControlAllowMethods',
  ],
  properties: {
    corsConfigurationEnabled: { const: true },
    accessControlAllowOrigins: { type: 'array', items: { type: 'string', minLength: 1 } },
    accessControlAllowCredentials: { type: 'boolean' },
    accessControlAllowHeaders: {
      type: 'array',
      items: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
    },
    accessControlAllowMethods: {
      type: 'array',
      items: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] },
    },
    accessControlExposeHeaders: {
      type: 'array',
      items: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
    },
  },
} as const;
