// Small departures of OpenAI-compatible upstreams from OpenAI's own answers, mended so every
// client sees OpenAI's shapes.
import type { ChunkDelta, JsonObject, ToolCall, ToolCallDelta } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';

/** TGI ≤ 2.0.x reports `eos_token` and `stop_sequence` (router/src/lib.rs FinishReason). */
const finishReasons: Readonly<Record<string, string>> = { eos_token: 'stop', stop_sequence: 'stop' };

export function normalizeFinishReason(reason: unknown): unknown {
  return typeof reason === 'string' ? (finishReasons[reason] ?? reason) : reason;
}

/** Mistral and Azure AI Foundry leave `type` out of tool calls (vercel/ai openai tests). */
export function completeToolCall(call: unknown): ToolCall {
  const value = isJsonObject(call) ? call : {};
  return { ...value, type: typeof value.type === 'string' ? value.type : 'function' } as ToolCall;
}

/**
 * Renumbers streamed tool calls from 0 in order of appearance (OpenRouter's Anthropic route starts
 * at 1: vercel/ai anthropic-fallback-tool-call.sse), and gives an opening fragment its missing `type`.
 * One per stream: it remembers the numbering per choice.
 */
export class ToolCallNumbering {
  /** Made at the first tool call: most streams have none, and a held stream keeps its numbering to its end. */
  #byChoice: Map<number, Map<number, number>> | undefined;

  renumber(choiceIndex: number, delta: ChunkDelta): ChunkDelta {
    const calls = delta.tool_calls;
    if (!Array.isArray(calls) || calls.length === 0) return delta;
    this.#byChoice ??= new Map();
    let numbering = this.#byChoice.get(choiceIndex);
    if (numbering === undefined) {
      numbering = new Map();
      this.#byChoice.set(choiceIndex, numbering);
    }
    const seen = numbering;
    const renumbered = calls.map((call: ToolCallDelta, position): ToolCallDelta => {
      const upstreamIndex = typeof call.index === 'number' ? call.index : position;
      let index = seen.get(upstreamIndex);
      if (index === undefined) {
        index = seen.size;
        seen.set(upstreamIndex, index);
      }
      const opening = call.id !== undefined || (isJsonObject(call.function) && typeof call.function.name === 'string');
      const typed: JsonObject = opening && call.type === undefined ? { type: 'function' } : {};
      return { ...call, ...typed, index };
    });
    return { ...delta, tool_calls: renumbered };
  }
}
