/**
 * The WebSub hub of WEBSUB APIs (W3C WebSub), under /websub/{apiId}:
 * - `POST /websub/{apiId}` (form: hub.mode, hub.topic, hub.callback, hub.secret, hub.lease_seconds)
 *   by a subscribed application with its access token: 202, then the intent is verified at the
 *   callback (a job) and the subscription stored or removed;
 * - `POST /websub/{apiId}/webhooks_events_receiver_resource?topic=/orders` (WSO2's name) by the
 *   API's publisher (a publisher's or creator's credentials): the body is queued for every current
 *   subscriber of the topic, each delivery signed with X-Hub-Signature and retried with back-off.
 *
 * The hub lives in the control plane, not the gateway: its state (subscriptions, deliveries under
 * retry) must outlive any one gateway node and be the same for all of them, its verification and
 * deliveries are BullMQ jobs, which only the control plane runs, and gateways hold no write access
 * to the model.
 */
import express from 'express';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { Scopes } from '@apim/contracts';
import type { PrismaClient } from '@apim/db';
import { derivedKey, OutboundUrlPolicy, type Logger } from '@apim/service';
import type { ControlPlaneConfig } from '../config.js';
import type { Authenticate } from '../http/auth.js';
import { HttpError, notFound } from '../http/errors.js';
import { callbackClient } from './callbacks.js';
import { readHubRequest, requireTopic } from './hub-request.js';
import {
  DELIVERY_ATTEMPTS,
  DELIVERY_BACKOFF_MS,
  sealSecret,
  WEBSUB_QUEUE,
  websubProcessor,
  type WebsubJob,
} from './jobs.js';
import { subscriberAuthenticator } from './subscriber-auth.js';

export interface WebsubHubOptions {
  prisma: PrismaClient;
  connection: ConnectionOptions;
  prefix: string;
  log: Logger;
  config: Pick<
    ControlPlaneConfig,
    | 'keyManagerUrl'
    | 'gatewayUrl'
    | 'tokenAudience'
    | 'internalSecret'
    | 'outboundUrlAllowlist'
    | 'maxImportBytes'
  >;
  /** the REST APIs' authentication, for the publisher posting events */
  authenticate: Authenticate;
}

const SEALING_PURPOSE = 'websub-callback-secrets';

export interface WebsubHub {
  router: express.Router;
  close(): Promise<void>;
}

export function startWebsubHub(options: WebsubHubOptions): WebsubHub {
  const { prisma, log, config } = options;
  const common = { connection: options.connection, prefix: options.prefix };
  const policy = new OutboundUrlPolicy(config.outboundUrlAllowlist);
  const callbacks = callbackClient(policy);
  const sealingKey = derivedKey(config.internalSecret, SEALING_PURPOSE);
  const queue = new Queue<WebsubJob>(WEBSUB_QUEUE, {
    ...common,
    defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000 },
  });
  const worker = new Worker<WebsubJob>(
    WEBSUB_QUEUE,
    websubProcessor({ prisma, callbacks, sealingKey, log }),
    {
      ...common,
      concurrency: 8,
    },
  );
  worker.on('failed', (job, err) =>
    log.warn({ err: err.message, kind: job?.data.kind }, 'websub job failed'),
  );
  const onError = (err: Error) => log.warn({ err }, 'websub queue error');
  queue.on('error', onError);
  worker.on('error', onError);
  const applicationOf = subscriberAuthenticator({
    prisma,
    keyManagerUrl: config.keyManagerUrl,
    audience: config.tokenAudience,
  });

  async function websubApi(apiId: string) {
    const api = /^[0-9a-f-]{36}$/i.test(apiId)
      ? await prisma.api.findUnique({ where: { id: apiId }, include: { operations: true } })
      : null;
    if (!api || api.type !== 'WEBSUB') throw notFound('WebSub API');
    return api;
  }
  const hubUrlOf = (req: express.Request) =>
    `${req.protocol}://${req.get('host')}/websub/${req.params.apiId}`;

  const router = express.Router();
  router.post('/:apiId', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const api = await websubApi(req.params.apiId!);
    const applicationId = await applicationOf(req.headers.authorization, api.id);
    const hub = await readHubRequest(api, (req.body ?? {}) as Record<string, unknown>, policy);
    if (hub.mode === 'unsubscribe') {
      const mine = await prisma.websubSubscription.count({
        where: { apiId: api.id, topic: hub.topic, callback: hub.callback, applicationId },
      });
      if (!mine) throw notFound('A subscription of this application for that topic and callback');
    }
    const { secret, ...rest } = hub;
    await queue.add(
      'verify',
      { kind: 'verify', ...rest, apiId: api.id, applicationId, sealedSecret: sealSecret(sealingKey, secret) },
      { attempts: 3, backoff: { type: 'exponential', delay: DELIVERY_BACKOFF_MS } },
    );
    res.status(202).end();
  });

  router.post(
    '/:apiId/webhooks_events_receiver_resource',
    express.raw({ type: () => true, limit: config.maxImportBytes }),
    async (req, res) => {
      const principal = await options.authenticate(req.headers.authorization);
      if (!principal)
        throw new HttpError(401, "Give the API publisher's credentials", {
          'www-authenticate': 'Bearer, Basic realm="apim"',
        });
      if (!principal.scopes.has(Scopes.apiPublish) && !principal.scopes.has(Scopes.apiCreate))
        throw new HttpError(
          403,
          `Posting events needs one of the scopes: ${Scopes.apiPublish}, ${Scopes.apiCreate}`,
        );
      const api = await websubApi(req.params.apiId!);
      const topic = requireTopic(api, req.query.topic);
      const subscribers = await prisma.websubSubscription.findMany({
        where: { apiId: api.id, topic, leaseExpiresAt: { gt: new Date() } },
        select: { id: true },
      });
      const hubUrl = hubUrlOf(req);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      await queue.addBulk(
        subscribers.map((s) => ({
          name: 'deliver',
          data: {
            kind: 'deliver' as const,
            subscriptionId: s.id,
            hubUrl,
            // the topic as subscribers know it: at the gateway
            topicUrl: `${config.gatewayUrl}${api.context}/${api.version}${topic}`,
            contentType: req.get('content-type') ?? 'application/octet-stream',
            body: body.toString('base64'),
          },
          opts: { attempts: DELIVERY_ATTEMPTS, backoff: { type: 'exponential', delay: DELIVERY_BACKOFF_MS } },
        })),
      );
      res.status(202).json({ topic, subscribers: subscribers.length });
    },
  );

  return {
    router,
    async close() {
      await worker.close();
      await queue.close();
      await callbacks.close();
    },
  };
}
