// Every admin API call the console makes, typed (docs/admin-api.md).
import { adminRequest, queryString } from './client.ts';
import type { AlertView, CacheView, ChannelView, CreatedKey, KeyView, LearnedCapability, LogDetail, LogPage, ModelView, ProbeResult, ReplayResult, StatsView } from './types.ts';

function listOf<T>(body: unknown, field = 'data'): T[] {
  if (Array.isArray(body)) return body as T[];
  if (typeof body === 'object' && body !== null) {
    const list = (body as Record<string, unknown>)[field];
    if (Array.isArray(list)) return list as T[];
  }
  return [];
}

export async function listChannels(signal?: AbortSignal): Promise<ChannelView[]> {
  return listOf<ChannelView>(await adminRequest('/channels', signal === undefined ? {} : { signal }));
}

export function createChannel(entry: Record<string, unknown>): Promise<ChannelView> {
  return adminRequest('/channels', { method: 'POST', body: entry });
}

export function updateChannel(name: string, changes: Record<string, unknown>): Promise<ChannelView> {
  return adminRequest(`/channels/${encodeURIComponent(name)}`, { method: 'PATCH', body: changes });
}

export function deleteChannel(name: string): Promise<void> {
  return adminRequest(`/channels/${encodeURIComponent(name)}`, { method: 'DELETE' });
}

export function probeChannel(name: string): Promise<ProbeResult> {
  return adminRequest(`/channels/${encodeURIComponent(name)}/probe`, { method: 'POST', body: {} });
}

export async function listCapabilities(signal?: AbortSignal): Promise<LearnedCapability[]> {
  return listOf<LearnedCapability>(await adminRequest('/capabilities', signal === undefined ? {} : { signal }));
}

export function forgetCapability(channel: string, model: string): Promise<void> {
  return adminRequest(`/capabilities/${encodeURIComponent(channel)}/${encodeURIComponent(model)}`, { method: 'DELETE' });
}

export async function listKeys(signal?: AbortSignal): Promise<KeyView[]> {
  return listOf<KeyView>(await adminRequest('/keys', signal === undefined ? {} : { signal }));
}

export function createKey(input: Record<string, unknown>): Promise<CreatedKey> {
  return adminRequest('/keys', { method: 'POST', body: input });
}

export function updateKey(id: string, changes: Record<string, unknown>): Promise<KeyView> {
  return adminRequest(`/keys/${encodeURIComponent(id)}`, { method: 'PATCH', body: changes });
}

export function deleteKey(id: string): Promise<void> {
  return adminRequest(`/keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export interface LogQuery {
  since?: number | undefined;
  until?: number | undefined;
  key?: string | undefined;
  model?: string | undefined;
  channel?: string | undefined;
  status?: string | undefined;
  errors_only?: boolean | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export function listLogs(query: LogQuery, signal?: AbortSignal): Promise<LogPage> {
  return adminRequest(`/logs${queryString({ ...query })}`, signal === undefined ? {} : { signal });
}

export function getLog(requestId: string, signal?: AbortSignal): Promise<LogDetail> {
  return adminRequest(`/logs/${encodeURIComponent(requestId)}`, signal === undefined ? {} : { signal });
}

export function replayLog(requestId: string, channel?: string): Promise<ReplayResult> {
  return adminRequest(`/logs/${encodeURIComponent(requestId)}/replay`, { method: 'POST', body: channel === undefined || channel === '' ? {} : { channel } });
}

export function getStats(window: string, signal?: AbortSignal): Promise<StatsView> {
  return adminRequest(`/stats${queryString({ window })}`, signal === undefined ? {} : { signal });
}

export function getCache(signal?: AbortSignal): Promise<CacheView> {
  return adminRequest('/cache', signal === undefined ? {} : { signal });
}

/** Every model clients may ask for, from the admin API: the playground lists them before it holds a client key. */
export async function listAllModels(signal?: AbortSignal): Promise<ModelView[]> {
  return listOf<ModelView>(await adminRequest('/models', signal === undefined ? {} : { signal }));
}

/** Whether the admin API is on; public (no key), so the sign-in page can say how to turn it on. */
export async function readAdminStatus(): Promise<'on' | 'off' | undefined> {
  const response = await fetch('/admin/api/status', { headers: { accept: 'application/json' } }).catch(() => undefined);
  if (response?.ok !== true) return undefined;
  const body = (await response.json().catch(() => undefined)) as { admin_api?: unknown } | undefined;
  return body?.admin_api === 'on' || body?.admin_api === 'off' ? body.admin_api : undefined;
}

/** The Prometheus page, for what the stats endpoint does not carry (overhead, tokens, adaptations). */
export async function fetchMetrics(signal?: AbortSignal): Promise<string> {
  const response = await fetch('/metrics', signal === undefined ? {} : { signal });
  return response.ok ? response.text() : '';
}

export async function listAlerts(signal?: AbortSignal): Promise<AlertView[]> {
  return listOf<AlertView>(await adminRequest('/alerts', signal === undefined ? {} : { signal }));
}
