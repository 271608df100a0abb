// A probe of one channel: each of its concrete models called three ways — non-stream, stream, and
// stream with `stream_options.include_usage` — straight through the channel's dialect, with no
// adaptation and no retry, so each answer is the upstream's own. What the answers show is learned
// (evidence "probe: …"), so the next client request goes right the first time.
import { decodeStream } from '../codec/sse/index.ts';
import { parseEvents } from '../providers/shared/parse-events.ts';
import type { CapabilityHints, Channel, StreamSupport } from '../core/channel.ts';
import type { ChatRequest } from '../core/chat.ts';
import { isGatewayError } from '../core/errors.ts';
import { isGlob, lookupByGlob } from '../lib/match-glob.ts';
import { readBodyText } from '../lib/read-body-text.ts';
import type { Provider } from '../providers/types.ts';
import { providerFor } from './attempt-loop.ts';
import { maskSecrets } from './capture.ts';
import { learnableStatuses, learnedRecheckMs } from './failure-policy.ts';
import { openUpstream, prepareUpstreamRequest } from './open-upstream.ts';
import type { RelayDependencies } from './relay-dependencies.ts';

/** One call of a probe, however long the upstream's own timeouts would let it run. */
const probeCallTimeoutMs = 60_000;

export interface ProbeCall {
  ok: boolean;
  status: number | undefined;
  /** The upstream's own words (or Sluice's, when it never answered). */
  error?: string;
  /** Streams only: whether a usage chunk came. */
  usage?: boolean;
}

export interface ModelProbe {
  model: string;
  nonStream: ProbeCall;
  stream: ProbeCall;
  streamOptions: ProbeCall;
  configured: CapabilityHints;
  /** Learned before this probe. */
  learned: CapabilityHints;
  /** What this probe showed, and Sluice now remembers; a field stays unset when the answers did not tell. */
  resulting: CapabilityHints;
}

interface CallMode {
  stream: boolean;
  streamOptions: boolean;
}

/** `ping` for one token, like the health checks: the cheapest call that shows the mode works. */
function pingRequest(model: string): ChatRequest {
  return { model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 };
}

async function callOnce(channel: Channel, provider: Provider, model: string, mode: CallMode, dependencies: RelayDependencies, signal: AbortSignal): Promise<ProbeCall> {
  const key = dependencies.keys.choose(channel.name, channel.apiKeys);
  const apiKey = key.kind === 'key' ? key.key : channel.apiKeys[0];
  const upstreamRequest = prepareUpstreamRequest(provider, pingRequest(model), { channel, upstreamModel: model, apiKey, ...mode });
  const callSignal = AbortSignal.any([signal, AbortSignal.timeout(Math.min(channel.timeouts.totalMs, probeCallTimeoutMs))]);
  const context = { channel: channel.name };
  try {
    const response = await openUpstream(provider, upstreamRequest, { channel: channel.name, signal: callSignal, timeouts: channel.timeouts, limits: channel.limits, stream: mode.stream, send: dependencies.send });
    if (!mode.stream) {
      provider.parseChatResponse(JSON.parse(await readBodyText(response.body)), context);
      return { ok: true, status: response.status };
    }
    let chunks = 0;
    let usage = false;
    for await (const chunk of parseEvents(provider.createChatStreamParser(context), decodeStream(response.body))) {
      chunks += 1;
      usage ||= chunk.usage != null;
    }
    return chunks === 0 ? { ok: false, status: response.status, error: 'the stream ended without a single chunk', usage } : { ok: true, status: response.status, usage };
  } catch (error) {
    const status = isGatewayError(error) ? error.upstream?.status : undefined;
    return { ok: false, status, error: maskSecrets(error instanceof Error ? error.message : String(error), dependencies.secrets) };
  }
}

/** A refusal of the call itself (a 4xx whose words may say why), not a channel having a bad moment. */
function isRefusal(call: ProbeCall): boolean {
  return !call.ok && call.status !== undefined && learnableStatuses.has(call.status);
}

function concludeStream(nonStream: ProbeCall, stream: ProbeCall): StreamSupport | undefined {
  if (nonStream.ok && stream.ok) return 'supported';
  if (stream.ok && isRefusal(nonStream)) return 'required';
  if (nonStream.ok && isRefusal(stream)) return 'unsupported';
  return undefined;
}

export function concludeCapabilities(nonStream: ProbeCall, stream: ProbeCall, streamOptions: ProbeCall): CapabilityHints {
  const hints: CapabilityHints = {};
  const support = concludeStream(nonStream, stream);
  if (support !== undefined) hints.stream = support;
  if (stream.ok && streamOptions.ok) hints.streamOptions = true;
  else if (stream.ok && isRefusal(streamOptions)) hints.streamOptions = false;
  return hints;
}

function describeCall(name: string, call: ProbeCall): string {
  return call.ok ? `${name} ok` : `${name} ${call.status ?? 'failed'}: ${(call.error ?? '').slice(0, 200)}`;
}

/** The channel's models without globs: a glob names no model that could be called. */
export function listProbeModels(channel: Channel): string[] {
  return channel.models.filter((model) => !isGlob(model));
}

export async function probeModel(channel: Channel, model: string, dependencies: RelayDependencies, signal: AbortSignal): Promise<ModelProbe> {
  const provider = providerFor(dependencies, channel);
  const learned = dependencies.learned.hintsFor(channel.name)[model] ?? {};
  const nonStream = await callOnce(channel, provider, model, { stream: false, streamOptions: false }, dependencies, signal);
  const stream = await callOnce(channel, provider, model, { stream: true, streamOptions: false }, dependencies, signal);
  const streamOptions = await callOnce(channel, provider, model, { stream: true, streamOptions: true }, dependencies, signal);
  const resulting = concludeCapabilities(nonStream, stream, streamOptions);
  if (Object.keys(resulting).length > 0) {
    const evidence = `probe: ${[describeCall('non-stream', nonStream), describeCall('stream', stream), describeCall('stream_options', streamOptions)].join('; ')}`;
    dependencies.learned.learn(channel.name, model, resulting, evidence, learnedRecheckMs);
  }
  return { model, nonStream, stream, streamOptions, configured: lookupByGlob(channel.capabilities, model) ?? {}, learned, resulting };
}

export async function probeChannel(channel: Channel, dependencies: RelayDependencies, signal: AbortSignal): Promise<ModelProbe[]> {
  const probes: ModelProbe[] = [];
  // One model after another: a probe should not look like a burst to an upstream's rate limiter.
  for (const model of listProbeModels(channel)) probes.push(await probeModel(channel, model, dependencies, signal));
  return probes;
}
