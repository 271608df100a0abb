// Two parallel tool calls, streamed the ways real upstreams stream them (docs/wire-formats.md 0.5, 1.1).
// The variant is picked by the requested model name:
//   `tools`            OpenAI: first fragment carries index, id, type, function.name and
//                      arguments "", later fragments only index + a piece of arguments, split
//                      mid-token (and here mid-`\u00e9` escape); finish_reason "tool_calls"
//                      (prism-php/prism tests/Fixtures/openai/stream-with-tools-1.json).
//   `tools-index1`     index starts at 1, an empty-arguments fragment follows the opening, no
//                      `logprobs` keys (OpenRouter → Anthropic; vercel/ai packages/openai-compatible/
//                      src/chat/__fixtures__/anthropic-fallback-tool-call.sse).
//   `tools-one-chunk`  each whole call in one chunk, keys id/function/index/type, reasoning first,
//                      no logprobs/finish_reason keys until needed (xAI; vercel/ai packages/xai/src/
//                      __fixtures__/xai-tool-call.chunks.txt).
//   `tools-no-type`    fragments without `type` (Mistral / Azure AI Foundry; vercel/ai
//                      openai-chat-language-model.test.ts "tool call missing type").
//   `tools-interleaved` both openings first, then the argument pieces alternating between the calls
//                      (0, 1, 0, 1…). The chunk format addresses each fragment by `index` and promises
//                      no order, and parallel calls from some relays arrive mixed this way; vercel/ai's
//                      openai-compatible chat parser keeps one accumulator per index for it. An
//                      arrangement of the OpenAI fixture, not a capture.
// Non-stream answers are `message.tool_calls` with `content: null` (docs/wire-formats.md 1.5); the
// one-chunk variant answers like xai-tool-call.json, the no-type variant omits `type` there too
// (that last one is an extrapolation, not a capture).
import {
  chatCompletionsOnly,
  requestedModel,
  startEmulator,
  wantsStream,
  wantsUsage,
  writeJson,
  type Emulator,
  type JsonObject,
} from './emulator-server.ts';
import {
  chunkJson,
  completionJson,
  deltaChoice,
  openAiUsage,
  toolCallOpening,
  toolCallPiece,
  usageNumbers,
  type ChunkIdentity,
  type ToolCallSpec,
} from './openai-chunks.ts';
import { dataFrame, openAiDone, writeSse } from './sse-writer.ts';

export const toolCalls: readonly ToolCallSpec[] = [
  {
    id: 'call_weather_0',
    name: 'get_weather',
    arguments: '{"location":"Montr\\u00e9al","unit":"celsius"}',
    pieces: ['{"loc', 'ation":"Montr\\u00', 'e9al","unit":"cel', 'sius"}'],
  },
  {
    id: 'call_time_1',
    name: 'get_time',
    arguments: '{"timezone":"America/Los_Angeles"}',
    pieces: ['{"time', 'zone":"Amer', 'ica/Los_Ang', 'eles"}'],
  },
];
export const toolCallReasoning = 'Two lookups are needed.';
export const toolCallUsage = usageNumbers(81, 42);
const created = 1750097777;

export type ToolCallVariant = 'openai' | 'index1' | 'one-chunk' | 'no-type' | 'interleaved';

export function variantOf(model: string): ToolCallVariant {
  if (model.endsWith('-index1')) return 'index1';
  if (model.endsWith('-one-chunk')) return 'one-chunk';
  if (model.endsWith('-no-type')) return 'no-type';
  if (model.endsWith('-interleaved')) return 'interleaved';
  return 'openai';
}

function fragmentFrames(model: string, includeUsage: boolean, withType: boolean, interleaved: boolean): string[] {
  const identity: ChunkIdentity = {
    id: 'chatcmpl-Bj8fToolCallsDeterministic',
    created,
    model,
    head: { service_tier: 'default', system_fingerprint: 'fp_a288987b44' },
  };
  const tail = includeUsage ? { usage: null } : {};
  const chunk = (delta: JsonObject, finishReason: string | null = null): string =>
    chunkJson(identity, [deltaChoice(delta, finishReason)], tail);
  const frames = [chunk({ role: 'assistant', content: null })];
  if (interleaved) {
    toolCalls.forEach((call, index) => frames.push(chunk({ tool_calls: [toolCallOpening(index, call, withType)] })));
    const longest = Math.max(...toolCalls.map((call) => call.pieces.length));
    for (let position = 0; position < longest; position += 1) {
      toolCalls.forEach((call, index) => {
        const piece = call.pieces[position];
        if (piece !== undefined) frames.push(chunk({ tool_calls: [toolCallPiece(index, piece)] }));
      });
    }
  } else {
    toolCalls.forEach((call, index) => {
      frames.push(chunk({ tool_calls: [toolCallOpening(index, call, withType)] }));
      for (const piece of call.pieces) frames.push(chunk({ tool_calls: [toolCallPiece(index, piece)] }));
    });
  }
  frames.push(chunk({}, 'tool_calls'));
  if (includeUsage) frames.push(chunkJson(identity, [], { usage: openAiUsage(toolCallUsage) }));
  return frames;
}

function indexOneFrames(model: string, includeUsage: boolean): string[] {
  const identity: ChunkIdentity = { id: 'gen-1750097777-ToolCallsDeterministic', created, model };
  const chunk = (delta: JsonObject, finishReason: string | null = null): string =>
    chunkJson(identity, [{ index: 0, delta, finish_reason: finishReason }]);
  const frames = [chunk({ role: 'assistant' })];
  toolCalls.forEach((call, position) => {
    const index = position + 1;
    frames.push(chunk({ tool_calls: [toolCallOpening(index, call)] }));
    frames.push(chunk({ tool_calls: [toolCallPiece(index, '')] }));
    for (const piece of call.pieces) frames.push(chunk({ tool_calls: [toolCallPiece(index, piece)] }));
  });
  frames.push(chunk({}, 'tool_calls'));
  if (includeUsage) frames.push(chunkJson(identity, [], { usage: toolCallUsage }));
  return frames;
}

function oneChunkFrames(model: string, includeUsage: boolean): string[] {
  const identity: ChunkIdentity = { id: 'de9d896d-e946-b3a7-bb14-75ab33326930', created, model };
  const fingerprint = { system_fingerprint: 'fp_2a885414fb' };
  const chunk = (choice: JsonObject): string => chunkJson(identity, [choice], fingerprint);
  const frames = [chunk({ index: 0, delta: { reasoning_content: toolCallReasoning, role: 'assistant' } })];
  toolCalls.forEach((call, index) => {
    const whole = { id: call.id, function: { name: call.name, arguments: call.arguments }, index, type: 'function' };
    frames.push(chunk({ index: 0, delta: { tool_calls: [whole] } }));
  });
  frames.push(chunk({ index: 0, delta: {}, finish_reason: 'tool_calls' }));
  if (includeUsage) frames.push(chunkJson(identity, [], { usage: toolCallUsage, ...fingerprint }));
  return frames;
}

export function toolCallStreamFrames(model: string, includeUsage: boolean): string[] {
  const variant = variantOf(model);
  const frames =
    variant === 'index1'
      ? indexOneFrames(model, includeUsage)
      : variant === 'one-chunk'
        ? oneChunkFrames(model, includeUsage)
        : fragmentFrames(model, includeUsage, variant !== 'no-type', variant === 'interleaved');
  return [...frames.map(dataFrame), openAiDone];
}

export function toolCallCompletionBody(model: string): string {
  const variant = variantOf(model);
  const calls = toolCalls.map((call) =>
    variant === 'no-type'
      ? { id: call.id, function: { name: call.name, arguments: call.arguments } }
      : { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } },
  );
  if (variant === 'one-chunk') {
    return JSON.stringify({
      id: '61c0468b-2a98-413e-f654-dbffcdbb62c1',
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: '', reasoning_content: toolCallReasoning, tool_calls: calls, refusal: null },
          finish_reason: 'tool_calls',
        },
      ],
      usage: toolCallUsage,
      system_fingerprint: 'fp_2a885414fb',
    });
  }
  return completionJson(
    { id: 'chatcmpl-Bj8fToolCallsDeterministic', created, model },
    { role: 'assistant', content: null, tool_calls: calls, refusal: null, annotations: [] },
    'tool_calls',
    { usage: openAiUsage(toolCallUsage), service_tier: 'default', system_fingerprint: 'fp_a288987b44' },
  );
}

export function startToolCallEmulator(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly(async (request, response) => {
      const model = requestedModel(request);
      if (wantsStream(request)) {
        await writeSse(response, toolCallStreamFrames(model, wantsUsage(request)));
        return;
      }
      writeJson(response, 200, toolCallCompletionBody(model));
    }),
  );
}
