/** Async APIs' AsyncAPI documents (WebSocket, SSE, WebSub): the publisher's and the developer portal's operations. */
export { asyncApiPublisherOperations } from './publisher-operations.js';
export { asyncApiDevportalOperations } from './devportal-operations.js';
