import { GatewayErrors, type GatewayApi } from '@apim/contracts';
import type { ExchangeReport } from '../../pipeline/types.js';

/**
 * The access log line, written out member by member. It reads exactly as
 * `JSON.stringify({ log, time, traceId, path, ...exchangeFields(r) })` (access-line.test.ts holds the
 * two together), but a line is made for every request: building the fields' object and serialising it
 * was most of the access log's CPU, and an API's four members (its id, name, version and context,
 * half a line's bytes) are the same for every request to it, so they are serialised once per
 * deployed API object.
 */

/** a string or null as JSON (JSON.stringify escapes what a client may have put in it) */
const str = (s: string | null | undefined): string => (s == null ? 'null' : JSON.stringify(s));
/** a latency rounded to a whole number, or null (as JSON.stringify writes one that is not finite) */
const int = (n: number | null): string =>
  n === null || !Number.isFinite(n) ? 'null' : String(Math.round(n));

const NO_API = '"apiId":null,"apiName":null,"apiVersion":null,"apiContext":null';
const apiMembers = new WeakMap<GatewayApi, string>();

function apiPart(api: GatewayApi | null): string {
  if (api === null) return NO_API;
  let part = apiMembers.get(api);
  if (part === undefined) {
    part = `"apiId":${str(api.id)},"apiName":${str(api.name)},"apiVersion":${str(api.version)},"apiContext":${str(api.context)}`;
    apiMembers.set(api, part);
  }
  return part;
}

/** `gatewayMember`: `"gatewayId":"…"`, made once by the reporter; `time`: the ISO time the request started. */
export function accessLine(r: ExchangeReport, gatewayMember: string, time: string, path: string): string {
  const cred = r.credential;
  const ua = r.req.headers['user-agent'];
  const m = r.messages;
  return (
    `{"log":"access","time":"${time}","traceId":${str(r.trace?.traceId)},"path":${JSON.stringify(path)}` +
    `,"correlationId":${JSON.stringify(r.requestId)},${gatewayMember},${apiPart(r.api)}` +
    `,"apiResourceTemplate":${str(r.template)},"apiMethod":${JSON.stringify(r.req.method ?? '')}` +
    `,"applicationId":${str(cred?.applicationId)},"applicationName":${str(cred?.application?.name)}` +
    `,"keyType":${str(cred?.keyType)},"userName":${str(cred?.username)}` +
    `,"proxyResponseCode":${r.status},"targetResponseCode":${int(r.targetStatus)}` +
    `,"backendLatency":${int(r.backendLatencyMs)},"requestMediationLatency":${int(r.requestMediationMs)}` +
    `,"responseMediationLatency":${int(r.responseMediationMs)},"responseLatency":${int(r.totalMs)}` +
    `,"errorCode":${str(r.error && GatewayErrors[r.error].code)},"errorType":${str(r.error)}` +
    `,"userAgent":${str(typeof ua === 'string' ? ua : null)},"userIp":${JSON.stringify(r.clientIp)}` +
    `,"messagesIn":${m ? m.in : 'null'},"messagesOut":${m ? m.out : 'null'}}`
  );
}
