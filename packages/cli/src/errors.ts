/** The ways a command fails, each with the exit code a pipeline can act on. */
import type { ManifestProblem } from '@apim/manifests';

export const EXIT = {
  ok: 0,
  /** `diff` found changes (as kubectl diff), or an applied object ended in Error */
  changedOrError: 1,
  /** invalid manifests or usage */
  invalid: 2,
  /** the server, the connection or the credentials */
  server: 3,
} as const;

export class UsageError extends Error {}

/** Manifests the CLI or the server refused: nothing was changed. */
export class ManifestsError extends Error {
  constructor(readonly problems: ManifestProblem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the manifests: nothing was changed`,
    );
  }
}

/** The control plane could not be reached, refused the credentials, or failed. */
export class ServerError extends Error {}
