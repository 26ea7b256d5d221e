/**
 * The one registry of error codes. Gateway codes follow WSO2 API Manager's numbers, so clients
 * written for WSO2 keep working; docs/error-codes.md is generated from this table and a test
 * checks that the two agree.
 */
export interface ErrorCodeInfo {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  readonly description: string;
}

function define<const T extends Record<string, ErrorCodeInfo>>(table: T): T {
  return table;
}

export const GatewayErrors = define({
  INVALID_CREDENTIALS: {
    code: '900901',
    status: 401,
    message: 'Invalid Credentials',
    description: 'Invalid Credentials. Make sure you have provided the correct security credentials',
  },
  CREDENTIALS_UNVERIFIABLE: {
    code: '900901',
    status: 503,
    message: 'Invalid Credentials',
    description:
      'The credentials cannot be verified now (the token service is busy or unreachable): try again shortly',
  },
  MISSING_CREDENTIALS: {
    code: '900902',
    status: 401,
    message: 'Missing Credentials',
    description:
      'Invalid Credentials. Make sure your API invocation call has a header: "Authorization: Bearer ACCESS_TOKEN"',
  },
  ACCESS_TOKEN_EXPIRED: {
    code: '900903',
    status: 401,
    message: 'Access Token Expired',
    description: 'The access token has expired',
  },
  ACCESS_TOKEN_INACTIVE: {
    code: '900904',
    status: 401,
    message: 'Access Token Inactive',
    description: 'The access token has been revoked or is inactive',
  },
  INCORRECT_ACCESS_TOKEN_TYPE: {
    code: '900905',
    status: 401,
    message: 'Incorrect Access Token Type is provided',
    description: 'The credential is not accepted by this API',
  },
  NO_MATCHING_RESOURCE: {
    code: '900906',
    status: 404,
    message: 'No matching resource found for given API Request',
    description: 'The requested resource is not available',
  },
  METHOD_NOT_ALLOWED: {
    code: '900906',
    status: 405,
    message: 'Method not allowed for given API resource',
    description: 'The requested HTTP method is not allowed for this resource',
  },
  API_BLOCKED: {
    code: '700700',
    status: 503,
    message: 'API blocked',
    description:
      'This API has been blocked temporarily. Please try again later or contact the system administrators',
  },
  SUBSCRIPTION_INACTIVE: {
    code: '900907',
    status: 403,
    message: 'The requested API is temporarily blocked',
    description: 'The subscription of this application to the API is blocked or on hold',
  },
  RESOURCE_FORBIDDEN: {
    code: '900908',
    status: 403,
    message: 'Resource forbidden',
    description: 'User is NOT authorized to access the Resource. API Subscription validation failed',
  },
  INVALID_SCOPE: {
    code: '900910',
    status: 403,
    message: 'The access token does not allow you to access the requested resource',
    description: 'The access token does not carry a scope this resource requires',
  },
  AUTHORIZER_UNAVAILABLE: {
    code: '900920',
    status: 403,
    message: 'Authorization unavailable',
    description: 'The external authorizer of this resource did not answer in time, or is not configured',
  },
  API_THROTTLED: {
    code: '900800',
    status: 429,
    message: 'Message throttled out',
    description: 'You have exceeded your quota for this API',
  },
  HARD_LIMIT_EXCEEDED: {
    code: '900801',
    status: 503,
    message: 'API Limit Reached',
    description: 'API not accepting requests: the backend max TPS has been reached',
  },
  RESOURCE_THROTTLED: {
    code: '900802',
    status: 429,
    message: 'Message throttled out',
    description: 'You have exceeded your quota for this resource',
  },
  APPLICATION_THROTTLED: {
    code: '900803',
    status: 429,
    message: 'Message throttled out',
    description: 'You have exceeded the quota of your application tier',
  },
  SUBSCRIPTION_THROTTLED: {
    code: '900804',
    status: 429,
    message: 'Message throttled out',
    description: 'You have exceeded the quota of your subscription tier',
  },
  BLOCKED_BY_DENY_POLICY: {
    code: '900805',
    status: 403,
    message: 'Message blocked',
    description: 'You have been blocked from accessing this resource',
  },
  BURST_THROTTLED: {
    code: '900807',
    status: 429,
    message: 'Message throttled out',
    description: 'You have exceeded the burst control limit of your subscription tier',
  },
  GRAPHQL_QUERY_TOO_DEEP: {
    code: '900820',
    status: 400,
    message: 'QUERY TOO DEEP',
    description: 'The GraphQL query is nested deeper than your subscription tier allows',
  },
  GRAPHQL_QUERY_TOO_COMPLEX: {
    code: '900821',
    status: 400,
    message: 'QUERY TOO COMPLEX',
    description: 'The GraphQL query is more complex than your subscription tier allows',
  },
  GRAPHQL_INVALID_QUERY: {
    code: '900422',
    status: 400,
    message: 'INVALID QUERY',
    description: 'The GraphQL request is not a valid operation of this API',
  },
  BAD_REQUEST: {
    code: '900400',
    status: 400,
    message: 'Bad Request',
    description: 'The request is malformed',
  },
  SCHEMA_VALIDATION_FAILED: {
    code: '900402',
    status: 400,
    message: 'Schema validation failed',
    description: 'The request does not match the API definition',
  },
  PAYLOAD_TOO_LARGE: {
    code: '900413',
    status: 413,
    message: 'Payload Too Large',
    description: 'The request body exceeds the gateway limit',
  },
  HEADERS_TOO_LARGE: {
    code: '900431',
    status: 431,
    message: 'Request Header Fields Too Large',
    description: 'The request headers exceed the gateway limit',
  },
  REQUEST_TIMEOUT: {
    code: '900408',
    status: 408,
    message: 'Request Timeout',
    description: 'The request was not received completely in time',
  },
  BACKEND_UNREACHABLE: {
    code: '101503',
    status: 502,
    message: 'Runtime Error',
    description: 'Error connecting to the backend',
  },
  BACKEND_TIMEOUT: {
    code: '101504',
    status: 504,
    message: 'Runtime Error',
    description: 'Timeout connecting to the backend',
  },
  ENDPOINT_SUSPENDED: {
    code: '303001',
    status: 503,
    message: 'Runtime Error',
    description: 'Currently the backend endpoint is suspended after repeated failures',
  },
  INTERNAL_ERROR: {
    code: '101500',
    status: 500,
    message: 'Runtime Error',
    description: 'Internal error in the gateway',
  },
});

export type GatewayErrorName = keyof typeof GatewayErrors;

/** WSO2's error body. */
export interface ErrorBody {
  code: string | number;
  message: string;
  description: string;
}

export function gatewayErrorBody(name: GatewayErrorName, description?: string): ErrorBody {
  const e = GatewayErrors[name];
  return { code: e.code, message: e.message, description: description ?? e.description };
}
