// Socket-level failures → the error catalog. Every failure leaves upstream/ as a typed GatewayError.
import { GatewayError, isGatewayError } from '../core/errors.ts';

const timeoutCodes: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connecting',
  UND_ERR_HEADERS_TIMEOUT: 'waiting for the first byte',
  UND_ERR_BODY_TIMEOUT: 'waiting for more of the body (idle)',
};

/** Failures to connect at all: the channel is down, better tried elsewhere first. */
const connectFailureCodes: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export interface FailureScope {
  channel: string;
  /** The call's signal: when it was aborted with a GatewayError, that reason says why. */
  signal: AbortSignal;
}

/** Maps a socket-level failure to the catalog; an abort keeps the reason it was aborted with. */
export function describeSendFailure(error: unknown, scope: FailureScope): GatewayError {
  if (isGatewayError(error)) return error;
  const reason: unknown = scope.signal.reason;
  if (scope.signal.aborted && isGatewayError(reason)) return reason;
  const upstream = { channel: scope.channel };
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const phase = code === undefined ? undefined : timeoutCodes[code];
  if (phase !== undefined) {
    return new GatewayError('upstream_timeout', `${scope.channel} timed out ${phase}`, { upstream, cause: error });
  }
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
    return new GatewayError('upstream_reset', `${scope.channel} sent a body that does not match its Content-Length`, { upstream, cause: error });
  }
  if (code !== undefined && connectFailureCodes.has(code)) {
    return new GatewayError('upstream_unreachable', `${scope.channel} could not be reached: ${code}`, { upstream, cause: error });
  }
  // Resets, premature closes, sockets that died mid-body: the connection broke after it was made.
  return new GatewayError('upstream_reset', `${scope.channel} broke the connection: ${code ?? detail}`, { upstream, cause: error });
}
