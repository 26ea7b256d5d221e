/** Server state through the query cache: reads keyed by API, path and query; writes that refresh them. */
import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { request, type Query, type RestApi } from './api';

export function useRest<T, S = T>(
  api: RestApi,
  path: string,
  query?: Query,
  /** `select` reshapes the answer (e.g. a list in another envelope into WSO2's `list`) */
  options: { enabled?: boolean; refetchInterval?: number; select?: (data: T) => S } = {},
) {
  return useQuery({
    queryKey: [api, path, query ?? {}],
    queryFn: ({ signal }) => request<T>(api, path, { query, signal }),
    enabled: options.enabled ?? true,
    refetchInterval: options.refetchInterval,
    select: options.select,
  });
}

/** [api, path prefix]: every cached read of that API whose path starts with the prefix. */
export type Stale = readonly [RestApi, string];

function matches(key: QueryKey, stale: readonly Stale[]): boolean {
  const [api, path] = key;
  return stale.some(([a, prefix]) => a === api && typeof path === 'string' && path.startsWith(prefix));
}

/** A write; on success the reads it makes stale are fetched again. */
export function useRestMutation<V, R = unknown>(
  fn: (vars: V) => Promise<R>,
  options: { stale: readonly Stale[]; onSuccess?: (result: R, vars: V) => void },
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async (result, vars) => {
      await client.invalidateQueries({ predicate: (q) => matches(q.queryKey, options.stale) });
      options.onSuccess?.(result, vars);
    },
  });
}
