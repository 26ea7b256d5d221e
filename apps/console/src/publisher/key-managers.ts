/** The choice of an API's key managers: "all" alone, or names. */
import { ALL_KEY_MANAGERS } from '@apim/rest-contract';

/**
 * The key managers after a click turned `before` into `after`: checking "all" leaves it alone,
 * checking a name (or unchecking "all") leaves the names. Unchecking the last one leaves none, which
 * the form refuses rather than widening the API to all key managers unasked.
 */
export function nextKeyManagers(before: readonly string[], after: readonly string[]): string[] {
  return after.includes(ALL_KEY_MANAGERS) && !before.includes(ALL_KEY_MANAGERS)
    ? [ALL_KEY_MANAGERS]
    : after.filter((v) => v !== ALL_KEY_MANAGERS);
}
