import path from 'node:path';
import { commonConfig, envReader } from '@apim/service';
import { repoRoot } from '@apim/db';

/** Every setting `npm start` reads; each app reads its own again from the environment we pass. */
export function loadStackConfig(env: Record<string, string | undefined> = process.env) {
  const r = envReader(env);
  const host = r.string('APIM_HOST', '127.0.0.1');
  const ports = {
    gateway: r.port('APIM_GATEWAY_PORT', 8280),
    keyManager: r.port('APIM_KEY_MANAGER_PORT', 9444),
    controlPlane: r.port('APIM_CONTROL_PLANE_PORT', 9443),
    sampleBackend: r.port('APIM_SAMPLE_BACKEND_PORT', 9380),
    embeddedPostgres: r.port('APIM_EMBEDDED_PG_PORT', 55432),
  };
  const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const dataDir = path.resolve(r.string('APIM_DATA_DIR', path.join(repoRoot, '.data')));
  return {
    host,
    ports,
    dataDir,
    databaseUrl: r.optionalString('DATABASE_URL')
      ? r.url('DATABASE_URL', undefined, ['postgres', 'postgresql'])
      : undefined,
    /** REDIS_URL, or the Sentinel or Cluster the apps are pointed at (@apim/service's readRedisConfig) */
    redis: commonConfig({ ...env, DATABASE_URL: 'postgres://unused' }).redis,
    keyManagerUrl: r.url('APIM_KEY_MANAGER_URL', `http://${publicHost}:${ports.keyManager}`, [
      'http',
      'https',
    ]),
    controlPlaneUrl: r.url('APIM_CONTROL_PLANE_URL', `http://${publicHost}:${ports.controlPlane}`, [
      'http',
      'https',
    ]),
    gatewayUrl: r.url('APIM_GATEWAY_URL', `http://${publicHost}:${ports.gateway}`, ['http', 'https']),
    sampleApi: r.bool('APIM_SAMPLE_API', true),
    /** the gateway's HTTPS port, only when it has a certificate (APIM_GATEWAY_TLS_CERT): else no HTTPS listener */
    gatewayHttpsPort: r.optionalString('APIM_GATEWAY_TLS_CERT')
      ? r.port('APIM_GATEWAY_HTTPS_PORT', 8243)
      : undefined,
  };
}
export type StackConfig = ReturnType<typeof loadStackConfig>;
