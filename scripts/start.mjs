// `npm start`: install what is missing, build, then start everything (see packages/stack).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { bootstrap, root } from './bootstrap.mjs';

bootstrap();
// The IPC channel is how the stack knows this process is gone, however it went (even SIGKILL).
const child = spawn(process.execPath, [path.join(root, 'packages', 'stack', 'dist', 'start.js')], {
  cwd: root,
  stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
});
// The stack handles SIGINT/SIGTERM itself (Ctrl-C reaches the whole process group); forward
// SIGTERM sent to this process alone.
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => {});
// npm runs this script through `sh -c` and passes a SIGTERM (a supervisor stopping `npm start`) to
// that shell only, which dies without passing it on: being orphaned means we were asked to stop.
const parent = process.ppid;
const orphanWatch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphanWatch);
  child.kill('SIGTERM');
}, 500);
orphanWatch.unref();
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
