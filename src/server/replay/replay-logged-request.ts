// A logged request sent again: the client's request from the row's debug capture goes through the
// relay in-process (optionally pinned to one channel), captured itself, and the two outcomes are
// compared. The admin API and the `replay` command share this; each logs the replay its own way.
import { DONE_FRAME, encodeDataEvent } from '../../codec/sse/index.ts';
import type { AnswerContext } from '../../core/ingress-codec.ts';
import { GatewayError, isGatewayError } from '../../core/errors.ts';
import { capText, maskSecrets, type Capture } from '../../relay/capture.ts';
import { relayChat, type RelayOutcome } from '../../relay/relay-chat.ts';
import type { RelayDependencies } from '../../relay/relay-dependencies.ts';
import { pipeToEnd } from '../../relay/committed-stream.ts';
import { createRequestRecord, type RequestRecord } from '../../relay/request-record.ts';
import { fixedChannels } from '../../routing/channel-registry.ts';
import type { RequestLogRow } from '../../store/index.ts';
import { findIngressCodec, type IngressCodecs, type OpenedCodec, type OpenedRequest } from '../ingress-codecs.ts';
import { recordFailure } from '../relayed-route.ts';
import { renderError, toGatewayError } from '../render-error.ts';
import { parseJsonText } from '../../ingress/parse-json-text.ts';
import { compareOutcomes, describeOutcome, type Difference, type Outcome } from './compare-outcomes.ts';
import { readCapture } from './read-capture.ts';
import type { ClientAnswer } from './read-client-answer.ts';

export interface ReplayOptions {
  row: RequestLogRow;
  relay: RelayDependencies;
  /** The codecs, to read the captured request in the protocol it came in (the row's `ingress`). */
  codecs: IngressCodecs;
  /** The replay's own request id (its log row's). */
  requestId: string;
  /** Send it to this channel only. */
  channel: string | undefined;
  signal: AbortSignal;
}

export interface ReplayReport {
  pinned_channel: string | null;
  original: Outcome;
  replay: Outcome;
  same: boolean;
  differences: Difference[];
}

export interface ReplayResult {
  report: ReplayReport;
  /** The replay's record, to be logged like any request's. */
  record: RequestRecord;
  /** Epoch milliseconds when the replay started. */
  startedAt: number;
}

interface ReplayableRequest {
  capture: Capture;
  codec: OpenedCodec;
  request: OpenedRequest;
}

/** The captured client request read by its protocol's codec, or a 409 saying why this row cannot be replayed. */
function readReplayableRequest(row: RequestLogRow, codecs: IngressCodecs): ReplayableRequest {
  const capture = readCapture(row.capture);
  if (capture === undefined) {
    throw new GatewayError('conflict', `The request ${row.requestId} was not captured, so there is nothing to re-send. Turn capture on (debug: true on the channel, the key's debug switch, or SLUICE_DEBUG=1) and replay a request made after that.`);
  }
  const codec = findIngressCodec(codecs, row.ingress);
  if (codec === undefined) {
    const protocols = codecs.opened.map((candidate) => candidate.protocol).join(', ');
    throw new GatewayError('conflict', `The request ${row.requestId} came in as ${row.ingress ?? 'unknown'}, which cannot be replayed (only ${protocols} requests can).`);
  }
  try {
    return { capture, codec, request: codec.open(parseJsonText(capture.clientRequest)) };
  } catch (error) {
    const why = isGatewayError(error) ? error.message : String(error);
    throw new GatewayError('conflict', `The captured request of ${row.requestId} cannot be replayed (only whole requests can): ${why}`);
  }
}

/** The relay limited to one channel, with no fallbacks: the replay answers from there or fails. */
function pinTo(relay: RelayDependencies, channel: string | undefined): RelayDependencies {
  if (channel === undefined) return relay;
  const pinned = relay.channels.snapshot().channels.filter((candidate) => candidate.name === channel);
  if (pinned.length === 0) throw new GatewayError('not_found', `There is no channel named '${channel}' taking traffic.`, { param: 'channel' });
  return { ...relay, channels: fixedChannels(pinned), fallbacks: {} };
}

/**
 * Reads the answer to its end as a client would, in the client's protocol: the JSON the codec
 * encodes, or the transcript its stream encoder (Chat Completions frames when it has none) writes.
 */
async function readOutcome(outcome: RelayOutcome, opened: OpenedRequest, context: AnswerContext, record: RequestRecord): Promise<string> {
  if (outcome.kind === 'completion') return JSON.stringify(opened.encodeCompletion(outcome.completion, context));
  // A replay is relayed in Sluice's own terms (no same-dialect pass-through), so it never gets an upstream's own answer.
  if (outcome.kind === 'answer') throw new GatewayError('internal_error', 'A replay got a pass-through answer.');
  const { encoder } = outcome.stream;
  let text = '';
  try {
    await pipeToEnd(outcome.stream, {
      write(frames) {
        text += frames;
        return true;
      },
      whenDrained: (resume) => {
        resume();
      },
    });
  } catch (error) {
    const failure = toGatewayError(error);
    recordFailure(record, failure);
    text += encoder === undefined ? encodeDataEvent(renderError(failure, context.requestId).body) : encoder.encodeFailure(failure, context.requestId);
  }
  // Chat Completions ends every stream with [DONE]; another protocol's encoder wrote its own end.
  if (encoder === undefined) text += DONE_FRAME;
  return text;
}

export async function replayLoggedRequest(options: ReplayOptions): Promise<ReplayResult> {
  const { row, relay, requestId } = options;
  const { request: opened, capture, codec } = readReplayableRequest(row, options.codecs);
  const { chat } = opened;
  const dependencies = pinTo(relay, options.channel);
  const record = createRequestRecord(requestId, chat.model, chat.stream === true);
  record.ingress = codec.protocol;
  const startedAt = Date.now();
  const started = performance.now();
  const context: AnswerContext = {
    requestId,
    createdAt: Math.floor(startedAt / 1000),
    noteAdaptation: (name) => {
      if (!record.adaptations.includes(name)) record.adaptations.push(name);
    },
  };
  const { createStreamEncoder } = opened;
  const createEncoder = createStreamEncoder === undefined ? undefined : () => createStreamEncoder(context);
  let answer: ClientAnswer = { content: '', finishReason: null, streamError: undefined };
  let responseText = '';
  try {
    const outcome = await relayChat(chat, { signal: options.signal, record, captureAll: true, createEncoder }, dependencies);
    responseText = await readOutcome(outcome, opened, context, record);
    answer = codec.readAnswer(responseText);
  } catch (error) {
    recordFailure(record, toGatewayError(error));
  } finally {
    record.durationMs = performance.now() - started;
  }
  // The replay's own capture, masked and capped like a live request's.
  record.capture ??= { clientRequest: '', clientResponse: '', attempts: [] };
  record.capture.clientRequest = maskSecrets(capText(capture.clientRequest, relay.captureCapBytes), relay.secrets);
  record.capture.clientResponse = maskSecrets(capText(responseText, relay.captureCapBytes), relay.secrets);
  const original = describeOutcome(row, codec.readAnswer(capture.clientResponse));
  const replay = describeOutcome(record, answer);
  const differences = compareOutcomes(original, replay);
  return { report: { pinned_channel: options.channel ?? null, original, replay, same: differences.length === 0, differences }, record, startedAt };
}
