export * from './config.js';
export * from './logger.js';
export * from './request-id.js';
export * from './health.js';
export * from './secrets.js';
export * from './main.js';
export * from './sealed-secrets.js';
export * from './trusted-proxy.js';
