// The Helm chart rendered by a real Helm (./helm.ts), each manifest validated against the
// Kubernetes schemas of kubernetes-models, and what the apps need checked in what it renders.
import { Buffer } from 'node:buffer';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { apps } from '../../deploy/image/entrypoint.mjs';
import { helm, helmAvailable } from './helm.js';
import { environmentVariablesRead, inRoot, read } from './repository.js';

const chart = inRoot('deploy', 'kubernetes', 'apim');
const required = [
  '--set',
  'database.url=postgresql://apim:pw@db:5432/apim',
  '--set',
  'redis.url=redis://redis:6379',
];

/** The schema of every kind the chart makes: a kind without one fails the test. */
const models: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered manifests, read field by field
type Manifest = Record<string, any>;

async function render(...args: string[]): Promise<Manifest[]> {
  const out = await helm(['template', 'prod', chart, '--namespace', 'apim', ...args]);
  const manifests = parseAllDocuments(out)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
  for (const m of manifests) {
    const Model = models[`${m.apiVersion}/${m.kind}`];
    expect(Model, `${m.apiVersion} ${m.kind}`).toBeDefined();
    expect(() => new Model!(m as never).validate(), `${m.kind} ${m.metadata.name}`).not.toThrow();
  }
  return manifests;
}

const named = (ms: Manifest[], kind: string, name: string) =>
  ms.find((m) => m.kind === kind && m.metadata.name === name)!;

describe.skipIf(!helmAvailable)('deploy/kubernetes/apim', () => {
  it('passes helm lint --strict', async () => {
    await helm(['lint', '--strict', chart, ...required]);
  });

  it('renders valid manifests: an app Deployment per image command, probed on /readyz and /healthz', async () => {
    const ms = await render(...required);
    const known = environmentVariablesRead();
    const secrets = new Set(ms.filter((m) => m.kind === 'Secret').map((m) => m.metadata.name));
    for (const app of Object.keys(apps)) {
      const container = named(ms, 'Deployment', `prod-apim-${app}`).spec.template.spec.containers[0];
      expect(container.args).toEqual([app]);
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.securityContext.runAsNonRoot).toBe(true);
      for (const e of container.env) {
        expect(known, `${app}: ${e.name}`).toContain(e.name);
        if (e.valueFrom) expect(secrets).toContain(e.valueFrom.secretKeyRef.name);
      }
      const service = named(ms, 'Service', `prod-apim-${app}`);
      expect(service.spec.selector).toEqual(
        named(ms, 'Deployment', `prod-apim-${app}`).spec.selector.matchLabels,
      );
    }
  });

  it('migrates before install and upgrade, after the Secrets it reads', async () => {
    const ms = await render(...required);
    const job = named(ms, 'Job', 'prod-apim-migrate');
    expect(job.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(job.spec.template.spec.containers[0].args).toEqual(['migrate']);
    for (const secret of ms.filter((m) => m.kind === 'Secret')) {
      expect(secret.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      expect(Number(secret.metadata.annotations['helm.sh/hook-weight'])).toBeLessThan(
        Number(job.metadata.annotations['helm.sh/hook-weight']),
      );
    }
  });

  it('generates keys the apps accept', async () => {
    const keys = named(await render(...required), 'Secret', 'prod-apim-keys');
    const value = (k: string) => Buffer.from(keys.data[k], 'base64').toString();
    expect(value('APIM_INTERNAL_SECRET').length).toBeGreaterThanOrEqual(32);
    expect(value('APIM_ADMIN_PASSWORD').length).toBeGreaterThanOrEqual(8);
    const encryptionKey = value('APIM_KEY_ENCRYPTION_KEY');
    expect(Buffer.from(encryptionKey, 'base64url')).toHaveLength(32);
    expect(Buffer.from(encryptionKey, 'base64url').toString('base64url')).toBe(encryptionKey);
    // and kept across upgrades: read back from the cluster before any is generated
    expect(read('deploy/kubernetes/apim/templates/secrets.yaml')).toMatch(
      /lookup "v1" "Secret" \.Release\.Namespace \$name/,
    );
  });

  it('routes the three public hosts to their Services, and scales and protects the gateways', async () => {
    const ms = await render(...required);
    const rules = named(ms, 'Ingress', 'prod-apim').spec.rules as Manifest[];
    const routes = Object.fromEntries(rules.map((r) => [r.host, r.http.paths[0].backend.service.name]));
    expect(routes).toEqual({
      'apim.example.com': 'prod-apim-control-plane',
      'login.apim.example.com': 'prod-apim-key-manager',
      'api.example.com': 'prod-apim-gateway',
    });
    const gateway = named(ms, 'Deployment', 'prod-apim-gateway');
    expect(gateway.spec.replicas).toBeUndefined(); // the autoscaler owns it
    expect(named(ms, 'HorizontalPodAutoscaler', 'prod-apim-gateway').spec.scaleTargetRef.name).toBe(
      'prod-apim-gateway',
    );
    expect(named(ms, 'PodDisruptionBudget', 'prod-apim-gateway').spec.selector.matchLabels).toEqual(
      gateway.spec.selector.matchLabels,
    );
  });

  it('takes existing Secrets instead, and renders without Ingress, autoscaler and budget', async () => {
    const ms = await render(
      ...['--set', 'database.existingSecret=db', '--set', 'redis.existingSecret=redis'],
      ...['--set', 'secrets.existingSecret=keys', '--set', 'ingress.enabled=false'],
      ...['--set', 'gateway.autoscaling.enabled=false', '--set', 'gateway.podDisruptionBudget.enabled=false'],
    );
    expect(ms.map((m) => m.kind).sort()).toEqual(
      [...Array(3).fill('Deployment'), 'Job', ...Array(3).fill('Service')].sort(),
    );
    const env = named(ms, 'Deployment', 'prod-apim-gateway').spec.template.spec.containers[0]
      .env as Manifest[];
    const from = (name: string) => env.find((e) => e.name === name)!.valueFrom.secretKeyRef;
    expect(from('DATABASE_URL')).toEqual({ name: 'db', key: 'DATABASE_URL' });
    expect(from('APIM_INTERNAL_SECRET')).toEqual({ name: 'keys', key: 'APIM_INTERNAL_SECRET' });
  });

  it('points the apps at Redis Sentinel or Redis Cluster, the URL then optional', async () => {
    const envOf = (ms: Manifest[]) =>
      named(ms, 'Deployment', 'prod-apim-gateway').spec.template.spec.containers[0].env as Manifest[];
    const database = ['--set', 'database.url=postgresql://apim:pw@db:5432/apim'];
    const sentinel = envOf(
      await render(
        ...database,
        ...['--set', 'redis.sentinel.hosts={s-0.sentinel:26379,s-1.sentinel:26379}'],
        ...['--set', 'redis.sentinel.masterName=mymaster'],
        ...[
          '--set',
          'redis.sentinel.passwordSecret.name=sentinel',
          '--set',
          'redis.sentinel.passwordSecret.key=pw',
        ],
      ),
    );
    const value = (env: Manifest[], name: string) => env.find((e) => e.name === name)?.value as unknown;
    expect(value(sentinel, 'APIM_REDIS_SENTINELS')).toBe('s-0.sentinel:26379,s-1.sentinel:26379');
    expect(value(sentinel, 'APIM_REDIS_SENTINEL_MASTER')).toBe('mymaster');
    expect(sentinel.find((e) => e.name === 'APIM_REDIS_SENTINEL_PASSWORD')!.valueFrom.secretKeyRef).toEqual({
      name: 'sentinel',
      key: 'pw',
    });
    expect(sentinel.map((e) => e.name)).not.toContain('REDIS_URL');

    const clusterManifests = await render(
      ...[
        ...required,
        '--set',
        'redis.url=redis://:pw@redis',
        '--set',
        'redis.cluster.nodes={c-0:6379,c-1:6379}',
      ],
    );
    const cluster = envOf(clusterManifests);
    expect(value(cluster, 'APIM_REDIS_CLUSTER_NODES')).toBe('c-0:6379,c-1:6379');
    expect(cluster.map((e) => e.name)).toContain('REDIS_URL');
    expect(envOf(clusterManifests).map((e) => e.name)).not.toContain('APIM_REDIS_SENTINELS');

    await expect(
      render(...required, '--set', 'redis.sentinel.hosts={s:26379}', '--set', 'redis.cluster.nodes={c:6379}'),
    ).rejects.toThrow(/cannot both be set/);
    await expect(render(...database, '--set', 'redis.sentinel.hosts={s:26379}')).rejects.toThrow(
      /redis\.sentinel\.masterName is required/,
    );
  });

  it('refuses to render without a database', async () => {
    await expect(helm(['template', 'x', chart, '--set', 'redis.url=redis://r:6379'])).rejects.toThrow(
      /database\.url \(or database\.existingSecret\) is required/,
    );
  });
});
