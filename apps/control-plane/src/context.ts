import type { PrismaClient } from '@apim/db';
import type { Logger } from '@apim/service';
import type { ControlPlaneConfig } from './config.js';
import type { KeyManagerClient } from './keys/key-manager-client.js';
import type { WorkflowQueue } from './jobs/workflows.js';

/** What every part of the control plane works with. */
export interface AppContext {
  prisma: PrismaClient;
  config: ControlPlaneConfig;
  log: Logger;
  keyManager: KeyManagerClient;
  workflows: WorkflowQueue;
}
