import { describe, expect, it } from 'vitest';
import { ConfigError } from '@apim/service';
import { readDefaultCors } from './defaults.js';

describe('readDefaultCors (APIM_CORS_*)', () => {
  it("allows the console's origin by default (APIM_CONSOLE_URL, else the control plane's) with WSO2's lists", () => {
    expect(readDefaultCors({ APIM_CONSOLE_URL: 'https://portal.example.com:8443/console/' })).toEqual({
      corsConfigurationEnabled: true,
      accessControlAllowOrigins: ['https://portal.example.com:8443'],
      accessControlAllowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
      accessControlAllowHeaders: [
        'authorization',
        'Access-Control-Allow-Origin',
        'Content-Type',
        'SOAPAction',
        'apikey',
        'Internal-Key',
      ],
      accessControlExposeHeaders: [],
      accessControlAllowCredentials: false,
      accessControlMaxAge: 600,
    });
    expect(
      readDefaultCors({ APIM_CONTROL_PLANE_URL: 'http://cp.internal:9443' })?.accessControlAllowOrigins,
    ).toEqual(['http://cp.internal:9443']);
    expect(readDefaultCors({})?.accessControlAllowOrigins).toEqual(['http://127.0.0.1:9443']);
  });

  it('takes every list and switch from the environment', () => {
    const c = readDefaultCors({
      APIM_CORS_ALLOW_ORIGINS: 'https://a.example, http://localhost:5173',
      APIM_CORS_ALLOW_METHODS: 'get,POST',
      APIM_CORS_ALLOW_HEADERS: 'Authorization,X-Tenant',
      APIM_CORS_EXPOSE_HEADERS: 'x-request-id',
      APIM_CORS_ALLOW_CREDENTIALS: 'true',
      APIM_CORS_MAX_AGE: '0',
    });
    expect(c).toMatchObject({
      accessControlAllowOrigins: ['https://a.example', 'http://localhost:5173'],
      accessControlAllowMethods: ['GET', 'POST'],
      accessControlAllowHeaders: ['Authorization', 'X-Tenant'],
      accessControlExposeHeaders: ['x-request-id'],
      accessControlAllowCredentials: true,
      accessControlMaxAge: 0,
    });
    expect(readDefaultCors({ APIM_CORS_ALLOW_ORIGINS: '*' })?.accessControlAllowOrigins).toEqual(['*']);
    expect(readDefaultCors({ APIM_CORS_ENABLED: 'false' })).toBeNull();
  });

  it('refuses a bad value at start-up, naming the variable', () => {
    const bad: Array<[string, string, RegExp]> = [
      [
        'APIM_CORS_ALLOW_ORIGINS',
        'https://a.example/path',
        /origins \(scheme:\/\/host\[:port\]\) or \*, got "https:\/\/a.example\/path"/,
      ],
      ['APIM_CORS_ALLOW_ORIGINS', 'not an origin', /got "not an origin"/],
      ['APIM_CORS_ALLOW_METHODS', 'GET,FETCH', /methods of .*got "FETCH"/],
      ['APIM_CORS_ALLOW_HEADERS', 'ok,bad header', /header names, got "bad header"/],
      ['APIM_CORS_ENABLED', 'maybe', /true or false/],
      ['APIM_CORS_MAX_AGE', '-1', /between 0 and 86400/],
    ];
    for (const [name, value, message] of bad) {
      const attempt = () => readDefaultCors({ [name]: value });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(new RegExp(`${name} .*${message.source}`));
    }
  });
});
