// Assertions shared by the end-to-end tests: usage, model names, what the upstream received.
import type { CompletionUsage } from 'openai/resources/completions';
import { expect } from 'vitest';
import type { Emulator, JsonObject } from '../emulators/emulator-server.ts';
import type { UsageNumbers } from '../emulators/openai-chunks.ts';
import type { CollectedStream } from './collect-chat-stream.ts';

export function expectUsageNumbers(usage: CompletionUsage | null | undefined, expected: UsageNumbers): void {
  expect(usage, 'usage').toBeTruthy();
  expect({
    prompt_tokens: usage?.prompt_tokens,
    completion_tokens: usage?.completion_tokens,
    total_tokens: usage?.total_tokens,
  }).toEqual(expected);
}

/** Usage Sluice had to count itself: whole positive numbers that add up. */
export function expectCountedUsage(usage: CompletionUsage | null | undefined): void {
  expect(usage, 'usage').toBeTruthy();
  const { prompt_tokens: prompt = -1, completion_tokens: completion = -1, total_tokens: total = -1 } = usage ?? {};
  expect(Number.isInteger(prompt) && prompt > 0, `prompt_tokens ${String(prompt)}`).toBe(true);
  expect(Number.isInteger(completion) && completion > 0, `completion_tokens ${String(completion)}`).toBe(true);
  expect(total).toBe(prompt + completion);
}

/** OpenAI's include_usage contract: one usage chunk, the last one, with `choices: []` (wire-formats 1.3). */
export function expectOneFinalUsageChunk(collected: CollectedStream): CompletionUsage | null | undefined {
  expect(collected.usageChunks, 'chunks carrying usage').toHaveLength(1);
  const last = collected.chunks.at(-1);
  expect(last?.usage, 'usage on the last chunk').toBeTruthy();
  expect(last?.choices, 'choices of the usage chunk').toEqual([]);
  return last?.usage;
}

export function expectNoUsage(collected: CollectedStream): void {
  expect(
    collected.usageChunks.map((chunk) => chunk.usage),
    'usage in a stream that did not ask for it',
  ).toEqual([]);
}

export function expectModelInEveryChunk(collected: CollectedStream, model: string): void {
  expect(collected.chunks.length).toBeGreaterThan(0);
  expect(new Set(collected.chunks.map((chunk) => chunk.model))).toEqual(new Set([model]));
}

/** The single request the upstream received since the test began. */
export function onlyUpstreamBody(emulator: Emulator): JsonObject {
  expect(
    emulator.received.map((request) => `${request.method} ${request.path}`),
    'upstream calls for one client request',
  ).toEqual(['POST /v1/chat/completions']);
  const body = emulator.received[0]?.body;
  expect(body, 'upstream body parsed as JSON').toBeDefined();
  return body ?? {};
}

/** A non-stream upstream call: `stream` false or absent, and never `stream_options`. */
export function expectNonStreamUpstreamBody(body: JsonObject): void {
  expect(body['stream'] ?? false, 'upstream stream').toBe(false);
  expect(Object.hasOwn(body, 'stream_options'), 'stream_options sent on a non-stream call').toBe(false);
}
