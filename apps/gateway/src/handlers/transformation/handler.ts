import type { HandlerModule } from '../../pipeline/handler-module.js';
import { schema, type OperationPolicy, type PolicyFlows, type TransformationConfig } from './schema.js';

const opKey = (verb: string, target: string) => `${verb} ${target}`;

function flowsOf(v: unknown): PolicyFlows {
  if (typeof v !== 'object' || v === null) return {};
  const f = v as PolicyFlows;
  return { request: f.request ?? [], response: f.response ?? [] };
}

/**
 * Header and query parameter transformations (WSO2's addHeader, removeHeader, addQueryParam and
 * removeQueryParam operation policies): API-wide ones from mediationPolicies, then each operation's
 * own. Request policies change what the backend gets; response policies change what the client gets.
 */
export const transformation: HandlerModule<TransformationConfig> = {
  name: 'transformation',
  schema,
  configOf(api) {
    const apiWide = flowsOf(api.mediationPolicies);
    const byOperation: TransformationConfig['byOperation'] = {};
    for (const op of api.operations) {
      const own = flowsOf(op.operationPolicies);
      const request = [...(apiWide.request ?? []), ...(own.request ?? [])];
      const response = [...(apiWide.response ?? []), ...(own.response ?? [])];
      if (request.length || response.length) byOperation[opKey(op.verb, op.target)] = { request, response };
    }
    return Object.keys(byOperation).length ? { byOperation } : null;
  },
  create(config) {
    const flows = new Map(Object.entries(config.byOperation));
    const apply = (
      policies: OperationPolicy[] | undefined,
      headers: Record<string, string | null>,
      query?: Record<string, string | null>,
    ) => {
      for (const p of policies ?? []) {
        const a = p.parameters;
        if (p.policyName === 'addHeader') headers[a.headerName!.toLowerCase()] = a.headerValue!;
        else if (p.policyName === 'removeHeader') headers[a.headerName!.toLowerCase()] = null;
        else if (query && p.policyName === 'addQueryParam') query[a.paramKey!] = a.paramValue!;
        else if (query && p.policyName === 'removeQueryParam') query[a.paramKey!] = null;
      }
    };
    return {
      name: 'transformation',
      onRequest(ctx) {
        apply(
          flows.get(opKey(ctx.operation.verb, ctx.operation.target))?.request,
          ctx.backendHeaders,
          ctx.backendQuery,
        );
        return undefined;
      },
      onResponseHeaders(ctx) {
        apply(flows.get(opKey(ctx.operation.verb, ctx.operation.target))?.response, ctx.responseHeaders);
      },
    };
  },
};
