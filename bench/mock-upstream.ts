// A fast OpenAI-compatible upstream for the benchmarks (node:http, no dependencies).
//
// POST …/chat/completions answers a `chat.completion` JSON, or with `stream: true` an OpenAI-format SSE
// stream of N content chunks, a finish chunk, a usage chunk when `stream_options.include_usage` is set,
// and `data: [DONE]`. Each content piece is a marker `c<i>@<epoch ms>;` so a client can check that every
// chunk arrived, in order, and how long after it was sent.
//
// Settings (defaults from env MOCK_CHUNKS / MOCK_DELAY_MS, changed at run time with
// POST /__mock/settings, or per request with ?chunks=N&delay_ms=M or x-mock-chunks / x-mock-delay-ms):
//   chunks          content chunks per stream (and pieces of a non-stream answer)
//   delayMs         pause between chunks (0: the next chunk goes on the next event-loop turn)
//   holdUntil       >0: every stream sends its first chunk, then waits until this many streams are
//                   held at once (or holdTimeoutMs passed), plus holdAfterFullMs, before the rest
//   rejectStreamOptions  answer 400 to any request carrying `stream_options`
// Behaviour by model name, so a gateway's adaptation is checked, not assumed:
//   *stream-only*  non-stream call → 400 (DashScope QwQ's words)
//   *no-stream*    stream call → 400 (Azure o3-mini's words)
//   *strict*       `stream_options` present → 400 (old Azure api-versions' words)
// GET /__mock/stats reports counters (requests, rejected, held, in flight, …).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { argumentValue } from './lib/argument.ts';
import { listenServer } from './lib/listen-server.ts';
import { readBody } from './lib/read-body.ts';

export interface MockSettings {
  chunks: number;
  delayMs: number;
  holdUntil: number;
  holdTimeoutMs: number;
  holdAfterFullMs: number;
  rejectStreamOptions: boolean;
}

export interface MockStats {
  requests: number;
  streams: number;
  completions: number;
  rejected: number;
  inFlight: number;
  maxInFlight: number;
  held: number;
  maxHeld: number;
  released: boolean;
  aborted: number;
  /** TCP connections accepted: far fewer than requests when the caller keeps connections alive. */
  connections: number;
}

export interface RunningMock {
  url: string;
  port: number;
  settings: MockSettings;
  stats: MockStats;
  close(): Promise<void>;
}

const rejections = {
  streamOnly: 'This model only support stream mode, please enable the stream parameter to get the result.',
  noStream: "Unsupported value: 'stream' does not support true with this model. Supported values are: false.",
  streamOptions: 'Unrecognized request argument supplied: stream_options',
};

function numberFrom(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

export function defaultMockSettings(env: NodeJS.ProcessEnv = process.env): MockSettings {
  return {
    chunks: numberFrom(env.MOCK_CHUNKS, 20),
    delayMs: numberFrom(env.MOCK_DELAY_MS, 0),
    holdUntil: 0,
    holdTimeoutMs: 40_000,
    holdAfterFullMs: 1_000,
    rejectStreamOptions: false,
  };
}

function freshStats(): MockStats {
  return { requests: 0, streams: 0, completions: 0, rejected: 0, inFlight: 0, maxInFlight: 0, held: 0, maxHeld: 0, released: false, aborted: 0, connections: 0 };
}

/** Wall-clock milliseconds with µs precision, comparable across processes on one machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

function marker(index: number): string {
  return `c${index}@${epochMs().toFixed(3)};`;
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function sendRejection(response: ServerResponse, message: string, param: string | null): void {
  sendJson(response, 400, { error: { message, type: 'invalid_request_error', param, code: null } });
}

/** A group of streams that wait together until enough are held at once (or a timeout). */
class HoldBarrier {
  private waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly settings: MockSettings;
  private readonly stats: MockStats;

  constructor(settings: MockSettings, stats: MockStats) {
    this.settings = settings;
    this.stats = stats;
  }

  get active(): boolean {
    return this.settings.holdUntil > 0 && !this.stats.released;
  }

  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.stats.held = this.waiters.length;
      this.stats.maxHeld = Math.max(this.stats.maxHeld, this.stats.held);
      this.timer ??= setTimeout(() => {
        this.release();
      }, this.settings.holdTimeoutMs);
      if (this.waiters.length >= this.settings.holdUntil) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.release();
        }, this.settings.holdAfterFullMs);
      }
    });
  }

  release(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stats.released = true;
    const waiters = this.waiters;
    this.waiters = [];
    this.stats.held = 0;
    for (const resolve of waiters) resolve();
  }

  reset(): void {
    this.release();
    this.stats.released = false;
  }
}

interface StreamPlan {
  model: string;
  chunks: number;
  delayMs: number;
  includeUsage: boolean;
}

function chunkPrefix(model: string, created: number): string {
  return `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":[`;
}

async function writeStream(response: ServerResponse, plan: StreamPlan, barrier: HoldBarrier): Promise<void> {
  let closed = false;
  response.on('close', () => {
    closed = true;
  });
  const prefix = chunkPrefix(plan.model, Math.floor(Date.now() / 1000));
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms > 0) setTimeout(resolve, ms);
      else setImmediate(resolve);
    });
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (let index = 0; index < plan.chunks; index++) {
    if (index === 1 && barrier.active) {
      // After a hold, spread the streams over one delay so they do not all speak at once.
      await barrier.wait();
      await pause(Math.random() * plan.delayMs);
    } else if (index > 0) {
      await pause(plan.delayMs);
    }
    if (closed) return;
    const role = index === 0 ? '"role":"assistant",' : '';
    response.write(`${prefix}{"index":0,"delta":{${role}"content":"${marker(index)}"},"finish_reason":null}]}\n\n`);
  }
  if (closed) return;
  let tail = `${prefix}{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`;
  if (plan.includeUsage) {
    tail += `${prefix}],"usage":{"prompt_tokens":12,"completion_tokens":${plan.chunks},"total_tokens":${12 + plan.chunks}}}\n\n`;
  }
  response.end(`${tail}data: [DONE]\n\n`);
}

/** The mock's non-stream answer: `chunks` markers as its content (bench/inflight-heap.ts answers with it too). */
export function sendCompletion(response: ServerResponse, model: string, chunks: number): void {
  const pieces: string[] = [];
  for (let index = 0; index < chunks; index++) pieces.push(marker(index));
  sendJson(response, 200, {
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: pieces.join(' ') }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: chunks, total_tokens: 12 + chunks },
  });
}

async function handleUnknown(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
  await readBody(request);
  const message = `mock upstream: no route ${request.method ?? ''} ${path}`;
  sendJson(response, 404, { error: { message, type: 'invalid_request_error', param: null, code: null } });
}

function headerText(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function startMockUpstream(options: { port?: number; host?: string; settings?: Partial<MockSettings> } = {}): Promise<RunningMock> {
  const settings: MockSettings = { ...defaultMockSettings(), ...options.settings };
  const stats = freshStats();
  const barrier = new HoldBarrier(settings, stats);

  async function handleChat(request: IncomingMessage, response: ServerResponse, query: URLSearchParams): Promise<void> {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(request)) as Record<string, unknown>;
    } catch {
      sendRejection(response, 'We could not parse the JSON body of your request.', null);
      return;
    }
    const model = typeof body.model === 'string' ? body.model : 'bench-model';
    const stream = body.stream === true;
    const chunks = Math.floor(numberFrom(query.get('chunks') ?? headerText(request, 'x-mock-chunks'), settings.chunks));
    const delayMs = numberFrom(query.get('delay_ms') ?? headerText(request, 'x-mock-delay-ms'), settings.delayMs);
    const rejection =
      model.includes('stream-only') && !stream ? { message: rejections.streamOnly, param: 'stream' }
      : model.includes('no-stream') && stream ? { message: rejections.noStream, param: 'stream' }
      : (model.includes('strict') || settings.rejectStreamOptions) && body.stream_options !== undefined ? { message: rejections.streamOptions, param: null }
      : undefined;
    if (rejection !== undefined) {
      stats.rejected++;
      sendRejection(response, rejection.message, rejection.param);
      return;
    }
    if (!stream) {
      stats.completions++;
      sendCompletion(response, model, chunks);
      return;
    }
    stats.streams++;
    const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
    await writeStream(response, { model, chunks, delayMs, includeUsage: streamOptions?.include_usage === true }, barrier);
  }

  async function handleControl(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    if (path === '/__mock/settings' && request.method === 'POST') {
      const changes = JSON.parse((await readBody(request)) || '{}') as Partial<MockSettings>;
      Object.assign(settings, changes);
      barrier.reset();
      Object.assign(stats, freshStats());
      sendJson(response, 200, settings);
      return;
    }
    sendJson(response, 200, { settings, stats });
  }

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://mock');
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    response.on('close', () => {
      stats.inFlight--;
      if (!response.writableFinished) stats.aborted++;
    });
    const handled =
      url.pathname.startsWith('/__mock/') ? handleControl(request, response, url.pathname)
      : request.method === 'POST' && url.pathname.endsWith('/chat/completions') ? handleChat(request, response, url.searchParams)
      : handleUnknown(request, response, url.pathname);
    handled.catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: { message: String(error), type: 'server_error', param: null, code: null } });
      else response.destroy();
    });
  });
  server.on('connection', () => {
    stats.connections++;
  });
  server.maxHeadersCount = 100;
  return listenServer(server, options, {
    before: () => {
      barrier.release();
    },
  }).then((listening) => ({ ...listening, settings, stats }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mock = await startMockUpstream({ port: Number(argumentValue('--port') ?? 0), host: argumentValue('--host') ?? '127.0.0.1' });
  process.stdout.write(`mock-upstream listening on ${mock.url}\n`);
  const stop = (): void => {
    void mock.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
