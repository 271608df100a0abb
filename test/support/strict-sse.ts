// Fetches a streamed chat completion from Sluice with plain `fetch` and parses the raw bytes with
// a strict WHATWG parser (eventsource-parser), keeping everything a lenient client would hide.
import { createParser, type EventSourceMessage, type ParseError } from 'eventsource-parser';
import { expect } from 'vitest';

export interface StrictSseAnswer {
  status: number;
  headers: Headers;
  text: string;
  events: EventSourceMessage[];
  comments: string[];
  errors: ParseError[];
}

export async function fetchStrictSse(gatewayUrl: string, body: unknown): Promise<StrictSseAnswer> {
  const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer anything' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  const answer: StrictSseAnswer = { status: response.status, headers: response.headers, text, events: [], comments: [], errors: [] };
  const parser = createParser({
    onEvent: (event) => answer.events.push(event),
    onComment: (comment) => answer.comments.push(comment),
    onError: (error) => answer.errors.push(error),
  });
  parser.feed(text);
  // Anything left unterminated at EOF surfaces as an error instead of vanishing.
  parser.reset({ consume: true });
  return answer;
}

/** Clean SSE to a client: headers, framing, JSON chunks, and `data: [DONE]` last. */
export function expectCleanSse(answer: StrictSseAnswer): void {
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  expect(answer.headers.get('cache-control')).toBe('no-cache');
  expect(answer.headers.get('x-accel-buffering')).toBe('no');
  expect(answer.headers.get('content-length')).toBeNull();
  expect(answer.headers.get('x-request-id')).toBeTruthy();
  expect(answer.errors, 'WHATWG parse errors').toEqual([]);
  expect(answer.text.endsWith('data: [DONE]\n\n'), `ends with [DONE]: ${JSON.stringify(answer.text.slice(-60))}`).toBe(true);
  expect(answer.events.at(-1)?.data).toBe('[DONE]');
  const chunks = answer.events.slice(0, -1);
  expect(chunks.length).toBeGreaterThan(0);
  for (const event of chunks) {
    expect(event.event, 'event: lines in an OpenAI chat stream').toBeUndefined();
    const parsed: unknown = JSON.parse(event.data);
    expect(parsed).toMatchObject({ object: 'chat.completion.chunk' });
  }
  // Each data line is written `data: <json>` with one space, one event per line.
  for (const line of answer.text.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    expect(line.startsWith('data: '), `line ${JSON.stringify(line.slice(0, 40))}`).toBe(true);
  }
}
