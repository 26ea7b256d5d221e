export * from './environment.js';
export * from './database.js';
export * from './redis.js';
export * from './redis-server.js';
export { freePort } from './ports.js';
export * from './certificates.js';
export * from './analytics.js';
export { eventually } from './eventually.js';
export * from './external-idp.js';
