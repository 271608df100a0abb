// The floor for a gateway that reads what it relays: node:http in, undici out, like bench/bare-proxy.ts,
// plus the least Sluice's non-stream request must do whatever its plumbing: the client's key looked up,
// its JSON body parsed and checked, the upstream's body serialized, the answer parsed and its model
// renamed and serialized again, a request id and the routing headers, one JSON log line a request
// (written once per turn of the event loop) and one request-log row (batches of 200 rows to a worker
// thread that inserts them into SQLite with node:sqlite, ten rows an INSERT, one transaction a batch).
// No framework, no retries, no limits, no metrics: what a relay cannot skip, by hand.
// docs/benchmarks.md "Round eighteen".
// Usage: node bench/bare-relay.ts --upstream http://127.0.0.1:PORT --log-db FILE [--port N] [--host 127.0.0.1]
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { argumentValue } from './lib/argument.ts';

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

function refuse(outgoing: ServerResponse, status: number, message: string): void {
  const text = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } });
  outgoing.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  outgoing.end(text);
}

function readText(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    incoming.setEncoding('utf8');
    incoming.on('data', (piece: string) => {
      text += piece;
    });
    incoming.on('end', () => {
      resolve(text);
    });
    incoming.on('error', reject);
  });
}

interface Completion {
  model?: unknown;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export interface RunningBareRelay {
  url: string;
  /** Stops the server, writes the rows still waiting and waits for the log thread to close its database. */
  close(): Promise<void>;
}

export function startBareRelay(options: { upstream: string; logDb: string; port?: number; host?: string; logOutput?: { write(text: string): unknown } }): Promise<RunningBareRelay> {
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

  const relay = async (incoming: IncomingMessage, outgoing: ServerResponse, started: number, id: string, keyName: string): Promise<void> => {
    const text = await readText(incoming);
    let body: { model?: unknown; messages?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      refuse(outgoing, 400, 'The body is not JSON.');
      return;
    }
    const clientModel = body.model;
    if (typeof clientModel !== 'string' || !Array.isArray(body.messages)) {
      refuse(outgoing, 400, '`model` and `messages` are required.');
      return;
    }
    const upstreamStarted = performance.now();
    const answer = await request(upstream, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench-upstream' }, body: JSON.stringify(body), dispatcher: agent });
    const completion = JSON.parse(await answer.body.text()) as Completion;
    const upstreamMs = performance.now() - upstreamStarted;
    completion.model = clientModel;
    const answerText = JSON.stringify(completion);
    const overheadMs = performance.now() - started - upstreamMs;
    outgoing.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(answerText),
      'x-request-id': id,
      'x-sluice-attempts': '1',
      'x-sluice-overhead-ms': overheadMs.toFixed(3),
      'x-sluice-channel': 'mock',
      'x-sluice-model': clientModel,
    });
    outgoing.end(answerText);
    const durationMs = performance.now() - started;
    const attempts = [{ channel: 'mock', upstreamModel: clientModel, upstreamStream: false, status: 200, durationMs: upstreamMs }];
    const promptTokens = completion.usage?.prompt_tokens;
    const completionTokens = completion.usage?.completion_tokens;
    const line = { level: 30, time: Date.now(), requestId: id, clientModel, clientStream: false, channel: 'mock', upstreamModel: clientModel, upstreamStream: false, answeredModel: clientModel, adaptations: [], status: 200, overheadMs, durationMs, promptTokens, completionTokens, usageSource: 'upstream', requestBytes: text.length, key: keyName, attempts, msg: `${clientModel} 200 ${String(Math.round(durationMs))}ms` };
    if (lines.length === 0) setImmediate(writeLines);
    lines.push(`${JSON.stringify(line)}\n`);
    values.push(Date.now(), id, keyName, clientModel, 'mock', 200, Math.round(durationMs), promptTokens ?? null, completionTokens ?? null, JSON.stringify(attempts), '[]', incoming.socket.remoteAddress ?? null, incoming.headers['user-agent'] ?? null, overheadMs, text.length, answerText.length);
    if (values.length >= rowsPerBatch * rowColumns) flushRows();
  };

  const server = createServer((incoming, outgoing) => {
    const started = performance.now();
    sequence += 1;
    const id = `${prefix}${sequence.toString(16).padStart(12, '0')}`;
    const key = keys.get(incoming.headers.authorization ?? '');
    if (key === undefined) {
      refuse(outgoing, 401, 'Unknown API key.');
      return;
    }
    if (incoming.method !== 'POST') {
      refuse(outgoing, 404, 'Only POST /v1/chat/completions is relayed.');
      return;
    }
    relay(incoming, outgoing, started, id, key.name).catch((error: unknown) => {
      if (outgoing.headersSent) outgoing.destroy();
      else refuse(outgoing, 502, `bare relay: ${String(error)}`);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: 4096 }, () => {
      const address = server.address();
      resolve({
        url: `http://127.0.0.1:${String(typeof address === 'object' && address !== null ? address.port : 0)}`,
        close: async () => {
          server.closeAllConnections();
          await new Promise((done) => server.close(done));
          await agent.close();
          clearInterval(flushTimer);
          if (lines.length > 0) writeLines();
          flushRows();
          const exited = once(logThread, 'exit');
          logThread.postMessage(null);
          await exited;
        },
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const upstream = argumentValue('--upstream');
  const logDb = argumentValue('--log-db');
  if (upstream === undefined || logDb === undefined) throw new Error('usage: node bench/bare-relay.ts --upstream URL --log-db FILE [--port N]');
  const port = argumentValue('--port');
  const relay = await startBareRelay({ upstream, logDb, ...(port === undefined ? {} : { port: Number(port) }), host: argumentValue('--host') ?? '127.0.0.1' });
  process.stderr.write(`bare relay on ${relay.url}\n`);
}
