// An embeddings request through the same attempt loop as chat: same routing, retries, failover,
// breakers and keys, the same request preparation (the channel's `overrides` and `headers`) and
// debug capture; channels whose dialect has no embeddings are left out of the plan.
import type { EmbeddingsRequest, EmbeddingsResponse } from '../core/embeddings.ts';
import { GatewayError } from '../core/errors.ts';
import { providerFor, runAttemptLoop } from './attempt-loop.ts';
import { captureFor, startExchangeCapture } from './capture-exchange.ts';
import { applyChannelOverrides, openUpstream, readJsonBody } from './open-upstream.ts';
import { planAttempts } from './plan-attempts.ts';
import type { RelayContext, RelayDependencies } from './relay-dependencies.ts';

export async function relayEmbeddings(request: EmbeddingsRequest, context: RelayContext, dependencies: RelayDependencies): Promise<EmbeddingsResponse> {
  const candidates = planAttempts(dependencies.channels.snapshot().channels, dependencies.fallbacks, request.model, dependencies.random, dependencies.channelStats).filter(
    (candidate) => providerFor(dependencies, candidate.channel).embeddings !== undefined,
  );
  if (candidates.length === 0) {
    throw new GatewayError('model_not_found', `The model '${request.model}' is not served for embeddings by this gateway.`, { param: 'model' });
  }
  const { record } = context;
  return runAttemptLoop<EmbeddingsResponse>({
    model: request.model,
    candidates,
    context,
    dependencies,
    prepare(candidate, provider, apiKey) {
      const { channel, upstreamModel } = candidate;
      const dialect = provider.embeddings;
      if (dialect === undefined) throw new GatewayError('internal_error', `channel ${channel.name} has no embeddings`);
      const upstreamRequest = applyChannelOverrides(dialect.buildRequest(request, { channel, upstreamModel, apiKey }), channel);
      const attemptCapture = captureFor(channel, context, dependencies);
      return {
        body: upstreamRequest.body,
        upstreamStream: false,
        async run(signal, onSettled) {
          const capture = attemptCapture === undefined ? undefined : startExchangeCapture(upstreamRequest, attemptCapture);
          try {
            const response = await openUpstream(provider, upstreamRequest, {
              channel: channel.name,
              signal,
              timeouts: channel.timeouts,
              limits: channel.limits,
              stream: false,
              send: dependencies.send,
              ...(capture === undefined ? {} : { observe: capture.observe }),
            });
            const parsed = dialect.parseResponse(await readJsonBody(response, channel.name), { channel: channel.name });
            return { ...parsed, model: candidate.clientModel };
          } finally {
            capture?.finish();
            onSettled();
          }
        },
        succeeded(outcome) {
          record.promptTokens = outcome.usage.prompt_tokens;
          record.completionTokens = 0;
          record.usageSource = 'upstream';
        },
        keepsRunning: () => false,
      };
    },
  });
}
