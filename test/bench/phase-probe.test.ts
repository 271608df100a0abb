// bench/lib/phase-probe.ts: the mean time in each phase of a proxied chat request, read from Node's and
// undici's diagnostics channels by Little's law, against a proxy whose upstream answers 40 ms late.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { phaseNames, startPhaseProbe, type PhaseReport } from '../../bench/lib/phase-probe.ts';

const upstreamDelayMs = 40;

/** An upstream on a bare TCP server (no node:http server, whose own channel would count it too): each request answered after a delay. */
function startUpstream(): Promise<TcpServer> {
  const server = createTcpServer((socket) => {
    socket.on('data', () => {
      setTimeout(() => {
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
      }, upstreamDelayMs);
    });
  });
  return new Promise((listening) => server.listen(0, '127.0.0.1', () => { listening(server); }));
}

/** The bare proxy's shape: node:http in, undici out. */
function startProxy(upstreamPort: number, agent: Agent): Promise<Server> {
  const server = createServer((incoming, outgoing) => {
    incoming.resume();
    request(`http://127.0.0.1:${String(upstreamPort)}${incoming.url ?? '/'}`, { method: 'POST', body: '{}', dispatcher: agent }).then(
      async (answer) => {
        outgoing.writeHead(answer.statusCode, { 'content-type': 'application/json' });
        outgoing.end(await answer.body.text());
      },
      () => outgoing.destroy(),
    );
  });
  return new Promise((listening) => server.listen(0, '127.0.0.1', () => { listening(server); }));
}

/** A client on node:http, which publishes to no undici channel. */
function post(port: number, path: string): Promise<void> {
  return new Promise((done, fail) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', done);
    });
    outgoing.on('error', fail);
    outgoing.end('{}');
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('startPhaseProbe', () => {
  it('counts each chat request through every phase and puts the upstream wait in its own', async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'phase-probe-'));
    cleanups.push(() => {
      rmSync(reportDir, { recursive: true, force: true });
    });
    const upstream = await startUpstream();
    cleanups.push(() => new Promise<void>((closed) => upstream.close(() => { closed(); })));
    const agent = new Agent();
    cleanups.push(() => agent.close());
    const proxy = await startProxy((upstream.address() as AddressInfo).port, agent);
    cleanups.push(() => new Promise<void>((closed) => proxy.close(() => { closed(); })));
    const port = (proxy.address() as AddressInfo).port;

    const stop = startPhaseProbe(reportDir);
    for (let index = 0; index < 4; index += 1) await post(port, '/v1/chat/completions');
    // Not a chat request: neither side of it is counted.
    await post(port, '/v1/embeddings');
    stop();

    const report = JSON.parse(readFileSync(join(reportDir, `phases-${String(process.pid)}.json`), 'utf8')) as PhaseReport;
    expect(report.exits).toEqual(phaseNames.map(() => 4));
    expect(report.inPhase).toEqual(phaseNames.map(() => 0));
    const meanMs = report.areaMs.map((area, phase) => area / (report.exits[phase] ?? 1));
    // written → upstream head read holds the upstream's delay; the proxy's own phases are short.
    expect(meanMs[2]).toBeGreaterThanOrEqual(upstreamDelayMs - 2);
    expect(meanMs[0]).toBeLessThan(upstreamDelayMs / 2);
    expect(meanMs[3]).toBeLessThan(upstreamDelayMs / 2);
    for (const mean of meanMs) expect(mean).toBeGreaterThanOrEqual(0);
  });
});
