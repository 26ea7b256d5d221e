/** An API's response caching: how long answers are kept, and the memory the gateway gives them. */
export const schema = {
  type: 'object',
  required: ['timeoutSeconds', 'maxBytes', 'maxEntryBytes'],
  properties: {
    timeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400 },
    /** bytes of answers kept for this API in each worker (the least recently used go first) */
    maxBytes: { type: 'integer', minimum: 0 },
    /** a larger answer is relayed but not kept */
    maxEntryBytes: { type: 'integer', minimum: 0 },
  },
  additionalProperties: false,
} as const;

export interface ResponseCacheConfig {
  timeoutSeconds: number;
  maxBytes: number;
  maxEntryBytes: number;
}
