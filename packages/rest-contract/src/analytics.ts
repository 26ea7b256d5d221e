/** The analytics summary every REST API serves (each to its own audience). */
import { ref, type JsonSchema } from './json-schema.js';

/** How many of the busiest APIs and applications a summary lists. */
export const TOP = 25;

const int = { type: 'integer' } as const;
const str = { type: 'string' } as const;
const nullable = (type: string) => ({ type: [type, 'null'] });
const totals = {
  requests: { ...int, minimum: 0 },
  errors: { ...int, minimum: 0, description: 'answers with status 400 or more, throttled ones apart' },
  throttled: { ...int, minimum: 0, description: 'answers 429 (throttling error codes 900800-900807)' },
};
const totalsRequired = ['requests', 'errors', 'throttled'];
/** WebSocket and Server-Sent Events APIs' traffic: 0 for other APIs */
const streams = {
  connections: {
    ...int,
    minimum: 0,
    description: 'WebSocket connections and event streams, counted as they ended',
  },
  messagesIn: { ...int, minimum: 0, description: "messages from clients over the API's connections" },
  messagesOut: {
    ...int,
    minimum: 0,
    description: 'messages (WebSocket) and events (Server-Sent Events) to clients',
  },
};
const streamsRequired = ['connections', 'messagesIn', 'messagesOut'];
const latency = { ...nullable('number'), description: 'milliseconds; null when there was no request' };

export const analyticsSchemas: Record<string, JsonSchema> = {
  AnalyticsRecord: {
    type: 'object',
    description: 'One request through a gateway, with WSO2 analytics fields',
    required: [
      'eventId',
      'requestTimestamp',
      'correlationId',
      'apiMethod',
      'proxyResponseCode',
      'responseLatency',
    ],
    properties: {
      eventId: { type: 'string', format: 'uuid' },
      requestTimestamp: { type: 'string', format: 'date-time' },
      correlationId: str,
      gatewayId: str,
      apiId: nullable('string'),
      apiName: nullable('string'),
      apiVersion: nullable('string'),
      apiContext: nullable('string'),
      apiResourceTemplate: nullable('string'),
      apiMethod: str,
      applicationId: nullable('string'),
      applicationName: nullable('string'),
      keyType: nullable('string'),
      userName: nullable('string'),
      proxyResponseCode: int,
      targetResponseCode: nullable('integer'),
      backendLatency: nullable('integer'),
      requestMediationLatency: nullable('integer'),
      responseMediationLatency: nullable('integer'),
      responseLatency: int,
      errorCode: nullable('string'),
      errorType: nullable('string'),
      userAgent: nullable('string'),
      userIp: nullable('string'),
      messagesIn: {
        ...nullable('integer'),
        description: 'a WebSocket connection: messages from the client; null for a plain request',
      },
      messagesOut: {
        ...nullable('integer'),
        description:
          'a WebSocket connection or event stream: messages or events to the client; null for a plain request',
      },
    },
  },
  AnalyticsLatency: {
    type: 'object',
    description: 'response latency percentiles, estimated from the per-minute latency histograms',
    required: ['p50', 'p90', 'p95', 'p99', 'max'],
    properties: { p50: latency, p90: latency, p95: latency, p99: latency, max: latency },
  },
  AnalyticsSummary: {
    type: 'object',
    required: [
      'from',
      'to',
      'step',
      'totals',
      'timeline',
      'latency',
      'byApi',
      'byApplication',
      'byResource',
      'recent',
      'sampling',
    ],
    properties: {
      from: { type: 'string', format: 'date-time', description: 'start of the first timeline point' },
      to: { type: 'string', format: 'date-time' },
      step: { ...int, description: 'minutes between two timeline points' },
      totals: { type: 'object', required: totalsRequired, properties: totals },
      timeline: {
        type: 'array',
        items: {
          type: 'object',
          required: ['time', ...totalsRequired],
          properties: { time: { type: 'string', format: 'date-time' }, ...totals },
        },
      },
      latency: ref('AnalyticsLatency'),
      byApi: {
        type: 'array',
        description: `the ${TOP} busiest APIs (requests that matched no API count in the totals only)`,
        items: {
          type: 'object',
          required: ['apiId', 'apiName', 'apiVersion', ...totalsRequired, ...streamsRequired],
          properties: {
            apiId: str,
            apiName: nullable('string'),
            apiVersion: nullable('string'),
            ...totals,
            ...streams,
          },
        },
      },
      byApplication: {
        type: 'array',
        description: `the ${TOP} busiest applications; applicationId '' gathers requests without one`,
        items: {
          type: 'object',
          required: ['applicationId', 'applicationName', ...totalsRequired],
          properties: { applicationId: str, applicationName: nullable('string'), ...totals },
        },
      },
      byResource: {
        type: 'array',
        description: `drill-down into one API (the summary narrowed to one, e.g. with apiId): its ${TOP} busiest resources, each with its latency percentiles; empty otherwise`,
        items: {
          type: 'object',
          required: ['resourceTemplate', 'method', ...totalsRequired, 'latency'],
          properties: {
            resourceTemplate: {
              ...str,
              description: "the resource's URL template ('' for requests that matched none)",
            },
            method: str,
            ...totals,
            latency: ref('AnalyticsLatency'),
          },
        },
      },
      recent: {
        type: 'array',
        description:
          'the latest requests kept as raw events: every error and throttled request, successful ones sampled (sampling.successRate)',
        items: ref('AnalyticsRecord'),
      },
      sampling: {
        type: 'object',
        required: ['successRate'],
        properties: {
          successRate: {
            ...nullable('number'),
            description:
              'share of successful requests the gateways keep as raw events (APIM_ANALYTICS_SAMPLE_RATE; counts and percentiles are exact whatever it is); null before any traffic',
          },
        },
      },
    },
  },
};
