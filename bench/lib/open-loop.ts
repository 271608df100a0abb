// The load client's open loop: requests start on a fixed schedule (`arrivalsPerSecond`) whatever the
// server's speed, so a slow answer does not slow the arrivals (no coordinated omission). A pool of
// `connections` keep-alive sockets is opened before the clock starts; a request takes the socket idle
// longest (first in, first out, so none sits idle long enough for the server to close it), or a new one
// when all are busy. Latency counts from the moment the request was due.
import { connect, type Socket } from 'node:net';
import type { LoadOptions, LoadResult } from '../load-client.ts';
import { Exchange, requestBytesFor, ResponseReader } from './http-exchange.ts';
import { percentiles } from './stats.ts';

interface Connection {
  socket: Socket;
  exchange: Exchange | undefined;
  reader: ResponseReader | undefined;
  dueAt: number;
}

export function runOpenLoop(options: LoadOptions): Promise<LoadResult> {
  const rate = options.arrivalsPerSecond ?? 1;
  const durationMs = options.durationMs ?? 1_000;
  const requestBytes = requestBytesFor(options);
  const ttfb: number[] = [];
  const latency: number[] = [];
  const delays: number[] = [];
  const failures: Record<string, number> = {};
  let sampleFailure: string | undefined;
  let requests = 0;
  let ok = 0;
  let heldBack = 0;
  let lostChunks = 0;
  let open = 0;
  let peakOpen = 0;
  let maxLagMs = 0;
  const idle: Connection[] = [];
  const live = new Set<Connection>();

  return new Promise((resolve) => {
    let started = performance.now();
    let scheduling = true;
    let finished = false;

    const settle = (): void => {
      if (finished || scheduling || open > 0) return;
      finished = true;
      clearTimeout(hardStop);
      for (const connection of live) connection.socket.destroy();
      resolve({
        requests,
        ok,
        okInWindow: ok,
        failures,
        ...(sampleFailure === undefined ? {} : { sampleFailure }),
        elapsedMs: performance.now() - started,
        windowMs: durationMs,
        rate: (ok / durationMs) * 1000,
        ttfbMs: percentiles(ttfb),
        latencyMs: percentiles(latency),
        ...(options.pacedDelayMs === undefined ? {} : { chunkDelayMs: percentiles(delays) }),
        heldBack,
        lostChunks,
        peakOpen,
        maxLagMs,
      });
    };
    const hardStop = setTimeout(() => {
      scheduling = false;
      for (const connection of live) connection.socket.destroy(new Error('timeout'));
      setImmediate(settle);
    }, options.hardTimeoutMs);

    const finish = (connection: Connection, failure: string | undefined): void => {
      const current = connection.exchange;
      if (current === undefined) return;
      connection.exchange = undefined;
      open--;
      const now = performance.now();
      if (failure === undefined && current.complete()) {
        ok++;
        latency.push(now - connection.dueAt);
        ttfb.push((current.firstByteAt ?? now) - connection.dueAt);
        for (const delay of current.delays) {
          delays.push(delay);
          if (options.pacedDelayMs !== undefined && delay > options.pacedDelayMs / 2) heldBack++;
        }
      } else {
        const reason = failure ?? current.failureReason();
        failures[reason] = (failures[reason] ?? 0) + 1;
        sampleFailure ??= `${reason}: ${current.preview()}`;
        if (options.stream && (current.status === 200 || current.status === 0)) lostChunks += Math.max(0, options.expectChunks - current.markers);
      }
    };

    const send = (connection: Connection, dueAt: number): void => {
      requests++;
      open++;
      peakOpen = Math.max(peakOpen, open);
      connection.dueAt = dueAt;
      connection.exchange = new Exchange(options);
      connection.reader = new ResponseReader(connection.exchange);
      connection.socket.write(requestBytes);
    };

    const openConnection = (onReady: (connection: Connection) => void): void => {
      const socket = connect({ host: options.host, port: options.port, noDelay: true });
      const connection: Connection = { socket, exchange: undefined, reader: undefined, dueAt: 0 };
      live.add(connection);
      socket.once('connect', () => {
        onReady(connection);
      });
      socket.on('data', (buffer: Buffer) => {
        const { exchange, reader } = connection;
        if (exchange === undefined || reader === undefined) return;
        reader.feed(buffer);
        if (reader.phase !== 'done') return;
        exchange.end();
        finish(connection, undefined);
        if (reader.keepAlive && scheduling) idle.push(connection);
        else socket.destroy();
        settle();
      });
      socket.on('error', () => {
        // 'close' follows and reports the exchange.
      });
      socket.on('close', (hadError) => {
        live.delete(connection);
        const index = idle.indexOf(connection);
        if (index !== -1) idle.splice(index, 1);
        finish(connection, hadError ? 'socket error' : 'connection closed');
        settle();
      });
    };

    const start = (dueAt: number): void => {
      maxLagMs = Math.max(maxLagMs, performance.now() - dueAt);
      const connection = idle.shift();
      if (connection !== undefined) send(connection, dueAt);
      else
        openConnection((fresh) => {
          send(fresh, dueAt);
        });
    };

    let due = 0;
    const tick = (): void => {
      const now = performance.now();
      if (now - started >= durationMs) {
        scheduling = false;
        for (const connection of idle.splice(0)) connection.socket.destroy();
        settle();
        return;
      }
      for (let at = started + (due * 1000) / rate; at <= now; at = started + (due * 1000) / rate) {
        due++;
        start(at);
      }
      setTimeout(tick, Math.max(0, started + (due * 1000) / rate - performance.now()));
    };

    const pool = Math.max(1, options.connections);
    let ready = 0;
    for (let index = 0; index < pool; index++) {
      openConnection((connection) => {
        idle.push(connection);
        if (++ready === pool) {
          started = performance.now();
          tick();
        }
      });
    }
  });
}
