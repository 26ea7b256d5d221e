import { describe, expect, it } from 'vitest';
import { connectTo } from './main.js';

const failing = (e: unknown) =>
  connectTo('the database', 'postgres://u:secret@db:5432/apim', () => Promise.reject(e));

describe('connectTo', () => {
  it('names what could not be reached, where, and why, without the password', async () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    await expect(failing(err)).rejects.toThrow(
      /^Cannot reach the database at postgres:\/\/u:\*+@db:5432\/apim: connection refused$/,
    );
  });

  it('gives a reason even when the error has no message (an AggregateError of refused addresses)', async () => {
    const refused = new AggregateError([Object.assign(new Error(''), { code: 'ECONNREFUSED' })], '');
    await expect(failing(refused)).rejects.toThrow(/: connection refused$/);
    await expect(failing(Object.assign(new Error(''), { code: 'P1001' }))).rejects.toThrow(/: P1001$/);
    await expect(failing(new TypeError(''))).rejects.toThrow(/: TypeError$/);
  });
});
