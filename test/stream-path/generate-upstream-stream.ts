// Random upstream streams for the stream-path property test: OpenAI-style chunks (plain ones the fast
// path passes through, and every kind it must leave to the full parse), Anthropic events, framed in
// random ways (CRLF/CR/LF, `data:` with or without its space, comments, BOM, `event:`/`id:` lines,
// multi-line data, NDJSON, with or without `[DONE]`), then cut into reads at random byte offsets.

export type Random = () => number;

/** mulberry32: small, seeded, good enough to pick cases. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function chance(random: Random, probability: number): boolean {
  return random() < probability;
}

/** Text pieces that stress the encoders: multi-byte UTF-8, quotes, escapes, splitter line breaks. */
const words = ['Hello', ' world', ' 你好', ' 😀', ' "quoted"', ' back\\slash', ' line\nbreak', ' tab\t', ' \u2028sep', ' \u0085nel', ' café', ' \u0001ctl', ' ', '', ' /slash'];

export interface UpstreamEvent {
  data: string;
  event?: string;
}

function text(random: Random): string {
  let out = '';
  const count = 1 + Math.floor(random() * 3);
  for (let index = 0; index < count; index += 1) out += pick(random, words);
  return out;
}

function chunkObject(random: Random, base: { id: string; created: number; model: string }, delta: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const chunk: Record<string, unknown> = { id: base.id, object: 'chat.completion.chunk', created: base.created, model: base.model };
  if (chance(random, 0.5)) chunk.system_fingerprint = pick(random, ['fp_1', null]);
  if (chance(random, 0.1)) chunk.service_tier = 'default';
  const choice: Record<string, unknown> = { index: 0, delta };
  if (chance(random, 0.5)) choice.logprobs = null;
  if (chance(random, 0.8)) choice.finish_reason = null;
  chunk.choices = [choice];
  if (chance(random, 0.4)) chunk.usage = null;
  if (chance(random, 0.2)) chunk.obfuscation = 'abc';
  return { ...chunk, ...extra };
}

/** The JSON text of an event: mostly compact, sometimes written in ways JSON.stringify would not. */
function writeJson(random: Random, value: unknown): string {
  const compact = JSON.stringify(value);
  const roll = random();
  if (roll < 0.05) return JSON.stringify(value, null, 1).replace(/\n/g, ' ');
  if (roll < 0.1) return compact.replace(/\//g, '\\/');
  if (roll < 0.15) return compact.replace(/é/g, '\\u00e9').replace(/😀/g, '\\ud83d\\ude00');
  return compact;
}

export function openaiEvents(random: Random): UpstreamEvent[] {
  const base = {
    id: pick(random, ['chatcmpl-1', 'chatcmpl-1', 'chatcmpl-1', 'chatcmpl-1', 'chatcmpl-\\"x', '']),
    created: pick(random, [1_700_000_000, 1_700_000_000, 1_700_000_000, 0]),
    model: pick(random, ['gpt-4o', 'up/model\u2028', 'm']),
  };
  const events: UpstreamEvent[] = [];
  const json = (value: unknown, event?: string): void => {
    events.push(event === undefined ? { data: writeJson(random, value) } : { data: writeJson(random, value), event });
  };
  if (chance(random, 0.15)) json({ id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [{ prompt_index: 0 }] });
  json(chunkObject(random, base, { role: 'assistant', content: '' }));
  const count = Math.floor(random() * 8);
  for (let index = 0; index < count; index += 1) {
    const roll = random();
    if (roll < 0.5) json(chunkObject(random, base, { content: text(random) }));
    else if (roll < 0.58) json(chunkObject(random, base, { reasoning_content: text(random) }));
    else if (roll < 0.62) json(chunkObject(random, base, { reasoning: text(random) }));
    else if (roll < 0.68) json(chunkObject(random, base, { tool_calls: [{ index: 1, id: 'call_1', function: { name: 'f', arguments: text(random) } }] }));
    else if (roll < 0.72) json(chunkObject(random, base, { content: text(random) }, { logprobs_score: 0.25 }));
    else if (roll < 0.75) json(chunkObject(random, base, { content: 'x' }), 'message');
    else if (roll < 0.78) events.push({ data: `{"id":"${base.id}","object":"chat.completion.chunk","created":1,"model":"a","model":"b","choices":[{"index":0,"delta":{"content":"dup"}}]}` });
    else if (roll < 0.8) json({ ...chunkObject(random, base, {}), choices: [{ index: 0 }] });
    else if (roll < 0.82) events.push({ data: `${JSON.stringify(chunkObject(random, base, { content: 'a' }))}\n${JSON.stringify(chunkObject(random, base, { content: 'b' }))}` });
    else if (roll < 0.84) json(chunkObject(random, base, { content: text(random) }, { created: 17.5 }));
    else if (roll < 0.86) json(chunkObject(random, base, { content: text(random) }, { id: '' }));
    else if (roll < 0.88) events.push({ data: '' });
    else json(chunkObject(random, base, { content: text(random) }));
  }
  const end = random();
  if (end < 0.05) json({ error: { message: 'overloaded', type: 'server_error' } });
  else if (end < 0.08) json({ message: 'bad' }, 'error');
  else if (end < 0.1) events.push({ data: 'not json at all' });
  else if (end < 0.13) json({ id: base.id, object: 'chat.completion', created: base.created, model: base.model, choices: [{ index: 0, message: { role: 'assistant', content: 'whole' }, finish_reason: 'stop' }] });
  else if (end > 0.2) {
    json(chunkObject(random, base, {}, { choices: [{ index: 0, delta: {}, finish_reason: pick(random, ['stop', 'length', 'eos_token', 'tool_calls']) }] }));
    if (chance(random, 0.6)) json({ id: base.id, object: 'chat.completion.chunk', created: base.created, model: base.model, choices: [], usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 } });
  }
  return events;
}

export function anthropicEvents(random: Random): UpstreamEvent[] {
  const events: UpstreamEvent[] = [];
  const send = (type: string, body: Record<string, unknown>): void => {
    events.push(chance(random, 0.7) ? { data: JSON.stringify({ type, ...body }), event: type } : { data: JSON.stringify({ type, ...body }) });
  };
  send('message_start', { message: { id: 'msg_1', model: 'claude', usage: { input_tokens: 4, output_tokens: 1 } } });
  send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  const count = Math.floor(random() * 6);
  for (let index = 0; index < count; index += 1) {
    if (chance(random, 0.15)) send('ping', {});
    send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: text(random) } });
  }
  send('content_block_stop', { index: 0 });
  if (chance(random, 0.1)) send('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
  if (chance(random, 0.85)) send('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 12 } });
  if (chance(random, 0.8)) send('message_stop', {});
  return events;
}

/** SSE framing with the quirks upstreams have shown (docs/wire-formats.md 2; DESIGN.md problem 2). */
export function frameSse(random: Random, events: readonly UpstreamEvent[], withDone: boolean): string {
  const newline = pick(random, ['\n', '\r\n', '\r']);
  const lineEnd = (): string => (chance(random, 0.9) ? newline : pick(random, ['\n', '\r\n']));
  const dataPrefix = pick(random, ['data: ', 'data:']);
  let body = chance(random, 0.2) ? '\uFEFF' : '';
  if (chance(random, 0.3)) body += `: connected${lineEnd()}${lineEnd()}`;
  for (const event of events) {
    if (chance(random, 0.15)) body += `: keep-alive${lineEnd()}${lineEnd()}`;
    if (chance(random, 0.05)) body += `id: ${Math.floor(random() * 100)}${lineEnd()}`;
    if (chance(random, 0.03)) body += `retry: 1000${lineEnd()}`;
    if (event.event !== undefined) body += `event: ${event.event}${lineEnd()}`;
    for (const line of event.data.split('\n')) body += `${dataPrefix}${line}${lineEnd()}`;
    body += lineEnd();
  }
  if (withDone) {
    body += `${pick(random, ['data: [DONE]', 'data:[DONE]', 'data:  [DONE] '])}${lineEnd()}${lineEnd()}`;
    if (chance(random, 0.2)) body += `data: {"ignored":true}${lineEnd()}${lineEnd()}`;
  } else if (chance(random, 0.5) && body.endsWith(newline + newline)) {
    // The last event without its blank line: the connection just closes.
    body = body.slice(0, -newline.length);
  }
  return body;
}

/** Ollama-style NDJSON: one JSON value per line. */
export function frameNdjson(random: Random, events: readonly UpstreamEvent[]): string {
  return events.map((event) => `${event.data.replace(/\n/g, ' ')}${pick(random, ['\n', '\r\n'])}`).join('');
}

/** The body cut into reads at random byte offsets: mid-line, mid-CRLF, mid-UTF-8 character. */
export function splitReads(random: Random, body: string): Uint8Array[] {
  const bytes = new TextEncoder().encode(body);
  const reads: Uint8Array[] = [];
  let start = 0;
  while (start < bytes.length) {
    const roll = random();
    const size = roll < 0.3 ? 1 + Math.floor(random() * 4) : roll < 0.8 ? 1 + Math.floor(random() * 120) : bytes.length;
    reads.push(bytes.subarray(start, Math.min(bytes.length, start + size)));
    start += size;
  }
  return reads;
}
