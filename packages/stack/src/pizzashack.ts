/**
 * The sample backend behind the seeded PizzaShack API (after WSO2's sample of the same name): a
 * menu, and orders kept in memory. Small on purpose; it is there so a new user can call an API
 * through the gateway within a minute of `npm start`.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';

interface Order {
  orderId: string;
  pizzaType: string;
  quantity: number;
  customerName: string;
  delivered: boolean;
  createdAt: string;
}

const MENU = [
  {
    name: 'BBQ Chicken Bacon',
    description: 'Grilled white chicken, hickory-smoked bacon and fresh sliced onions in barbeque sauce',
    price: '24.99',
    icon: '/images/6.png',
  },
  {
    name: 'Chicken Parmesan',
    description: 'Grilled chicken, fresh tomatoes, feta and mozzarella cheese',
    price: '14.99',
    icon: '/images/1.png',
  },
  {
    name: 'Chilly Chicken Cordon Bleu',
    description: 'Spinash Alfredo sauce topped with grilled chicken, ham, onions and mozzarella',
    price: '12.99',
    icon: '/images/10.png',
  },
  {
    name: 'Double Bacon 6Cheese',
    description:
      'Hickory-smoked bacon, Julienne cut Canadian bacon, Parmesan, mozzarella, Romano, Asiago and and Fontina cheese',
    price: '16.99',
    icon: '/images/9.png',
  },
  {
    name: 'Garden Fresh',
    description: 'Slices onions and green peppers, gourmet mushrooms, black olives and ripe Roma tomatoes',
    price: '13.99',
    icon: '/images/3.png',
  },
];

const MAX_BODY = 64 * 1024;

function send(res: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'));
      } catch {
        reject(new Error('body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function orderInput(body: unknown): Omit<Order, 'orderId' | 'createdAt' | 'delivered'> | string {
  if (typeof body !== 'object' || body === null) return 'the body must be a JSON object';
  const b = body as Record<string, unknown>;
  if (typeof b.pizzaType !== 'string' || !MENU.some((m) => m.name === b.pizzaType))
    return `pizzaType must be one of: ${MENU.map((m) => m.name).join(', ')}`;
  if (typeof b.quantity !== 'number' || !Number.isInteger(b.quantity) || b.quantity < 1 || b.quantity > 100)
    return 'quantity must be a whole number from 1 to 100';
  if (typeof b.customerName !== 'string' || b.customerName.length === 0 || b.customerName.length > 100)
    return 'customerName must be a non-empty string of at most 100 characters';
  return { pizzaType: b.pizzaType, quantity: b.quantity, customerName: b.customerName };
}

export function createPizzaShackBackend(): http.Server {
  const orders = new Map<string, Order>();
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://backend');
    const parts = url.pathname.split('/').filter(Boolean);
    const handle = async () => {
      if (parts[0] === 'healthz' && parts.length === 1) return send(res, 200, { status: 'ok' });
      if (parts[0] === 'menu' && parts.length === 1 && req.method === 'GET') return send(res, 200, MENU);
      if (parts[0] !== 'order') return send(res, 404, { error: 'not found' });
      if (parts.length === 1 && req.method === 'POST') {
        const input = orderInput(await readJson(req));
        if (typeof input === 'string') return send(res, 400, { error: input });
        if (orders.size >= 10_000) return send(res, 503, { error: 'too many orders, try later' });
        const order: Order = {
          orderId: randomUUID(),
          ...input,
          delivered: false,
          createdAt: new Date().toISOString(),
        };
        orders.set(order.orderId, order);
        return send(res, 201, order);
      }
      const order = parts.length === 2 ? orders.get(parts[1]!) : undefined;
      if (parts.length !== 2) return send(res, 404, { error: 'not found' });
      if (!order) return send(res, 404, { error: `no order ${parts[1]}` });
      if (req.method === 'GET') return send(res, 200, order);
      if (req.method === 'PUT') {
        const input = orderInput(await readJson(req));
        if (typeof input === 'string') return send(res, 400, { error: input });
        Object.assign(order, input);
        return send(res, 200, order);
      }
      if (req.method === 'DELETE') {
        orders.delete(order.orderId);
        return send(res, 200, { orderId: order.orderId, deleted: true });
      }
      return send(res, 405, { error: 'method not allowed' });
    };
    handle().catch((e: Error) => send(res, 400, { error: e.message }));
  });
}

/** The OpenAPI document the sample API is imported from. */
export function pizzaShackOpenApi(backendUrl: string): object {
  const order = {
    type: 'object',
    required: ['pizzaType', 'quantity', 'customerName'],
    properties: {
      pizzaType: { type: 'string', enum: MENU.map((m) => m.name) },
      quantity: { type: 'integer', minimum: 1, maximum: 100 },
      customerName: { type: 'string', minLength: 1, maxLength: 100 },
    },
  };
  const orderId = { name: 'orderId', in: 'path', required: true, schema: { type: 'string' } };
  const json = (schema: object) => ({ content: { 'application/json': { schema } } });
  return {
    openapi: '3.0.3',
    info: {
      title: 'PizzaShackAPI',
      version: '1.0.0',
      description: 'Order pizzas: the sample API of this installation',
    },
    servers: [{ url: backendUrl }],
    paths: {
      '/menu': { get: { summary: 'The menu', responses: { '200': { description: 'Pizzas on offer' } } } },
      '/order': {
        post: {
          summary: 'Place an order',
          requestBody: { required: true, ...json(order) },
          responses: { '201': { description: 'Created' }, '400': { description: 'Invalid order' } },
        },
      },
      '/order/{orderId}': {
        get: {
          summary: 'An order',
          parameters: [orderId],
          responses: { '200': { description: 'The order' }, '404': { description: 'No such order' } },
        },
        put: {
          summary: 'Change an order',
          parameters: [orderId],
          requestBody: { required: true, ...json(order) },
          responses: { '200': { description: 'Changed' } },
        },
        delete: {
          summary: 'Cancel an order',
          parameters: [orderId],
          responses: { '200': { description: 'Cancelled' } },
        },
      },
    },
  };
}
