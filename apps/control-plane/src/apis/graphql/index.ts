/** GraphQL APIs: their schema (SDL) imported, checked, read and replaced; its root fields are the API's operations. */
export { graphqlDevportalOperations, graphqlPublisherOperations } from './operations.js';
