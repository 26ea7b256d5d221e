/** The API lifecycle states this handler acts on. */
export const schema = {
  type: 'object',
  required: ['lifecycleStatus'],
  properties: {
    lifecycleStatus: { enum: ['CREATED', 'PROTOTYPED', 'PUBLISHED', 'BLOCKED', 'DEPRECATED', 'RETIRED'] },
  },
  additionalProperties: false,
} as const;

export interface ApiStatusConfig {
  lifecycleStatus: 'BLOCKED' | 'RETIRED';
}
