// A logged request sent again: the client's request from the row's debug capture goes through the
// relay in-process (optionally pinned to one channel), captured itself, and the two outcomes are
// compared. The admin API and the `replay` command share this; each logs the replay its own way.
import { CompletionCollector } from '../../adapt/collect-stream.ts';
import { DONE_FRAME, encodeDataEvent } from '../../codec/sse/index.ts';
import type { ChatCompletionChunk, ChatRequest } from '../../core/chat.ts';
import { GatewayError, isGatewayError } from '../../core/errors.ts';
import { capText, maskSecrets, type Capture } from '../../relay/capture.ts';
import { relayChat, type RelayOutcome } from '../../relay/relay-chat.ts';
import type { RelayDependencies } from '../../relay/relay-dependencies.ts';
import { createRequestRecord, type RequestRecord } from '../../relay/request-record.ts';
import { fixedChannels } from '../../routing/channel-registry.ts';
import type { RequestLogRow } from '../../store/index.ts';
import { recordFailure } from '../relayed-route.ts';
import { renderError, toGatewayError } from '../render-error.ts';
import { parseChatRequest } from '../../ingress/chat-completions/parse-chat-request.ts';
import { parseJsonText } from '../../ingress/parse-json-text.ts';
import { compareOutcomes, describeOutcome, type Difference, type Outcome } from './compare-outcomes.ts';
import { readCapture } from './read-capture.ts';
import { readClientAnswer, readCompletionAnswer, type ClientAnswer } from './read-client-answer.ts';

export interface ReplayOptions {
  row: RequestLogRow;
  relay: RelayDependencies;
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

/** The captured client request, or a 409 saying why this row cannot be replayed. */
function readReplayableRequest(row: RequestLogRow): { request: ChatRequest; capture: Capture } {
  const capture = readCapture(row.capture);
  if (capture === undefined) {
    throw new GatewayError('conflict', `The request ${row.requestId} was not captured, so there is nothing to re-send. Turn capture on (debug: true on the channel, the key's debug switch, or SLUICE_DEBUG=1) and replay a request made after that.`);
  }
  try {
    return { request: parseChatRequest(parseJsonText(capture.clientRequest)), capture };
  } catch (error) {
    const why = isGatewayError(error) ? error.message : String(error);
    throw new GatewayError('conflict', `The captured request of ${row.requestId} cannot be replayed (only whole chat completion requests can): ${why}`);
  }
}

/** The relay limited to one channel, with no fallbacks: the replay answers from there or fails. */
function pinTo(relay: RelayDependencies, channel: string | undefined): RelayDependencies {
  if (channel === undefined) return relay;
  const pinned = relay.channels.snapshot().channels.filter((candidate) => candidate.name === channel);
  if (pinned.length === 0) throw new GatewayError('not_found', `There is no channel named '${channel}' taking traffic.`, { param: 'channel' });
  return { ...relay, channels: fixedChannels(pinned), fallbacks: {} };
}

/** Every frame the stream path writes is `data: <one line of JSON>\n\n`: the chunks are read back from them. */
function readChunks(frames: string, collector: CompletionCollector): void {
  for (const frame of frames.split('\n\n')) if (frame.startsWith('data: {')) collector.add(JSON.parse(frame.slice('data: '.length)) as ChatCompletionChunk);
}

/** Reads a stream to its end as a client would, keeping the transcript Sluice would have written. */
async function readOutcome(outcome: RelayOutcome, record: RequestRecord, requestId: string): Promise<{ answer: ClientAnswer; text: string }> {
  if (outcome.kind === 'completion') return { answer: readCompletionAnswer(outcome.completion), text: JSON.stringify(outcome.completion) };
  // A replay is relayed as Chat Completions, never as the client's own dialect.
  if (outcome.kind === 'answer') throw new GatewayError('internal_error', 'A replay got a pass-through answer.');
  const collector = new CompletionCollector();
  let text = '';
  let streamError: string | undefined;
  try {
    await outcome.stream.pipeTo({
      write(frames) {
        text += frames;
        return true;
      },
      drained: () => Promise.resolve(),
    });
    readChunks(text, collector);
  } catch (error) {
    readChunks(text, collector);
    const failure = toGatewayError(error);
    recordFailure(record, failure);
    streamError = failure.message;
    text += encodeDataEvent(renderError(failure, requestId).body);
  }
  text += DONE_FRAME;
  return { answer: { ...readCompletionAnswer(collector.result()), streamError }, text };
}

export async function replayLoggedRequest(options: ReplayOptions): Promise<ReplayResult> {
  const { row, relay, requestId } = options;
  const { request, capture } = readReplayableRequest(row);
  const dependencies = pinTo(relay, options.channel);
  const record = createRequestRecord(requestId, request.model, request.stream === true);
  const startedAt = Date.now();
  const started = performance.now();
  let answer: ClientAnswer = { content: '', finishReason: null, streamError: undefined };
  let responseText = '';
  try {
    const outcome = await relayChat(request, { signal: options.signal, record, captureAll: true }, dependencies);
    ({ answer, text: responseText } = await readOutcome(outcome, record, requestId));
  } catch (error) {
    recordFailure(record, toGatewayError(error));
  } finally {
    record.durationMs = performance.now() - started;
  }
  // The replay's own capture, masked and capped like a live request's.
  record.capture ??= { clientRequest: '', clientResponse: '', attempts: [] };
  record.capture.clientRequest = maskSecrets(capText(capture.clientRequest, relay.captureCapBytes), relay.secrets);
  record.capture.clientResponse = maskSecrets(capText(responseText, relay.captureCapBytes), relay.secrets);
  const original = describeOutcome(row, readClientAnswer(capture.clientResponse));
  const replay = describeOutcome(record, answer);
  const differences = compareOutcomes(original, replay);
  return { report: { pinned_channel: options.channel ?? null, original, replay, same: differences.length === 0, differences }, record, startedAt };
}
