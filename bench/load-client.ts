// A small, fast HTTP/1.1 load client on raw sockets for what wrk cannot measure: a stream's time to
// first byte, whether every chunk arrived (in order, none lost, `[DONE]` seen), how long each chunk
// took from the upstream to the client, and many concurrent slow streams.
//
// Usage: node bench/load-client.ts '<LoadOptions as JSON>'   → prints one LoadResult as JSON.
// Closed loop: `connections` keep-alive sockets each send a request as soon as the last one ended,
// until `durationMs`. Slow mode (`perConnection: 1`): `requests` sockets, one request each, opened so
// that at most `maxConnecting` wait for their first byte at once; all then stay open together.
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
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
  allFirstByteMs?: number;
}

const markerPattern = /c(\d+)@(\d+(?:\.\d+)?);/g;
const contentPattern = /"content":"((?:[^"\\]|\\.)*)"/g;
const errorEventPattern = /data:\s?\{"error"/;

function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** One request/response on a connection: parses HTTP framing and the SSE or JSON body it carries. */
class Exchange {
  readonly startedAt = performance.now();
  firstByteAt: number | undefined;
  status = 0;
  private pending = '';
  private content = '';
  private scanFrom = 0;
  private nextMarker = 0;
  markers = 0;
  outOfOrder = false;
  sawDone = false;
  sawError = false;
  sawUsage = false;
  readonly delays: number[] = [];
  private readonly options: LoadOptions;

  constructor(options: LoadOptions) {
    this.options = options;
  }

  body(piece: Buffer): void {
    this.firstByteAt ??= performance.now();
    this.pending += piece.toString('latin1');
    if (!this.options.stream) return;
    const end = this.pending.lastIndexOf('\n\n');
    if (end === -1) return;
    this.readEvents(this.pending.slice(0, end));
    this.pending = this.pending.slice(end + 2);
  }

  end(): void {
    if (this.pending.length > 0) this.readEvents(this.pending);
    this.pending = '';
    if (!this.options.stream && this.status === 200) this.sawDone = true;
  }

  private readEvents(text: string): void {
    if (text.includes('[DONE]')) this.sawDone = true;
    if (errorEventPattern.test(text)) this.sawError = true;
    if (text.includes('"usage":{"')) this.sawUsage = true;
    contentPattern.lastIndex = 0;
    for (let match = contentPattern.exec(text); match !== null; match = contentPattern.exec(text)) this.content += match[1] ?? '';
    const now = epochMs();
    markerPattern.lastIndex = this.scanFrom;
    for (let match = markerPattern.exec(this.content); match !== null; match = markerPattern.exec(this.content)) {
      const index = Number(match[1]);
      if (index !== this.nextMarker) this.outOfOrder = true;
      this.nextMarker = index + 1;
      this.markers++;
      if (this.options.pacedDelayMs !== undefined) this.delays.push(now - Number(match[2]));
      this.scanFrom = markerPattern.lastIndex;
    }
  }

  complete(): boolean {
    if (this.status !== 200 || !this.sawDone || this.sawError || this.outOfOrder) return false;
    if (this.markers !== this.options.expectChunks) return false;
    return this.options.expectUsage !== true || this.sawUsage;
  }

  failureReason(): string {
    if (this.status !== 200) return `status ${this.status}`;
    if (this.sawError) return 'in-band error';
    if (this.outOfOrder) return 'chunks out of order';
    if (this.markers !== this.options.expectChunks) return 'chunks lost';
    if (!this.sawDone) return 'no [DONE]';
    return 'no usage chunk';
  }

  preview(): string {
    return `${this.status} ${this.content.slice(0, 160)}${this.pending.slice(0, 300)}`;
  }
}

type Phase = 'head' | 'size' | 'data' | 'crlf' | 'trailer' | 'length' | 'close' | 'done';

/** HTTP/1.1 response framing: status line, headers, then chunked, Content-Length or read-to-close. */
class ResponseReader {
  phase: Phase = 'head';
  keepAlive = true;
  private head = '';
  private line = '';
  private remaining = 0;
  private readonly exchange: Exchange;

  constructor(exchange: Exchange) {
    this.exchange = exchange;
  }

  feed(buffer: Buffer): void {
    let offset = 0;
    if (this.phase === 'head') {
      const before = this.head.length;
      this.head += buffer.toString('latin1');
      const end = this.head.indexOf('\r\n\r\n');
      if (end === -1) return;
      offset = end + 4 - before;
      this.readHead(this.head.slice(0, end));
    }
    while (offset < buffer.length && this.phase !== 'done') offset = this.step(buffer, offset);
  }

  private readHead(head: string): void {
    const lines = head.split('\r\n');
    this.exchange.status = Number(lines[0]?.split(' ')[1] ?? 0);
    let chunked = false;
    let length: number | undefined;
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim().toLowerCase();
      if (name === 'transfer-encoding' && value.includes('chunked')) chunked = true;
      if (name === 'content-length') length = Number(value);
      if (name === 'connection' && value === 'close') this.keepAlive = false;
    }
    if (chunked) this.phase = 'size';
    else if (length !== undefined) {
      this.remaining = length;
      this.phase = length === 0 ? 'done' : 'length';
    } else {
      this.phase = 'close';
      this.keepAlive = false;
    }
  }

  private step(buffer: Buffer, offset: number): number {
    switch (this.phase) {
      case 'size':
      case 'trailer': {
        const newline = buffer.indexOf(10, offset);
        if (newline === -1) {
          this.line += buffer.toString('latin1', offset);
          return buffer.length;
        }
        const line = (this.line + buffer.toString('latin1', offset, newline)).trim();
        this.line = '';
        if (this.phase === 'trailer') {
          if (line === '') this.phase = 'done';
        } else {
          this.remaining = Number.parseInt(line.split(';')[0] ?? '', 16);
          this.phase = this.remaining === 0 ? 'trailer' : 'data';
        }
        return newline + 1;
      }
      case 'data':
      case 'length': {
        const take = Math.min(this.remaining, buffer.length - offset);
        this.exchange.body(buffer.subarray(offset, offset + take));
        this.remaining -= take;
        if (this.remaining === 0) {
          this.phase = this.phase === 'data' ? 'crlf' : 'done';
          this.remaining = 2;
        }
        return offset + take;
      }
      case 'crlf': {
        const take = Math.min(this.remaining, buffer.length - offset);
        this.remaining -= take;
        if (this.remaining === 0) this.phase = 'size';
        return offset + take;
      }
      case 'close':
        this.exchange.body(buffer.subarray(offset));
        return buffer.length;
      default:
        return buffer.length;
    }
  }
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const started = performance.now();
  const deadline = options.durationMs === undefined ? Number.POSITIVE_INFINITY : started + options.durationMs;
  const perConnection = options.perConnection ?? Number.POSITIVE_INFINITY;
  const totalRequests = options.requests ?? Number.POSITIVE_INFINITY;
  const maxConnecting = options.maxConnecting ?? options.connections;
  const headerLines = Object.entries({ 'content-type': 'application/json', ...options.headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const bodyBytes = Buffer.from(options.body);
  const requestBytes = Buffer.concat([
    Buffer.from(`POST ${options.path} HTTP/1.1\r\nhost: ${options.host}:${options.port}\r\n${headerLines}content-length: ${bodyBytes.length}\r\n\r\n`),
    bodyBytes,
  ]);

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
  let connecting = 0;
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
        ...(allFirstByteMs === undefined ? {} : { allFirstByteMs }),
      });
    }

    const openConnection = (): void => {
      if (!mayOpen()) {
        setImmediate(settle);
        return;
      }
      sockets++;
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

      socket.on('connect', send);
      socket.on('data', (buffer: Buffer) => {
        if (exchange === undefined || reader === undefined) return;
        const hadFirstByte = exchange.firstByteAt !== undefined;
        reader.feed(buffer);
        if (!hadFirstByte && exchange.firstByteAt !== undefined) {
          connecting--;
          firstBytes++;
          if (firstBytes === totalRequests) allFirstByteMs = performance.now() - started;
          while (connecting < maxConnecting && perConnection !== Number.POSITIVE_INFINITY && mayOpen()) openConnection();
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
        if (perConnection !== Number.POSITIVE_INFINITY && connecting < maxConnecting && mayOpen()) openConnection();
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
