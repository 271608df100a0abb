// The relay for one chat request: route, plan the upstream mode, call, adapt, and hold the commit
// point — a streaming client gets nothing until the first upstream chunk has been parsed.
import { CompletionCollector } from '../adapt/collect-stream.ts';
import { estimateUsage } from '../adapt/estimate-usage.ts';
import { planUpstreamMode } from '../adapt/plan-upstream-mode.ts';
import { replayAsStream } from '../adapt/replay-as-stream.ts';
import { resolveCapabilities } from '../adapt/resolve-capabilities.ts';
import { decodeStream } from '../codec/sse/index.ts';
import type { Channel } from '../core/channel.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../core/chat.ts';
import { GatewayError } from '../core/errors.ts';
import { readBodyText } from '../lib/read-body-text.ts';
import { streamOf } from '../lib/stream-of.ts';
import type { Provider } from '../providers/types.ts';
import { orderByPriorityAndWeight } from '../routing/choose-channel.ts';
import type { KeyRotator } from '../routing/rotate-keys.ts';
import { findRoutes, type Route } from './find-routes.ts';
import { openUpstream, prepareUpstreamRequest, type SendUpstream } from './open-upstream.ts';
import type { RequestRecord } from './request-record.ts';
import { streamToClient } from './stream-to-client.ts';

export interface RelayDependencies {
  channels: readonly Channel[];
  findProvider: (type: string) => Provider | undefined;
  send: SendUpstream;
  keys: KeyRotator;
  random: () => number;
  nowMs: () => number;
}

export type RelayOutcome =
  | { kind: 'completion'; completion: ChatCompletion }
  /** Already past the commit point: the first chunk was parsed; iterating may still throw after it. */
  | { kind: 'stream'; chunks: AsyncIterable<ChatCompletionChunk> };

export interface RelayContext {
  signal: AbortSignal;
  record: RequestRecord;
}

function providerFor(dependencies: RelayDependencies, route: Route): Provider {
  const provider = dependencies.findProvider(route.channel.type);
  if (provider === undefined) throw new GatewayError('internal_error', `channel ${route.channel.name} has unknown type ${route.channel.type}`);
  return provider;
}

function wantsUsage(request: ChatRequest): boolean {
  return request.stream_options?.include_usage === true;
}

/** Pulls the first chunk before anything is sent, then hands back a stream that starts with it. */
async function commitOnFirstChunk(chunks: AsyncGenerator<ChatCompletionChunk>, channel: string): Promise<AsyncIterable<ChatCompletionChunk>> {
  const first = await chunks.next();
  if (first.done === true) {
    throw new GatewayError('upstream_bad_response', `${channel} ended its stream without a single chunk`, { upstream: { channel, status: 200 } });
  }
  return (async function* resume() {
    yield first.value;
    yield* chunks;
  })();
}

export async function relayChat(request: ChatRequest, context: RelayContext, dependencies: RelayDependencies): Promise<RelayOutcome> {
  const { record } = context;
  const clientModel = request.model;
  const routes = findRoutes(dependencies.channels, clientModel);
  const route = orderByPriorityAndWeight(
    routes.map((candidate) => ({ ...candidate, priority: candidate.channel.priority, weight: candidate.channel.weight })),
    dependencies.random,
  )[0];
  if (route === undefined) {
    throw new GatewayError('model_not_found', `The model '${clientModel}' does not exist or is not served by this gateway.`, { param: 'model' });
  }
  const provider = providerFor(dependencies, route);
  const { channel, upstreamModel } = route;
  const capabilities = resolveCapabilities(upstreamModel, [channel.capabilities], provider.defaultCapabilities);
  const plan = planUpstreamMode({
    clientStream: request.stream === true,
    clientWantsUsage: wantsUsage(request),
    capabilities,
    preferStream: channel.preferStream,
  });
  Object.assign(record, { channel: channel.name, upstreamModel, upstreamStream: plan.upstreamStream });
  if (plan.adaptation !== undefined) record.adaptations.push(plan.adaptation);
  if (request.stream === true && wantsUsage(request) && !plan.sendStreamOptions) record.adaptations.push('usage-counted-locally');

  const target = { channel, upstreamModel, apiKey: dependencies.keys.nextKey(channel.name, channel.apiKeys), stream: plan.upstreamStream, streamOptions: plan.sendStreamOptions };
  const upstreamRequest = prepareUpstreamRequest(provider, request, target);
  const started = dependencies.nowMs();
  const attempt = { channel: channel.name, upstreamModel, upstreamStream: plan.upstreamStream, status: undefined as number | undefined, errorCode: undefined as string | undefined, durationMs: 0 };
  record.attempts.push(attempt);
  const parseContext = { channel: channel.name };
  const estimate = (text: string) => estimateUsage(request, text);
  try {
    const response = await openUpstream(provider, upstreamRequest, { channel: channel.name, signal: context.signal, timeouts: channel.timeouts, send: dependencies.send, nowMs: dependencies.nowMs });
    attempt.status = response.status;
    let upstreamChunks: AsyncIterable<ChatCompletionChunk>;
    if (plan.upstreamStream) {
      upstreamChunks = provider.parseChatStream(decodeStream(response.body), parseContext);
      if (request.stream !== true) return { kind: 'completion', completion: finishCompletion(await collect(upstreamChunks), request, record) };
    } else {
      const completion = provider.parseChatResponse(parseJsonBody(await readBodyText(response.body), channel.name), parseContext);
      if (request.stream !== true) return { kind: 'completion', completion: finishCompletion(completion, request, record) };
      upstreamChunks = streamOf(replayAsStream(completion, { includeUsage: true }));
    }
    const clientChunks = streamToClient(upstreamChunks, { clientModel, clientWantsUsage: plan.clientWantsUsage, channel: channel.name, record, estimate });
    const chunks = await commitOnFirstChunk(clientChunks, channel.name);
    record.firstTokenMs = dependencies.nowMs() - started;
    return { kind: 'stream', chunks };
  } catch (error) {
    attempt.errorCode = error instanceof GatewayError ? error.code : 'internal_error';
    if (error instanceof GatewayError && error.upstream?.status !== undefined) attempt.status = error.upstream.status;
    throw error;
  } finally {
    attempt.durationMs = dependencies.nowMs() - started;
  }
}

async function collect(chunks: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletion> {
  const collector = new CompletionCollector();
  for await (const chunk of chunks) collector.add(chunk);
  return collector.result();
}

function parseJsonBody(text: string, channel: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('upstream_bad_response', `${channel} answered 200 with a body that is not JSON: ${text.slice(0, 200)}`, {
      upstream: { channel, status: 200 },
    });
  }
}

/** The client sees the model name it asked for, and always usage (counted locally if need be). */
function finishCompletion(completion: ChatCompletion, request: ChatRequest, record: RequestRecord): ChatCompletion {
  const upstreamUsage = completion.usage ?? undefined;
  const text = completion.choices.map((choice) => `${choice.message.reasoning_content ?? ''}${choice.message.content ?? ''}`).join('');
  const usage = upstreamUsage ?? estimateUsage(request, text);
  record.promptTokens = usage.prompt_tokens;
  record.completionTokens = usage.completion_tokens;
  record.usageSource = upstreamUsage === undefined ? 'estimated' : 'upstream';
  return { ...completion, model: request.model, usage };
}
