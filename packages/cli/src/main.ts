#!/usr/bin/env node
/** apim: manifests applied, compared, deleted, listed and exported through the control plane. */
import { COMMANDS, USAGE, readInvocation, type Command, type Invocation } from './args.js';
import { ManifestsClient } from './client.js';
import { apply, diff, exportObjects, get, remove, status } from './commands.js';
import { EXIT, ManifestsError, ServerError, UsageError } from './errors.js';
import { problemLines } from './output.js';
import { resolveSettings } from './settings.js';

const RUN: Record<Command, (run: Invocation, client: ManifestsClient) => Promise<number>> = {
  apply,
  diff,
  delete: remove,
  get,
  status,
  export: exportObjects,
};

export async function main(argv: string[]): Promise<number> {
  try {
    const run = readInvocation(argv);
    if (run.command === 'help') {
      process.stdout.write(USAGE);
      return EXIT.ok;
    }
    const client = new ManifestsClient(await resolveSettings(run.settings));
    return await RUN[run.command](run, client);
  } catch (error) {
    if (error instanceof ManifestsError) {
      process.stderr.write(problemLines(error.problems) + `${error.message}\n`);
      return EXIT.invalid;
    }
    if (error instanceof UsageError) {
      process.stderr.write(
        `apim: ${error.message}\nRun apim --help for the commands (${COMMANDS.join(', ')}) and options.\n`,
      );
      return EXIT.invalid;
    }
    if (error instanceof ServerError) {
      process.stderr.write(`apim: ${error.message}\n`);
      return EXIT.server;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
