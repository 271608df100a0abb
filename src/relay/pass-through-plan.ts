// Per attempt, whether the client's own request goes to this channel as it is (same-dialect
// pass-through, issue 14, docs/ingress-protocols.md §D1) and the try that does it. A request whose
// candidates mix dialects takes the pass-through on the channels of its dialect and the translated
// path on the others, each try on its own.
import type { ModePlan } from '../adapt/plan-upstream-mode.ts';
import type { Capabilities, Channel } from '../core/channel.ts';
import type { ChatRequest } from '../core/chat.ts';
import type { SameDialectRequest } from '../core/ingress-codec.ts';
import type { PassThroughDialect } from '../providers/types.ts';
import type { Provider } from '../providers/types.ts';
import type { PreparedTry } from './attempt-loop.ts';
import { captureFor } from './capture-exchange.ts';
import { applyChannelOverrides } from './open-upstream.ts';
import { runPassThroughAttempt } from './pass-through-attempt.ts';
import type { RelayContext, RelayDependencies } from './relay-dependencies.ts';
import type { RelayOutcome } from './run-attempt.ts';

/** The name of the adaptation in the log row and `x-sluice-adaptations`. */
export const passThroughAdaptation = 'pass-through';

/**
 * The channel's dialect takes the client's protocol, the channel serves it for this model (a
 * capability), and the upstream is called in the client's own mode: a channel that needs the other
 * mode (`stream: required` for a non-stream client, or `unsupported` for a streaming one) gets the
 * translated request, which folds or replays the answer.
 */
export function findPassThrough(sameDialect: SameDialectRequest | undefined, provider: Provider, capabilities: Capabilities, channel: Channel, plan: ModePlan, clientStream: boolean): PassThroughDialect | undefined {
  const dialect = provider.passThrough;
  if (sameDialect === undefined || dialect === undefined || dialect.protocol !== sameDialect.protocol) return undefined;
  if (plan.upstreamStream !== clientStream) return undefined;
  return dialect.usable === undefined || dialect.usable(capabilities, channel) ? dialect : undefined;
}

export interface PassThroughTry {
  dialect: PassThroughDialect;
  sameDialect: SameDialectRequest;
  /** The internal request with the client model name of this candidate. */
  request: ChatRequest;
  channel: Channel;
  upstreamModel: string;
  provider: Provider;
  apiKey: string | undefined;
  /** Fields this upstream model rejected before (learned): left out here too. */
  dropFields: readonly string[];
}

export function preparePassThroughTry(given: PassThroughTry, context: RelayContext, dependencies: RelayDependencies): PreparedTry<RelayOutcome> {
  const { dialect, channel, request } = given;
  const body = { ...given.sameDialect.body };
  for (const field of given.dropFields) Reflect.deleteProperty(body, field);
  const stream = request.stream === true;
  const target = { channel, upstreamModel: given.upstreamModel, apiKey: given.apiKey, stream, streamOptions: false };
  const upstreamRequest = applyChannelOverrides(dialect.buildRequest({ ...given.sameDialect, body }, target), channel);
  const { record } = context;
  return {
    body: upstreamRequest.body,
    upstreamStream: stream,
    run: (signal, onSettled, deadline) =>
      runPassThroughAttempt({ dialect, request, createEncoder: context.createEncoder, channel, provider: given.provider, upstreamRequest, signal, deadline, record, send: dependencies.send, onSettled, capture: captureFor(channel, context, dependencies), secrets: dependencies.secrets }),
    succeeded(outcome, startedMs) {
      record.adaptations.push(passThroughAdaptation);
      if (outcome.kind === 'stream') record.firstTokenMs = dependencies.nowMs() - startedMs;
    },
    keepsRunning: (outcome) => outcome.kind === 'stream',
    ...(dialect.learnFrom === undefined ? {} : { learnFrom: dialect.learnFrom }),
  };
}
