// The client side: Sluice always writes clean OpenAI-style SSE (wire-formats §0.1).

/**
 * JSON.stringify already escapes CR and LF, so the frame is one line. U+0085, U+2028 and U+2029
 * are not SSE line terminators but are escaped too: line splitters in the style of Python's
 * `str.splitlines()` break lines on them (wire-formats §3.5), and `\uXXXX` is the same JSON.
 */
const SPLITTER_LINE_BREAKS = /[\u0085\u2028\u2029]/g;

function escapeLineBreak(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The JSON text of a value as a client frame carries it: one line, splitter line breaks escaped. */
export function encodeJsonText(value: unknown): string {
  // JSON.stringify answers undefined (not a string) for undefined, functions and symbols.
  const json = (JSON.stringify(value) as string | undefined) ?? 'null';
  return json.replace(SPLITTER_LINE_BREAKS, escapeLineBreak);
}

export function encodeDataEvent(value: unknown): string {
  return `data: ${encodeJsonText(value)}\n\n`;
}

export const DONE_FRAME = 'data: [DONE]\n\n';

/** A comment: clients ignore it, proxies see bytes and keep the connection open (WHATWG §9.2.7). */
export const KEEPALIVE_FRAME = ': keep-alive\n\n';
