/** A logger whose JSON lines the test can read. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '@apim/service';

export interface CapturedLog {
  logger: Logger;
  /** every line so far, parsed */
  lines(): Array<{ level: number; msg: string; [k: string]: unknown }>;
  /** messages so far */
  messages(): string[];
}

export function captureLog(level = 'info'): CapturedLog {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level }, sink);
  const parsed = () => lines.map((l) => JSON.parse(l) as { level: number; msg: string });
  return { logger, lines: parsed, messages: () => parsed().map((l) => l.msg) };
}
