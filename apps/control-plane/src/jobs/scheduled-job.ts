/**
 * A periodic clean-up run by BullMQ: a job scheduler in Redis adds one job every `everyMs` (and one
 * at once), and whichever control plane's worker takes it runs it. However many control planes
 * run, each run is one job done by one of them.
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '@apim/service';

export interface ScheduledJobOptions {
  /** the BullMQ queue of this job alone */
  queue: string;
  /** the scheduler's id in that queue; upserted, so every control plane shares the one schedule */
  schedulerId: string;
  everyMs: number;
  connection: ConnectionOptions;
  prefix: string;
  log: Logger;
  /** one run; what it returns is kept with the completed job */
  run(): Promise<unknown>;
}

export async function startScheduledJob(options: ScheduledJobOptions): Promise<{ close(): Promise<void> }> {
  const { log } = options;
  const common = { connection: options.connection, prefix: options.prefix };
  const queue = new Queue(options.queue, common);
  const worker = new Worker(options.queue, () => options.run(), common);
  // BullMQ reports connection trouble as 'error' events; without listeners they would crash the process.
  const onError = (err: Error) => log.warn({ err, queue: options.queue }, 'scheduled job queue error');
  queue.on('error', onError);
  worker.on('error', onError);
  worker.on('failed', (_job, err) => log.error({ err, queue: options.queue }, 'scheduled job failed'));
  await queue.upsertJobScheduler(
    options.schedulerId,
    // with `every`, the first job runs at once
    { every: options.everyMs },
    { name: 'run', opts: { removeOnComplete: 24, removeOnFail: 100 } },
  );
  return {
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
