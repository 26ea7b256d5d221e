/**
 * Every document checked (its kind's schema; for an APIRule, v1beta1 converted, Kyma's rules and
 * this product's limits) and made a desired object; then what no document shows alone: one object
 * declared twice, two objects making one API, two APIRules exposing one host and path.
 */
import type { PointedMessage } from './messages.js';
import { namespaceOf, type ApiRuleV2 } from './kyma/apirule.js';
import { convertV1beta1, v1beta1Pointer } from './kyma/convert-v1beta1.js';
import { apiRuleProblems } from './kyma/rules.js';
import { translateApiRule } from './kyma/translate.js';
import { productObject } from './product-kinds.js';
import { checkSchema } from './schema-check.js';
import { APIRULE_V1BETA1 } from './schemas/index.js';
import type {
  DesiredObject,
  ManifestDocument,
  ManifestOptions,
  ManifestProblem,
  ValidatedManifests,
} from './types.js';

type Outcome = { object: DesiredObject } | { problems: PointedMessage[] };

function apiRuleObject(manifest: Record<string, unknown>, options: ManifestOptions): Outcome {
  let v2 = manifest;
  let pointer = (p: string) => p;
  if (manifest.apiVersion === APIRULE_V1BETA1) {
    const converted = convertV1beta1(manifest);
    if (converted.problems.length) return converted;
    v2 = converted.apiRule;
    pointer = v1beta1Pointer;
    const schemaProblems = checkSchema(v2);
    if (schemaProblems.length)
      return { problems: schemaProblems.map((p) => ({ ...p, pointer: pointer(p.pointer) })) };
  }
  const apiRule = v2 as unknown as ApiRuleV2;
  const problems = apiRuleProblems(apiRule, options);
  if (problems.length) return { problems: problems.map((p) => ({ ...p, pointer: pointer(p.pointer) })) };
  return {
    object: {
      manifest: {
        apiVersion: String(manifest.apiVersion),
        kind: 'APIRule',
        name: `${namespaceOf(apiRule)}/${apiRule.metadata.name}`,
      },
      labels: apiRule.metadata.labels ?? {},
      document: manifest,
      target: { kind: 'API', spec: translateApiRule(apiRule, options) },
    },
  };
}

function objectOf(manifest: Record<string, unknown>, options: ManifestOptions): Outcome {
  const schemaProblems = checkSchema(manifest);
  if (schemaProblems.length) return { problems: schemaProblems };
  if (manifest.kind === 'APIRule') return apiRuleObject(manifest, options);
  const metadata = (manifest.metadata ?? {}) as { name?: string; labels?: Record<string, string> };
  const made = productObject(
    String(manifest.kind),
    metadata.name ?? '',
    manifest.spec as Record<string, unknown>,
    options,
  );
  if ('pointer' in made) return { problems: [made] };
  return {
    object: {
      manifest: { apiVersion: String(manifest.apiVersion), kind: String(manifest.kind), name: made.identity },
      labels: metadata.labels ?? {},
      document: manifest,
      target: made.target,
    },
  };
}

interface Placed {
  object: DesiredObject;
  file: string | null;
  index: number;
}

const where = (p: Placed) => `${p.file ?? 'document'}#${p.index}`;

/** The rule whose path a problem is about, in the document as written. */
const ruleIndexOf = (o: DesiredObject, path: string) =>
  ((o.document.spec as { rules?: Array<{ path: string }> }).rules ?? []).findIndex((r) => r.path === path);

/** Problems between documents: each is reported on the later of the two. */
function crossProblems(placed: Placed[], options: ManifestOptions): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const identities = new Map<string, Placed>();
  const apis = new Map<string, Placed>();
  const routes = new Map<string, string>();
  const applied = new Set(
    placed.filter((p) => p.object.manifest.kind === 'APIRule').map((p) => p.object.manifest.name),
  );
  // an APIRule applied again brings its routes anew
  for (const { host, path, owner } of options.existingRoutes)
    if (!applied.has(owner)) routes.set(`${host} ${path}`, `APIRule ${owner}, applied before`);
  for (const p of placed) {
    const report = (pointer: string, message: string) =>
      problems.push({ file: p.file, document: p.index, pointer, message });
    const { manifest, target } = p.object;
    const identity = `${manifest.kind} ${manifest.name}`;
    const twin = identities.get(identity);
    if (twin) {
      report('/metadata/name', `${identity} is declared twice (also in ${where(twin)})`);
      continue;
    }
    identities.set(identity, p);
    if (target.kind !== 'API') continue;
    const api = `${target.spec.name}:${target.spec.version}`;
    const maker = apis.get(api);
    if (maker)
      report(
        '/metadata/name',
        `this makes API ${api}, which ${maker.object.manifest.kind} ${maker.object.manifest.name} (${where(maker)}) makes too`,
      );
    else apis.set(api, p);
    if (manifest.kind !== 'APIRule') continue;
    const paths = new Set((target.spec.operations ?? []).map((o) => o.target));
    for (const host of target.spec.hosts ?? [])
      for (const path of paths) {
        const owner = routes.get(`${host} ${path}`);
        if (owner)
          report(
            `/spec/rules/${ruleIndexOf(p.object, path)}/path`,
            `${host}${path} is already exposed by ${owner}: one APIRule per host and path`,
          );
        else routes.set(`${host} ${path}`, `APIRule ${manifest.name} (${where(p)})`);
      }
  }
  return problems;
}

/** The desired objects of the documents, or the problems that stop them (none is applied then). */
export function validateManifests(
  documents: ManifestDocument[],
  options: ManifestOptions,
): ValidatedManifests {
  const placed: Placed[] = [];
  const problems: ManifestProblem[] = [];
  documents.forEach((doc, position) => {
    const file = doc.source?.file ?? null;
    const index = doc.source?.index ?? position;
    const outcome = objectOf(doc.manifest, options);
    if ('problems' in outcome)
      problems.push(
        ...outcome.problems.map((p) => ({ file, document: index, pointer: p.pointer, message: p.message })),
      );
    else
      placed.push({ object: { ...outcome.object, ...(doc.source && { source: doc.source }) }, file, index });
  });
  return { objects: placed.map((p) => p.object), problems: [...problems, ...crossProblems(placed, options)] };
}
