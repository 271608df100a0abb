// One upstream call: build the dialect's request, apply the channel's overrides, send it, and turn
// an error status into a GatewayError with the upstream's own words.
import { applyMergePatch } from '../adapt/merge-patch.ts';
import type { ChatRequest, JsonObject } from '../core/chat.ts';
import { isJsonObject } from '../core/chat.ts';
import type { Channel, TimeoutPolicy, UpstreamLimits } from '../core/channel.ts';
import { GatewayError, PassedUpstreamError } from '../core/errors.ts';
import type { BodyWatchdog, UpstreamRequest, UpstreamResponse } from '../core/upstream.ts';
import { describeBodyText, readBodyBytes, readBodyBytesNow } from '../lib/describe-body-text.ts';
import type { Provider, UpstreamTarget } from '../providers/types.ts';
import { errorFromUpstream, parseRetryAfterSeconds } from './upstream-error.ts';

/**
 * `stream`: the call asks for a stream, so a 2xx body is held to `limits.streamBytes`.
 * `deadlineHeld`: the caller's signal already ends the call at `timeouts.total_ms` (an attempt's watchdog).
 * `watchdog`: that watchdog also times the first byte and the silences; undici sets no timers of its own.
 */
export type SendUpstream = (
  request: UpstreamRequest,
  options: { channel: string; signal: AbortSignal; timeouts: TimeoutPolicy; limits: UpstreamLimits; stream: boolean; deadlineHeld?: boolean; watchdog?: BodyWatchdog; whole?: boolean },
) => Promise<UpstreamResponse>;

/**
 * What a dialect built, with the operator's body merge patch (`overrides`) and `headers` applied
 * last: every kind of request (chat, embeddings) goes out through here.
 */
export function applyChannelOverrides(built: UpstreamRequest, channel: Channel): UpstreamRequest {
  const overrides = channel.overrides;
  const patched: unknown = overrides === undefined ? built.body : applyMergePatch(built.body, overrides);
  const body: JsonObject = isJsonObject(patched) ? patched : built.body;
  return { url: built.url, headers: { ...built.headers, ...channel.headers }, body };
}

/** The dialect's chat request, with the channel's overrides applied last. */
export function prepareUpstreamRequest(provider: Provider, request: ChatRequest, target: UpstreamTarget): UpstreamRequest {
  return applyChannelOverrides(provider.buildChatRequest(request, target), target.channel);
}

export interface OpenOptions {
  channel: string;
  signal: AbortSignal;
  timeouts: TimeoutPolicy;
  limits: UpstreamLimits;
  stream: boolean;
  /** The signal already ends the call at `timeouts.total_ms` (run-attempt.ts's watchAttempt): the client adds no deadline. */
  deadlineHeld?: boolean;
  /** The attempt's watchdog times the first byte and the silences (upstream-client.ts `SendOptions.watchdog`): undici sets no timers. */
  watchdog?: BodyWatchdog;
  /** The answer will be read whole (JSON, not a stream): the client may read it without a stream (upstream-client.ts). */
  whole?: boolean;
  send: SendUpstream;
  /** Sees the response before it is read (debug capture tees its body here). */
  observe?: (response: UpstreamResponse) => UpstreamResponse;
  /** An error answer's body the client may see as is (a same-dialect try's); undefined: Sluice's words only. */
  keepErrorBody?: (status: number, text: string) => object | undefined;
}

export async function openUpstream(provider: Provider, upstreamRequest: UpstreamRequest, options: OpenOptions): Promise<UpstreamResponse> {
  const sent =
    provider.answerLocally === undefined
      ? await options.send(upstreamRequest, options)
      : provider.answerLocally(upstreamRequest, options.signal);
  const response = options.observe === undefined ? sent : options.observe(sent);
  if (response.status < 400) return response;
  const text = describeBodyText(await readBodyBytes(response.body));
  const details = provider.parseError(response.status, text);
  // Retry-After may be an HTTP date: compare it with the wall clock.
  const error = errorFromUpstream(options.channel, response.status, details, parseRetryAfterSeconds(response.headers, Date.now()) ?? details.retryAfterSeconds, {
    url: upstreamRequest.url,
    versionInQuery: provider.versionInQuery === true,
  });
  const body = options.keepErrorBody?.(response.status, text);
  throw body === undefined ? error : new PassedUpstreamError(error, body);
}

/** One decoder for every answer: decode() without `stream` keeps no state between calls (a BOM is dropped each time). */
const utf8 = new TextDecoder();

/**
 * A 200's JSON body; one that is not JSON broke off on the way (a Content-Length lie, a dropped
 * connection): retryable. Most of this function's own time in a profile is the JSON.parse of the
 * answer (V8 counts a builtin's time to its caller).
 */
export async function readJsonBody(response: UpstreamResponse, channel: string): Promise<unknown> {
  return parseJsonBody(await readBodyBytes(response.body), channel);
}

/**
 * readJsonBody without a promise, when the whole body has come already: undici parses a small JSON
 * answer with its head, so by the time the head's promise is answered the body is usually here
 * (docs/benchmarks.md "Round fifteen"). Undefined: await readJsonBody.
 */
export function readJsonBodyNow(response: UpstreamResponse, channel: string): { json: unknown } | undefined {
  const bytes = readBodyBytesNow(response.body);
  return bytes === undefined ? undefined : { json: parseJsonBody(bytes, channel) };
}

function parseJsonBody(bytes: Uint8Array, channel: string): unknown {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    throw new GatewayError('upstream_reset', `${channel} answered 200 with a body that is not JSON: ${describeBodyText(bytes).slice(0, 200)}`, {
      upstream: { channel, status: 200 },
    });
  }
}
