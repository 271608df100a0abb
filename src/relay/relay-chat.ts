// A chat request through the attempt loop: per try, the channel's capabilities decide the upstream
// mode, the dialect builds the call, and run-attempt holds the commit point.
import { planUpstreamMode } from '../adapt/plan-upstream-mode.ts';
import { resolveCapabilities } from '../adapt/resolve-capabilities.ts';
import type { ChatRequest } from '../core/chat.ts';
import { GatewayError } from '../core/errors.ts';
import type { Provider } from '../providers/types.ts';
import { providerFor, runAttemptLoop } from './attempt-loop.ts';
import { prepareUpstreamRequest } from './open-upstream.ts';
import { planAttempts, type Candidate } from './plan-attempts.ts';
import type { RelayContext, RelayDependencies } from './relay-dependencies.ts';
import { captureFor } from './capture-exchange.ts';
import { findPassThrough, preparePassThroughTry } from './pass-through-plan.ts';
import { runAttempt, type RelayOutcome } from './run-attempt.ts';

export type { RelayOutcome } from './run-attempt.ts';

function omitFields(request: ChatRequest, fields: readonly string[]): ChatRequest {
  if (fields.length === 0) return request;
  const copy: ChatRequest = { ...request };
  for (const field of fields) Reflect.deleteProperty(copy, field);
  return copy;
}

/** The name of the adaptation in the log row and `x-sluice-adaptations`: a translated try went without the client's hosted tools. */
export const droppedToolsAdaptation = 'dropped-hosted-tools';

/** How a try on this candidate would go now: its capabilities, the upstream mode, and the same-dialect dialect if it passes through. */
function choosePath(candidate: Candidate, provider: Provider, request: ChatRequest, context: RelayContext, dependencies: RelayDependencies) {
  const { channel, upstreamModel } = candidate;
  const capabilities = resolveCapabilities(upstreamModel, [channel.capabilities, dependencies.learned.hintsFor(channel.name)], provider.defaultCapabilities);
  const plan = planUpstreamMode({ clientStream: request.stream === true, clientWantsUsage: request.stream_options?.include_usage === true, capabilities, preferStream: channel.preferStream });
  const passThrough = findPassThrough(context.sameDialect, provider, capabilities, channel, plan, request.stream === true);
  return { capabilities, plan, passThrough };
}

/** The candidates a request may try, in order; throws when none serves its model or can carry its hosted tools. */
function planCandidates(request: ChatRequest, context: RelayContext, dependencies: RelayDependencies): Candidate[] {
  const planned = planAttempts(dependencies.channels.snapshot().channels, dependencies.fallbacks, request.model, dependencies.random, dependencies.channelStats);
  if (planned.length === 0) {
    throw new GatewayError('model_not_found', `The model '${request.model}' does not exist or is not served by this gateway.`, { param: 'model' });
  }
  return keepCarriers(planned, request, context, dependencies);
}

/**
 * A request with hosted tools that must not be dropped goes only to the candidates that pass it
 * through (the others are skipped, whatever their priority); with none, it is refused before any
 * call, naming the first hosted part (docs/clients.md, "Pass-through").
 */
function keepCarriers(candidates: Candidate[], request: ChatRequest, context: RelayContext, dependencies: RelayDependencies): Candidate[] {
  const refusal = context.untranslatable?.refusal;
  if (refusal === undefined) return candidates;
  const carriers = candidates.filter((candidate) => choosePath(candidate, providerFor(dependencies, candidate.channel), request, context, dependencies).passThrough !== undefined);
  if (carriers.length === 0) throw refusal;
  return carriers;
}

/**
 * Not async: it hands on the attempt loop's promise. An async function returning a promise resolves its
 * own with it, a promise and two turns of the microtask queue more a request (docs/benchmarks.md
 * "Round nineteen"); a refusal before any try is still a rejected promise, not a throw.
 */
export function relayChat(request: ChatRequest, context: RelayContext, dependencies: RelayDependencies): Promise<RelayOutcome> {
  let candidates: Candidate[];
  try {
    candidates = planCandidates(request, context, dependencies);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  const { record, untranslatable } = context;
  return runAttemptLoop<RelayOutcome>({
    model: request.model,
    candidates,
    context,
    dependencies,
    prepare(candidate, provider, apiKey) {
      const { channel, upstreamModel } = candidate;
      const { capabilities, plan, passThrough } = choosePath(candidate, provider, request, context, dependencies);
      const clientRequest = candidate.clientModel === request.model ? request : { ...request, model: candidate.clientModel };
      const { sameDialect } = context;
      if (passThrough !== undefined && sameDialect !== undefined) {
        return preparePassThroughTry({ dialect: passThrough, sameDialect, request: clientRequest, channel, upstreamModel, provider, apiKey, dropFields: capabilities.dropFields }, context, dependencies);
      }
      // This channel learned in this request that it cannot pass through: it cannot carry the hosted tools either.
      if (untranslatable?.refusal !== undefined) return untranslatable.refusal;
      const target = { channel, upstreamModel, apiKey, stream: plan.upstreamStream, streamOptions: plan.sendStreamOptions };
      const upstreamRequest = prepareUpstreamRequest(provider, omitFields(clientRequest, capabilities.dropFields), target);
      return {
        body: upstreamRequest.body,
        upstreamStream: plan.upstreamStream,
        run: (signal, onSettled, deadline) =>
          runAttempt({ request: clientRequest, createEncoder: context.createEncoder, channel, provider, plan, upstreamRequest, signal, deadline, record, send: dependencies.send, onSettled, capture: captureFor(channel, context, dependencies) }),
        succeeded(outcome, startedMs) {
          if (plan.adaptation !== undefined) record.adaptations.push(plan.adaptation);
          if (request.stream === true && plan.clientWantsUsage && !plan.sendStreamOptions) record.adaptations.push('usage-counted-locally');
          if (untranslatable !== undefined) record.adaptations.push(droppedToolsAdaptation);
          if (outcome.kind === 'stream') record.firstTokenMs = dependencies.nowMs() - startedMs;
        },
        keepsRunning: (outcome) => outcome.kind === 'stream',
      };
    },
  });
}
