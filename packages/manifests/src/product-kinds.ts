/**
 * The product's own kinds (apim.io/v1), past their schema, as desired objects: each one's identity
 * and the spec its target is made from, its name filled in from metadata and the defaults applied
 * that the manifest's meaning depends on (an API CREATED and deployed nowhere, an application and a
 * subscription owned by the user applying, an application with no key pairs).
 */
import type { ManifestOptions, Target, TargetKind, TargetSpecs } from './types.js';
import type { PointedMessage } from './messages.js';

type Spec = Record<string, unknown>;

export interface ProductObject {
  identity: string;
  target: Target;
}

/** The schema has checked the spec's shape; this only names its type. */
const targetOf = <K extends TargetKind>(kind: K, spec: Spec) =>
  ({ kind, spec: spec as unknown as TargetSpecs[K] }) as Target;

/** A desired product object, or a problem when the spec cannot be used as given. */
export function productObject(
  kind: string,
  name: string,
  spec: Spec,
  options: ManifestOptions,
): ProductObject | PointedMessage {
  switch (kind) {
    case 'API':
      if (spec.definitionFile !== undefined)
        return {
          pointer: '/spec/definitionFile',
          message:
            'definitionFile is read by the apim CLI: apply the file with it, or give the definition inline as definition',
        };
      return {
        identity: `${name}:${String(spec.version)}`,
        target: targetOf('API', { lifecycleStatus: 'CREATED', deployments: [], ...spec, name }),
      };
    case 'Application': {
      const owner = (spec.owner as string | undefined) ?? options.defaultOwner;
      return {
        identity: `${owner}/${name}`,
        target: targetOf('Application', { keys: [], ...spec, owner, name }),
      };
    }
    case 'Subscription': {
      const application = spec.application as { name: string; owner?: string };
      const api = spec.api as { name: string; version: string };
      const owner = application.owner ?? options.defaultOwner;
      return {
        identity: `${owner}/${application.name}@${api.name}:${api.version}`,
        target: targetOf('Subscription', { ...spec, application: { name: application.name, owner } }),
      };
    }
    case 'ThrottlingPolicy':
      return {
        identity: `${String(spec.policyType)}/${name}`,
        target: targetOf('ThrottlingPolicy', { ...spec, policyName: name }),
      };
    case 'KeyManager':
    case 'Environment':
      return { identity: name, target: targetOf(kind, { ...spec, name }) };
    default:
      return { pointer: '/kind', message: `${kind} is not a kind of apim.io/v1` };
  }
}
