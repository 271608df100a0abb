// vLLM (≥ Oct 2025, vllm-project/vllm#27752) and Ollama's OpenAI endpoint name the reasoning
// field `reasoning`; DeepSeek, DashScope and xAI say `reasoning_content`. Sluice's canonical
// field is `reasoning_content`; the original stays too, so clients written for either work.
import type { JsonObject } from '../../core/chat.ts';

export function copyReasoningField<T extends JsonObject>(holder: T): T {
  const reasoning = holder.reasoning;
  if (typeof reasoning !== 'string' || typeof holder.reasoning_content === 'string') return holder;
  return { ...holder, reasoning_content: reasoning };
}
