// Reading SSE in the browser: the playground's live stream and the debug capture's transcripts.
// Tolerant like Sluice's own decoder: CRLF, CR or LF line ends, `data:` with or without the space,
// comments (`: keep-alive`), `event:` lines.

export interface SseEvent {
  event: string | undefined;
  data: string;
  /** Comment lines (`: keep-alive`) seen in this block. */
  comments: string[];
  /** The block as it came, for the raw view. */
  raw: string;
}

function readBlock(block: string): SseEvent | undefined {
  const lines = block.split('\n');
  const data: string[] = [];
  const comments: string[] = [];
  let event: string | undefined;
  for (const line of lines) {
    if (line === '') continue;
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }
  if (data.length === 0 && comments.length === 0 && event === undefined) return undefined;
  return { event, data: data.join('\n'), comments, raw: block };
}

function normalizeLineEnds(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** Every event of a whole transcript. */
export function parseSseTranscript(text: string): SseEvent[] {
  return normalizeLineEnds(text.replace(/^\uFEFF/, ''))
    .split(/\n\n+/)
    .map(readBlock)
    .filter((event): event is SseEvent => event !== undefined);
}

/** Incremental: feed text as it arrives, get the events completed so far. */
export class SseReader {
  #buffer = '';

  push(text: string): SseEvent[] {
    this.#buffer = normalizeLineEnds(this.#buffer + text);
    const events: SseEvent[] = [];
    let end = this.#buffer.indexOf('\n\n');
    while (end !== -1) {
      const event = readBlock(this.#buffer.slice(0, end));
      if (event !== undefined) events.push(event);
      this.#buffer = this.#buffer.slice(end + 2);
      end = this.#buffer.indexOf('\n\n');
    }
    return events;
  }

  finish(): SseEvent[] {
    const event = readBlock(this.#buffer);
    this.#buffer = '';
    return event === undefined ? [] : [event];
  }
}

export interface ChunkSummary {
  content: string;
  reasoning: string;
  toolCalls: string;
  finishReason: string | undefined;
  usage: string | undefined;
  error: string | undefined;
  done: boolean;
  /** Not JSON, or JSON of no known shape. */
  unknown: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): string {
  return typeof value === 'number' ? String(value) : '?';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** What one event's data says, in OpenAI chunk terms (other dialects show as raw JSON). */
export function summarizeChunk(data: string): ChunkSummary {
  const summary: ChunkSummary = { content: '', reasoning: '', toolCalls: '', finishReason: undefined, usage: undefined, error: undefined, done: false, unknown: false };
  if (data.trim() === '[DONE]') return { ...summary, done: true };
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { ...summary, unknown: true };
  }
  if (!isObject(parsed)) return { ...summary, unknown: true };
  const error = parsed['error'];
  if (error !== undefined) return { ...summary, error: typeof error === 'string' ? error : isObject(error) ? text(error['message']) || JSON.stringify(error) : JSON.stringify(error) };
  const usage = parsed['usage'];
  if (isObject(usage)) summary.usage = `prompt ${count(usage['prompt_tokens'])} · completion ${count(usage['completion_tokens'])}`;
  const choices = parsed['choices'];
  if (!Array.isArray(choices)) return { ...summary, unknown: summary.usage === undefined };
  for (const choice of choices) {
    if (!isObject(choice)) continue;
    const delta = isObject(choice['delta']) ? choice['delta'] : isObject(choice['message']) ? choice['message'] : {};
    summary.content += text(delta['content']);
    summary.reasoning += text(delta['reasoning_content']) + text(delta['reasoning']);
    const toolCalls = delta['tool_calls'];
    if (Array.isArray(toolCalls)) {
      for (const call of toolCalls) {
        if (!isObject(call)) continue;
        const fn = isObject(call['function']) ? call['function'] : {};
        summary.toolCalls += `${text(fn['name'])}${text(fn['arguments'])}`;
      }
    }
    if (typeof choice['finish_reason'] === 'string') summary.finishReason = choice['finish_reason'];
  }
  return summary;
}

/** Whether a captured body is an SSE transcript rather than one JSON document. */
export function looksLikeSse(body: string, headers?: Record<string, string>): boolean {
  const type = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  if (type.includes('text/event-stream')) return true;
  return /^(\uFEFF)?(data:|event:|:)/m.test(body.trimStart()) && !body.trimStart().startsWith('{');
}

/** Pretty JSON when the text is JSON; the text itself otherwise. */
export function prettyJson(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
