import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/**
 * Where freePort looks: below the kernel's ephemeral range (Linux's ip_local_port_range, 32768 up by
 * default; 49152 up on macOS), from which every listen(0) and outgoing connection on the machine takes
 * its port. A port chosen there could be taken by any of them between the choice and the bind of the
 * process it is meant for (a stack of apps takes seconds to bind); one below it cannot.
 */
const FIRST = 10_000;
const ABOVE = (() => {
  try {
    return Math.min(
      32_768,
      Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]),
    );
  } catch {
    return 32_768;
  }
})();
/** handed out by this process: never twice */
const handedOut = new Set<number>();

function listenOn(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const s = createServer();
    s.unref();
    s.once('error', () => resolve(null));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const { port: bound } = s.address() as { port: number };
      s.close(() => resolve(bound));
    });
  });
}

/** A loopback port nothing listens on right now, outside the ephemeral range where there is room. */
export async function freePort(): Promise<number> {
  for (let i = 0; ABOVE - FIRST > 1000 && i < 50; i++) {
    const port = FIRST + Math.floor(Math.random() * (ABOVE - FIRST));
    if (handedOut.has(port)) continue;
    if ((await listenOn(port)) === null) continue;
    handedOut.add(port);
    return port;
  }
  for (;;) {
    const port = await listenOn(0);
    if (port === null) throw new Error('nothing can listen on 127.0.0.1');
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Whether a new TCP connection to the loopback port is refused (nothing accepts there any more). */
export function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}
