export * from './views.js';
export * from './snapshot.js';
