import { describe, expect, it } from 'vitest';
import { ConfigError, envReader, readTracingConfig, redactUrl } from './config.js';

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

describe('readTracingConfig', () => {
  it('is off unless an OTLP endpoint is set, and then exports to its /v1/traces', () => {
    expect(readTracingConfig({}).endpoint).toBeNull();
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      endpoint: 'http://collector:4318/v1/traces',
      serviceName: null,
      sampler: 'parentbased_always_on',
      samplerArg: 1,
      batch: { delayMs: 5000, maxQueueSize: 2048, maxBatchSize: 512 },
    });
  });

  it('takes the traces endpoint as is, the service name, the sampler, and OTEL_SDK_DISABLED', () => {
    const c = readTracingConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector/otlp/traces',
      OTEL_SERVICE_NAME: 'edge-gw',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_SCHEDULE_DELAY: '1000',
      OTEL_BSP_MAX_QUEUE_SIZE: '65536',
    });
    expect(c).toEqual({
      endpoint: 'https://collector/otlp/traces',
      serviceName: 'edge-gw',
      sampler: 'parentbased_traceidratio',
      samplerArg: 0.25,
      batch: { delayMs: 1000, maxQueueSize: 65536, maxBatchSize: 512 },
    });
    expect(
      readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).endpoint,
    ).toBeNull();
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT must use http or https'],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER must be one of always_on'],
    [{ OTEL_TRACES_SAMPLER_ARG: '2' }, 'OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1, got "2"'],
  ])('refuses %j', (env, message) => {
    expect(() => readTracingConfig(env)).toThrow(message);
  });
});
