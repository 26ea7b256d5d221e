/**
 * Ports of the cluster's processes, below the kernel's ephemeral range (where port-0 servers of the
 * other test runs on this machine land): a port found free and then handed to an app can otherwise
 * be taken by one of them before the app listens, and a node killed and restarted must find its
 * port free again.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

function ephemeralStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 32768;
  }
}

// a random start, so that two suites running at once do not walk the same ports
let next = Math.max(1024, ephemeralStart() - 12_000) + Math.floor(Math.random() * 8000);

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export async function clusterPort(): Promise<number> {
  for (;;) {
    const port = next++;
    if (await canListen(port)) return port;
  }
}
