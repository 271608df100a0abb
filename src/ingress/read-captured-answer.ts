// A captured client answer as data: one JSON body, or the JSON payload of each event of the SSE
// transcript Sluice wrote. The codecs read their own protocol's answers from it (a replay compares
// the original answer with the replay's, both read the same way).
import { decodeStreamText } from '../codec/sse/index.ts';
import { isJsonObject, type JsonObject } from '../core/chat.ts';

export type CapturedAnswer = { kind: 'json'; value: JsonObject } | { kind: 'events'; events: JsonObject[] } | { kind: 'none' };

function isTranscript(text: string): boolean {
  return text.startsWith('event:') || text.startsWith('data:') || text.startsWith(':');
}

export function readCapturedAnswer(responseText: string): CapturedAnswer {
  const text = responseText.trimStart();
  if (isTranscript(text)) {
    const events = decodeStreamText([text]).flatMap((event) => (event.kind === 'json' && isJsonObject(event.value) ? [event.value] : []));
    return { kind: 'events', events };
  }
  try {
    const value: unknown = JSON.parse(text);
    if (isJsonObject(value)) return { kind: 'json', value };
  } catch {
    // An empty or cut-off response: the request failed, or the capture was capped.
  }
  return { kind: 'none' };
}
