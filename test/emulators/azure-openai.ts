// Azure OpenAI chat completions on both URL forms: deployment URLs
// `/openai/deployments/{deployment}/chat/completions?api-version=…` and the v1 form
// `/openai/v1/chat/completions`, with the `api-key` header (docs/wire-formats.md 2.1). The text stream
// replays vercel/ai packages/openai/src/chat/__fixtures__/azure-model-router.1.chunks.txt: the
// prompt-filter preamble (empty `id`, `model`, `object`, `choices: []`), alphabetical keys,
// `content_filter_results` per choice; then the annotation chunk without `delta` Azure sends after the
// finish (vercel test "should stream text after Azure content filter chunks"). Refusals: a prompt the
// filter blocks (HTTP 400 `content_filter`), a stream the filter stops (`finish_reason:
// content_filter`, azure-ai-docs content-streaming.md), `stream_options` on api-versions before
// 2024-09-01-preview (400 "Unrecognized request argument supplied: stream_options", one-api#1423),
// and a server error after output (`data: {"error": …}` then `[DONE]`, docs/wire-formats.md 1.4).
// The deployment picks the behaviour.
import { isJsonObject, startEmulator, wantsUsage, writeJson, type Emulator, type ReceivedRequest } from './emulator-server.ts';
import { openAiDone, writeSse } from './sse-writer.ts';

const safe = '{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}';
const preamble =
  '{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":false,"detected":false},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}]}';
const identity = '"created":1762317021,"id":"chatcmpl-CYPS1lijGoK8gd9lYzY3r9Sx50nbt","model":"gpt-5-nano-2025-08-07"';
const chunk = (choice: string, obfuscation: string) => `{"choices":[${choice}],${identity},"obfuscation":"${obfuscation}","object":"chat.completion.chunk","system_fingerprint":null,"usage":null}`;
const contentChunk = (text: string, obfuscation: string) => chunk(`{"content_filter_results":${safe},"delta":{"content":${JSON.stringify(text)}},"finish_reason":null,"index":0,"logprobs":null}`, obfuscation);
const roleChunk = chunk('{"content_filter_results":{},"delta":{"content":"","refusal":null,"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}', 'D3WbtIxo1Q2j1Q');
const finishChunk = (reason: string) => chunk(`{"content_filter_results":{},"delta":{},"finish_reason":"${reason}","index":0,"logprobs":null}`, 'Zarov0xJhP');
const annotation = '{"choices":[{"content_filter_offsets":{},"content_filter_results":{},"finish_reason":null,"index":0}],"created":0,"id":"","model":"","object":""}';
const usageChunk = `{"choices":[],${identity},"obfuscation":"DjqQ9RbEQMJ3PX","object":"chat.completion.chunk","system_fingerprint":null,"usage":{"completion_tokens":78,"completion_tokens_details":{"accepted_prediction_tokens":0,"audio_tokens":0,"reasoning_tokens":64,"rejected_prediction_tokens":0},"prompt_tokens":15,"prompt_tokens_details":{"audio_tokens":0,"cached_tokens":0},"total_tokens":93}}`;

export const azureText = 'Capital of Denmark.';
const textChunks = [preamble, roleChunk, contentChunk('Capital', 'NNpA6Dj2U'), contentChunk(' of', 'etvV32yk5dbxb'), contentChunk(' Denmark', 'iDOuV7Jz'), contentChunk('.', 'ywLH2r1kcaeOOkq'), finishChunk('stop'), annotation];

export const azureToolCallId = 'call_Az7qKfE2mX9Lw0pR4tY6uB1n';
const toolChunks = [
  preamble,
  chunk(`{"content_filter_results":{},"delta":{"content":null,"refusal":null,"role":"assistant","tool_calls":[{"function":{"arguments":"","name":"weather"},"id":"${azureToolCallId}","index":0,"type":"function"}]},"finish_reason":null,"index":0,"logprobs":null}`, 'q1'),
  chunk('{"content_filter_results":{},"delta":{"tool_calls":[{"function":{"arguments":"{\\"city\\":\\""},"index":0}]},"finish_reason":null,"index":0,"logprobs":null}', 'q2'),
  chunk('{"content_filter_results":{},"delta":{"tool_calls":[{"function":{"arguments":"Oslo\\"}"},"index":0}]},"finish_reason":null,"index":0,"logprobs":null}', 'q3'),
  finishChunk('tool_calls'),
];
export const azureToolAnswer = 'It is 4°C in Oslo.';
const toolAnswerChunks = [preamble, roleChunk, contentChunk('It is 4°C', 'a1'), contentChunk(' in Oslo.', 'a2'), finishChunk('stop'), annotation];
const filteredMidChunks = [
  preamble,
  roleChunk,
  contentChunk('Here are the lyrics', 'f1'),
  '{"id":"","object":"","created":0,"model":"","choices":[{"index":0,"finish_reason":"content_filter","content_filter_results":{"protected_material_text":{"detected":true,"filtered":true}},"content_filter_offsets":{"check_offset":65,"start_offset":65,"end_offset":1056}}],"usage":null}',
];
const serverErrorMidChunks = [
  preamble,
  roleChunk,
  contentChunk('Capital', 'e1'),
  '{"error":{"message":"The server had an error processing your request. Sorry about that! You can retry your request, or contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 if the error persists.","type":"server_error","param":null,"code":null}}',
];

export const promptFilteredBody =
  '{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI\'s content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":true,"severity":"medium"}}}}}';
const streamOptionsRejection =
  '{"error":{"message":"Unrecognized request argument supplied: stream_options. Please contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 for further questions.","type":"invalid_request_error","param":"","code":null}}';

/** The non-stream answer with Azure's filter fields and alphabetical keys. */
function completionBody(message: object, finishReason: string): string {
  return JSON.stringify({
    choices: [{ content_filter_results: JSON.parse(safe) as object, finish_reason: finishReason, index: 0, logprobs: null, message }],
    created: 1762317021,
    id: 'chatcmpl-CYPS1lijGoK8gd9lYzY3r9Sx50nbt',
    model: 'gpt-5-nano-2025-08-07',
    object: 'chat.completion',
    prompt_filter_results: (JSON.parse(preamble) as { prompt_filter_results: unknown }).prompt_filter_results,
    system_fingerprint: null,
    usage: JSON.parse(usageChunk).usage as object,
  });
}

interface Script {
  chunks: readonly string[];
  body: string;
}

function hasToolResult(request: ReceivedRequest): boolean {
  const messages = (request.body?.messages ?? []) as Array<{ role?: string }>;
  return messages.some((message) => message.role === 'tool');
}

function scriptFor(deployment: string, request: ReceivedRequest): Script | undefined {
  if (deployment === 'nano-deployment') return { chunks: textChunks, body: completionBody({ annotations: [], content: azureText, refusal: null, role: 'assistant' }, 'stop') };
  if (deployment === 'tools-deployment' && hasToolResult(request)) {
    return { chunks: toolAnswerChunks, body: completionBody({ annotations: [], content: azureToolAnswer, refusal: null, role: 'assistant' }, 'stop') };
  }
  if (deployment === 'tools-deployment') {
    const toolCalls = [{ function: { arguments: '{"city":"Oslo"}', name: 'weather' }, id: azureToolCallId, type: 'function' }];
    return { chunks: toolChunks, body: completionBody({ annotations: [], content: null, refusal: null, role: 'assistant', tool_calls: toolCalls }, 'tool_calls') };
  }
  if (deployment === 'filtered-mid') return { chunks: filteredMidChunks, body: '' };
  if (deployment === 'server-error-mid') return { chunks: serverErrorMidChunks, body: '' };
  return undefined;
}

/** The deployment and api-version of either URL form; undefined for any other path. */
function readRoute(request: ReceivedRequest): { deployment: string; apiVersion: string | undefined } | undefined {
  const url = new URL(request.path, 'http://azure.local');
  const legacy = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(url.pathname);
  if (legacy !== null) return { deployment: decodeURIComponent(legacy[1] ?? ''), apiVersion: url.searchParams.get('api-version') ?? undefined };
  if (url.pathname === '/openai/v1/chat/completions') return { deployment: String(request.body?.model), apiVersion: undefined };
  return undefined;
}

const invalidKey =
  '{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}';
const deploymentNotFound =
  '{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}';

/** An error answer for this request, if it gets one. */
function refusalFor(request: ReceivedRequest, route: { deployment: string; apiVersion: string | undefined } | undefined): [number, string] | undefined {
  if (route === undefined) return [404, '{"error":{"code":"404","message":"Resource not found"}}'];
  if (request.headers['api-key'] !== 'test-key') return [401, invalidKey];
  const oldVersion = route.apiVersion !== undefined && route.apiVersion < '2024-09-01';
  if (oldVersion && isJsonObject(request.body?.stream_options)) return [400, streamOptionsRejection];
  if (route.deployment === 'filtered-prompt') return [400, promptFilteredBody];
  return undefined;
}

export function startAzureOpenAiEmulator(): Promise<Emulator> {
  return startEmulator(async (request, response) => {
    const route = request.method === 'POST' ? readRoute(request) : undefined;
    const refusal = refusalFor(request, route);
    const script = route === undefined ? undefined : scriptFor(route.deployment, request);
    if (refusal !== undefined) writeJson(response, refusal[0], refusal[1]);
    else if (script === undefined) writeJson(response, 404, deploymentNotFound);
    else if (request.body?.stream !== true) writeJson(response, 200, script.body);
    else {
      const usage = wantsUsage(request);
      const frames = script.chunks.map((json) => `data: ${usage ? json : json.replace(',"usage":null', '')}\n\n`);
      await writeSse(response, [...frames, ...(usage && script.chunks === textChunks ? [`data: ${usageChunk}\n\n`] : []), openAiDone]);
    }
  });
}
