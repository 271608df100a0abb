// The playground's calls to POST /v1/chat/completions, as any OpenAI client makes them, reading back
// what Sluice says it did in the x-sluice-* response headers.
import { readErrorBody } from './client.ts';
import { SseReader, summarizeChunk } from '../lib/sse.ts';

export interface SluiceHeaders {
  requestId: string | undefined;
  channel: string | undefined;
  model: string | undefined;
  attempts: number | undefined;
  overheadMs: number | undefined;
}

export interface ChatOutcome {
  headers: SluiceHeaders;
  status: number;
  content: string;
  reasoning: string;
  finishReason: string | undefined;
  usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
  firstTokenMs: number | undefined;
  durationMs: number;
  /** Events received (stream mode). */
  events: number;
  /** An error that ended the stream after it began (sent in-band, docs/design.md's commit point). */
  streamError: string | undefined;
}

function readHeaders(response: Response): SluiceHeaders {
  const number = (name: string): number | undefined => {
    const value = response.headers.get(name);
    return value === null ? undefined : Number(value);
  };
  return {
    requestId: response.headers.get('x-request-id') ?? undefined,
    channel: response.headers.get('x-sluice-channel') ?? undefined,
    model: response.headers.get('x-sluice-model') ?? undefined,
    attempts: number('x-sluice-attempts'),
    overheadMs: number('x-sluice-overhead-ms'),
  };
}

export interface ChatInput {
  model: string;
  prompt: string;
  system: string;
  clientKey: string;
  stream: boolean;
  signal: AbortSignal;
  /** Called with the answer so far, as it streams. */
  onProgress: (outcome: ChatOutcome) => void;
}

export async function sendChat(input: ChatInput): Promise<ChatOutcome> {
  const started = performance.now();
  const messages = [...(input.system.trim() === '' ? [] : [{ role: 'system', content: input.system }]), { role: 'user', content: input.prompt }];
  const body = { model: input.model, messages, stream: input.stream, ...(input.stream ? { stream_options: { include_usage: true } } : {}) };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (input.clientKey !== '') headers['authorization'] = `Bearer ${input.clientKey}`;
  const response = await fetch('/v1/chat/completions', { method: 'POST', headers, body: JSON.stringify(body), signal: input.signal });
  const outcome: ChatOutcome = {
    headers: readHeaders(response),
    status: response.status,
    content: '',
    reasoning: '',
    finishReason: undefined,
    usage: undefined,
    firstTokenMs: undefined,
    durationMs: 0,
    events: 0,
    streamError: undefined,
  };
  if (!response.ok) throw readErrorBody(response.status, await response.text(), outcome.headers.requestId);
  if (!input.stream || response.body === null) {
    const completion = (await response.json()) as { choices?: { message?: { content?: string | null; reasoning_content?: string }; finish_reason?: string }[]; usage?: ChatOutcome['usage'] };
    const choice = completion.choices?.[0];
    outcome.content = choice?.message?.content ?? '';
    outcome.reasoning = choice?.message?.reasoning_content ?? '';
    outcome.finishReason = choice?.finish_reason;
    outcome.usage = completion.usage;
    outcome.durationMs = performance.now() - started;
    outcome.firstTokenMs = outcome.durationMs;
    return outcome;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const sse = new SseReader();
  for (;;) {
    const { done, value } = await reader.read();
    const events = done ? sse.finish() : sse.push(value);
    for (const event of events) {
      if (event.data === '') continue;
      outcome.events += 1;
      const summary = summarizeChunk(event.data);
      if (summary.error !== undefined) outcome.streamError = summary.error;
      if ((summary.content !== '' || summary.reasoning !== '') && outcome.firstTokenMs === undefined) outcome.firstTokenMs = performance.now() - started;
      outcome.content += summary.content;
      outcome.reasoning += summary.reasoning;
      outcome.finishReason = summary.finishReason ?? outcome.finishReason;
      if (summary.usage !== undefined) outcome.usage = (JSON.parse(event.data) as { usage: ChatOutcome['usage'] }).usage;
    }
    outcome.durationMs = performance.now() - started;
    input.onProgress({ ...outcome });
    if (done) break;
  }
  return outcome;
}
