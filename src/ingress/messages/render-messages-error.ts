// Errors in Anthropic's shape for /v1/messages (docs/ingress-protocols.md §A6):
// `{"type":"error","error":{"type","message"},"request_id"}`, the error type from Anthropic's list
// (@anthropic-ai/sdk src/resources/shared.ts), 529 for overload and `retry-after` on 429
// (docs/ingress-protocols.md §D3 "Idle and errors"). Sluice's own words (hint, code, param, channel)
// stay as extra fields the SDK ignores.
import type { GatewayError } from '../../core/errors.ts';
import type { RenderedError } from '../../core/ingress-codec.ts';

/** Anthropic's overload status: the SDK and Claude Code retry it like a 503. */
export const overloadedStatus = 529;

/** Upstream statuses that mean "too busy now", answered as Anthropic's overload. */
const overloadedUpstreamStatuses: ReadonlySet<number> = new Set([503, 529]);

/** Sluice errors that mean no upstream can take the call now (every circuit open, every slot busy). */
const overloadedCodes: ReadonlySet<string> = new Set(['no_channel_available', 'shutting_down']);

function isOverloaded(error: GatewayError): boolean {
  if (overloadedCodes.has(error.code)) return true;
  const upstreamStatus = error.upstream?.status;
  return error.status >= 500 && upstreamStatus !== undefined && overloadedUpstreamStatuses.has(upstreamStatus);
}

/** Anthropic's error type for a Sluice error, by what the client should do about it. */
export function anthropicErrorType(error: GatewayError, status: number): string {
  if (status === overloadedStatus) return 'overloaded_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 408 || status === 504 || error.type === 'timeout_error') return 'timeout_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** The `error` object of an Anthropic error body (also the payload of an `event: error`). */
export function describeAnthropicError(error: GatewayError, status: number): Record<string, unknown> {
  return {
    type: anthropicErrorType(error, status),
    message: error.message,
    code: error.code,
    param: error.param,
    hint: error.hint,
    ...(error.upstream === undefined ? {} : { channel: error.upstream.channel, upstream_status: error.upstream.status ?? null }),
  };
}

export function renderMessagesError(error: GatewayError, requestId: string): RenderedError {
  const status = isOverloaded(error) ? overloadedStatus : error.status;
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.ceil(error.retryAfterSeconds));
  return { status, headers, body: { type: 'error', error: describeAnthropicError(error, status), request_id: requestId } };
}
