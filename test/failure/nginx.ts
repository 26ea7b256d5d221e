/**
 * The cluster's load balancer: Debian's nginx, started by the suite with a configuration generated
 * for this run (free ports, its own prefix folder), configured as an operator would run it in front
 * of several nodes: upstream keep-alive closed by nginx first (30 s, below the apps' 65 s, so nginx
 * never reuses a connection the node is closing), passive health checks (`max_fails=3`/`fail_timeout`:
 * a node that refused three times is left out for a while; one failure, such as a keep-alive
 * connection lost on a busy machine, is not enough) and `proxy_next_upstream` so an idempotent
 * request whose node closed or refused the connection is retried on the next node. Non-idempotent
 * requests (POST) are retried only when they never reached a node (nginx's default). Every answer
 * carries `X-Upstream` (the node or nodes that handled it), which the suite uses to attribute
 * failures.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface Pool {
  name: string;
  /** the port nginx listens on for this pool */
  listen: number;
  /** the nodes' ports on 127.0.0.1 */
  nodes: number[];
}

/** nginx's binary: on PATH, else installed from Debian's packages when we are root with apt. */
export function findNginx(): string | null {
  const known = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
  if (known) return known;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-qq', 'nginx-light'], { stdio: 'inherit', env });
  }
  return ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p)) ?? null;
}

export function nginxConfig(prefix: string, pools: Pool[]): string {
  const upstreams = pools.map(
    (p) => `
  upstream ${p.name} {
${p.nodes.map((port) => `    server 127.0.0.1:${port} max_fails=3 fail_timeout=5s;`).join('\n')}
    keepalive 64;
    keepalive_timeout 30s;
  }
  server {
    listen 127.0.0.1:${p.listen};
    location / {
      proxy_pass http://${p.name};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 3;
      proxy_buffering off;
      client_max_body_size 20m;
      add_header X-Upstream $upstream_addr always;
    }
  }`,
  );
  return `worker_processes 1;
daemon off;
master_process on;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  keepalive_requests 100000;
${upstreams.join('\n')}
}
`;
}

export interface Nginx {
  stop(): Promise<void>;
}

export async function startNginx(binary: string, prefix: string, pools: Pool[]): Promise<Nginx> {
  await mkdir(prefix, { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  await writeFile(conf, nginxConfig(prefix, pools));
  const check = spawnSync(binary, ['-t', '-p', prefix, '-c', conf], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx refused its configuration: ${check.stderr}`);
  const child: ChildProcess = spawn(binary, ['-p', prefix, '-c', conf], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start; see ${prefix}/error.log`);
    const up = await fetch(`http://127.0.0.1:${pools[0]!.listen}/`, { signal: AbortSignal.timeout(500) })
      .then(async (r) => (await r.arrayBuffer(), true))
      .catch(() => false);
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGQUIT'); // graceful
      await exited;
    },
  };
}
