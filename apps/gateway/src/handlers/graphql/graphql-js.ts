/**
 * graphql-js as Node loads it for graphql-query-complexity (its CommonJS entry: the package has no
 * `exports`), named by file so that bundlers and test runners, which prefer its `module` (.mjs)
 * entry, load the same instance: schemas and types from two instances are refused by each other.
 */
export * from 'graphql/index.js';
