/** WSO2's paging query parameters (limit, offset), declared with the REST resources. */
export { pagingQuery } from '@apim/rest-contract';

export interface Paging {
  limit: number;
  offset: number;
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
