// bench/lib/tail-probe.ts: each request's time in a node:http server and the gaps between requests, kept raw, so
// that bench/request-tail.ts can read a tail's percentiles from the server's own timeline.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startTailProbe } from '../../bench/lib/tail-probe.ts';

const answerAfterMs = 30;
const pauseMs = 20;

function post(port: number): Promise<void> {
  return new Promise((done, fail) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST' }, (response) => {
      response.resume();
      response.on('end', done);
    });
    outgoing.on('error', fail);
    outgoing.end('{}');
  });
}

let server: Server | undefined;
afterEach(async () => {
  const open = server;
  server = undefined;
  if (open !== undefined) await new Promise((closed) => open.close(closed));
});

describe('startTailProbe', () => {
  it('keeps each request in the server and the gap before the next, and starts afresh on each take', async () => {
    const probe = startTailProbe();
    server = createServer((incoming, outgoing) => {
      incoming.resume();
      setTimeout(() => outgoing.end('{}'), answerAfterMs);
    });
    await new Promise<void>((listening) => server!.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    probe.take(); // nothing before the server
    for (let index = 0; index < 4; index += 1) {
      await post(port);
      await sleep(pauseMs);
    }
    const report = probe.take();
    expect(report.starts).toHaveLength(4);
    for (const duration of report.durations) {
      expect(duration).toBeGreaterThanOrEqual(answerAfterMs - 1);
      expect(duration).toBeLessThan(answerAfterMs + 500);
    }
    for (let index = 1; index < 4; index += 1) {
      const gap = report.starts[index]! - (report.starts[index - 1]! + report.durations[index - 1]!);
      expect(gap).toBeGreaterThanOrEqual(pauseMs - 1);
    }
    // The offset places the report's times on CLOCK_MONOTONIC (process.hrtime), where perf sched record -k mono puts its own.
    const monotonicNow = Number(process.hrtime.bigint()) / 1e6;
    expect(Math.abs(performance.now() + report.monotonicOffsetMs - monotonicNow)).toBeLessThan(5);
    await post(port);
    expect(probe.take().starts).toHaveLength(1);
  });
});
