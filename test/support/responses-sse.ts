// Checks a raw Responses SSE body event by event against the emitter rules of
// docs/ingress-protocols.md §D2 (what openai-node's accumulator and Codex enforce, §A4): an `event:`
// line naming each event's `type`, `sequence_number` 0, 1, …, `response.created` then
// `response.in_progress` first, items added at the append position with unique ids, every delta
// addressed to an item that exists (by `output_index` and its `item_id`), parts added before their
// deltas, and exactly one terminal event, last, whose response holds every item done.
import { expect } from 'vitest';

export type ResponsesEvent = { type: string; sequence_number: number; [key: string]: unknown };
type Item = { id: string; type: string; [key: string]: unknown };

const terminalTypes = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** The events of a raw SSE body, with each `event:` line checked against its data's `type`. */
export function readResponsesEvents(text: string): ResponsesEvent[] {
  const blocks = text.split('\n\n').filter((block) => block.trim() !== '' && !block.startsWith(':'));
  return blocks.map((block) => {
    const lines = block.split('\n');
    const name = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length);
    const data = lines.find((line) => line.startsWith('data: '))?.slice('data: '.length);
    expect(data, `an event without data: ${block}`).toBeDefined();
    const event = JSON.parse(data ?? '') as ResponsesEvent;
    expect(name).toBe(event.type);
    return event;
  });
}

function addressOf(event: ResponsesEvent, items: readonly Item[]): Item {
  const item = items[event.output_index as number];
  expect(item, `${event.type} at output_index ${String(event.output_index)} names no item`).toBeDefined();
  if ('item_id' in event) expect(event.item_id).toBe(item?.id);
  return item as Item;
}

/** Checks the rules; returns the terminal event's response. */
export function checkResponsesStream(events: readonly ResponsesEvent[]): Record<string, unknown> & { output: Item[]; status: string } {
  expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));
  expect(events[0]?.type).toBe('response.created');
  expect(events[1]?.type).toBe('response.in_progress');
  const terminals = events.filter((event) => terminalTypes.has(event.type));
  expect(terminals).toHaveLength(1);
  expect(events.at(-1)).toBe(terminals[0]);
  const items: Item[] = [];
  const done = new Set<number>();
  const parts = new Map<number, number>();
  for (const event of events.slice(2, -1)) {
    if (event.type === 'response.output_item.added') {
      expect(event.output_index).toBe(items.length);
      const item = event.item as Item;
      expect(item.id).toMatch(/^(msg|fc|rs|ctc)_./);
      expect(items.some((other) => other.id === item.id || ('call_id' in item && other['call_id'] === item['call_id']))).toBe(false);
      items.push(item);
    } else if (event.type === 'response.output_item.done') {
      const item = addressOf(event, items);
      const final = event.item as Item;
      expect([final.id, final.type, final['call_id']]).toEqual([item.id, item.type, item['call_id']]);
      expect(done.has(event.output_index as number)).toBe(false);
      done.add(event.output_index as number);
    } else if (event.type === 'response.content_part.added') {
      addressOf(event, items);
      const count = parts.get(event.output_index as number) ?? 0;
      expect(event.content_index).toBe(count);
      parts.set(event.output_index as number, count + 1);
    } else if (event.type !== 'error') {
      addressOf(event, items);
      expect(done.has(event.output_index as number), `${event.type} after its item was done`).toBe(false);
      if ('content_index' in event) expect(event.content_index).toBeLessThan(parts.get(event.output_index as number) ?? 0);
    }
  }
  const response = terminals[0]?.['response'] as Record<string, unknown> & { output: Item[]; status: string };
  expect(response.output.map((item) => item.id)).toEqual(items.map((item) => item.id));
  if (response.status !== 'failed') expect(done.size).toBe(items.length);
  return response;
}
