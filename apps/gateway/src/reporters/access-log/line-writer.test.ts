/**
 * The access log's writer on real files and a real pipe: lines wait in the buffer until 32 KiB have
 * gathered (or a flush), whole and in order; a stdout pipe nobody reads never blocks the writer.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineWriter } from './line-writer.js';

let dir: string;
const failures: Error[] = [];
const events = { failed: (e: Error) => failures.push(e) };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'apim-line-writer-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const read = (file: string) => readFile(file, 'utf8');
const line = (i: number) => JSON.stringify({ i, pad: 'x'.repeat(90) });

describe('LineWriter', () => {
  it('holds lines until a flush, then appends them whole and in order', async () => {
    const file = path.join(dir, 'a', 'b', 'access.log');
    const w = LineWriter.open(file, events);
    for (let i = 0; i < 10; i++) w.write(line(i));
    expect(await read(file)).toBe('');
    w.flush();
    const text = await read(file);
    expect(text.split('\n')).toEqual([...Array.from({ length: 10 }, (_, i) => line(i)), '']);
    w.close();
  });

  it('writes by itself once 32 KiB have gathered, and the rest at close', async () => {
    const file = path.join(dir, 'big.log');
    const w = LineWriter.open(file, events);
    const n = 400; // about 110 bytes a line: one write after 301 lines, the rest at close
    for (let i = 0; i < n; i++) w.write(line(i));
    const before = await read(file);
    expect(before.length).toBeGreaterThanOrEqual(32 * 1024);
    expect(before.length).toBeLessThan(32 * 1024 + line(n).length + 1);
    expect(before.endsWith('\n')).toBe(true);
    w.close();
    w.write(line(n)); // after close: ignored
    const after = (await read(file)).split('\n').filter(Boolean);
    expect(after).toEqual(Array.from({ length: n }, (_, i) => line(i)));
  });

  it('appends to what the file holds and keeps characters beyond ASCII intact', async () => {
    const file = path.join(dir, 'utf8.log');
    await writeFile(file, 'earlier\n');
    const w = LineWriter.open(file, events);
    w.write('{"path":"/café/日本/😀"}');
    w.close();
    expect(await read(file)).toBe('earlier\n{"path":"/café/日本/😀"}\n');
    expect(failures).toEqual([]);
  });

  it('goes on in a new file at its path once reopened (logrotate moved the old one)', async () => {
    const file = path.join(dir, 'rotated.log');
    const w = LineWriter.open(file, events);
    w.write(line(1));
    await rename(file, `${file}.1`);
    w.write(line(2)); // still buffered: it belongs to the old file
    w.reopen();
    w.write(line(3));
    w.close();
    expect(await read(`${file}.1`)).toBe(`${line(1)}\n${line(2)}\n`);
    expect(await read(file)).toBe(`${line(3)}\n`);
  });

  it('says once that it cannot write, drops what it held, and writes again once reopened', async () => {
    const file = path.join(dir, 'failing.log');
    await writeFile(file, '');
    const said: Error[] = [];
    // a descriptor open for reading only: every write fails (EBADF)
    const w = new LineWriter(openSync(file, 'r'), file, { failed: (e) => said.push(e) });
    for (let i = 0; i < 1000; i++) w.write(line(i)); // 110 KB: a failed write every 32 KiB
    w.flush();
    expect(said.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['EBADF']);
    w.reopen();
    w.write(line(1000));
    w.close();
    expect(await read(file)).toBe(`${line(1000)}\n`);
  });

  it('refuses a file that cannot be opened', async () => {
    const notADir = path.join(dir, 'plain-file');
    await writeFile(notADir, '');
    expect(() => LineWriter.open(path.join(notADir, 'access.log'), events)).toThrow(/ENOTDIR|EEXIST/);
  });

  it('never blocks on a non-blocking pipe nobody reads: it drops lines and counts them', () => {
    // a pipe holds 64 KiB; 20 MB are written while nobody reads
    const fifo = path.join(dir, 'stdout.fifo');
    execFileSync('mkfifo', [fifo]);
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      const w = new LineWriter(fd, null, events);
      const pad = 'x'.repeat(180);
      for (let i = 0; i < 100_000; i++) w.write(JSON.stringify({ i, pad }));
      w.flush();
      expect(w.dropped).toBeGreaterThan(90_000);
      const chunks: Buffer[] = [];
      for (;;) {
        const chunk = Buffer.alloc(65536);
        let n = 0;
        try {
          n = readSync(fd, chunk);
        } catch {
          break; // EAGAIN: all read
        }
        chunks.push(chunk.subarray(0, n));
      }
      // once read, the pipe takes what waited, whole lines in order after the cut one
      w.close();
      const got = Buffer.concat(chunks).toString().split('\n').slice(0, -1);
      const seen = got.map((l) => (JSON.parse(l) as { i: number }).i);
      expect(seen.length).toBeGreaterThan(100);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(failures).toEqual([]);
    } finally {
      closeSync(fd);
    }
  });
});
