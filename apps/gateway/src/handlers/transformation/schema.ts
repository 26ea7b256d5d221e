const policy = {
  type: 'object',
  required: ['policyName', 'parameters'],
  oneOf: [
    {
      properties: {
        policyName: { const: 'addHeader' },
        parameters: {
          type: 'object',
          required: ['headerName', 'headerValue'],
          properties: {
            headerName: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
            headerValue: { type: 'string', pattern: '^[^\\r\\n\\u0000]*$' },
          },
        },
      },
    },
    {
      properties: {
        policyName: { const: 'removeHeader' },
        parameters: {
          type: 'object',
          required: ['headerName'],
          properties: { headerName: { type: 'string', minLength: 1 } },
        },
      },
    },
    {
      properties: {
        policyName: { const: 'addQueryParam' },
        parameters: {
          type: 'object',
          required: ['paramKey', 'paramValue'],
          properties: { paramKey: { type: 'string', minLength: 1 }, paramValue: { type: 'string' } },
        },
      },
    },
    {
      properties: {
        policyName: { const: 'removeQueryParam' },
        parameters: {
          type: 'object',
          required: ['paramKey'],
          properties: { paramKey: { type: 'string', minLength: 1 } },
        },
      },
    },
  ],
} as const;

const flow = { type: 'array', items: policy } as const;

/** Per operation ("VERB template"), WSO2's operation policies for the request and response flows. */
export const schema = {
  type: 'object',
  required: ['byOperation'],
  properties: {
    byOperation: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: { request: flow, response: flow },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

export interface OperationPolicy {
  policyName: 'addHeader' | 'removeHeader' | 'addQueryParam' | 'removeQueryParam';
  parameters: Record<string, string>;
}

export interface PolicyFlows {
  request?: OperationPolicy[];
  response?: OperationPolicy[];
}

export interface TransformationConfig {
  byOperation: Record<string, PolicyFlows>;
}
