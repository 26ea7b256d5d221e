// `npm start`: install what is missing, build, then start everything (see packages/stack).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { bootstrap, root } from './bootstrap.mjs';

bootstrap();
const child = spawn(process.execPath, [path.join(root, 'packages', 'stack', 'dist', 'start.js')], {
  cwd: root,
  stdio: 'inherit',
});
// The stack handles SIGINT/SIGTERM itself (Ctrl-C reaches the whole process group); forward
// SIGTERM sent to this process alone.
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => {});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
