// Shared wording for a request's log row: its stream modes, its status, its adaptations.
import type { Tone } from '../components/badge.tsx';
import type { LogRow } from '../api/types.ts';

/**
 * `stream → json`: what the client asked for and how Sluice called the upstream, after the client's
 * protocol when it is not Chat Completions (`responses · stream → json`).
 */
export function modeLabel(row: Pick<LogRow, 'client_stream' | 'upstream_stream'> & Partial<Pick<LogRow, 'ingress'>>): string {
  const protocol = row.ingress === undefined || row.ingress === null || row.ingress === 'chat' ? '' : `${row.ingress} · `;
  const client = `${protocol}${row.client_stream ? 'stream' : 'json'}`;
  if (row.upstream_stream === undefined || row.upstream_stream === null) return client;
  return `${client} → ${row.upstream_stream ? 'stream' : 'json'}`;
}

export function statusTone(status: number | null | undefined, errorCode?: string | null): Tone {
  if (status === null || status === undefined) return 'neutral';
  if (status >= 500) return 'danger';
  if (status >= 400) return 'warn';
  if (errorCode !== undefined && errorCode !== null && errorCode !== '') return 'danger';
  return 'ok';
}

export function adaptationTone(adaptation: string): Tone {
  return adaptation.startsWith('learned:') ? 'warn' : 'info';
}

export function tokensLabel(row: Pick<LogRow, 'prompt_tokens' | 'completion_tokens'>): string {
  if ((row.prompt_tokens ?? undefined) === undefined && (row.completion_tokens ?? undefined) === undefined) return '–';
  return `${row.prompt_tokens ?? 0} + ${row.completion_tokens ?? 0}`;
}
