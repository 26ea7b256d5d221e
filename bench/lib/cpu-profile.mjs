// Preloaded with `node --import` (NODE_OPTIONS allows it where it refuses --cpu-prof): profiles
// the process from its start and writes <BENCH_PROFILE_DIR>/<script>-<pid>.cpuprofile when it exits,
// for Chrome DevTools or speedscope.
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // a same-thread session answers synchronously, so this runs to the end inside 'exit'
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      const script = path.basename(path.dirname(path.dirname(process.argv[1] ?? 'node')));
      writeFileSync(path.join(dir, `${script}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
