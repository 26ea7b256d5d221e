/**
 * Calls to the control plane's REST APIs (WSO2's paths), with the session's bearer token. Errors
 * arrive in WSO2's shape `{ code, message, description }` and become an ApiError carrying all three.
 */
import { clearSession, getSession, refreshSession } from './auth';
import type { ConsoleConfig } from './config';
import { friendlyDescription } from './validation-messages';

export const REST = {
  publisher: '/api/am/publisher/v4',
  devportal: '/api/am/devportal/v3',
  admin: '/api/am/admin/v4',
} as const;
export type RestApi = keyof typeof REST;

/** WSO2's list envelope. */
export interface ListOf<T> {
  count: number;
  list: T[];
  pagination?: { offset: number; limit: number; total: number };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly description: string,
  ) {
    super(description || title);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  /** sent as application/json */
  json?: unknown;
  /** sent as multipart/form-data */
  form?: FormData;
  /** a body to read as text (YAML, a file) rather than JSON */
  asText?: boolean;
  signal?: AbortSignal;
}

let runtimeConfig: ConsoleConfig | undefined;
/** The runtime configuration, needed to refresh the session's token. */
export function setApiConfig(config: ConsoleConfig): void {
  runtimeConfig = config;
}

export function restUrl(api: RestApi, path: string, query?: Query): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {}))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return `${REST[api]}${path}${qs ? `?${qs}` : ''}`;
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { message?: unknown; description?: unknown };
    const title = typeof body.message === 'string' ? body.message : res.statusText;
    const description = typeof body.description === 'string' ? body.description : '';
    return new ApiError(res.status, title, description);
  } catch {
    return new ApiError(res.status, res.statusText || `HTTP ${res.status}`, text.slice(0, 300));
  }
}

async function send(api: RestApi, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = getSession()?.accessToken;
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) body = options.form;
  try {
    return await fetch(restUrl(api, path, options.query), {
      method: options.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      signal: options.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(
      0,
      'Network error',
      'The control plane cannot be reached. Check your connection and try again.',
    );
  }
}

export async function request<T>(api: RestApi, path: string, options: RequestOptions = {}): Promise<T> {
  let res = await send(api, path, options);
  if (res.status === 401 && getSession()) {
    // An expired token: one refresh, then the session is over.
    if (runtimeConfig && (await refreshSession(runtimeConfig))) res = await send(api, path, options);
    if (res.status === 401) clearSession();
  }
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (options.asText) return text as T;
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * A message for any error, for display. A 400's description is the control plane's validation
 * text (ajv's messages per field), said in sentences naming each field.
 */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    if (!error.description) return error.title;
    const description = error.status === 400 ? friendlyDescription(error.description) : error.description;
    return `${error.title}: ${description}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
