// Turns the data of one event into StreamEvents: JSON when it parses, text otherwise.

import type { StreamEvent } from './stream-event.ts';

type ParsedJson = { value: unknown } | undefined;

export function parseJson(text: string): ParsedJson {
  try {
    const value: unknown = JSON.parse(text);
    return { value };
  } catch {
    return undefined;
  }
}

/** `[DONE]` ends an OpenAI-style stream; TGI ≤ 2.0.4 writes it as `data:[DONE]` (wire-formats §2.5). */
export function isDoneMarker(data: string): boolean {
  return data.trim() === '[DONE]';
}

/**
 * One event per JSON value. When the joined data of a multi-line event is not JSON but every
 * line is (`data: {"a":1}\ndata: {"b":2}\n\n`, two chunks written without the blank line between
 * them), each line becomes its own event. Anything else stays one raw text event: the provider
 * decides what an unparsable part means.
 */
export function classifyEventData(data: string, event: string | undefined): StreamEvent[] {
  const whole = parseJson(data);
  if (whole !== undefined) return [{ kind: 'json', event, data, value: whole.value }];
  const lines = data.split('\n').filter((line) => line.trim() !== '');
  if (lines.length < 2) return [{ kind: 'text', event, data }];
  const events: StreamEvent[] = [];
  for (const line of lines) {
    const parsed = parseJson(line);
    if (parsed === undefined) return [{ kind: 'text', event, data }];
    events.push({ kind: 'json', event, data: line, value: parsed.value });
  }
  return events;
}
