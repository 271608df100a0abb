// The floor for the collect path: the least any Node gateway does to answer a non-stream client from a
// model that only streams. The request goes upstream as a stream (two fields put in front of the client's
// body as text, nothing parsed), each SSE event of the answer is parsed and its content appended, and one
// `chat.completion` is written at the end. No auth, no log, no validation, no limits: what is left is the
// upstream's chunks read one by one, which the plain non-stream path does not have (docs/benchmarks.md
// "Round sixteen: the collect path's floor").
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request, type Dispatcher } from 'undici';
import { readBody } from './lib/read-body.ts';

interface ChunkShape {
  id?: string;
  created?: number;
  model?: string;
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: unknown;
}

/** What the events of one stream add up to. */
class Collected {
  id = '';
  created = 0;
  model = '';
  content = '';
  finishReason: string | null = null;
  usage: unknown = null;
  private pending = '';

  /** Takes one read of the SSE body: every complete event in it is added. */
  add(text: string): void {
    this.pending += text;
    let end = this.pending.indexOf('\n\n');
    while (end !== -1) {
      this.addEvent(this.pending.slice(0, end));
      this.pending = this.pending.slice(end + 2);
      end = this.pending.indexOf('\n\n');
    }
  }

  private addEvent(event: string): void {
    if (!event.startsWith('data: ') || event === 'data: [DONE]') return;
    const chunk = JSON.parse(event.slice(6)) as ChunkShape;
    this.id = chunk.id ?? this.id;
    this.created = chunk.created ?? this.created;
    this.model = chunk.model ?? this.model;
    const choice = chunk.choices?.[0];
    if (typeof choice?.delta?.content === 'string') this.content += choice.delta.content;
    if (choice?.finish_reason != null) this.finishReason = choice.finish_reason;
    if (chunk.usage != null) this.usage = chunk.usage;
  }

  answer(): string {
    return JSON.stringify({
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, message: { role: 'assistant', content: this.content }, finish_reason: this.finishReason }],
      usage: this.usage,
    });
  }
}

/**
 * Answers `incoming` with one completion collected from the upstream's stream. The client's body must be a
 * JSON object without `stream` or `stream_options` (the bench's non-stream body).
 */
export async function collectAnswer(incoming: IncomingMessage, outgoing: ServerResponse, url: string, headers: Record<string, string>, agent: Dispatcher, signal: AbortSignal): Promise<void> {
  const body = await readBody(incoming);
  const answer = await request(url, {
    method: 'POST',
    headers,
    body: `{"stream":true,"stream_options":{"include_usage":true},${body.slice(1)}`,
    dispatcher: agent,
    signal,
  });
  if (answer.statusCode !== 200) {
    outgoing.writeHead(answer.statusCode, { 'content-type': 'application/json' });
    answer.body.pipe(outgoing);
    return;
  }
  const collected = new Collected();
  answer.body.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    answer.body.on('data', (text: string) => {
      collected.add(text);
    });
    answer.body.once('end', resolve);
    answer.body.once('error', reject);
  });
  const text = collected.answer();
  outgoing.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  outgoing.end(text);
}
