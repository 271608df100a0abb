import { describe, expect, it } from 'vitest';
import { completeToolCall, normalizeFinishReason, ToolCallNumbering } from './normalize-fields.ts';

describe('normalizeFinishReason', () => {
  it("maps TGI's reasons to OpenAI's and leaves the rest", () => {
    expect(['eos_token', 'stop_sequence', 'length', 'tool_calls', null].map(normalizeFinishReason)).toEqual(['stop', 'stop', 'length', 'tool_calls', null]);
  });
});

describe('completeToolCall', () => {
  it('adds the missing type', () => {
    expect(completeToolCall({ id: 'a', function: { name: 'f', arguments: '{}' } })).toEqual({ id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } });
  });
});

describe('ToolCallNumbering', () => {
  it('renumbers tool calls from 0 in order of appearance, per choice', () => {
    const numbering = new ToolCallNumbering();
    const opening = numbering.renumber(0, { tool_calls: [{ index: 1, id: 'a', function: { name: 'f', arguments: '' } }] });
    const piece = numbering.renumber(0, { tool_calls: [{ index: 1, function: { arguments: '{}' } }] });
    const second = numbering.renumber(0, { tool_calls: [{ index: 2, id: 'b', type: 'function', function: { name: 'g', arguments: '' } }] });
    expect(opening.tool_calls).toEqual([{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '' } }]);
    expect(piece.tool_calls).toEqual([{ index: 0, function: { arguments: '{}' } }]);
    expect(second.tool_calls?.[0]?.index).toBe(1);
    expect(numbering.renumber(1, { tool_calls: [{ index: 5, id: 'c', function: { name: 'h' } }] }).tool_calls?.[0]?.index).toBe(0);
  });

  it('leaves deltas without tool calls alone', () => {
    const delta = { content: 'hi' };
    expect(new ToolCallNumbering().renumber(0, delta)).toBe(delta);
  });
});
