/**
 * One app of the cluster as a real process (`node apps/<app>/dist/main.js` with its environment, as
 * `npm start` runs it), which the suite can kill (-9), stop (SIGTERM) and start again on the same
 * port. Its output goes to a log file of the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@apim/db';

export class NodeApp {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** how many times the process was started (its log keeps every run) */
  starts = 0;

  constructor(
    readonly name: string,
    private readonly app: 'gateway' | 'control-plane' | 'key-manager',
    readonly url: string,
    private readonly env: Record<string, string>,
    private readonly logDir: string,
  ) {}

  get logFile(): string {
    return path.join(this.logDir, `${this.name}.log`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** starts the process and resolves once `/readyz` answers 200 (the app serves what it must) */
  async start(timeoutMs = 120_000): Promise<void> {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [path.join(repoRoot, 'apps', this.app, 'dist', 'main.js')], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts++;
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        log.end();
        resolve();
      }),
    );
    await this.waitReady(timeoutMs);
  }

  /** kill -9: the process is gone at once, with whatever it held in memory */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, as an orchestrator stops a pod, and waits for the process to exit by itself */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    await this.exited;
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited before it was ready (see ${this.logFile})`);
      try {
        const res = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(1000) });
        last = `${res.status} ${await res.text()}`;
        if (res.status === 200) return;
      } catch (e) {
        last = (e as Error).message; // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(
      `${this.name} was not ready at ${this.url}/readyz within ${timeoutMs / 1000} s (last: ${last.slice(0, 300)}; log: ${this.logFile})`,
    );
  }
}
