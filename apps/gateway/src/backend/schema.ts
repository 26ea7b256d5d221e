const endpointUrl = {
  type: 'object',
  required: ['url'],
  // ws(s):// for WebSocket APIs, whose handshake is an HTTP(S) request to the same origin
  properties: { url: { type: 'string', pattern: '^(https?|wss?)://[^\\s]+$' } },
} as const;

const endpointList = { anyOf: [endpointUrl, { type: 'array', items: endpointUrl }] } as const;

/** WSO2's endpointConfig as the gateway accepts it; checked when an API is deployed. */
export const endpointConfigSchema = {
  type: 'object',
  required: ['endpoint_type'],
  properties: {
    endpoint_type: { enum: ['http', 'load_balance', 'failover'] },
    production_endpoints: endpointList,
    sandbox_endpoints: endpointList,
    production_failovers: { type: 'array', items: endpointUrl },
    sandbox_failovers: { type: 'array', items: endpointUrl },
    endpointTimeoutMs: { type: 'integer', minimum: 1 },
    connectTimeoutMs: { type: 'integer', minimum: 1 },
    suspendAfterFailures: { type: 'integer', minimum: 1 },
    suspendDurationMs: { type: 'integer', minimum: 1 },
  },
} as const;
