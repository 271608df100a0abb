// A small, fast HTTP/1.1 load client on raw sockets for what wrk cannot measure: a stream's time to
// first byte, whether every chunk arrived (in order, none lost, `[DONE]` seen), how long each chunk
// took from the upstream to the client, and many concurrent slow streams.
//
// Usage: node bench/load-client.ts '<LoadOptions as JSON>'   → prints one LoadResult as JSON.
// Closed loop: `connections` keep-alive sockets each send a request as soon as the last one ended,
// until `durationMs`. Open loop (`arrivalsPerSecond`): requests start on a fixed schedule whatever the
// server's speed, each on an idle keep-alive socket or a new one, until `durationMs`. Slow mode (`perConnection: 1`): `requests` sockets, one request each, opened so
// that at most `maxConnecting` wait for their first byte at once; all then stay open together.
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Exchange, requestBytesFor, ResponseReader } from './lib/http-exchange.ts';
import { runOpenLoop } from './lib/open-loop.ts';
import { percentiles, type Percentiles } from './lib/stats.ts';

export interface LoadOptions {
  host: string;
  port: number;
  path: string;
  headers: Record<string, string>;
  body: string;
  stream: boolean;
  connections: number;
  durationMs?: number;
  requests?: number;
  perConnection?: number;
  maxConnecting?: number;
  expectChunks: number;
  expectUsage?: boolean;
  /** Open loop: start this many requests per second on a fixed schedule (closed loop when absent). */
  arrivalsPerSecond?: number;
  /** Paced upstream: record each chunk's delay and count chunks later than half a pause as held back. */
  pacedDelayMs?: number;
  hardTimeoutMs: number;
}

export interface LoadResult {
  requests: number;
  ok: number;
  okInWindow: number;
  failures: Record<string, number>;
  sampleFailure?: string;
  elapsedMs: number;
  windowMs: number;
  rate: number;
  ttfbMs: Percentiles;
  latencyMs: Percentiles;
  chunkDelayMs?: Percentiles;
  heldBack: number;
  lostChunks: number;
  peakOpen: number;
  /** Slow mode: the most sockets waiting at once, from being opened to their first byte (≤ `maxConnecting`). */
  peakWaiting?: number;
  allFirstByteMs?: number;
  /** Open loop: how far behind its schedule the latest request started (the client kept up when small). */
  maxLagMs?: number;
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.arrivalsPerSecond !== undefined) return runOpenLoop(options);
  const started = performance.now();
  const deadline = options.durationMs === undefined ? Number.POSITIVE_INFINITY : started + options.durationMs;
  const perConnection = options.perConnection ?? Number.POSITIVE_INFINITY;
  const totalRequests = options.requests ?? Number.POSITIVE_INFINITY;
  const maxConnecting = options.maxConnecting ?? options.connections;
  const requestBytes = requestBytesFor(options);

  const ttfb: number[] = [];
  const latency: number[] = [];
  const delays: number[] = [];
  const failures: Record<string, number> = {};
  let sampleFailure: string | undefined;
  let requests = 0;
  let ok = 0;
  let okInWindow = 0;
  let heldBack = 0;
  let lostChunks = 0;
  let open = 0;
  let peakOpen = 0;
  /** Requests sent and waiting for their first byte. */
  let connecting = 0;
  /**
   * Sockets opened and not connected yet: they wait too. Counted apart from `connecting` (which a
   * request joins once sent), and not counted before, when opening the next stream on a first byte
   * did not change `connecting` at once, so its loop opened every remaining socket in one burst: thousands of
   * SYNs at a server's listen queue (Node's default backlog is 511), which overflowed it.
   */
  let unconnected = 0;
  let peakWaiting = 0;
  let firstBytes = 0;
  let allFirstByteMs: number | undefined;
  let sockets = 0;
  let lastDone = started;
  let consecutiveErrors = 0;
  const live = new Set<Socket>();

  return new Promise((resolve) => {
    let finished = false;
    let stopped = false;
    const hardStop = setTimeout(() => {
      stopped = true;
      for (const socket of live) socket.destroy(new Error('timeout'));
      setImmediate(settle);
    }, options.hardTimeoutMs);
    const mayOpen = (): boolean =>
      !stopped && requests < totalRequests && performance.now() < deadline && consecutiveErrors < 50 && sockets < options.connections + (perConnection === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : 0);

    const fail = (reason: string, exchange: Exchange | undefined): void => {
      failures[reason] = (failures[reason] ?? 0) + 1;
      sampleFailure ??= `${reason}: ${exchange?.preview() ?? ''}`;
      if (exchange !== undefined && options.stream && (exchange.status === 200 || exchange.status === 0)) {
        lostChunks += Math.max(0, options.expectChunks - exchange.markers);
      }
    };

    function settle(): void {
      if (finished || live.size > 0 || mayOpen()) return;
      finished = true;
      clearTimeout(hardStop);
      const windowMs = Number.isFinite(deadline) ? (options.durationMs ?? 0) : lastDone - started;
      resolve({
        requests,
        ok,
        okInWindow,
        failures,
        ...(sampleFailure === undefined ? {} : { sampleFailure }),
        elapsedMs: performance.now() - started,
        windowMs,
        rate: windowMs > 0 ? (okInWindow / windowMs) * 1000 : 0,
        ttfbMs: percentiles(ttfb),
        latencyMs: percentiles(latency),
        ...(options.pacedDelayMs === undefined ? {} : { chunkDelayMs: percentiles(delays) }),
        heldBack,
        lostChunks,
        peakOpen,
        peakWaiting,
        ...(allFirstByteMs === undefined ? {} : { allFirstByteMs }),
      });
    }

    const openConnection = (): void => {
      if (!mayOpen()) {
        setImmediate(settle);
        return;
      }
      sockets++;
      unconnected++;
      peakWaiting = Math.max(peakWaiting, connecting + unconnected);
      const socket = connect({ host: options.host, port: options.port, noDelay: true });
      live.add(socket);
      let exchange: Exchange | undefined;
      let reader: ResponseReader | undefined;
      let sentHere = 0;

      const send = (): void => {
        requests++;
        sentHere++;
        open++;
        connecting++;
        peakOpen = Math.max(peakOpen, open);
        peakWaiting = Math.max(peakWaiting, connecting + unconnected);
        exchange = new Exchange(options);
        reader = new ResponseReader(exchange);
        socket.write(requestBytes);
      };

      const finishExchange = (current: Exchange, failure: string | undefined): void => {
        open--;
        if (current.firstByteAt === undefined) connecting--;
        const now = performance.now();
        lastDone = now;
        if (failure === undefined && current.complete()) {
          ok++;
          consecutiveErrors = 0;
          if (now <= deadline) okInWindow++;
          latency.push(now - current.startedAt);
          ttfb.push((current.firstByteAt ?? now) - current.startedAt);
          for (const delay of current.delays) {
            delays.push(delay);
            if (options.pacedDelayMs !== undefined && delay > options.pacedDelayMs / 2) heldBack++;
          }
        } else {
          consecutiveErrors++;
          fail(failure ?? current.failureReason(), current);
        }
      };

      let connected = false;
      socket.on('connect', () => {
        connected = true;
        unconnected--;
        send();
      });
      socket.on('data', (buffer: Buffer) => {
        if (exchange === undefined || reader === undefined) return;
        const hadFirstByte = exchange.firstByteAt !== undefined;
        reader.feed(buffer);
        if (!hadFirstByte && exchange.firstByteAt !== undefined) {
          connecting--;
          firstBytes++;
          if (firstBytes === totalRequests) allFirstByteMs = performance.now() - started;
          while (connecting + unconnected < maxConnecting && perConnection !== Number.POSITIVE_INFINITY && mayOpen()) openConnection();
        }
        if (reader.phase !== 'done') return;
        const current = exchange;
        current.end();
        exchange = undefined;
        finishExchange(current, undefined);
        if (reader.keepAlive && sentHere < perConnection && !stopped && requests < totalRequests && performance.now() < deadline) send();
        else socket.destroy();
      });
      socket.on('end', () => {
        if (exchange !== undefined && reader?.phase === 'close') {
          const current = exchange;
          current.end();
          exchange = undefined;
          finishExchange(current, undefined);
        }
        socket.destroy();
      });
      socket.on('error', () => {
        // 'close' follows and reports the exchange.
      });
      socket.on('close', (hadError) => {
        live.delete(socket);
        if (!connected) unconnected--;
        if (sentHere === 0) {
          consecutiveErrors++;
          fail('connect failed', undefined);
        }
        if (exchange !== undefined) {
          const current = exchange;
          exchange = undefined;
          finishExchange(current, hadError ? 'socket error' : 'connection closed');
        }
        // A closed-loop socket that the server closed is replaced while there is time left.
        if (perConnection === Number.POSITIVE_INFINITY && mayOpen()) {
          setTimeout(openConnection, consecutiveErrors > 0 ? 10 : 0);
          return;
        }
        if (perConnection !== Number.POSITIVE_INFINITY && connecting + unconnected < maxConnecting && mayOpen()) openConnection();
        setImmediate(settle);
      });
    };

    const initial = Math.min(options.connections, maxConnecting, totalRequests);
    for (let index = 0; index < initial; index++) openConnection();
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
  const result = await runLoad(options);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
