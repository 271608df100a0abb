// POST /v1/messages/count_tokens on a channel whose dialect counts itself (Anthropic's
// `/v1/messages/count_tokens`, docs/ingress-protocols.md §D3): the client's body, model mapped, with
// the channel's key, through the same attempt loop as chat (routing, retries, failover, breakers,
// keys, overrides). Undefined when no channel of the model can count: the caller estimates.
import { isJsonObject, type JsonObject } from '../core/chat.ts';
import { GatewayError } from '../core/errors.ts';
import type { SameDialectRequest } from '../core/ingress-codec.ts';
import { providerFor, runAttemptLoop } from './attempt-loop.ts';
import { applyChannelOverrides, openUpstream, readJsonBody } from './open-upstream.ts';
import { planAttempts } from './plan-attempts.ts';
import type { RelayContext, RelayDependencies } from './relay-dependencies.ts';

export async function relayCountTokens(request: SameDialectRequest, model: string, context: RelayContext, dependencies: RelayDependencies): Promise<JsonObject | undefined> {
  const candidates = planAttempts(dependencies.channels.snapshot().channels, dependencies.fallbacks, model, dependencies.random, dependencies.channelStats).filter((candidate) => {
    const dialect = providerFor(dependencies, candidate.channel).passThrough;
    return dialect?.protocol === request.protocol && dialect.buildCountRequest !== undefined;
  });
  if (candidates.length === 0) return undefined;
  return runAttemptLoop<JsonObject>({
    model,
    candidates,
    context,
    dependencies,
    prepare(candidate, provider, apiKey) {
      const { channel, upstreamModel } = candidate;
      const build = provider.passThrough?.buildCountRequest;
      if (build === undefined) throw new GatewayError('internal_error', `channel ${channel.name} cannot count tokens`);
      const upstreamRequest = applyChannelOverrides(build(request, { channel, upstreamModel, apiKey, stream: false, streamOptions: false }), channel);
      return {
        body: upstreamRequest.body,
        upstreamStream: false,
        async run(signal, onSettled) {
          try {
            const response = await openUpstream(provider, upstreamRequest, { channel: channel.name, signal, timeouts: channel.timeouts, limits: channel.limits, stream: false, send: dependencies.send });
            const body = await readJsonBody(response, channel.name);
            if (!isJsonObject(body) || typeof body.input_tokens !== 'number') {
              throw new GatewayError('upstream_bad_response', `${channel.name} answered count_tokens without input_tokens`, { upstream: { channel: channel.name, status: 200 } });
            }
            return body;
          } finally {
            onSettled();
          }
        },
        succeeded: () => undefined,
        keepsRunning: () => false,
      };
    },
  });
}
