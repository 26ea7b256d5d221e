import type { PrismaClient } from '@apim/db';
import type { Logger } from '@apim/service';
import type { ControlPlaneConfig } from './config.js';
import type { KeyManagerClient } from './applications/key-manager-client.js';
import type { WorkflowQueue } from './workflows/queue.js';

/** What every part of the control plane works with. */
export interface AppContext {
  prisma: PrismaClient;
  config: ControlPlaneConfig;
  log: Logger;
  keyManager: KeyManagerClient;
  workflows: WorkflowQueue;
}
