// One same-dialect attempt (issue 14, docs/ingress-protocols.md §D1): the client's body to a channel
// of its own dialect, the answer back in the client's protocol with only its model name changed.
// Everything else is the translated attempt's (run-attempt.ts): the same send, error parsing,
// timers (first byte, first event, idle), capture, pump and commit point, so retries, failover,
// breakers and the log row treat both paths alike.
import { estimatorOf } from '../adapt/estimate-usage.ts';
import type { PassThroughDialect } from '../providers/types.ts';
import { maskSecrets } from './capture.ts';
import { showsUpstreamErrorAsIs } from './failure-policy.ts';
import { openUpstream, readJsonBody } from './open-upstream.ts';
import { PassThroughPath } from './pass-through-path.ts';
import { openAttemptScope, pumpToCommit, settleUnlessStreamed, type AttemptInput, type RelayOutcome } from './run-attempt.ts';

/** A translated attempt's input without its mode plan (the client's mode is the upstream's), plus the dialect. */
export interface PassThroughAttemptInput extends Omit<AttemptInput, 'plan'> {
  dialect: PassThroughDialect;
  /** Every configured secret: an error body that holds one is never shown as is. */
  secrets: readonly string[];
}

/** The upstream's error body for the client, when its status says the request was at fault and it holds no secret. */
export function keepErrorBody(dialect: Pick<PassThroughDialect, 'readErrorBody'>, secrets: readonly string[]): (status: number, text: string) => object | undefined {
  return (status, text) => (showsUpstreamErrorAsIs(status) && maskSecrets(text, secrets) === text ? dialect.readErrorBody?.(text) : undefined);
}

export async function runPassThroughAttempt(input: PassThroughAttemptInput): Promise<RelayOutcome> {
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
      deadlineHeld: true,
      watchdog: timer,
      keepErrorBody: keepErrorBody(dialect, input.secrets),
      ...(capture === undefined ? {} : { observe: capture.observe }),
    });
    const parseContext = { channel: channel.name, receivedAt: Math.floor(Date.now() / 1000) };
    const estimate = estimatorOf(request);
    if (!stream) {
      timer.answerFollows();
      const answer = dialect.readAnswer(await readJsonBody(response, channel.name), request.model, parseContext);
      const usage = answer.usage ?? estimate(answer.text);
      Object.assign(record, { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, usageSource: answer.usage === undefined ? 'estimated' : 'upstream' });
      return { kind: 'answer', body: answer.body };
    }
    timer.headersArrived();
    const path = new PassThroughPath(dialect.createStreamRelay(request.model, parseContext), { record, estimate, clientEncoder: input.createEncoder?.() });
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
