import type { JsonSchema } from './rest-api.js';

/** WSO2's paging query parameters. */
export const pagingQuery: Record<string, JsonSchema> = {
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 25 },
  offset: { type: 'integer', minimum: 0, default: 0 },
};

export interface Paging {
  limit: number;
  offset: number;
}

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

/** One page of a list, with links to the neighbouring pages (relative, as WSO2 gives them). */
export function page<T>(
  path: string,
  items: T[],
  total: number,
  paging: Paging,
  extra: Record<string, string> = {},
) {
  const link = (offset: number) => {
    const q = new URLSearchParams({ ...extra, limit: String(paging.limit), offset: String(offset) });
    return `${path}?${q.toString()}`;
  };
  return {
    count: items.length,
    list: items,
    pagination: {
      offset: paging.offset,
      limit: paging.limit,
      total,
      next: paging.offset + paging.limit < total ? link(paging.offset + paging.limit) : '',
      previous: paging.offset > 0 ? link(Math.max(0, paging.offset - paging.limit)) : '',
    },
  };
}
