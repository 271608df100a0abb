import { describe, it, expect } from 'vitest';
import { classifyEventData, isDoneMarker } from './classify-event-data.ts';

describe('classifyEventData', () => {
  it('yields JSON for any JSON value, primitives included', () => {
    expect(classifyEventData('null', undefined)).toEqual([
      { kind: 'json', event: undefined, data: 'null', value: null },
    ]);
    expect(classifyEventData('"hi"', 'message')).toEqual([
      { kind: 'json', event: 'message', data: '"hi"', value: 'hi' },
    ]);
  });

  it('splits data into one JSON event per line only when every non-blank line parses', () => {
    expect(classifyEventData('{"a":1}\n\n[2]', undefined)).toEqual([
      { kind: 'json', event: undefined, data: '{"a":1}', value: { a: 1 } },
      { kind: 'json', event: undefined, data: '[2]', value: [2] },
    ]);
    expect(classifyEventData('{"a":1}\n[2', undefined)).toEqual([
      { kind: 'text', event: undefined, data: '{"a":1}\n[2' },
    ]);
  });

  it('keeps text that is not JSON unchanged, spaces included', () => {
    expect(classifyEventData(' plain words ', 'ping')).toEqual([
      { kind: 'text', event: 'ping', data: ' plain words ' },
    ]);
  });
});

describe('isDoneMarker', () => {
  it('recognises [DONE] with surrounding spaces and nothing else', () => {
    expect(isDoneMarker('[DONE]')).toBe(true);
    expect(isDoneMarker(' [DONE]')).toBe(true);
    expect(isDoneMarker('"[DONE]"')).toBe(false);
    expect(isDoneMarker('[DONE] now')).toBe(false);
  });
});
