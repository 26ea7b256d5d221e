// deploy/compose.yaml against the Compose specification's JSON schema (as dclint ships it), the
// image's commands, the variables the apps read, and the ports nginx and the apps agree on.
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { apps, jobs } from '../../deploy/image/entrypoint.mjs';
import { environmentVariablesRead, exists, inRoot, read } from './repository.js';

interface Service {
  image?: string;
  command?: string[];
  network_mode?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const text = read('deploy/compose.yaml');
const compose = parse(text, { merge: true }) as ComposeFile;
const services = Object.entries(compose.services);
const ours = services.filter(([, s]) => s.image?.includes('APIM_IMAGE'));
const nginx = read('deploy/compose/nginx.conf');

function composeSchema(): object {
  const manifest = createRequire(inRoot('package.json')).resolve('dclint/package.json');
  const file = path.join(path.dirname(manifest), 'schemas', 'compose.schema.json');
  const schema = JSON.parse(read(path.relative(inRoot(), file))) as object;
  // the same draft 7 that ajv knows by its usual address
  return { ...schema, $schema: 'http://json-schema.org/draft-07/schema#' };
}

/** The port an app of ours listens on: its port variable, else the app's default. */
function portOf(service: Service): number {
  const [variable, fallback] = apps[service.command![0] as keyof typeof apps].port;
  return Number(service.environment?.[variable as string] ?? fallback);
}

describe('deploy/compose.yaml', () => {
  it('is a valid Compose file', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(composeSchema());
    expect(validate(compose), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('runs the image with its own commands: the apps, migrate and secrets', () => {
    const commands = ours.map(([, s]) => s.command![0]!);
    for (const c of commands) expect([...Object.keys(apps), ...Object.keys(jobs), 'secrets']).toContain(c);
    expect(commands.sort()).toEqual(
      ['control-plane', 'gateway', 'gateway', 'key-manager', 'migrate', 'secrets'].sort(),
    );
  });

  it('sets only variables the apps read', () => {
    const known = environmentVariablesRead();
    for (const [name, s] of ours)
      for (const variable of Object.keys(s.environment ?? {}))
        expect(known, `${name}: ${variable}`).toContain(variable);
  });

  it('refers only to services, volumes and files that exist, waiting for what each needs', () => {
    for (const [name, s] of services) {
      for (const needed of Object.keys(s.depends_on ?? {}))
        expect(compose.services, `${name} -> ${needed}`).toHaveProperty(needed);
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('.')) expect(exists(path.join('deploy', source)), source).toBe(true);
        else expect(compose.volumes).toHaveProperty(source);
      }
    }
    const migrate = compose.services.migrate!;
    expect(migrate.depends_on?.postgres?.condition).toBe('service_healthy');
    for (const [name, s] of ours.filter(([, s]) => s.command![0]! in apps))
      expect(s.depends_on?.migrate?.condition, name).toBe('service_completed_successfully');
  });

  it('puts the two gateways behind nginx, on ports nothing else in their shared network takes', () => {
    const gateways = ours.filter(([, s]) => s.command![0] === 'gateway').map(([, s]) => s);
    const upstreams = [...nginx.matchAll(/server 127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
    expect(upstreams.sort()).toEqual(gateways.map(portOf).sort());
    for (const g of gateways) expect(g.environment?.APIM_TRUST_PROXY).toBe('loopback');

    const shared = ours.filter(([, s]) => s.network_mode === 'service:lb');
    const bound = [
      Number(/listen (\d+);/.exec(nginx)![1]),
      ...shared.filter(([, s]) => s.command![0]! in apps).map(([, s]) => portOf(s)),
      ...gateways.map((g) => Number(g.environment!.APIM_GATEWAY_METRICS_PORT)),
    ];
    expect(new Set(bound).size).toBe(bound.length);

    const published = compose.services.lb!.ports!.map((p) => Number(p.split(':')[1]));
    const byCommand = (c: string) => portOf(ours.find(([, s]) => s.command![0] === c)![1]);
    expect(published.sort()).toEqual([bound[0], byCommand('control-plane'), byCommand('key-manager')].sort());
    expect(compose.services['key-manager']!.environment!.APIM_KEY_MANAGER_URL).toBe(
      `http://localhost:${byCommand('key-manager')}`,
    );
  });
});
