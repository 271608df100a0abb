// One legacy Completions attempt (issue 18) on one channel, in the client's own mode: the same send,
// error parsing, timers (first byte, first event, idle), capture and commit point as a chat attempt
// (run-attempt.ts), so retries, failover, breakers and the log row treat it alike.
import { estimateCompletionsUsage } from '../adapt/estimate-completions.ts';
import type { Channel } from '../core/channel.ts';
import { isJsonObject, type Usage } from '../core/chat.ts';
import type { CompletionsRequest, TextCompletion } from '../core/completions.ts';
import type { UpstreamRequest } from '../core/upstream.ts';
import type { DeadlineLink } from '../lib/abort.ts';
import type { CompletionsDialect, Provider } from '../providers/types.ts';
import type { AttemptCapture } from './capture-exchange.ts';
import type { CommittedStream } from './committed-stream.ts';
import { CompletionsStreamPath } from './completions-stream-path.ts';
import { openUpstream, readJsonBody, type SendUpstream } from './open-upstream.ts';
import { recordUsage, type RequestRecord } from './request-record.ts';
import { openAttemptScope, pumpToCommit, settleUnlessStreamed } from './run-attempt.ts';

export type CompletionsOutcome = { kind: 'answer'; body: TextCompletion } | { kind: 'stream'; stream: CommittedStream };

export interface CompletionsAttemptInput {
  /** The client's request, with the client model name of this candidate. */
  request: CompletionsRequest;
  dialect: CompletionsDialect;
  channel: Channel;
  provider: Provider;
  upstreamRequest: UpstreamRequest;
  signal: AbortSignal;
  /** The request's total deadline, which the attempt's watchdog then holds too (attempt-loop.ts). */
  deadline?: DeadlineLink | undefined;
  record: RequestRecord;
  send: SendUpstream;
  onSettled: () => void;
  capture: AttemptCapture | undefined;
}

/** The client sees the model name it asked for, and always usage (counted locally if need be). */
function finishAnswer(answer: TextCompletion, request: CompletionsRequest, record: RequestRecord): TextCompletion {
  const upstreamUsage = isJsonObject(answer.usage) ? (answer.usage as Usage) : undefined;
  const text = answer.choices.map((choice) => (typeof choice.text === 'string' ? choice.text : '')).join('');
  const usage = upstreamUsage ?? estimateCompletionsUsage(request, text);
  recordUsage(record, usage, upstreamUsage === undefined ? 'estimated' : 'upstream');
  return { ...answer, model: request.model, usage };
}

export async function runCompletionsAttempt(input: CompletionsAttemptInput): Promise<CompletionsOutcome> {
  const { request, channel, dialect, record } = input;
  const stream = request.stream === true;
  const { attempt, timer, capture, settle } = openAttemptScope(input);
  return settleUnlessStreamed(attempt, settle, async () => {
    const response = await openUpstream(input.provider, input.upstreamRequest, {
      channel: channel.name,
      signal: attempt.signal,
      timeouts: channel.timeouts,
      limits: channel.limits,
      stream,
      send: input.send,
      // The attempt's watchdog holds the call's total limit, as for chat (run-attempt.ts).
      deadlineHeld: true,
      watchdog: timer,
      ...(capture === undefined ? {} : { observe: capture.observe }),
    });
    const context = { channel: channel.name, receivedAt: Math.floor(Date.now() / 1000) };
    if (!stream) {
      // A JSON body: the watchdog times its silences (each piece read kicks it) and the total limit.
      timer.answerFollows();
      return { kind: 'answer', body: finishAnswer(dialect.parseResponse(await readJsonBody(response, channel.name), context), request, record) };
    }
    timer.headersArrived();
    const path = new CompletionsStreamPath({
      clientModel: request.model,
      clientWantsUsage: request.stream_options?.include_usage === true,
      record,
      context,
      parseEvent: dialect.parseStreamEvent,
      estimate: (text) => estimateCompletionsUsage(request, text),
    });
    const committed = await pumpToCommit(
      response.body,
      path,
      () => {
        timer.chunkArrived();
      },
      channel.name,
      settle,
    );
    return { kind: 'stream', stream: committed };
  });
}
