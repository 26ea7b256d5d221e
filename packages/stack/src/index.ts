export { createPizzaShackBackend, pizzaShackOpenApi } from './pizzashack.js';
export { publishSampleApi, SAMPLE_CONTEXT } from './sample-api.js';
