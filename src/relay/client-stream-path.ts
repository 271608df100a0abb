// The second half of the push-based stream path (issue 13): canonical chunks → the frames a
// streaming client gets, appended to one string per upstream read (written with one `write`).
// The client's model name in every chunk, usage only when asked (counted locally when the upstream
// gave none), and never a silently truncated stream. The same path replays a completion as a stream.
import { ClientStreamShaper } from '../adapt/shape-client-stream.ts';
import { encodeDataEvent, encodeJsonText } from '../codec/sse/index.ts';
import type { ChatCompletionChunk, PlainChunk, Usage } from '../core/chat.ts';
import { GatewayError } from '../core/errors.ts';
import type { StreamEncoder } from '../core/ingress-codec.ts';
import type { ChatStreamParser } from '../providers/types.ts';
import { UpstreamEventReader } from './read-upstream-events.ts';
import { recordUsage, type RequestRecord } from './request-record.ts';

export interface ClientStreamOptions {
  clientModel: string;
  clientWantsUsage: boolean;
  channel: string;
  record: RequestRecord;
  estimate: (text: string) => Usage;
  /** Another client protocol's frames (issue 14); absent: Chat Completions frames. */
  encoder?: StreamEncoder | undefined;
}

const USAGE_NULL = ',"usage":null';

export class ClientStreamPath {
  readonly #options: ClientStreamOptions;
  readonly #shaper: ClientStreamShaper;
  readonly #reader: UpstreamEventReader | undefined;
  /** The client's model name as it appears in a frame: JSON, escaped like every frame. */
  readonly #modelJson: string;
  readonly #encoder: StreamEncoder | undefined;
  #out = '';
  /** Client frames produced so far: the first one is the commit point. */
  frames = 0;

  /** Without a parser the path takes chunks (`pushChunks`): the replay of a completion. */
  constructor(options: ClientStreamOptions, parser?: ChatStreamParser) {
    this.#options = options;
    this.#shaper = new ClientStreamShaper({ clientModel: options.clientModel, clientWantsUsage: options.clientWantsUsage, keepReasoningState: options.encoder !== undefined });
    this.#modelJson = encodeJsonText(options.clientModel);
    this.#encoder = options.encoder;
    const chunk = (upstreamChunk: ChatCompletionChunk): void => {
      this.#chunk(upstreamChunk);
    };
    // Plain chunks pass through as text only into Chat Completions frames: another protocol's encoder takes chunks.
    const plain = (data: string, plainChunk: PlainChunk): void => {
      this.#plain(data, plainChunk);
    };
    this.#reader = parser === undefined ? undefined : new UpstreamEventReader(parser, this.#encoder === undefined ? { chunk, plain } : { chunk });
  }

  /** The protocol's encoder, when the client speaks another protocol than Chat Completions. */
  get encoder(): StreamEncoder | undefined {
    return this.#encoder;
  }

  get chunks(): number {
    return this.#reader?.chunks ?? 0;
  }

  get finished(): boolean {
    return this.#reader?.finished ?? false;
  }

  /** One upstream read. Throws the stream's error; the frames before it stay in `take()`. */
  push(bytes: Uint8Array): void {
    this.#reader?.push(bytes);
  }

  pushChunks(chunks: Iterable<ChatCompletionChunk>): void {
    for (const chunk of chunks) this.#chunk(chunk);
  }

  /** The upstream is over: the last frames (usage), and the tokens for Sluice's own log. */
  end(): void {
    this.#reader?.end();
    const { channel, record } = this.#options;
    if (!this.#shaper.sawFinishReason) {
      throw new GatewayError('upstream_bad_response', `${channel} ended its stream before a finish_reason`, { upstream: { channel, status: 200 } });
    }
    let estimated: Usage | undefined;
    const estimate = (): Usage => (estimated ??= this.#options.estimate(this.#shaper.text));
    for (const chunk of this.#shaper.finish(estimate)) this.#encode(chunk);
    const usage = this.#shaper.usage ?? estimate();
    if (this.#encoder !== undefined) this.#frame(this.#encoder.encodeEnd(usage));
    recordUsage(record, usage, this.#shaper.usageSource ?? 'estimated');
  }

  /** The frames produced since the last call, as one string. */
  take(): string {
    const out = this.#out;
    this.#out = '';
    return out;
  }

  #chunk(chunk: ChatCompletionChunk): void {
    for (const shaped of this.#shaper.shape(chunk)) this.#encode(shaped);
  }

  #encode(chunk: ChatCompletionChunk): void {
    this.#frame(this.#encoder === undefined ? encodeDataEvent(chunk) : this.#encoder.encodeChunk(chunk));
  }

  /** The upstream's text with the client's model name spliced in and `usage: null` as the client expects it. */
  #plain(data: string, plain: PlainChunk): void {
    this.#shaper.notePlain(plain);
    const wantsUsage = this.#options.clientWantsUsage;
    if (this.#namesClientModel(data, plain) && (plain.usageStart === -1) !== wantsUsage) {
      // Nothing to splice: the upstream named the client's model, and the usage is as the client wants it.
      this.#frame(`data: ${data}\n\n`);
      return;
    }
    let json: string;
    if (plain.usageStart === -1) {
      const rest = data.slice(plain.modelEnd);
      json = `${data.slice(0, plain.modelStart)}${this.#modelJson}${wantsUsage ? `${rest.slice(0, -1)}${USAGE_NULL}}` : rest}`;
    } else if (wantsUsage) {
      json = `${data.slice(0, plain.modelStart)}${this.#modelJson}${data.slice(plain.modelEnd)}`;
    } else if (plain.usageStart < plain.modelStart) {
      json = `${data.slice(0, plain.usageStart)}${data.slice(plain.usageEnd, plain.modelStart)}${this.#modelJson}${data.slice(plain.modelEnd)}`;
    } else {
      json = `${data.slice(0, plain.modelStart)}${this.#modelJson}${data.slice(plain.modelEnd, plain.usageStart)}${data.slice(plain.usageEnd)}`;
    }
    this.#frame(`data: ${json}\n\n`);
  }

  /** Whether the chunk's `model` value is already the client's model name, as JSON text. */
  #namesClientModel(data: string, plain: PlainChunk): boolean {
    const model = this.#modelJson;
    return plain.modelEnd - plain.modelStart === model.length && data.startsWith(model, plain.modelStart);
  }

  #frame(frame: string): void {
    if (frame === '') return;
    this.#out += frame;
    this.frames += 1;
  }
}
