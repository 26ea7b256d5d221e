/**
 * What the soak samples each minute for every app: resident memory, open file descriptors and
 * sockets of the app's process tree (a gateway is a primary and its worker), from /proc; heap and
 * event-loop delay from what loop-delay-probe.mjs wrote in the last minute.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';

export interface AppSample {
  rssMb: number;
  heapMb: number;
  fds: number;
  sockets: number;
  loopP99Ms: number;
  loopMaxMs: number;
}

/** the pid and its children's pids */
function processTree(pid: number): number[] {
  const tree = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) tree.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return tree;
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

function descriptors(pid: number): { fds: number; sockets: number } {
  let fds = 0;
  let sockets = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    fds++;
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
    } catch {
      // closed meanwhile
    }
  }
  return { fds, sockets };
}

interface ProbeLine {
  t: number;
  heapUsed: number;
  loopP99Ms: number;
  loopMaxMs: number;
}

function probeLines(statsDir: string, pid: number, since: number): ProbeLine[] {
  try {
    return readFileSync(path.join(statsDir, `${pid}.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ProbeLine)
      .filter((l) => l.t > since);
  } catch {
    return [];
  }
}

export function sampleApp(pid: number, statsDir: string, since: number): AppSample {
  const s: AppSample = { rssMb: 0, heapMb: 0, fds: 0, sockets: 0, loopP99Ms: 0, loopMaxMs: 0 };
  for (const p of processTree(pid)) {
    s.rssMb += rssKb(p) / 1024;
    const d = descriptors(p);
    s.fds += d.fds;
    s.sockets += d.sockets;
    const lines = probeLines(statsDir, p, since);
    if (lines.length) {
      s.heapMb += lines.at(-1)!.heapUsed / 1024 / 1024;
      s.loopP99Ms = Math.max(s.loopP99Ms, ...lines.map((l) => l.loopP99Ms));
      s.loopMaxMs = Math.max(s.loopMaxMs, ...lines.map((l) => l.loopMaxMs));
    }
  }
  return s;
}
