export * from './errors.js';
export * from './roles.js';
export * from './tiers.js';
export * from './gateway-model.js';
export * from './events.js';
export * from './analytics.js';
export * from './analytics-aggregates.js';
export * from './analytics-percentiles.js';
