/** The words the console uses for key managers' types, and the algorithms they can accept. */
import { KEY_MANAGER_TYPES, type KeyManagerType } from '@apim/contracts';
import { KEY_MANAGER_DEFAULTS } from '@apim/rest-contract';
import { KEY_MANAGER_TYPE_LABELS } from '../shared/labels';

export const TYPE_LABELS = KEY_MANAGER_TYPE_LABELS;

export const TYPE_OPTIONS = KEY_MANAGER_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }));

export function typeLabel(type: string | undefined): string {
  return (type && TYPE_LABELS[type as KeyManagerType]) || TYPE_LABELS.custom;
}

/** The signature algorithms the API accepts, and those a new key manager allows. */
export { KEY_MANAGER_ALGORITHMS as ALGORITHMS } from '@apim/rest-contract';
export const DEFAULT_ALGORITHMS: string[] = [...KEY_MANAGER_DEFAULTS.algorithms];
