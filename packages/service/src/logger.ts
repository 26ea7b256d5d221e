import { pino, type Logger } from 'pino';

/** Paths never written to logs, whatever a caller passes. */
const REDACT = [
  'password',
  'secret',
  'client_secret',
  'clientSecret',
  'consumerSecret',
  'token',
  'access_token',
  'refresh_token',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers.apikey',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.client_secret',
  '*.clientSecret',
  '*.consumerSecret',
  '*.access_token',
  '*.refresh_token',
];

export type { Logger };

export function createLogger(app: string, level: string): Logger {
  return pino({
    name: app,
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { app, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
