// A committed stream written to the client as SSE, the same for every relayed route that streams
// (chat, completions): the reply taken over from the framework, the open-streams gauge, the routing
// headers, a failure after the first byte recorded for the log row, and the transcript for a capture.
// The handler returns once the stream is started: the request is held (`Exchange.hold`) and finished
// when the stream ends, so a held stream keeps no chain of suspended handlers.
import { CappedText } from '../relay/capture.ts';
import type { CommittedStream } from '../relay/committed-stream.ts';
import { describeRouting, recordFailure, type Exchange, type RouteOptions } from './relayed-route.ts';
import { writeSse } from './write-sse.ts';

/**
 * Starts writing `stream`; when it is over, `afterEnd` runs (storing the answer in the cache), then
 * the request is finished. A failure of either is the request's failure, as if the handler threw it.
 */
export function writeCommittedStream(exchange: Exchange, options: RouteOptions, stream: CommittedStream, headers?: Record<string, string>, afterEnd?: () => Promise<void>): void {
  const { reply, record, request, clientSignal, started } = exchange;
  const finish = exchange.hold();
  reply.hijack();
  options.onStreamStart();
  const transcript = record.capture === undefined ? undefined : new CappedText(options.relay.captureCapBytes);
  const ended = (error?: unknown): void => {
    options.onStreamEnd();
    if (record.capture !== undefined && transcript !== undefined) record.capture.clientResponse = transcript.text;
    const after = error === undefined && afterEnd !== undefined ? afterEnd() : Promise.resolve();
    // Nothing awaits a held request: what fails while finishing it is logged, as fastify logs a handler's error.
    after
      .then(
        () => finish(error),
        (failure: unknown) => finish(failure),
      )
      .catch((failure: unknown) => {
        request.log.error({ err: failure }, 'finishing a streamed request failed');
      });
  };
  try {
    writeSse(
      reply.raw,
      stream,
      {
        requestId: request.id,
        keepaliveMs: options.keepaliveMs,
        // The writer stops only when the client is gone: a shutdown still gets its error event and [DONE].
        signal: clientSignal,
        headers: { ...headers, ...describeRouting(record, started) },
        ...(transcript === undefined ? {} : { transcript }),
      },
      (failure) => {
        if (failure !== undefined) recordFailure(record, failure);
        ended();
      },
    );
  } catch (error) {
    ended(error);
  }
}
