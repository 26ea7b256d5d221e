/** The API's OpenAPI document; request bodies are validated against its operations' JSON schemas. */
export const schema = {
  type: 'object',
  required: ['definition'],
  properties: {
    definition: {
      type: 'object',
      required: ['paths'],
      properties: { openapi: { type: 'string', pattern: '^3\\.' }, paths: { type: 'object' } },
    },
  },
  additionalProperties: false,
} as const;

export interface SchemaValidationConfig {
  definition: { openapi?: string; paths: Record<string, Record<string, unknown>> };
}
