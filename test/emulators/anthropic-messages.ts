// Anthropic's Messages API (`POST /v1/messages`), replaying recorded wire bytes.
// Stream events are the lines of vercel/ai packages/anthropic/src/__fixtures__/anthropic-text.chunks.txt
// (text), anthropic-clear-thinking.1.chunks.txt (thinking) and, with its names changed to a weather
// tool, anthropic-json-tool.1.chunks.txt (tool use), framed as Anthropic frames them:
// `event: <type>\ndata: <json>\n\n`, no `[DONE]` (docs/wire-formats.md 2.8). Errors: 529 overloaded
// (vercel "529 overloaded HTTP error"), `event: error` as the first event and after output
// (vercel "should throw an api error when the first stream chunk is an overloaded error", "should
// forward overloaded error during streaming"). Non-stream bodies have anthropic-text.json's shape.
// `claude-cached` answers the text with a prompt-cache read and write counted apart from
// `input_tokens`, as Anthropic's prompt caching docs show them (docs.anthropic.com, "Prompt caching",
// "Tracking cache performance"). `claude-too-long` answers Anthropic's 400 for a prompt over the
// context window. `?beta=true` is accepted on every route. The model name picks the behaviour.
import { startEmulator, writeJson, type Emulator, type ReceivedRequest } from './emulator-server.ts';
import { writeSse } from './sse-writer.ts';

/** Prompt-cache counts: tokens written to the cache, read from it. */
interface CacheCounts {
  write: number;
  read: number;
}
const noCache: CacheCounts = { write: 0, read: 0 };
export const cachedCounts: CacheCounts = { write: 1536, read: 2048 };

const start = (model: string, id: string, inputTokens: number, cache = noCache) =>
  `{"type":"message_start","message":{"model":"${model}","id":"${id}","type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":${inputTokens},"cache_creation_input_tokens":${cache.write},"cache_read_input_tokens":${cache.read},"cache_creation":{"ephemeral_5m_input_tokens":${cache.write},"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard","inference_geo":"not_available"}}}`;
const stop = (reason: string, inputTokens: number, outputTokens: number, cache = noCache) => [
  `{"type":"message_delta","delta":{"stop_reason":"${reason}","stop_sequence":null},"usage":{"input_tokens":${inputTokens},"cache_creation_input_tokens":${cache.write},"cache_read_input_tokens":${cache.read},"output_tokens":${outputTokens}}}`,
  '{"type":"message_stop"}',
];
const textBlock = (index: number, pieces: readonly string[]) => [
  `{"type":"content_block_start","index":${index},"content_block":{"type":"text","text":""}}`,
  ...pieces.map((text) => `{"type":"content_block_delta","index":${index},"delta":{"type":"text_delta","text":${JSON.stringify(text)}}}`),
  `{"type":"content_block_stop","index":${index}}`,
];

export const anthropicText = "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?";
const textEvents = [
  start('claude-sonnet-4-5-20250929', 'msg_01QC4g3HwBThD4BaNtBckFDJ', 12),
  '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
  '{"type":"ping"}',
  ...textBlock(0, ['Hello', "! I'", "m doing well, thank you for asking", '. How are you doing today?', ' Is', ' there anything I can help you with?']).slice(1),
  ...stop('end_turn', 12, 30),
];
const cachedEvents = [start('claude-sonnet-4-5-20250929', 'msg_01Cached', 12, cachedCounts), ...textBlock(0, ['Hello', '! Cached.']), ...stop('end_turn', 12, 30, cachedCounts)];
export const cachedText = 'Hello! Cached.';

export const weatherToolUseId = 'toolu_01KFbKqPYSuAKujiL6mTfzYA';
const toolUseEvents = [
  start('claude-haiku-4-5-20251001', 'msg_01K2JbSUMYhez5RHoK9ZCj9U', 849),
  `{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"${weatherToolUseId}","name":"weather","input":{}}}`,
  '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}',
  '{"type":"ping"}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\": \\"Pa"}}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"ris\\"}"}}',
  '{"type":"content_block_stop","index":0}',
  ...stop('tool_use', 849, 47),
];

export const toolAnswer = 'It is 18°C and sunny in Paris.';
const toolAnswerEvents = [start('claude-haiku-4-5-20251001', 'msg_01ToolAnswer', 912), ...textBlock(0, ['It is 18°C', ' and sunny in Paris.']), ...stop('end_turn', 912, 14)];

export const thinkingSignature = 'EvQBCkYICxgCKkAxhD4NUKFzudtZ6NzbZdEiBACIScTzqjPViM596iWLZIk4EFKYYBj3B6Ptl3b0dcQv';
export const thinkingText = 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185';
const thinkingEvents = [
  start('claude-sonnet-4-5-20250929', 'msg_01Y6V41gqPaKWEw7iPouH7iW', 69),
  '{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}',
  '{"type":"ping"}',
  ...['The previous', ' result', ' was', ' 925.', ' Now', ' I need to divide that', ' by 5.\\n\\n925', ' ÷ 5 ', '= 185', ''].map(
    (piece) => `{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"${piece}"}}`,
  ),
  `{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"${thinkingSignature}"}}`,
  '{"type":"content_block_stop","index":0}',
  ...textBlock(1, ['925', ' ÷ 5 ', '= 185']),
  '{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":69,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":53},"context_management":{"applied_edits":[]}}',
  '{"type":"message_stop"}',
];

/** `POST /v1/messages/count_tokens`: the example answer of platform.claude.com/docs/en/api/messages/count_tokens. */
export const countTokensBody = '{"input_tokens":2095}';

export const overloadedBody = '{"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"}}';
/** The thinking stream's data lines as the emulator writes them (pass-through tests compare bytes). */
export const thinkingStreamData: readonly string[] = thinkingEvents;
/** The non-stream thinking Message as the emulator writes it. */
export const thinkingMessageJson = (): string => bodies.thinking;
export const midStreamData = (): readonly string[] => midStreamEvents;
const midStreamEvents = [start('claude-sonnet-4-5-20250929', 'msg_01Mid', 12), ...textBlock(0, ['Hello', '! I']).slice(0, 3), overloadedBody];

function frame(json: string): string {
  const type = (JSON.parse(json) as { type: string }).type;
  return `event: ${type}\ndata: ${json}\n\n`;
}

/** A non-stream Message in anthropic-text.json's key order. */
function messageJson(model: string, id: string, content: readonly object[], stopReason: string, inputTokens: number, outputTokens: number, cache = noCache): string {
  const usage = { input_tokens: inputTokens, cache_creation_input_tokens: cache.write, cache_read_input_tokens: cache.read, cache_creation: { ephemeral_5m_input_tokens: cache.write, ephemeral_1h_input_tokens: 0 }, output_tokens: outputTokens, service_tier: 'standard' };
  return JSON.stringify({ model, id, type: 'message', role: 'assistant', content, stop_reason: stopReason, stop_sequence: null, usage });
}

const bodies = {
  text: messageJson('claude-sonnet-4-5-20250929', 'msg_01QC4g3HwBThD4BaNtBckFDJ', [{ type: 'text', text: anthropicText }], 'end_turn', 12, 30),
  cached: messageJson('claude-sonnet-4-5-20250929', 'msg_01Cached', [{ type: 'text', text: cachedText }], 'end_turn', 12, 30, cachedCounts),
  toolUse: messageJson('claude-haiku-4-5-20251001', 'msg_01K2JbSUMYhez5RHoK9ZCj9U', [{ type: 'tool_use', id: weatherToolUseId, name: 'weather', input: { city: 'Paris' } }], 'tool_use', 849, 47),
  toolAnswer: messageJson('claude-haiku-4-5-20251001', 'msg_01ToolAnswer', [{ type: 'text', text: toolAnswer }], 'end_turn', 912, 14),
  thinking: messageJson(
    'claude-sonnet-4-5-20250929',
    'msg_01Y6V41gqPaKWEw7iPouH7iW',
    [
      { type: 'thinking', thinking: thinkingText, signature: thinkingSignature },
      { type: 'text', text: '925 ÷ 5 = 185' },
    ],
    'end_turn',
    69,
    53,
  ),
};

function hasToolResult(request: ReceivedRequest): boolean {
  const messages = (request.body?.messages ?? []) as Array<{ content: unknown }>;
  return messages.some((message) => Array.isArray(message.content) && message.content.some((block: { type?: string }) => block.type === 'tool_result'));
}

interface Script {
  events: readonly string[];
  body: string;
}

function scriptFor(request: ReceivedRequest): Script | undefined {
  switch (request.body?.model) {
    case 'claude-text':
    case 'claude-overloaded-once':
      return { events: textEvents, body: bodies.text };
    case 'claude-cached':
      return { events: cachedEvents, body: bodies.cached };
    case 'claude-tools':
      return hasToolResult(request) ? { events: toolAnswerEvents, body: bodies.toolAnswer } : { events: toolUseEvents, body: bodies.toolUse };
    case 'claude-thinking':
      return { events: thinkingEvents, body: bodies.thinking };
    default:
      return undefined;
  }
}

/** Anthropic's 400 for a prompt over the context window (its invalid_request_error shape, docs.anthropic.com "Errors"). */
export const promptTooLongBody = '{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 215000 tokens > 200000 maximum"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}';

/**
 * API versions the emulator serves: the one Sluice sends when translating (docs/wire-formats.md 2.8)
 * and the one @anthropic-ai/sdk 1.15 sends (client.js `buildHeaders`), which a pass-through forwards.
 */
const knownVersions: ReadonlySet<string> = new Set(['2023-06-01', '2026-10-21']);

export function startAnthropicEmulator(): Promise<Emulator> {
  let overloadedOnceCalls = 0;
  return startEmulator(async (request, response) => {
    // `?beta=true` (the SDK's beta namespace, Claude Code) is served on the same routes.
    const path = request.path.split('?')[0];
    if (request.method === 'POST' && path === '/v1/messages/count_tokens' && request.headers['x-api-key'] === 'test-key') {
      writeJson(response, 200, countTokensBody);
      return;
    }
    if (request.method !== 'POST' || path !== '/v1/messages') {
      writeJson(response, 404, '{"type":"error","error":{"type":"not_found_error","message":"Not Found"}}');
      return;
    }
    if (request.headers['x-api-key'] !== 'test-key' || !knownVersions.has(String(request.headers['anthropic-version']))) {
      writeJson(response, 401, '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}');
      return;
    }
    const model = request.body?.model;
    if (model === 'claude-too-long') {
      writeJson(response, 400, promptTooLongBody);
      return;
    }
    if (model === 'claude-overloaded') {
      writeJson(response, 529, overloadedBody);
      return;
    }
    // Overloaded on the first call only: a retry succeeds.
    if (model === 'claude-overloaded-once' && (overloadedOnceCalls += 1) % 2 === 1) {
      await writeSse(response, [`event: error\ndata: ${overloadedBody}\n\n`]);
      return;
    }
    if (model === 'claude-error-first') {
      await writeSse(response, [`event: error\ndata: ${overloadedBody}\n\n`]);
      return;
    }
    if (model === 'claude-error-mid') {
      await writeSse(response, midStreamEvents.map(frame));
      return;
    }
    const script = scriptFor(request);
    if (script === undefined) writeJson(response, 404, `{"type":"error","error":{"type":"not_found_error","message":"model: ${String(model)}"}}`);
    else if (request.body?.stream === true) await writeSse(response, script.events.map(frame));
    else writeJson(response, 200, script.body);
  });
}
