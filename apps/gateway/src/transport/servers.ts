import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { GatewayErrorName } from '@apim/contracts';
import type { GatewayConfig } from '../config.js';
import { clientErrorAnswer } from './client-errors.js';
import { deferContinue } from './expect-continue.js';
import { upgradeListener } from './upgrade.js';

type Serve = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * The gateway's HTTP listener and, when a certificate is configured, its HTTPS one, both serving the
 * pipeline, with Node's limits set from the config; not listening yet.
 */
export function createServers(
  config: GatewayConfig,
  serve: Serve,
  refused: (name: GatewayErrorName) => void,
): { server: http.Server; httpsServer: https.Server | null } {
  const options: http.ServerOptions = {
    maxHeaderSize: config.limits.maxHeaderBytes,
    headersTimeout: config.limits.headersTimeoutMs,
    requestTimeout: config.limits.requestTimeoutMs,
    keepAliveTimeout: config.limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, config.limits.headersTimeoutMs),
    insecureHTTPParser: false,
    // checked in the pipeline instead, to answer in WSO2's shape
    requireHostHeader: false,
  };
  const answerClientError = clientErrorAnswer(refused);
  const listen = <S extends http.Server | https.Server>(s: S): S => {
    s.on('clientError', answerClientError);
    s.on('checkContinue', deferContinue(serve));
    s.on('upgrade', upgradeListener(serve));
    return s;
  };
  const server = listen(http.createServer(options, serve));
  if (!config.tls) return { server, httpsServer: null };
  const httpsServer = https.createServer(
    {
      ...options,
      cert: readFileSync(config.tls.cert),
      key: readFileSync(config.tls.key),
      // Every client is asked for a certificate. With a CA configured, only certificates it issued
      // complete the handshake (transport-level mutual TLS); without one, any certificate does and
      // each API secured with `mutualssl` admits the ones uploaded for it (the handshake already
      // proved the client holds the certificate's key).
      requestCert: true,
      ...(config.tls.ca
        ? { ca: readFileSync(config.tls.ca), rejectUnauthorized: true }
        : { rejectUnauthorized: false }),
    },
    serve,
  );
  return { server, httpsServer: listen(httpsServer) };
}
