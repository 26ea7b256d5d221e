/** The admin's user list: searched on the server by username, display name or email, a page at a time. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@apim/service';
import { ADMIN, restClient, startTestBed, type TestBed } from '../test-support.js';

const A = '/api/am/admin/v4';

let bed: TestBed;
let call: ReturnType<typeof restClient>;

interface UserPage {
  count: number;
  list: Array<{ username: string }>;
  pagination: { offset: number; limit: number; total: number; next: string; previous: string };
}
const users = async (query: string) =>
  (await call<UserPage>('GET', `${A}/users?${query}`, { as: ADMIN })).body;

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
  // 130 users beside the seeded admin: more than the console's old single page of 100 (one
  // password hash for all, written at once: hashing 130 passwords is not what is tested here)
  const passwordHash = await hashPassword('long-enough-password');
  await bed.prisma.user.createMany({
    data: Array.from({ length: 130 }, (_, i) => ({
      username: `user${String(i).padStart(3, '0')}`,
      passwordHash,
      ...(i === 42 ? { email: 'Ada.Lovelace@Example.org', displayName: 'Countess of Lovelace' } : {}),
    })),
  });
});
afterAll(async () => bed?.close());

describe('admin users', () => {
  it('pages through every user with the total', async () => {
    const first = await users('limit=50');
    expect(first.pagination).toMatchObject({ offset: 0, limit: 50, total: 131, previous: '' });
    expect(first.pagination.next).toBe('/users?limit=50&offset=50');
    const last = await users('limit=50&offset=100');
    expect(last.count).toBe(31);
    expect(last.list.at(-1)!.username).toBe('user129');
    expect(last.pagination.next).toBe('');
  });

  it('finds users by part of their username, display name or email, in any case', async () => {
    expect((await users('query=USER04')).list.map((u) => u.username)).toEqual(
      Array.from({ length: 10 }, (_, i) => `user04${i}`),
    );
    expect((await users('query=lovelace')).list.map((u) => u.username)).toEqual(['user042']);
    expect((await users('query=example.org')).list.map((u) => u.username)).toEqual(['user042']);
    expect((await users('query=countess')).list.map((u) => u.username)).toEqual(['user042']);
    const none = await users('query=nobody-here');
    expect(none).toMatchObject({ count: 0, list: [], pagination: { total: 0 } });
  });

  it('refuses a page size past the limit, saying which parameter', async () => {
    const res = await call<{ description: string }>('GET', `${A}/users?limit=5000`, { as: ADMIN });
    expect(res.status).toBe(400);
    expect(res.body.description).toMatch(/limit/);
  });
});
