/** API documents: the publisher manages them, the developer portal shows them. */
import { ref, type JsonSchema } from './json-schema.js';

export const documentSchemas: Record<string, JsonSchema> = {
  Document: {
    type: 'object',
    required: ['name', 'type', 'sourceType'],
    properties: {
      documentId: { type: 'string', readOnly: true },
      name: { type: 'string', minLength: 1, maxLength: 255 },
      type: { enum: ['HOWTO', 'SAMPLES', 'PUBLIC_FORUM', 'SUPPORT_FORUM', 'API_MESSAGE_FORMAT', 'OTHER'] },
      summary: { type: ['string', 'null'], maxLength: 32766 },
      sourceType: { enum: ['INLINE', 'MARKDOWN', 'URL', 'FILE'] },
      sourceUrl: { type: ['string', 'null'], format: 'uri', pattern: '^https?://' },
      fileName: { type: ['string', 'null'], readOnly: true },
      visibility: { enum: ['API_LEVEL', 'OWNER_ONLY'] },
      createdTime: { type: 'string', readOnly: true },
      lastUpdatedTime: { type: 'string', readOnly: true },
    },
  },
  DocumentList: {
    type: 'object',
    properties: { count: { type: 'integer' }, list: { type: 'array', items: ref('Document') } },
  },
};
