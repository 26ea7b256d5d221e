// Child processes of a benchmark run, the backend and bare proxy every gateway figure is compared
// with, and CPU time read from /proc.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..', '..');

/** Every process `start` spawned, so a run can stop them all however it ends. */
export const children = [];

export function start(args, env = {}) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

export function stopChildren(signal = 'SIGTERM') {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
}

/** Resolves once `url` answers below 500; fails when `child` exits first. */
export async function waitFor(url, child) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** A backend answering every request with 1 KiB of JSON (node -e, PORT). */
export const BACKEND = `
import http from 'node:http';
const body = JSON.stringify({ data: 'x'.repeat(1000) }).slice(0, 1024);
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); });
}).listen(Number(process.env.PORT), '127.0.0.1');`;

/**
 * The floor every gateway figure is compared with: node:http + undici keep-alive pool (PORT, TARGET).
 * It keeps process.nextTick's object shapes as the apps do (keepTickShape): without that, one bare
 * proxy process in two or three paid 4-10 % more CPU by when V8's collector happened to run, and the
 * floor moved with it.
 */
export const BARE_PROXY = `
import http from 'node:http';
import { Pool } from 'undici';
import { keepTickShape } from './packages/service/dist/tick-shape.js';
keepTickShape();
const pool = new Pool(process.env.TARGET, { connections: 128, keepAliveTimeout: 30000 });
const hop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade']);
http.createServer(async (req, res) => {
  try {
    const headers = {};
    for (const k in req.headers) if (!hop.has(k)) headers[k] = req.headers[k];
    const r = await pool.request({ path: req.url, method: req.method, headers, body: req.method === 'GET' ? null : req });
    const out = {};
    for (const k in r.headers) if (!hop.has(k)) out[k] = r.headers[k];
    res.writeHead(r.statusCode, out);
    r.body.pipe(res);
  } catch { res.writeHead(502).end(); }
}).listen(Number(process.env.PORT), '127.0.0.1');`;

const CLOCK_TICK_MS = 10; // USER_HZ is 100 on Linux

/**
 * Every process now: pid -> { ppid, cmdline, cpuMs (user + system), reapedMs (the user + system time
 * of its children it has waited for: how a forking server such as Postgres keeps the CPU of
 * backends that have exited) }.
 */
export function processTable() {
  const table = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    let cmdline;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    } catch {
      continue; // exited meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    table.set(Number(entry), {
      ppid: Number(fields[1]),
      cmdline,
      cpuMs: (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS,
      reapedMs: (Number(fields[13]) + Number(fields[14])) * CLOCK_TICK_MS,
    });
  }
  return table;
}

/** `pid` and every process below it in `table`. */
export function descendants(table, pid) {
  const found = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, info] of table)
      if (!found.has(p) && found.has(info.ppid)) {
        found.add(p);
        grew = true;
      }
  }
  return [...found].filter((p) => table.has(p));
}

/** CPU time (ms) used so far by a process and its direct children (cluster workers). */
export function cpuMsOf(pid) {
  let total = 0;
  for (const [p, info] of processTable()) if (p === pid || info.ppid === pid) total += info.cpuMs;
  return total;
}
