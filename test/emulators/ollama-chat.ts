// Ollama's native chat API (`POST /api/chat`), replaying the wire shapes of ollama/ollama docs:
// NDJSON lines (`application/x-ndjson`) streamed by default, the final line with `done: true`,
// `done_reason` and the counts (docs/api.md "Chat Request (Streaming)" and "(No streaming)");
// tool calls whose `arguments` are JSON objects and `tool_name` on results
// (docs/capabilities/tool-calling.mdx); `message.thinking` (docs/capabilities/thinking.mdx); a
// 404 `{"error": …}` for a model not pulled, and a mid-stream `{"error": …}` line after output with
// status 200 (docs/api/errors.mdx). The model name picks the behaviour.
import { startEmulator, writeJson, type Emulator, type ReceivedRequest } from './emulator-server.ts';
import { writeChunked } from './sse-writer.ts';

interface Line {
  content?: string;
  thinking?: string;
  tool_calls?: unknown[];
}

const finalCounts = { total_duration: 4883583458, load_duration: 1334875, prompt_eval_count: 26, prompt_eval_duration: 342546000, eval_count: 282, eval_duration: 4535599000 };

function lineJson(model: string, second: number, line: Line): string {
  return JSON.stringify({ model, created_at: `2023-08-04T08:52:${String(19 + second).padStart(2, '0')}.385406455-07:00`, message: { role: 'assistant', ...line, content: line.content ?? '' }, done: false });
}

function doneJson(model: string, second: number): string {
  return JSON.stringify({ model, created_at: `2023-08-04T08:52:${String(19 + second).padStart(2, '0')}.499127Z`, message: { role: 'assistant', content: '' }, done_reason: 'stop', done: true, ...finalCounts });
}

/** The stream for these lines, and the one object `stream: false` answers with. */
function script(model: string, lines: readonly Line[]): { stream: string[]; body: string } {
  const stream = [...lines.map((line, index) => `${lineJson(model, index, line)}\n`), `${doneJson(model, lines.length)}\n`];
  const thinking = lines.map((line) => line.thinking ?? '').join('');
  const toolCalls = lines.flatMap((line) => line.tool_calls ?? []);
  const message = { role: 'assistant', content: lines.map((line) => line.content ?? '').join(''), ...(thinking === '' ? {} : { thinking }), ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }) };
  const body = JSON.stringify({ model, created_at: '2023-12-12T14:13:43.416799Z', message, done_reason: 'stop', done: true, ...finalCounts });
  return { stream, body };
}

export const ollamaText = 'The sky is blue because of Rayleigh scattering.';
export const ollamaToolAnswer = 'The temperature in New York is 22°C.';
export const ollamaThinking = 'Let me count: s-t-r-a-w-b-e-r-r-y has three r.';
const temperatureCall = { function: { name: 'get_temperature', arguments: { city: 'New York' } } };

function hasToolResult(request: ReceivedRequest): boolean {
  const messages = (request.body?.messages ?? []) as Array<{ role?: string }>;
  return messages.some((message) => message.role === 'tool');
}

function scriptFor(model: string, request: ReceivedRequest): { stream: string[]; body: string } | undefined {
  if (model === 'llama-text') return script('llama3.2', ['The', ' sky', ' is', ' blue', ' because of Rayleigh scattering.'].map((content) => ({ content })));
  if (model === 'qwen-tools') {
    return hasToolResult(request) ? script('qwen3', [{ content: 'The temperature' }, { content: ' in New York is 22°C.' }]) : script('qwen3', [{ tool_calls: [temperatureCall] }]);
  }
  if (model === 'qwen-thinking') return script('qwen3', [{ thinking: 'Let me count: ' }, { thinking: 's-t-r-a-w-b-e-r-r-y has three r.' }, { content: 'Three.' }]);
  if (model === 'ollama-error-mid') return { stream: [`${lineJson('gemma4', 0, { content: ' Yes' })}\n`, '{"error":"an error was encountered while running the model"}\n'], body: '' };
  return undefined;
}

export function startOllamaEmulator(): Promise<Emulator> {
  return startEmulator(async (request, response) => {
    if (request.method !== 'POST' || request.path !== '/api/chat') {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('404 page not found');
      return;
    }
    const model = String(request.body?.model);
    const found = scriptFor(model, request);
    if (found === undefined) writeJson(response, 404, `{"error":"model \\"${model}\\" not found, try pulling it first"}`);
    // Ollama streams unless told `stream: false`.
    else if (request.body?.stream === false) writeJson(response, 200, found.body);
    else await writeChunked(response, found.stream, { 'content-type': 'application/x-ndjson' });
  });
}
