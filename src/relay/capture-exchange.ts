// Debug capture of one upstream exchange, the same for every kind of request (chat, embeddings):
// whether this try is captured, and recording the request as sent and the response as it is read.
import type { Channel } from '../core/channel.ts';
import type { UpstreamRequest, UpstreamResponse } from '../core/upstream.ts';
import { capText, CappedText, maskHeaders, maskSecrets, teeBody, type CapturedExchange } from './capture.ts';
import type { RelayContext, RelayDependencies } from './relay-dependencies.ts';
import { BinaryDigest, isBinaryContentType } from './summarize-binary-body.ts';

export interface AttemptCapture {
  exchanges: CapturedExchange[];
  secrets: readonly string[];
  capBytes: number;
}

export interface ExchangeCapture {
  /** Sees the response before it is read; its body is teed into the capture. */
  observe: (response: UpstreamResponse) => UpstreamResponse;
  /** Fills in the response text once the attempt settles. */
  finish: () => void;
}

/** A channel's `debug: true` or the request's switch turns capture on; the record keeps it. */
export function captureFor(channel: Channel, context: RelayContext, dependencies: RelayDependencies): AttemptCapture | undefined {
  if (!context.captureAll && !channel.debug) return undefined;
  context.record.capture ??= { clientRequest: '', clientResponse: '', attempts: [] };
  return { exchanges: context.record.capture.attempts, secrets: dependencies.secrets, capBytes: dependencies.captureCapBytes };
}

/** Records the exchange as it happens; the response text is filled in when the attempt settles. */
export function startExchangeCapture(upstreamRequest: UpstreamRequest, capture: AttemptCapture): ExchangeCapture {
  const exchange: CapturedExchange = {
    url: maskSecrets(upstreamRequest.url, capture.secrets),
    requestHeaders: maskHeaders(upstreamRequest.headers, capture.secrets),
    requestBody: maskSecrets(capText(JSON.stringify(upstreamRequest.body), capture.capBytes), capture.secrets),
    status: undefined,
    responseHeaders: {},
    responseBody: '',
    truncated: false,
  };
  capture.exchanges.push(exchange);
  const sink = new CappedText(capture.capBytes);
  // Audio and image answers are recorded by size, type and hash, not as text (docs/endpoints.md).
  let digest: BinaryDigest | undefined;
  return {
    observe: (response) => {
      exchange.status = response.status;
      exchange.responseHeaders = maskHeaders(response.headers, capture.secrets);
      const contentType = response.headers['content-type'];
      const type = Array.isArray(contentType) ? contentType[0] : contentType;
      if (type !== undefined && isBinaryContentType(type)) digest = new BinaryDigest(type);
      return { ...response, body: teeBody(response.body, digest ?? sink) };
    },
    finish: () => {
      exchange.responseBody = digest === undefined ? maskSecrets(sink.text, capture.secrets) : digest.describe();
      exchange.truncated = digest === undefined && sink.truncated;
    },
  };
}
