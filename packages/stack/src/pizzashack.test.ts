import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPizzaShackBackend } from './pizzashack.js';

const server = createPizzaShackBackend();
let base: string;
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('the PizzaShack sample backend', () => {
  it('serves the menu', async () => {
    const res = await fetch(`${base}/menu`);
    expect(res.status).toBe(200);
    const menu = (await res.json()) as Array<{ name: string }>;
    expect(menu.map((m) => m.name)).toContain('Garden Fresh');
  });

  it('takes, shows, changes and cancels an order', async () => {
    const created = await fetch(
      `${base}/order`,
      json('POST', { pizzaType: 'Garden Fresh', quantity: 2, customerName: 'Ada' }),
    );
    expect(created.status).toBe(201);
    const order = (await created.json()) as { orderId: string; quantity: number };
    expect(order.quantity).toBe(2);
    const shown = await fetch(`${base}/order/${order.orderId}`);
    expect(await shown.json()).toMatchObject({ orderId: order.orderId, customerName: 'Ada' });
    const changed = await fetch(
      `${base}/order/${order.orderId}`,
      json('PUT', { pizzaType: 'Chicken Parmesan', quantity: 3, customerName: 'Ada' }),
    );
    expect(await changed.json()).toMatchObject({ pizzaType: 'Chicken Parmesan', quantity: 3 });
    expect((await fetch(`${base}/order/${order.orderId}`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${base}/order/${order.orderId}`)).status).toBe(404);
  });

  it('refuses a bad order with a message', async () => {
    const bad = await fetch(`${base}/order`, json('POST', { pizzaType: 'Pineapple', quantity: 0 }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^pizzaType must be one of/);
    const notJson = await fetch(`${base}/order`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
  });
});
