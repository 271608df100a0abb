// The one place that turns an error into what a client sees: the OpenAI error shape, plus what
// Sluice knows (hint, channel, upstream status, request id) as extra fields clients may ignore.
import { GatewayError, isGatewayError } from '../core/errors.ts';
import { isStoreUnavailableError } from '../store/index.ts';

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: { error: Record<string, unknown> };
}

export function toGatewayError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  // A store that cannot write is the operator's to fix, not a bug: its own words, and a 503.
  if (isStoreUnavailableError(error)) {
    const said = error instanceof Error ? error.message : String(error);
    return new GatewayError('store_unavailable', `The change could not be stored: ${said}`, { cause: error });
  }
  return new GatewayError('internal_error', 'Sluice failed to handle this request.', { cause: error });
}

export function renderError(error: unknown, requestId: string): RenderedError {
  const gatewayError = toGatewayError(error);
  const headers: Record<string, string> = {};
  if (gatewayError.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.ceil(gatewayError.retryAfterSeconds));
  return {
    status: gatewayError.status,
    headers,
    body: {
      error: {
        message: gatewayError.message,
        type: gatewayError.type,
        param: gatewayError.param,
        code: gatewayError.code,
        hint: gatewayError.hint,
        ...(gatewayError.upstream === undefined ? {} : { channel: gatewayError.upstream.channel, upstream_status: gatewayError.upstream.status ?? null }),
        request_id: requestId,
      },
    },
  };
}
