/** The command line: `apim <command> [options]`, read with node:util's parseArgs. */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import type { Format } from './output.js';

export const USAGE = `Usage: apim <command> [options]

Commands:
  apply  -f <file|dir>...   create or update what the manifests declare
  diff   -f <file|dir>...   show what apply would change (exit 1 when it would)
  delete -f <file|dir>...   delete what the manifests declare
  get    [kind [name]]      list the objects applied by manifests
  status [kind [name]]      their state; --wait until none is Processing (exit 1 on Error)
  export [kind [name]]      the objects as manifests (YAML on stdout, or --dir <dir>)

Options:
  -f, --file <path>        a manifest file or a directory of them (repeatable)
      --dry-run            apply: validate and diff, change nothing
      --prune              apply: delete objects applied before under --label and absent now
  -l, --label <label>      apply: the set these objects belong to; get/status: filter by it
      --wait <seconds>     apply/delete: wait for the gateways' answer (default 30, 0: no wait);
                           status: wait until no object is Processing
  -o, --output <format>    table (default), json or yaml
      --dir <dir>          export: one file per object into this directory
      --server <url>       the control plane (env APIM_CONTROL_PLANE_URL, default http://127.0.0.1:9443)
      --username <name>    env APIM_USERNAME (default admin)
      --password <secret>  env APIM_PASSWORD or APIM_ADMIN_PASSWORD (default admin)
      --config <file>      {server, username, password} (env APIM_CONFIG, default ~/.config/apim/config.yaml)
  -h, --help

Exit codes: 0 done (or no change), 1 diff found changes or an object is in Error,
2 invalid manifests or usage, 3 server, connection or credential failure.
`;

export const COMMANDS = ['apply', 'diff', 'delete', 'get', 'status', 'export'] as const;
export type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  'dry-run': { type: 'boolean' },
  prune: { type: 'boolean' },
  label: { type: 'string', short: 'l' },
  wait: { type: 'string' },
  output: { type: 'string', short: 'o' },
  dir: { type: 'string' },
  server: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Option = keyof typeof OPTIONS;
const COMMON: Option[] = ['output', 'server', 'username', 'password', 'config', 'help'];
const ALLOWED: Record<Command, Option[]> = {
  apply: ['file', 'dry-run', 'prune', 'label', 'wait'],
  diff: ['file', 'label', 'prune'],
  delete: ['file', 'wait'],
  get: ['label'],
  status: ['label', 'wait'],
  export: ['dir'],
};

export interface Invocation {
  command: Command | 'help';
  files: string[];
  dryRun: boolean;
  prune: boolean;
  label?: string;
  wait?: number;
  format: Format;
  dir?: string;
  kind?: string;
  name?: string;
  settings: { server?: string; username?: string; password?: string; config?: string };
}

export function readInvocation(argv: string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  const base = { files: [], dryRun: false, prune: false, format: 'table' as const, settings: {} };
  if (values.help || !command) return { ...base, command: 'help' };
  if (!(COMMANDS as readonly string[]).includes(command))
    throw new UsageError(`${command} is not a command (commands: ${COMMANDS.join(', ')})`);
  const cmd = command as Command;
  const allowed = [...COMMON, ...ALLOWED[cmd]];
  for (const option of Object.keys(values) as Option[])
    if (!allowed.includes(option)) throw new UsageError(`--${option} is not an option of ${cmd}`);
  const files = values.file ?? [];
  if (['apply', 'diff', 'delete'].includes(cmd)) {
    if (!files.length) throw new UsageError(`${cmd} needs -f <file|dir>`);
    if (rest.length) throw new UsageError(`${cmd} takes its manifests from -f, not ${rest.join(' ')}`);
  } else if (rest.length > 2) throw new UsageError(`${cmd} takes at most a kind and a name`);
  if (values.prune && !values.label)
    throw new UsageError('--prune needs -l <label>: only objects applied under it are pruned');
  const format = values.output ?? 'table';
  if (!['table', 'json', 'yaml'].includes(format))
    throw new UsageError(`-o ${format}: the formats are table, json and yaml`);
  const wait = values.wait === undefined ? undefined : Number(values.wait);
  if (wait !== undefined && !(Number.isInteger(wait) && wait >= 0 && wait <= 600))
    throw new UsageError(`--wait ${values.wait}: give whole seconds from 0 to 600`);
  return {
    command: cmd,
    files,
    dryRun: values['dry-run'] ?? false,
    prune: values.prune ?? false,
    label: values.label,
    wait,
    format: format as Format,
    dir: values.dir,
    kind: rest[0],
    name: rest[1],
    settings: {
      server: values.server,
      username: values.username,
      password: values.password,
      config: values.config,
    },
  };
}
