/**
 * The hub's work outside requests, as BullMQ jobs of the control plane: verifying a subscriber's
 * intent at its callback, and delivering each event to each subscriber, retried with exponential
 * back-off while the callback fails. Any control plane may run a job; its counts are the delivery
 * analytics the publisher reads.
 */
import { randomBytes } from 'node:crypto';
import { UnrecoverableError, type Job } from 'bullmq';
import type { PrismaClient } from '@apim/db';
import { decryptSecret, encryptSecret, type Logger } from '@apim/service';
import { hubSignature, type CallbackClient } from './callbacks.js';

export const WEBSUB_QUEUE = 'websub';
/** a delivery is tried this often (1 s, 2 s, 4 s... apart) before it is dropped */
export const DELIVERY_ATTEMPTS = 6;
export const DELIVERY_BACKOFF_MS = 1000;

export interface VerifyJob {
  kind: 'verify';
  mode: 'subscribe' | 'unsubscribe';
  apiId: string;
  applicationId: string;
  /** the operation's target; `givenTopic` is what the subscriber sent, echoed back as hub.topic */
  topic: string;
  givenTopic: string;
  callback: string;
  /** sealed with the hub's key, so Redis never holds a subscriber's secret in the clear */
  sealedSecret: string | null;
  leaseSeconds: number;
}

export interface DeliverJob {
  kind: 'deliver';
  subscriptionId: string;
  topicUrl: string;
  hubUrl: string;
  contentType: string;
  /** base64 */
  body: string;
}

export type WebsubJob = VerifyJob | DeliverJob;

export interface JobContext {
  prisma: PrismaClient;
  callbacks: CallbackClient;
  sealingKey: Buffer;
  log: Logger;
}

export const sealSecret = (key: Buffer, secret: string | undefined) =>
  secret ? encryptSecret(key, secret) : null;

/** GET the callback with a random challenge; only an answer echoing it confirms the intent. */
async function verify(ctx: JobContext, job: VerifyJob): Promise<void> {
  const challenge = randomBytes(24).toString('base64url');
  const answer = await ctx.callbacks.verify(job.callback, {
    'hub.mode': job.mode,
    'hub.topic': job.givenTopic,
    'hub.challenge': challenge,
    ...(job.mode === 'subscribe' ? { 'hub.lease_seconds': String(job.leaseSeconds) } : {}),
  });
  if (answer.status < 200 || answer.status > 299 || answer.body.trim() !== challenge)
    throw new UnrecoverableError(`the callback did not confirm the ${job.mode} (HTTP ${answer.status})`);
  const key = { apiId_topic_callback: { apiId: job.apiId, topic: job.topic, callback: job.callback } };
  if (job.mode === 'unsubscribe') {
    await ctx.prisma.websubSubscription.deleteMany({
      where: { ...key.apiId_topic_callback, applicationId: job.applicationId },
    });
    return;
  }
  const fields = {
    applicationId: job.applicationId,
    secret: job.sealedSecret,
    leaseExpiresAt: new Date(Date.now() + job.leaseSeconds * 1000),
  };
  await ctx.prisma.websubSubscription.upsert({
    where: key,
    create: { apiId: job.apiId, topic: job.topic, callback: job.callback, ...fields },
    update: fields,
  });
}

/** POST the event to the subscriber, signed with its secret; a failure throws, so BullMQ retries. */
async function deliver(ctx: JobContext, job: Job<WebsubJob>, data: DeliverJob): Promise<void> {
  const sub = await ctx.prisma.websubSubscription.findUnique({ where: { id: data.subscriptionId } });
  if (!sub || sub.leaseExpiresAt < new Date()) return; // unsubscribed or lapsed since: nothing to do
  const body = Buffer.from(data.body, 'base64');
  const headers: Record<string, string> = {
    'content-type': data.contentType,
    link: `<${data.hubUrl}>; rel="hub", <${data.topicUrl}>; rel="self"`,
  };
  if (sub.secret) headers['x-hub-signature'] = hubSignature(decryptSecret(ctx.sealingKey, sub.secret), body);
  let error: string;
  try {
    const answer = await ctx.callbacks.deliver(sub.callback, headers, body);
    if (answer.status >= 200 && answer.status <= 299) {
      await ctx.prisma.websubSubscription.update({
        where: { id: sub.id },
        data: { deliveredCount: { increment: 1 }, lastDeliveryAt: new Date(), lastError: null },
      });
      return;
    }
    // WebSub: 410 Gone ends the subscription
    if (answer.status === 410) {
      await ctx.prisma.websubSubscription.deleteMany({ where: { id: sub.id } });
      return;
    }
    error = `HTTP ${answer.status}`;
  } catch (e) {
    error = (e as Error).message;
  }
  const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  await ctx.prisma.websubSubscription.update({
    where: { id: sub.id },
    data: { failedCount: { increment: 1 }, droppedCount: { increment: last ? 1 : 0 }, lastError: error },
  });
  throw new Error(`delivery to subscription ${sub.id} failed: ${error}`);
}

export function websubProcessor(ctx: JobContext) {
  return async (job: Job<WebsubJob>): Promise<void> => {
    if (job.data.kind === 'verify') return verify(ctx, job.data);
    return deliver(ctx, job, job.data);
  };
}
