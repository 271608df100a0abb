// A legacy Completions request (POST /v1/completions, issue 18) through the attempt loop, like
// embeddings: the same routing, retries, failover before the first byte, breakers, keys, overrides
// and capture. Only channels whose dialect has the endpoint, and whose upstream is not known to lack
// it (the `completions` capability: config, else learned from its 404), are tried; never translated
// to chat, which would change what a prompt means. `stream_options` follows the `stream_options`
// capability as for chat: learned from a rejection, then the same channel is tried without it.
import { resolveCapabilities } from '../adapt/resolve-capabilities.ts';
import type { CompletionsRequest } from '../core/completions.ts';
import { GatewayError } from '../core/errors.ts';
import { providerFor, runAttemptLoop } from './attempt-loop.ts';
import { captureFor } from './capture-exchange.ts';
import { applyChannelOverrides } from './open-upstream.ts';
import { planAttempts, type Candidate } from './plan-attempts.ts';
import type { RelayContext, RelayDependencies } from './relay-dependencies.ts';
import { runCompletionsAttempt, type CompletionsOutcome } from './run-completions-attempt.ts';

export type { CompletionsOutcome } from './run-completions-attempt.ts';

/** The name of the adaptation in the log row and `x-sluice-adaptations`. */
const usageCountedLocally = 'usage-counted-locally';

function notServed(model: string): GatewayError {
  return new GatewayError('endpoint_not_served', `The model '${model}' is not served for /v1/completions by any channel of this gateway (its channels do not serve the legacy completions endpoint).`, { param: 'model' });
}

function capabilitiesOf(candidate: Candidate, dependencies: RelayDependencies) {
  const provider = providerFor(dependencies, candidate.channel);
  return resolveCapabilities(candidate.upstreamModel, [candidate.channel.capabilities, dependencies.learned.hintsFor(candidate.channel.name)], provider.defaultCapabilities);
}

function serves(candidate: Candidate, dependencies: RelayDependencies): boolean {
  return providerFor(dependencies, candidate.channel).completions !== undefined && capabilitiesOf(candidate, dependencies).completions !== 'unsupported';
}

export async function relayCompletions(request: CompletionsRequest, context: RelayContext, dependencies: RelayDependencies): Promise<CompletionsOutcome> {
  const planned = planAttempts(dependencies.channels.snapshot().channels, dependencies.fallbacks, request.model, dependencies.random, dependencies.channelStats);
  if (planned.length === 0) {
    throw new GatewayError('model_not_found', `The model '${request.model}' does not exist or is not served by this gateway.`, { param: 'model' });
  }
  const candidates = planned.filter((candidate) => serves(candidate, dependencies));
  if (candidates.length === 0) throw notServed(request.model);
  const { record } = context;
  const clientStream = request.stream === true;
  return runAttemptLoop<CompletionsOutcome>({
    model: request.model,
    candidates,
    context,
    dependencies,
    prepare(candidate, provider, apiKey) {
      const { channel, upstreamModel } = candidate;
      const dialect = provider.completions;
      const capabilities = capabilitiesOf(candidate, dependencies);
      // Learned in this request (its 404): the next channel may serve it.
      if (dialect === undefined || capabilities.completions === 'unsupported') return notServed(candidate.clientModel);
      const clientRequest = candidate.clientModel === request.model ? request : { ...request, model: candidate.clientModel };
      const sent = { ...clientRequest };
      for (const field of capabilities.dropFields) Reflect.deleteProperty(sent, field);
      const target = { channel, upstreamModel, apiKey, stream: clientStream, streamOptions: clientStream && capabilities.streamOptions };
      const upstreamRequest = applyChannelOverrides(dialect.buildRequest(sent, target), channel);
      return {
        body: upstreamRequest.body,
        upstreamStream: clientStream,
        run: (signal, onSettled, deadline) =>
          runCompletionsAttempt({ request: clientRequest, dialect, channel, provider, upstreamRequest, signal, deadline, record, send: dependencies.send, onSettled, capture: captureFor(channel, context, dependencies) }),
        succeeded(outcome, startedMs) {
          if (clientStream && request.stream_options?.include_usage === true && !target.streamOptions) record.adaptations.push(usageCountedLocally);
          if (outcome.kind === 'stream') record.firstTokenMs = dependencies.nowMs() - startedMs;
        },
        keepsRunning: (outcome) => outcome.kind === 'stream',
        learnFrom: dialect.learnFrom,
      };
    },
  });
}
