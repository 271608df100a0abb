// An embeddings request through the same attempt loop as chat: same routing, retries, failover,
// breakers and keys; channels whose dialect has no embeddings are left out of the plan.
import type { EmbeddingsRequest, EmbeddingsResponse } from '../core/embeddings.ts';
import { GatewayError } from '../core/errors.ts';
import { providerFor, runAttemptLoop } from './attempt-loop.ts';
import { openUpstream, readJsonBody } from './open-upstream.ts';
import { planAttempts } from './plan-attempts.ts';
import type { RelayContext, RelayDependencies } from './relay-dependencies.ts';

export async function relayEmbeddings(request: EmbeddingsRequest, context: RelayContext, dependencies: RelayDependencies): Promise<EmbeddingsResponse> {
  const candidates = planAttempts(dependencies.channels.snapshot().channels, dependencies.fallbacks, request.model, dependencies.random).filter(
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
      const built = dialect.buildRequest(request, { channel, upstreamModel, apiKey });
      const upstreamRequest = { ...built, headers: { ...built.headers, ...channel.headers } };
      return {
        body: upstreamRequest.body,
        upstreamStream: false,
        async run(signal, onSettled) {
          try {
            const response = await openUpstream(provider, upstreamRequest, { channel: channel.name, signal, timeouts: channel.timeouts, limits: channel.limits, stream: false, send: dependencies.send });
            const parsed = dialect.parseResponse(await readJsonBody(response, channel.name), { channel: channel.name });
            return { ...parsed, model: candidate.clientModel };
          } finally {
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
