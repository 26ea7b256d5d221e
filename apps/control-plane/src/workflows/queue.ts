/**
 * Approval workflows (application creation, subscription creation). An admin's decision becomes a
 * BullMQ job; the worker applies it in one transaction with its gateway events. Jobs are keyed by
 * workflow id, so a decision is applied once however often it is sent.
 */
import { Queue, QueueEvents, Worker, type ConnectionOptions } from 'bullmq';
import {
  setAuditContext,
  SystemActors,
  type AuditContext,
  type PrismaClient,
  type TransactionClient,
} from '@apim/db';
import type { Logger } from '@apim/service';
import { gatewayWrites } from '../model/gateway-writes.js';

export const WORKFLOW_QUEUE = 'workflows';

export type WorkflowDecision = 'APPROVED' | 'REJECTED';

export interface DecisionJob {
  workflowId: string;
  status: WorkflowDecision;
  comment?: string;
  /** the admin's request that decided: the changes the job makes are recorded as theirs */
  decidedBy?: AuditContext;
}

/** Who a decision's changes are by when its job does not say (one queued by an earlier version). */
const UNATTRIBUTED_DECISION: AuditContext = {
  actorName: SystemActors.workflow,
  action: 'applyWorkflowDecision',
};

export type WorkflowKind = 'APPLICATION_CREATION' | 'SUBSCRIPTION_CREATION' | 'SUBSCRIPTION_UPDATE';

/** Whether the admin settings make this kind of change wait for approval. */
export async function needsApproval(
  db: PrismaClient | TransactionClient,
  kind: WorkflowKind,
): Promise<boolean> {
  const row = await db.systemSetting.findUnique({ where: { key: 'workflows' } });
  const value = (row?.value ?? {}) as Record<string, unknown>;
  return value[kind] === true;
}

/** Applies a decision (the job's work). Returns false when the workflow was already completed. */
export async function applyDecision(prisma: PrismaClient, job: DecisionJob): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    // the job runs long after the request, outside its change context: it carries it instead
    await setAuditContext(tx, job.decidedBy ?? UNATTRIBUTED_DECISION);
    const wf = await tx.workflow.findUnique({ where: { id: job.workflowId } });
    if (!wf || wf.status !== 'CREATED') return false;
    await tx.workflow.update({
      where: { id: wf.id },
      data: { status: job.status, comment: job.comment ?? null, completedAt: new Date() },
    });
    const approved = job.status === 'APPROVED';
    if (wf.type === 'APPLICATION_CREATION') {
      await gatewayWrites.application.update(tx, {
        where: { id: wf.referenceId },
        data: { status: approved ? 'APPROVED' : 'REJECTED' },
      });
    } else {
      const props = (wf.properties ?? {}) as { throttlingPolicy?: string };
      const sub = await tx.subscription.findUnique({ where: { id: wf.referenceId } });
      if (!sub) return true;
      await gatewayWrites.subscription.update(tx, {
        where: { id: sub.id },
        data:
          wf.type === 'SUBSCRIPTION_UPDATE'
            ? approved
              ? {
                  throttlingPolicy: props.throttlingPolicy ?? sub.throttlingPolicy,
                  requestedThrottlingPolicy: null,
                  status: 'UNBLOCKED',
                }
              : { requestedThrottlingPolicy: null, status: 'UNBLOCKED' }
            : { status: approved ? 'UNBLOCKED' : 'REJECTED' },
      });
    }
    return true;
  });
}

export interface WorkflowQueue {
  /** Queues the decision and waits (up to waitMs) for it to be applied; false if still pending. */
  decide(job: DecisionJob, waitMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export function startWorkflowQueue(options: {
  prisma: PrismaClient;
  connection: ConnectionOptions;
  prefix: string;
  log: Logger;
}): WorkflowQueue {
  const common = { connection: options.connection, prefix: options.prefix };
  const queue = new Queue<DecisionJob>(WORKFLOW_QUEUE, {
    ...common,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: 1000,
      removeOnFail: 5000,
    },
  });
  const events = new QueueEvents(WORKFLOW_QUEUE, common);
  const worker = new Worker<DecisionJob>(
    WORKFLOW_QUEUE,
    async (job) => applyDecision(options.prisma, job.data),
    {
      ...common,
      concurrency: 4,
    },
  );
  worker.on('failed', (job, err) =>
    options.log.error({ err, workflowId: job?.data.workflowId }, 'workflow job failed'),
  );
  // BullMQ reports connection trouble as 'error' events; without listeners they would crash the process.
  const onError = (err: Error) => options.log.warn({ err }, 'workflow queue error');
  queue.on('error', onError);
  events.on('error', onError);
  worker.on('error', onError);

  return {
    async decide(data, waitMs = 10_000) {
      const job = await queue.add('decide', data, { jobId: data.workflowId });
      try {
        await job.waitUntilFinished(events, waitMs);
        return true;
      } catch (e) {
        if (/timed out/i.test((e as Error).message)) return false;
        throw e;
      }
    },
    async close() {
      await worker.close();
      await events.close();
      await queue.close();
    },
  };
}
