// Checks a raw Anthropic Messages SSE body event by event against the rules clients enforce
// (docs/ingress-protocols.md §A7, §D3 "Emitter rules"), as @anthropic-ai/sdk's MessageStream and
// Claude Code would: an `event:` line naming each data's `type`; one message_start first, with
// content [] and input_tokens > 0; blocks started at indices 0..n-1 in order, each stopped before
// the next starts; every delta for the open block and of its type; message_delta with usage, then
// message_stop last (or an `error` event last, with no message_stop). Returns the events.
import { expect } from 'vitest';

export type MessagesEvent = Record<string, unknown> & { type: string };

const deltaTypeFor: Record<string, string[]> = {
  text: ['text_delta'],
  thinking: ['thinking_delta', 'signature_delta'],
  tool_use: ['input_json_delta'],
  redacted_thinking: [],
};

export function parseMessagesSse(text: string): MessagesEvent[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const lines = frame.split('\n');
      expect(lines, frame).toHaveLength(2);
      const data = JSON.parse((lines[1] ?? '').replace(/^data: /, '')) as MessagesEvent;
      expect(lines[0]).toBe(`event: ${data.type}`);
      return data;
    });
}

export function checkMessagesSse(text: string): MessagesEvent[] {
  const events = parseMessagesSse(text).filter((event) => event.type !== 'ping');
  expect(events[0]?.type).toBe('message_start');
  const start = events[0] as unknown as { message: { content: unknown[]; usage: { input_tokens: number; output_tokens: number } } };
  expect(start.message.content).toEqual([]);
  expect(start.message.usage.input_tokens).toBeGreaterThan(0);
  let open: { index: number; type: string } | undefined;
  let started = 0;
  let sawDelta = false;
  const last = events.at(-1);
  for (const [position, event] of events.entries()) {
    if (position > 0) expect(event.type).not.toBe('message_start');
    if (event.type === 'content_block_start') {
      expect(open, 'a block starts while another is open').toBeUndefined();
      expect(event.index).toBe(started);
      open = { index: started, type: (event.content_block as { type: string }).type };
      started += 1;
    } else if (event.type === 'content_block_delta') {
      expect(open, 'a delta outside a block').toBeDefined();
      expect(event.index).toBe(open?.index);
      expect(deltaTypeFor[open?.type ?? '']).toContain((event.delta as { type: string }).type);
    } else if (event.type === 'content_block_stop') {
      expect(event.index).toBe(open?.index);
      open = undefined;
    } else if (event.type === 'message_delta') {
      expect(open, 'message_delta with a block open').toBeUndefined();
      expect((event.usage as { output_tokens: unknown }).output_tokens).toEqual(expect.any(Number));
      expect((event.delta as { stop_reason: unknown }).stop_reason).toEqual(expect.any(String));
      sawDelta = true;
    }
  }
  if (last?.type === 'error') expect(events.some((event) => event.type === 'message_stop')).toBe(false);
  else {
    expect(last?.type).toBe('message_stop');
    expect(sawDelta).toBe(true);
  }
  return events;
}
