// One HTTP/1.1 request/response on a raw socket, for the load client: the response framing (chunked,
// Content-Length or read-to-close) and the SSE or JSON body it carries, checked chunk by chunk.
import type { LoadOptions } from '../load-client.ts';

export type ExchangeOptions = Pick<LoadOptions, 'stream' | 'expectChunks' | 'expectUsage' | 'pacedDelayMs'>;

const markerPattern = /c(\d+)@(\d+(?:\.\d+)?);/g;
const contentPattern = /"content":"((?:[^"\\]|\\.)*)"/g;
const errorEventPattern = /data:\s?\{"error"/;

function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** One request/response on a connection: parses HTTP framing and the SSE or JSON body it carries. */
export class Exchange {
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
  private readonly options: ExchangeOptions;

  constructor(options: ExchangeOptions) {
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
export class ResponseReader {
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

/** The bytes of the one POST every exchange of a run sends (the same request each time). */
export function requestBytesFor(options: Pick<LoadOptions, 'host' | 'port' | 'path' | 'headers' | 'body'>): Buffer {
  const headerLines = Object.entries({ 'content-type': 'application/json', ...options.headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const bodyBytes = Buffer.from(options.body);
  return Buffer.concat([
    Buffer.from(`POST ${options.path} HTTP/1.1\r\nhost: ${options.host}:${options.port}\r\n${headerLines}content-length: ${bodyBytes.length}\r\n\r\n`),
    bodyBytes,
  ]);
}
