// The floor for a gateway that reads what it relays: node:http in, undici out, like bench/bare-proxy.ts,
// plus the least Sluice's non-stream request must do whatever its plumbing: the client's key looked up,
// its JSON body parsed and checked, the upstream's body serialized, the answer parsed and its model
// renamed and serialized again, a request id and the routing headers, one JSON log line a request
// (written once per turn of the event loop) and one request-log row (batches of 200 rows to a worker
// thread that inserts them into SQLite with node:sqlite, ten rows an INSERT, one transaction a batch).
// No framework, no retries, no limits, no metrics: what a relay cannot skip, by hand. With `--fastify`
// (target `bare-relay-fastify`) the same work runs as a fastify route, as Sluice's do (the key checked in an
// onRequest hook, the body read by a string content-type parser, the answer sent with reply.send): the
// difference between the two is what the framework costs a request. docs/benchmarks.md "Round eighteen".
// Usage: node bench/bare-relay.ts --upstream http://127.0.0.1:PORT --log-db FILE [--port N] [--host 127.0.0.1] [--fastify]
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Fastify from 'fastify';
import { Agent, request } from 'undici';
import { argumentValue } from './lib/argument.ts';
import { listenServer, type ListeningServer } from './lib/listen-server.ts';
import { readBody } from './lib/read-body.ts';

/** The key the bench's load sends to every target that is not Sluice (bench/lib/targets.ts). */
const keys = new Map([['Bearer sk-bench-upstream', { name: 'bench' }]]);
const rowColumns = 16;
const rowsPerBatch = 200;

/** The log thread: one SQLite connection, two prepared INSERTs (ten rows, one row), a transaction a batch. */
const logThreadSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path);
db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE IF NOT EXISTS request_logs (time, request_id, key_name, model, channel, status, duration_ms, prompt_tokens, completion_tokens, attempts, adaptations, client_ip, user_agent, overhead_ms, request_bytes, response_bytes)');
const row = '(' + Array(${String(rowColumns)}).fill('?').join(', ') + ')';
const ten = db.prepare('INSERT INTO request_logs VALUES ' + Array(10).fill(row).join(', '));
const one = db.prepare('INSERT INTO request_logs VALUES ' + row);
parentPort.on('message', (values) => {
  if (values === null) {
    db.close();
    process.exit(0);
  }
  db.exec('BEGIN');
  let at = 0;
  for (; at + ${String(rowColumns * 10)} <= values.length; at += ${String(rowColumns * 10)}) ten.run(...values.slice(at, at + ${String(rowColumns * 10)}));
  for (; at < values.length; at += ${String(rowColumns)}) one.run(...values.slice(at, at + ${String(rowColumns)}));
  db.exec('COMMIT');
});
`;

/** An error body in the OpenAI shape. */
function refusal(message: string): string {
  return JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } });
}

function refuse(outgoing: ServerResponse, status: number, message: string): void {
  const text = refusal(message);
  outgoing.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  outgoing.end(text);
}

interface Completion {
  model?: unknown;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** `close` stops the server, writes the rows still waiting and waits for the log thread to close its database. */
export type RunningBareRelay = ListeningServer;

/** Where a relayed answer goes: node:http's response, or fastify's reply. */
interface Answer {
  send(status: number, headers: Record<string, string | number>, text: string): void;
  remoteAddress: string | undefined;
  userAgent: string | undefined;
}

export interface BareRelayOptions {
  upstream: string;
  logDb: string;
  port?: number;
  host?: string;
  logOutput?: { write(text: string): unknown };
  /** The same work as a fastify route (target `bare-relay-fastify`). */
  fastify?: boolean;
}

export async function startBareRelay(options: BareRelayOptions): Promise<RunningBareRelay> {
  const logOutput = options.logOutput ?? process.stdout;
  const upstream = `${options.upstream.replace(/\/+$/, '')}/v1/chat/completions`;
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: null, pipelining: 1 });
  const prefix = `req_${randomBytes(8).toString('hex')}`;
  let sequence = 0;
  const logThread = new Worker(logThreadSource, { eval: true, workerData: { path: options.logDb } });
  logThread.unref();
  let values: unknown[] = [];
  let lines: string[] = [];
  const flushRows = (): void => {
    if (values.length === 0) return;
    logThread.postMessage(values);
    values = [];
  };
  const flushTimer = setInterval(flushRows, 1000).unref();
  const writeLines = (): void => {
    logOutput.write(lines.join(''));
    lines = [];
  };

  /** The relay's work once the body is read: parse, check, call, rename, answer, log. */
  const relay = async (text: string, answer: Answer, started: number, id: string, keyName: string): Promise<void> => {
    let body: { model?: unknown; messages?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      answer.send(400, { 'content-type': 'application/json' }, refusal('The body is not JSON.'));
      return;
    }
    const clientModel = body.model;
    if (typeof clientModel !== 'string' || !Array.isArray(body.messages)) {
      answer.send(400, { 'content-type': 'application/json' }, refusal('`model` and `messages` are required.'));
      return;
    }
    const upstreamStarted = performance.now();
    const upstreamAnswer = await request(upstream, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench-upstream' }, body: JSON.stringify(body), dispatcher: agent });
    const completion = JSON.parse(await upstreamAnswer.body.text()) as Completion;
    const upstreamMs = performance.now() - upstreamStarted;
    completion.model = clientModel;
    const answerText = JSON.stringify(completion);
    const overheadMs = performance.now() - started - upstreamMs;
    answer.send(
      200,
      {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(answerText),
        'x-sluice-attempts': '1',
        'x-sluice-overhead-ms': overheadMs.toFixed(3),
        'x-sluice-channel': 'mock',
        'x-sluice-model': clientModel,
      },
      answerText,
    );
    const durationMs = performance.now() - started;
    const attempts = [{ channel: 'mock', upstreamModel: clientModel, upstreamStream: false, status: 200, durationMs: upstreamMs }];
    const promptTokens = completion.usage?.prompt_tokens;
    const completionTokens = completion.usage?.completion_tokens;
    const line = { level: 30, time: Date.now(), requestId: id, clientModel, clientStream: false, channel: 'mock', upstreamModel: clientModel, upstreamStream: false, answeredModel: clientModel, adaptations: [], status: 200, overheadMs, durationMs, promptTokens, completionTokens, usageSource: 'upstream', requestBytes: text.length, key: keyName, attempts, msg: `${clientModel} 200 ${String(Math.round(durationMs))}ms` };
    if (lines.length === 0) setImmediate(writeLines);
    lines.push(`${JSON.stringify(line)}\n`);
    values.push(Date.now(), id, keyName, clientModel, 'mock', 200, Math.round(durationMs), promptTokens ?? null, completionTokens ?? null, JSON.stringify(attempts), '[]', answer.remoteAddress ?? null, answer.userAgent ?? null, overheadMs, text.length, answerText.length);
    if (values.length >= rowsPerBatch * rowColumns) flushRows();
  };

  const nextId = (): string => {
    sequence += 1;
    return `${prefix}${sequence.toString(16).padStart(12, '0')}`;
  };
  const closeLog = async (): Promise<void> => {
    await agent.close();
    clearInterval(flushTimer);
    if (lines.length > 0) writeLines();
    flushRows();
    const exited = once(logThread, 'exit');
    logThread.postMessage(null);
    await exited;
  };
  if (options.fastify === true) return startOnFastify(options, relay, nextId, closeLog);

  const server = createServer((incoming, outgoing) => {
    const started = performance.now();
    const id = nextId();
    const key = keys.get(incoming.headers.authorization ?? '');
    if (key === undefined) {
      refuse(outgoing, 401, 'Unknown API key.');
      return;
    }
    if (incoming.method !== 'POST') {
      refuse(outgoing, 404, 'Only POST /v1/chat/completions is relayed.');
      return;
    }
    const answer: Answer = {
      send: (status, headers, text) => {
        outgoing.writeHead(status, { ...headers, 'x-request-id': id });
        outgoing.end(text);
      },
      remoteAddress: incoming.socket.remoteAddress,
      userAgent: incoming.headers['user-agent'],
    };
    readBody(incoming)
      .then((text) => relay(text, answer, started, id, key.name))
      .catch((error: unknown) => {
        if (outgoing.headersSent) outgoing.destroy();
        else refuse(outgoing, 502, `bare relay: ${String(error)}`);
      });
  });
  return listenServer(server, options, { after: closeLog });
}

type Relay = (text: string, answer: Answer, started: number, id: string, keyName: string) => Promise<void>;

/** The same relay as a fastify route, set up as Sluice's are (src/server/build-app.ts): hook, parser, reply. */
async function startOnFastify(options: BareRelayOptions, relay: Relay, nextId: () => string, closeLog: () => Promise<void>): Promise<RunningBareRelay> {
  const app = Fastify({ genReqId: nextId });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    done(null, body);
  });
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    if (keys.get(request.headers.authorization ?? '') === undefined) {
      void reply.code(401).type('application/json').send(refusal('Unknown API key.'));
      return;
    }
    done();
  });
  app.post('/v1/chat/completions', async (request, reply) => {
    const started = performance.now();
    const answer: Answer = {
      send: (status, headers, text) => {
        void reply.code(status).headers(headers).send(text);
      },
      remoteAddress: request.socket.remoteAddress,
      userAgent: request.headers['user-agent'],
    };
    await relay(typeof request.body === 'string' ? request.body : '', answer, started, request.id, 'bench');
  });
  app.server.keepAliveTimeout = 60_000;
  app.server.headersTimeout = 61_000;
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: 4096 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    port,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
      await closeLog();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const upstream = argumentValue('--upstream');
  const logDb = argumentValue('--log-db');
  if (upstream === undefined || logDb === undefined) throw new Error('usage: node bench/bare-relay.ts --upstream URL --log-db FILE [--port N]');
  const port = argumentValue('--port');
  const relay = await startBareRelay({ upstream, logDb, ...(port === undefined ? {} : { port: Number(port) }), host: argumentValue('--host') ?? '127.0.0.1', fastify: process.argv.includes('--fastify') });
  process.stderr.write(`bare relay on ${relay.url}\n`);
}
