/**
 * Periodic clean-ups run by BullMQ: a job scheduler in Redis adds one job every `everyMs` (and one
 * at once), and whichever control plane's worker takes it runs it. However many control planes
 * run, each run is one job done by one of them.
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '@apim/service';

export interface ScheduledJob {
  /** the BullMQ queue of this job alone */
  queue: string;
  /** the scheduler's id in that queue; upserted, so every control plane shares the one schedule */
  schedulerId: string;
  everyMs: number;
  /** one run; what it returns is kept with the completed job */
  run(): Promise<unknown>;
}

/** A clean-up run every hour (and once at start): the retention jobs. */
export function hourlyJob(queue: string, schedulerId: string, run: () => Promise<unknown>): ScheduledJob {
  return { queue, schedulerId, everyMs: 3_600_000, run };
}

export interface JobRunner {
  connection: ConnectionOptions;
  prefix: string;
  log: Logger;
}

/**
 * Starts a worker per job and upserts its schedule. Returns at once: the upserts are not awaited,
 * so that a slow or briefly unreachable Redis never keeps the control plane from serving its
 * REST APIs (the schedules are Redis's to keep; the upsert completes when Redis answers, and every
 * other control plane upserts the same ones).
 */
export function startScheduledJobs(jobs: ScheduledJob[], runner: JobRunner): { close(): Promise<void> } {
  const { log } = runner;
  const common = { connection: runner.connection, prefix: runner.prefix };
  const started = jobs.map((job) => {
    const queue = new Queue(job.queue, common);
    const worker = new Worker(job.queue, () => job.run(), common);
    // BullMQ reports connection trouble as 'error' events; without listeners they would crash the process.
    const onError = (err: Error) => log.warn({ err, queue: job.queue }, 'scheduled job queue error');
    queue.on('error', onError);
    worker.on('error', onError);
    worker.on('failed', (_job, err) => log.error({ err, queue: job.queue }, 'scheduled job failed'));
    queue
      .upsertJobScheduler(
        job.schedulerId,
        // with `every`, the first job runs at once
        { every: job.everyMs },
        { name: 'run', opts: { removeOnComplete: 24, removeOnFail: 100 } },
      )
      .catch((err: unknown) => log.error({ err, queue: job.queue }, 'the job could not be scheduled'));
    return { queue, worker };
  });
  return {
    async close() {
      for (const { queue, worker } of started) {
        await worker.close();
        await queue.close();
      }
    },
  };
}
