// One place that talks HTTP to Sluice: the admin key on every call, errors read from the OpenAI
// error shape Sluice answers with (`{"error": {message, type, param, code, hint}}`).
import { clearSession, readAdminKey } from '../lib/session.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly type: string | undefined;
  readonly param: string | undefined;
  readonly hint: string | undefined;
  readonly requestId: string | undefined;

  constructor(status: number, message: string, details: { code?: string | undefined; type?: string | undefined; param?: string | undefined; hint?: string | undefined; requestId?: string | undefined } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = details.code;
    this.type = details.type;
    this.param = details.param;
    this.hint = details.hint;
    this.requestId = details.requestId;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads any error body leniently: the OpenAI shape, `{"error": "text"}`, or plain text. */
export function readErrorBody(status: number, text: string, requestId?: string): ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new ApiError(status, text.trim() === '' ? `HTTP ${status}` : text.trim().slice(0, 500), { requestId });
  }
  const error = isObject(parsed) ? parsed['error'] : undefined;
  if (typeof error === 'string') return new ApiError(status, error, { requestId });
  if (!isObject(error)) return new ApiError(status, `HTTP ${status}`, { requestId });
  return new ApiError(status, optionalString(error['message']) ?? `HTTP ${status}`, {
    code: optionalString(error['code']),
    type: optionalString(error['type']),
    param: optionalString(error['param']),
    hint: optionalString(error['hint']),
    requestId: optionalString(error['request_id']) ?? requestId,
  });
}

const signOutListeners = new Set<() => void>();

/** Runs when Sluice says the admin key is wrong: the session is over. */
export function onSignedOut(listener: () => void): () => void {
  signOutListeners.add(listener);
  return () => signOutListeners.delete(listener);
}

export function signOut(): void {
  clearSession();
  for (const listener of signOutListeners) listener();
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** A key other than the session's (the sign-in form checks the typed key this way). */
  adminKey?: string;
  signal?: AbortSignal;
}

export async function adminRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const key = options.adminKey ?? readAdminKey() ?? '';
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = { method: options.method ?? 'GET', headers };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  if (options.signal !== undefined) init.signal = options.signal;
  const response = await fetch(`/admin/api${path}`, init);
  const text = await response.text();
  if (!response.ok) {
    const error = readErrorBody(response.status, text, response.headers.get('x-request-id') ?? undefined);
    if (response.status === 401 && options.adminKey === undefined) signOut();
    throw error;
  }
  if (text === '') return undefined as T;
  return JSON.parse(text) as T;
}

/** Builds `?a=1&b=x` from the defined, non-empty values. */
export function queryString(values: Record<string, string | number | boolean | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === '' || value === false) continue;
    query.set(name, String(value));
  }
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}
