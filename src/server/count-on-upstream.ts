// count_tokens answered by the upstream itself when a channel of the model counts in the client's
// dialect (Anthropic's `/v1/messages/count_tokens`, docs/ingress-protocols.md §D3). Any failure
// there leaves the answer to Sluice's own estimate: count_tokens always answers (issue 14).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JsonObject } from '../core/chat.ts';
import { GatewayError } from '../core/errors.ts';
import type { SameDialectRequest } from '../core/ingress-codec.ts';
import { relayCountTokens } from '../relay/relay-count-tokens.ts';
import type { RelayDependencies } from '../relay/relay-dependencies.ts';
import { createRequestRecord } from '../relay/request-record.ts';

export async function countOnUpstream(request: FastifyRequest, reply: FastifyReply, sameDialect: SameDialectRequest, model: string, relay: RelayDependencies): Promise<JsonObject | undefined> {
  const controller = new AbortController();
  const onClose = (): void => {
    if (!reply.raw.writableFinished) controller.abort(new GatewayError('client_closed', 'The client closed the connection.'));
  };
  reply.raw.on('close', onClose);
  try {
    return await relayCountTokens(sameDialect, model, { signal: controller.signal, record: createRequestRecord(request.id, model, false), captureAll: false }, relay);
  } catch (error) {
    if (controller.signal.aborted) throw error;
    request.log.warn({ err: error }, 'count_tokens on the upstream failed; answering with Sluice’s estimate');
    return undefined;
  } finally {
    reply.raw.off('close', onClose);
  }
}
