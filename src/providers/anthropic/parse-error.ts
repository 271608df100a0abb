// Anthropic errors: `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`
// as an HTTP body (529 overloaded, 429 rate_limit_error, 400 invalid_request_error, …) or as an
// `event: error` in a 200 stream, first or after output (docs/wire-formats.md 2.8).
import type { JsonObject } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import type { UpstreamErrorDetails } from '../../core/upstream.ts';
import { parseErrorBody } from '../shared/parse-error-body.ts';
import type { ParseContext } from '../types.ts';

/** The same failures as HTTP 529 and 500, which Sluice retries (vercel/ai treats them as retryable). */
const transientTypes = new Set(['overloaded_error', 'api_error']);

/** The upstream's words with Anthropic's error type, which says more than the HTTP status. */
export function parseAnthropicError(status: number, bodyText: string): UpstreamErrorDetails {
  const details = parseErrorBody(status, bodyText);
  if (details.type === undefined || details.message.includes(details.type)) return details;
  return { ...details, message: `${details.message} (${details.type})` };
}

export function streamErrorOf(value: JsonObject, context: ParseContext): GatewayError {
  const error = isJsonObject(value.error) ? value.error : {};
  const type = typeof error.type === 'string' ? error.type : 'error';
  const words = typeof error.message === 'string' ? error.message : JSON.stringify(value);
  const message = `${context.channel} reported an error in its stream: ${words} (${type})`;
  const upstream = { channel: context.channel, status: 200 };
  if (type === 'rate_limit_error') return new GatewayError('upstream_rate_limited', message, { upstream });
  if (transientTypes.has(type)) return new GatewayError('upstream_error', message, { upstream });
  return new GatewayError('upstream_stream_error', message, { upstream });
}
