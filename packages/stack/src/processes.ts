import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

export interface AppProcess {
  name: string;
  url: string;
  child: ChildProcess;
  logFile: string;
  /** the last lines the process wrote to stderr, for the message when it dies */
  lastErrors: string[];
  stop(): Promise<void>;
}

/**
 * Starts `node script` with `env`: stdout (JSON logs) goes to `logDir/name.log`, stderr to both the
 * log and our stderr with the app's name in front.
 */
export async function startApp(
  name: string,
  script: string,
  url: string,
  env: Record<string, string>,
  logDir: string,
): Promise<AppProcess> {
  await mkdir(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lastErrors: string[] = [];
  child.stdout!.pipe(log, { end: false });
  child.stderr!.on('data', (chunk: Buffer) => {
    log.write(chunk);
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lastErrors.push(line);
      if (lastErrors.length > 20) lastErrors.shift();
      process.stderr.write(`[${name}] ${line}\n`);
    }
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(kill);
        log.end();
        resolve();
      });
      child.kill('SIGTERM');
    });
  return { name, url, child, logFile, lastErrors, stop };
}

/** Resolves when `url`/healthz answers 200; rejects when the process exits first or time runs out. */
export async function waitHealthy(app: AppProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null)
      throw new Error(
        `${app.name} exited with code ${app.child.exitCode}${app.lastErrors.length ? `: ${app.lastErrors.at(-1)}` : ''} (log: ${app.logFile})`,
      );
    try {
      const res = await fetch(new URL('/healthz', app.url), { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${app.name} did not answer ${app.url}/healthz within ${timeoutMs / 1000} s (log: ${app.logFile})`,
  );
}
