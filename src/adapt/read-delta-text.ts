// Reads the generated text out of a chunk delta, whatever field name the upstream used.
import type { ChunkDelta } from '../core/chat.ts';

/**
 * The reasoning text of a delta. DeepSeek, DashScope and xAI send `reasoning_content`; vLLM ≥ Oct 2025
 * (vllm-project/vllm#27752) and Ollama's OpenAI endpoint send `reasoning` (docs/wire-formats.md 2.6, 2.7).
 * `reasoning_content` wins when both carry text, so a server sending both is not counted twice.
 */
export function readReasoning(delta: ChunkDelta): string | undefined {
  const { reasoning_content: reasoningContent, reasoning } = delta;
  if (typeof reasoningContent === 'string' && reasoningContent !== '') return reasoningContent;
  if (typeof reasoning === 'string') return reasoning;
  return typeof reasoningContent === 'string' ? reasoningContent : undefined;
}

/**
 * Everything the model generated in this delta, for local token estimation: content, reasoning,
 * refusal, and tool-call names and arguments (all are completion tokens the upstream bills).
 * A choice without `delta` (Azure content-filter annotation chunks, docs/wire-formats.md 2.1) yields ''.
 */
export function readDeltaText(delta: ChunkDelta | undefined): string {
  if (delta === undefined || delta === null) return '';
  let text = '';
  if (typeof delta.content === 'string') text += delta.content;
  const reasoning = readReasoning(delta);
  if (reasoning !== undefined) text += reasoning;
  if (typeof delta.refusal === 'string') text += delta.refusal;
  if (Array.isArray(delta.tool_calls)) {
    for (const call of delta.tool_calls) {
      const name = call.function?.name;
      const args = call.function?.arguments;
      if (typeof name === 'string') text += name;
      if (typeof args === 'string') text += args;
    }
  }
  return text;
}
