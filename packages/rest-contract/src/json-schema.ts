/** What the schemas are made of: a JSON Schema (2020-12, as OpenAPI 3.1 has it) and a few helpers. */
export type JsonSchema = Record<string, unknown>;

/** A reference to another component of the same document (#/components/schemas/<name>). */
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

export const uuid = { type: 'string', format: 'uuid' } as const;

/** WSO2's paging query parameters. */
export const pagingQuery: Record<string, JsonSchema> = {
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 25 },
  offset: { type: 'integer', minimum: 0, default: 0 },
};

export const paginationSchema: JsonSchema = {
  type: 'object',
  properties: {
    offset: { type: 'integer' },
    limit: { type: 'integer' },
    total: { type: 'integer' },
    next: { type: 'string' },
    previous: { type: 'string' },
  },
};

/** A list schema in WSO2's shape: { count, list, pagination }. */
export function listOf(item: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['count', 'list'],
    properties: {
      count: { type: 'integer' },
      list: { type: 'array', items: item },
      pagination: paginationSchema,
    },
  };
}
