// The only code that opens sockets (docs/design.md). One undici Agent per connect timeout, reused
// across requests for keep-alive pooling. Every failure leaves here as a typed GatewayError.
import { Agent, request } from 'undici';
import type { TimeoutPolicy } from '../core/channel.ts';
import { GatewayError, isGatewayError } from '../core/errors.ts';
import type { UpstreamRequest, UpstreamResponse } from '../core/upstream.ts';

export interface SendOptions {
  channel: string;
  signal: AbortSignal;
  timeouts: TimeoutPolicy;
}

const agents = new Map<number, Agent>();

function agentFor(connectMs: number): Agent {
  let agent = agents.get(connectMs);
  if (agent === undefined) {
    agent = new Agent({ connect: { timeout: connectMs }, keepAliveTimeout: 30_000, connections: null, pipelining: 1 });
    agents.set(connectMs, agent);
  }
  return agent;
}

const timeoutCodes: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connecting',
  UND_ERR_HEADERS_TIMEOUT: 'waiting for the first byte',
  UND_ERR_BODY_TIMEOUT: 'waiting for more of the body (idle)',
};

/** Failures to connect at all: the channel is down, better tried elsewhere first. */
const connectFailureCodes: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Maps a socket-level failure to the catalog; an abort keeps the reason it was aborted with. */
export function describeSendFailure(error: unknown, options: SendOptions): GatewayError {
  if (isGatewayError(error)) return error;
  const reason: unknown = options.signal.reason;
  if (options.signal.aborted && isGatewayError(reason)) return reason;
  const upstream = { channel: options.channel };
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const phase = code === undefined ? undefined : timeoutCodes[code];
  if (phase !== undefined) {
    return new GatewayError('upstream_timeout', `${options.channel} timed out ${phase}`, { upstream, cause: error });
  }
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
    return new GatewayError('upstream_reset', `${options.channel} sent a body that does not match its Content-Length`, { upstream, cause: error });
  }
  if (code !== undefined && connectFailureCodes.has(code)) {
    return new GatewayError('upstream_unreachable', `${options.channel} could not be reached: ${code}`, { upstream, cause: error });
  }
  // Resets, premature closes, sockets that died mid-body: the connection broke after it was made.
  return new GatewayError('upstream_reset', `${options.channel} broke the connection: ${code ?? detail}`, { upstream, cause: error });
}

async function* guardBody(body: AsyncIterable<Uint8Array>, options: SendOptions): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (error) {
    throw describeSendFailure(error, options);
  }
}

export async function sendUpstream(upstreamRequest: UpstreamRequest, options: SendOptions): Promise<UpstreamResponse> {
  try {
    const response = await request(upstreamRequest.url, {
      method: 'POST',
      headers: upstreamRequest.headers,
      body: JSON.stringify(upstreamRequest.body),
      signal: options.signal,
      dispatcher: agentFor(options.timeouts.connectMs),
      headersTimeout: options.timeouts.firstByteMs,
      bodyTimeout: options.timeouts.idleMs,
    });
    return { status: response.statusCode, headers: response.headers, body: guardBody(response.body, options) };
  } catch (error) {
    throw describeSendFailure(error, options);
  }
}
