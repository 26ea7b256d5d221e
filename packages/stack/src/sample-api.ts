/**
 * Publishes the PizzaShack sample API through the control plane's publisher REST API, the same way
 * a publisher would: import the OpenAPI, create a revision, deploy it, publish. Skipped when an API
 * with its context exists already, so restarts keep whatever the user did with it.
 */
import { pizzaShackOpenApi } from './pizzashack.js';

export const SAMPLE_CONTEXT = '/pizzashack';

export async function publishSampleApi(options: {
  controlPlaneUrl: string;
  backendUrl: string;
  username: string;
  password: string;
}): Promise<'published' | 'exists'> {
  const base = new URL('/api/am/publisher/v4/', options.controlPlaneUrl);
  const auth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  const call = async (method: string, path: string, body?: string | FormData, contentType?: string) => {
    const res = await fetch(new URL(path, base), {
      method,
      headers: { authorization: auth, ...(contentType ? { 'content-type': contentType } : {}) },
      body,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  const found = await call('GET', `apis?query=${encodeURIComponent(`context:${SAMPLE_CONTEXT}`)}`);
  if (Array.isArray(found.list) && found.list.length > 0) return 'exists';

  const form = new FormData();
  form.set(
    'file',
    new Blob([JSON.stringify(pizzaShackOpenApi(options.backendUrl))], { type: 'application/json' }),
    'pizzashack.json',
  );
  form.set(
    'additionalProperties',
    JSON.stringify({
      name: 'PizzaShackAPI',
      context: SAMPLE_CONTEXT,
      version: '1.0.0',
      description: 'Order pizzas: the sample API of this installation',
      tags: ['pizza', 'sample'],
      policies: ['Gold', 'Silver', 'Bronze', 'Unlimited'],
      securityScheme: ['oauth2', 'api_key'],
      endpointConfig: {
        endpoint_type: 'http',
        production_endpoints: { url: options.backendUrl },
        sandbox_endpoints: { url: options.backendUrl },
      },
      isDefaultVersion: true,
    }),
  );
  const api = await call('POST', 'apis/import-openapi', form);
  const apiId = String(api.id);
  const revision = await call(
    'POST',
    `apis/${apiId}/revisions`,
    JSON.stringify({ description: 'Sample' }),
    'application/json',
  );
  await call(
    'POST',
    `apis/${apiId}/deploy-revision?revisionId=${encodeURIComponent(String(revision.id))}`,
    JSON.stringify([{ name: 'Default', vhost: 'localhost', displayOnDevportal: true }]),
    'application/json',
  );
  await call('POST', `apis/change-lifecycle?apiId=${encodeURIComponent(apiId)}&action=Publish`);
  return 'published';
}
