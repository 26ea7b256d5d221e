import { createServer } from 'node:net';
import { listenError } from '@apim/service';

/** A port the stack is about to listen on, named by the variable that sets it. */
export interface PortToTake {
  variable: string;
  host: string;
  port: number;
}

function bindable({ host, port }: PortToTake): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e));
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(null)));
  });
}

/**
 * Fails the start, naming the variable, when another program already listens on a port the stack
 * needs: otherwise that program would answer the stack's health checks in the app's place, and the
 * app (a gateway's workers, restarted with backoff) would keep failing behind it.
 */
export async function assertPortsFree(ports: readonly PortToTake[]): Promise<void> {
  for (const p of ports) {
    const e = await bindable(p);
    if (e) throw listenError(e, p.variable, p.host, p.port);
  }
}
