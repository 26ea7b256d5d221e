import { describe, expect, it } from 'vitest';
import { ConfigError, envReader, redactUrl } from './config.js';

describe('envReader', () => {
  it('reads values and falls back to defaults', () => {
    const r = envReader({ P: '8080', B: 'yes', U: 'redis://h:1', E: 'warn' });
    expect(r.port('P', 1)).toBe(8080);
    expect(r.port('MISSING', 1)).toBe(1);
    expect(r.bool('B', false)).toBe(true);
    expect(r.url('U', undefined, ['redis'])).toBe('redis://h:1');
    expect(r.oneOf('E', ['info', 'warn'], 'info')).toBe('warn');
  });

  it.each([
    [
      { P: 'abc' },
      (r: ReturnType<typeof envReader>) => r.port('P', 1),
      'Invalid configuration: P must be a port number from 0 to 65535, got "abc"',
    ],
    [
      { P: '70000' },
      (r: ReturnType<typeof envReader>) => r.port('P', 1),
      'Invalid configuration: P must be a port number from 0 to 65535, got "70000"',
    ],
    [
      { B: 'maybe' },
      (r: ReturnType<typeof envReader>) => r.bool('B', true),
      'Invalid configuration: B must be true or false, got "maybe"',
    ],
    [
      { U: 'http://x' },
      (r: ReturnType<typeof envReader>) => r.url('U', undefined, ['redis']),
      'Invalid configuration: U must use redis, got http',
    ],
    [
      {},
      (r: ReturnType<typeof envReader>) => r.string('S'),
      'Invalid configuration: S is required but not set',
    ],
    [
      { N: '1.5' },
      (r: ReturnType<typeof envReader>) => r.int('N', 1),
      'Invalid configuration: N must be a whole number, got "1.5"',
    ],
  ])('names the variable and the problem: %j', (env, read, message) => {
    const r = envReader(env as Record<string, string>);
    expect(() => read(r)).toThrow(ConfigError);
    expect(() => read(r)).toThrow(message);
  });

  it('never shows a password from a URL', () => {
    expect(redactUrl('postgresql://u:hunter2@h:5432/db')).toBe('postgresql://u:***@h:5432/db');
  });
});
