/**
 * The control plane's manifests REST API (/api/am/admin/v4/manifests), called with Basic
 * credentials. Failures become the CLI's errors: refused manifests (400 with problems) a
 * ManifestsError, anything else (unreachable, credentials refused, a failing server) a ServerError
 * naming the server.
 */
import type { Admin } from '@apim/rest-contract';
import { ManifestsError, ServerError } from './errors.js';
import type { Settings } from './settings.js';

const BASE = '/api/am/admin/v4/manifests';
/** How long a call may take beyond the wait for gateways the request asks for. */
const CALL_MARGIN_MS = 60_000;

interface ErrorBody {
  message?: string;
  description?: string;
  problems?: Admin.ManifestProblem[];
}

export class ManifestsClient {
  constructor(private readonly settings: Settings) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, waitSeconds = 0): Promise<T> {
    const { server, username, password } = this.settings;
    let response: Response;
    try {
      response = await fetch(`${server}${BASE}${path}`, {
        method,
        headers: {
          authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(waitSeconds * 1000 + CALL_MARGIN_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new ServerError(`cannot reach the control plane at ${server}: ${cause}`);
    }
    const text = await response.text();
    let answer: unknown;
    try {
      answer = text ? JSON.parse(text) : undefined;
    } catch {
      answer = undefined;
    }
    if (response.ok) return answer as T;
    const error = (answer ?? {}) as ErrorBody;
    if (response.status === 400 && Array.isArray(error.problems))
      throw new ManifestsError(
        error.problems.map((p) => ({
          file: p.file ?? null,
          document: p.document ?? 0,
          pointer: p.pointer,
          message: p.message,
        })),
      );
    const said =
      [error.message, error.description].filter(Boolean).join(': ') ||
      text.slice(0, 200) ||
      response.statusText;
    if (response.status === 401 || response.status === 403)
      throw new ServerError(
        `the control plane at ${server} refused the credentials of ${username} (${response.status}: ${said})`,
      );
    throw new ServerError(
      `the control plane at ${server} answered ${response.status} to ${method} ${BASE}${path}: ${said}`,
    );
  }

  apply(request: Admin.ManifestRequest) {
    return this.call<Admin.ManifestResult>('POST', '/apply', request, request.waitSeconds ?? 30);
  }
  diff(request: Admin.ManifestRequest) {
    return this.call<Admin.ManifestResult>('POST', '/diff', request);
  }
  delete(request: Admin.ManifestRequest) {
    return this.call<Admin.ManifestResult>('POST', '/delete', request, request.waitSeconds ?? 30);
  }
  list(query: { kind?: string; name?: string; label?: string }) {
    return this.call<Admin.ManagedObjectList>('GET', `${queryString(query)}`);
  }
  export(query: { kind?: string; name?: string }) {
    return this.call<Admin.ManifestExport>('GET', `/export${queryString(query)}`);
  }
}

function queryString(query: Record<string, string | undefined>): string {
  const params = new URLSearchParams(
    Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const text = params.toString();
  return text ? `?${text}` : '';
}
