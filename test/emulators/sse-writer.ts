// Writes SSE exactly as given: frames are raw strings, so each emulator controls its own framing
// quirks (no space after `data:`, comments, missing `[DONE]`, …) byte for byte.
import type { ServerResponse } from 'node:http';

export const openAiDone = 'data: [DONE]\n\n';

/** One OpenAI-style event: `data: <json>` and a blank line. */
export function dataFrame(json: string): string {
  return `data: ${json}\n\n`;
}

export function jsonFrame(value: unknown): string {
  return dataFrame(JSON.stringify(value));
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Sends the status line and headers at once, then each part in its own `write` with an event-loop
 * turn in between, so parts tend to reach the client in separate reads as they do from a real
 * upstream. No content-length: the body is chunked.
 */
export async function writeChunked(
  response: ServerResponse,
  parts: readonly string[],
  headers: Record<string, string>,
): Promise<void> {
  response.writeHead(200, headers);
  response.flushHeaders();
  for (const part of parts) {
    if (response.destroyed) return;
    response.write(part);
    await nextTurn();
  }
  response.end();
}

export function writeSse(
  response: ServerResponse,
  frames: readonly string[],
  headers: Record<string, string> = { 'content-type': 'text/event-stream' },
): Promise<void> {
  return writeChunked(response, frames, headers);
}

/** Splits a text into word pieces that keep their leading space: "a b" → ["a", " b"]. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}
