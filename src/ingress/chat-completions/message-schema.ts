// The messages of a Chat Completions request, after OpenAI's API reference
// (platform.openai.com/docs/api-reference/chat/create, and the `openai` package's
// `ChatCompletionMessageParam`). Every object is loose: fields Sluice does not know pass through,
// since upstreams add their own (`reasoning_content` in DeepSeek history, Gemini's `extra_content`,
// Anthropic's `cache_control` on a text part).
import * as z from 'zod';
import { closedUnion, openUnion } from '../typed-union.ts';

/** A message's schema; built with the request schema that uses it (request-schema.ts). */
export function buildMessageSchema() {
  const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });

  /** `image_url` is `{url, detail?}`; some clients send the URL as a bare string (providers/shared/read-messages.ts reads both). */
  const imagePart = z.looseObject({
    type: z.literal('image_url'),
    image_url: z.union([z.string(), z.looseObject({ url: z.string(), detail: z.enum(['auto', 'low', 'high', 'original']).optional() })]),
  });

  const audioPart = z.looseObject({ type: z.literal('input_audio'), input_audio: z.looseObject({ data: z.string(), format: z.string() }) });

  const filePart = z.looseObject({
    type: z.literal('file'),
    file: z.looseObject({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }),
  });

  const refusalPart = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

  /** A content part; a part of another `type` passes through for the upstream that knows it. */
  const contentPart = openUnion('type', [textPart, imagePart, audioPart, filePart, refusalPart]);

  /** A string, or a non-empty array of typed parts. */
  const content = z.union([z.string(), z.array(contentPart).min(1)]);

  const name = z.string().optional();

  const functionToolCall = z.looseObject({
    id: z.string(),
    type: z.literal('function'),
    function: z.looseObject({ name: z.string(), arguments: z.string() }),
  });

  const customToolCall = z.looseObject({
    id: z.string(),
    type: z.literal('custom'),
    custom: z.looseObject({ name: z.string(), input: z.string() }),
  });

  const toolCall = closedUnion('type', [functionToolCall, customToolCall]);

  const systemMessage = z.looseObject({ role: z.literal('system'), content, name });
  const developerMessage = z.looseObject({ role: z.literal('developer'), content, name });
  const userMessage = z.looseObject({ role: z.literal('user'), content, name });

  /** An assistant turn may leave `content` null when it carries tool calls (or a legacy function call, or audio). */
  const assistantMessage = z
    .looseObject({
      role: z.literal('assistant'),
      content: z.union([z.string(), z.array(contentPart)]).nullish(),
      name,
      tool_calls: z.array(toolCall).nullish(),
      function_call: z.looseObject({ name: z.string(), arguments: z.string() }).nullish(),
      refusal: z.string().nullish(),
      audio: z.looseObject({ id: z.string() }).nullish(),
    })
    .refine(
      (message) =>
        (message.content !== undefined && message.content !== null) ||
        (message.tool_calls?.length ?? 0) > 0 ||
        (message.function_call !== undefined && message.function_call !== null) ||
        (message.audio !== undefined && message.audio !== null),
      { path: ['content'], params: { missing: true }, message: 'An assistant message needs content unless it carries tool_calls.' },
    );

  const toolMessage = z.looseObject({ role: z.literal('tool'), content, tool_call_id: z.string() });

  /** The legacy function-calling result. */
  const functionMessage = z.looseObject({ role: z.literal('function'), name: z.string(), content: z.string().nullish() });

  return closedUnion('role', [systemMessage, developerMessage, userMessage, assistantMessage, toolMessage, functionMessage]);
}
