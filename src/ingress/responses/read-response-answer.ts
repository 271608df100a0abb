// A captured /v1/responses answer read back (a replay compares it with the replay's): the Response
// object, or a stream transcript's text deltas and its terminal event's `response`; the finish is the
// Response's status, or its incomplete reason.
import { isJsonObject, type JsonObject } from '../../core/chat.ts';
import type { ClientAnswer } from '../../core/ingress-codec.ts';
import { readCapturedAnswer } from '../read-captured-answer.ts';

const terminalEvents: ReadonlySet<unknown> = new Set(['response.completed', 'response.incomplete', 'response.failed']);

function readOutputText(response: JsonObject): string {
  const output = Array.isArray(response.output) ? response.output : [];
  let text = '';
  for (const item of output) {
    if (!isJsonObject(item) || item.type !== 'message' || !Array.isArray(item.content)) continue;
    for (const part of item.content) if (isJsonObject(part) && part.type === 'output_text' && typeof part.text === 'string') text += part.text;
  }
  return text;
}

function readFinish(response: JsonObject): string | null {
  const reason = isJsonObject(response.incomplete_details) ? response.incomplete_details.reason : undefined;
  if (response.status === 'incomplete' && typeof reason === 'string') return reason;
  return typeof response.status === 'string' ? response.status : null;
}

function readResponse(response: JsonObject): ClientAnswer {
  return { content: readOutputText(response), finishReason: readFinish(response), streamError: undefined };
}

function readEvents(events: readonly JsonObject[]): ClientAnswer {
  let streamError: string | undefined;
  let deltas = '';
  for (const event of events) {
    if (event.type === 'error' && typeof event.message === 'string') streamError ??= event.message;
    if (event.type === 'response.output_text.delta' && typeof event.delta === 'string') deltas += event.delta;
  }
  // The text is what the deltas gave (a failed response's items stay in progress, their parts empty).
  const terminal = events.find((event) => terminalEvents.has(event.type) && isJsonObject(event.response));
  const finishReason = terminal !== undefined && isJsonObject(terminal.response) ? readFinish(terminal.response) : null;
  return { content: deltas, finishReason, streamError };
}

export function readResponseAnswer(responseText: string): ClientAnswer {
  const captured = readCapturedAnswer(responseText);
  if (captured.kind === 'events') return readEvents(captured.events);
  if (captured.kind === 'json' && captured.value.object === 'response') return readResponse(captured.value);
  return { content: '', finishReason: null, streamError: undefined };
}
