// Gemini errors: `{"error":{"code":429,"message":"…","status":"RESOURCE_EXHAUSTED","details":[…]}}`,
// with the retry hint in the body (`google.rpc.RetryInfo`, `"retryDelay": "34.4s"`), not in a
// Retry-After header (docs/wire-formats.md 2.9; vercel/ai google-429-retry-info.json). A prompt the
// safety filters block is a 200 with `promptFeedback.blockReason` and no candidates.
import type { JsonObject } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import type { UpstreamErrorDetails } from '../../core/upstream.ts';
import { parseErrorBody } from '../shared/parse-error-body.ts';
import type { ParseContext } from '../types.ts';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `"34.4s"` (a protobuf Duration in JSON) → 34.4. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match === null ? undefined : Number(match[1]);
}

/** The `retryDelay` of a RetryInfo entry in `error.details`, in seconds. */
export function readRetryDelay(error: unknown): number | undefined {
  const details = isJsonObject(error) && Array.isArray(error.details) ? error.details : [];
  for (const detail of details) {
    if (isJsonObject(detail) && String(detail['@type']).endsWith('google.rpc.RetryInfo')) return parseDuration(detail.retryDelay);
  }
  return undefined;
}

export function parseGeminiError(status: number, bodyText: string): UpstreamErrorDetails {
  const details = parseErrorBody(status, bodyText);
  const json = parseJson(bodyText.trim());
  // Errors sometimes come as a one-element array (docs/wire-formats.md 2.9, streaming without alt=sse).
  const body: unknown = Array.isArray(json) ? json[0] : json;
  const retryAfterSeconds = readRetryDelay(isJsonObject(body) ? body.error : undefined);
  const withStatus = details.type === undefined || details.message.includes(details.type) ? details : { ...details, message: `${details.message} (${details.type})` };
  return retryAfterSeconds === undefined ? withStatus : { ...withStatus, retryAfterSeconds };
}

/** An `{"error": …}` event inside a 200 stream. */
export function streamErrorOf(value: JsonObject, context: ParseContext): GatewayError {
  const error = isJsonObject(value.error) ? value.error : {};
  const words = typeof error.message === 'string' ? error.message : JSON.stringify(value);
  const message = `${context.channel} reported an error in its stream: ${words}${typeof error.status === 'string' ? ` (${error.status})` : ''}`;
  const upstream = { channel: context.channel, status: 200 };
  if (error.code === 429) return new GatewayError('upstream_rate_limited', message, { upstream });
  if (error.code === 500 || error.code === 503) return new GatewayError('upstream_error', message, { upstream });
  return new GatewayError('upstream_stream_error', message, { upstream });
}

/** `promptFeedback.blockReason` without candidates: the prompt itself was refused, so the client must change it. */
export function blockedPromptError(body: JsonObject, context: ParseContext): GatewayError | undefined {
  const feedback = isJsonObject(body.promptFeedback) ? body.promptFeedback : {};
  if (typeof feedback.blockReason !== 'string' || (Array.isArray(body.candidates) && body.candidates.length > 0)) return undefined;
  const detail = typeof feedback.blockReasonMessage === 'string' ? `: ${feedback.blockReasonMessage}` : '';
  return new GatewayError('upstream_rejected', `${context.channel} blocked the prompt (${feedback.blockReason})${detail}`, {
    upstream: { channel: context.channel, status: 200 },
    hint: "Gemini's safety filters refused the prompt; change the prompt, or the channel's `overrides` (safetySettings).",
    param: 'messages',
  });
}
