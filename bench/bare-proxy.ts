// The floor for any Node gateway: node:http in, undici out, bytes piped both ways, nothing parsed.
// Usage: node bench/bare-proxy.ts --upstream http://127.0.0.1:PORT [--port N] [--host 127.0.0.1] [--collect]
// Every request is forwarded to <upstream><path> with its method, headers and body; the answer's status,
// headers and body come back as they arrive (each SSE chunk is written on as soon as it is read).
// With --collect, every POST is instead asked of the upstream as a stream and answered as one completion
// (bench/bare-collect.ts): the floor for the collect path.
import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { collectAnswer } from './bare-collect.ts';
import { argumentValue } from './lib/argument.ts';
import { listenServer, type ListeningServer } from './lib/listen-server.ts';

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) kept[name] = value;
  }
  return kept;
}

export type RunningBareProxy = ListeningServer;

function failWith(outgoing: ServerResponse, error: unknown): void {
  if (outgoing.headersSent) {
    outgoing.destroy();
    return;
  }
  const text = JSON.stringify({ error: { message: `bare proxy: ${String(error)}`, type: 'bad_gateway', param: null, code: null } });
  outgoing.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  outgoing.end(text);
}

export function startBareProxy(options: { upstream: string; port?: number; host?: string; collect?: boolean }): Promise<RunningBareProxy> {
  const upstream = options.upstream.replace(/\/+$/, '');
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: null, pipelining: 1 });
  const server: Server = createServer((incoming, outgoing) => {
    const controller = new AbortController();
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) controller.abort();
    });
    if (options.collect === true && incoming.method === 'POST') {
      const headers = forwardable(incoming.headers) as Record<string, string>;
      delete headers['content-length'];
      collectAnswer(incoming, outgoing, `${upstream}${incoming.url ?? '/'}`, headers, agent, controller.signal).catch((error: unknown) => {
        failWith(outgoing, error);
      });
      return;
    }
    request(`${upstream}${incoming.url ?? '/'}`, {
      method: (incoming.method ?? 'GET') as 'POST',
      headers: forwardable(incoming.headers) as Record<string, string>,
      body: incoming.method === 'GET' || incoming.method === 'HEAD' ? null : incoming,
      dispatcher: agent,
      signal: controller.signal,
    }).then(
      (answer) => {
        outgoing.writeHead(answer.statusCode, forwardable(answer.headers));
        answer.body.on('error', () => outgoing.destroy());
        answer.body.pipe(outgoing);
      },
      (error: unknown) => {
        failWith(outgoing, error);
      },
    );
  });
  return listenServer(server, options, { after: () => agent.close() });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const upstream = argumentValue('--upstream') ?? process.env.BARE_UPSTREAM;
  if (upstream === undefined) {
    process.stderr.write('bare-proxy: --upstream http://127.0.0.1:PORT is required\n');
    process.exit(2);
  }
  const proxy = await startBareProxy({ upstream, port: Number(argumentValue('--port') ?? 0), host: argumentValue('--host') ?? '127.0.0.1', collect: process.argv.includes('--collect') });
  process.stdout.write(`bare-proxy listening on ${proxy.url} → ${upstream}\n`);
  const stop = (): void => {
    void proxy.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
