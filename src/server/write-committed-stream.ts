// A committed stream written to the client as SSE, the same for every relayed route that streams
// (chat, completions): the reply taken over from the framework, the open-streams gauge, the routing
// headers, a failure after the first byte recorded for the log row, and the transcript for a capture.
import { CappedText } from '../relay/capture.ts';
import type { CommittedStream } from '../relay/committed-stream.ts';
import { describeRouting, recordFailure, type Exchange, type RouteOptions } from './relayed-route.ts';
import { writeSse } from './write-sse.ts';

export async function writeCommittedStream(exchange: Exchange, options: RouteOptions, stream: CommittedStream, headers?: Record<string, string>): Promise<void> {
  const { reply, record, request, clientSignal, started } = exchange;
  reply.hijack();
  options.onStreamStart();
  const transcript = record.capture === undefined ? undefined : new CappedText(options.relay.captureCapBytes);
  try {
    const failure = await writeSse(reply.raw, stream, {
      requestId: request.id,
      keepaliveMs: options.keepaliveMs,
      // The writer stops only when the client is gone: a shutdown still gets its error event and [DONE].
      signal: clientSignal,
      headers: { ...headers, ...describeRouting(record, started) },
      ...(transcript === undefined ? {} : { transcript }),
    });
    if (failure !== undefined) recordFailure(record, failure);
  } finally {
    options.onStreamEnd();
    if (record.capture !== undefined && transcript !== undefined) record.capture.clientResponse = transcript.text;
  }
}
