import type { DocumentNode, GraphQLSchema } from './graphql-js.js';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';

/**
 * A list field with a page size argument (first, last, limit) costs its items that many times over,
 * as GitHub counts its GraphQL API's nodes: `repositories(first: 50) { name }` is 51, not 2.
 */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const n = (args.first ?? args.last ?? args.limit) as unknown;
  return typeof n === 'number' && n > 0 ? 1 + childComplexity * n : undefined;
};

/** every other field costs 1 plus what it selects */
const estimators = [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })];

/**
 * The operation's complexity with these variables (page sizes may be variables), or a message when
 * the variables do not fit the operation.
 */
export function complexityOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): number | string {
  try {
    return getComplexity({ schema, query: document, operationName, variables, estimators });
  } catch (e) {
    return (e as Error).message;
  }
}
