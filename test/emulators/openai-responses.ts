// An upstream that serves the Responses API itself (`POST /v1/responses`, and Azure's
// `/openai/v1/responses` with the `api-key` header), for same-dialect pass-through. Events as
// docs/wire-formats.md §1.7 shows them (prism-php/prism stream-basic-text-responses-1.json): an
// `event:` line equal to `type`, `sequence_number` from 0, no `[DONE]`, usage in `response.completed`.
// The answer starts with a reasoning item carrying `encrypted_content` (openai-node
// `ResponseReasoningItem`), which only a pass-through can hand on. The model picks the behaviour:
// `gpt-fail-mid` fails after its first text with `response.failed` (prism
// stream-unknown-error-responses-1.json has the same ending); `gpt-too-long` answers OpenAI's 400
// for a prompt over the context window. Chat Completions is not served (404).
import { requestedModel, startEmulator, writeJson, type Emulator, type ReceivedRequest } from './emulator-server.ts';
import { writeSse } from './sse-writer.ts';

export const responsesText = 'Hello from the Responses API!';
export const encryptedReasoning = 'gAAAAABo+upstream/own=reasoning-state';
export const responsesUsage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 16, output_tokens_details: { reasoning_tokens: 6 }, total_tokens: 26 };
export const failMidMessage = 'The model produced invalid content.';
/** OpenAI's 400 for a prompt over the context window (openai-node's error shape: message, type, param, code). */
export const contextTooLongBody = '{"error":{"message":"Your input exceeds the context window of this model. Please adjust your input and try again.","type":"invalid_request_error","param":"input","code":"context_length_exceeded"}}';

const reasoningItem = { id: 'rs_684b0001', type: 'reasoning', summary: [], encrypted_content: encryptedReasoning };
const messageItem = (text: string, status: string) => ({ id: 'msg_684b0002', type: 'message', status, role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text }] });

function responseOf(model: string, status: string, output: readonly object[], extra: object = {}): object {
  return { id: 'resp_684b0000', object: 'response', created_at: 1749780000, status, error: null, model, output, parallel_tool_calls: true, store: false, usage: null, ...extra };
}

export function responsesBody(model: string): object {
  return responseOf(model, 'completed', [reasoningItem, messageItem(responsesText, 'completed')], { usage: responsesUsage });
}

function textEvents(model: string): object[] {
  const pieces = ['Hello', ' from', ' the', ' Responses', ' API!'];
  return [
    { type: 'response.created', response: responseOf(model, 'in_progress', []) },
    { type: 'response.in_progress', response: responseOf(model, 'in_progress', []) },
    { type: 'response.output_item.added', output_index: 0, item: { ...reasoningItem, encrypted_content: undefined } },
    { type: 'response.output_item.done', output_index: 0, item: reasoningItem },
    { type: 'response.output_item.added', output_index: 1, item: { ...messageItem('', 'in_progress'), content: [] } },
    { type: 'response.content_part.added', item_id: 'msg_684b0002', output_index: 1, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } },
    ...pieces.map((delta) => ({ type: 'response.output_text.delta', item_id: 'msg_684b0002', output_index: 1, content_index: 0, delta, logprobs: [] })),
    { type: 'response.output_text.done', item_id: 'msg_684b0002', output_index: 1, content_index: 0, text: responsesText, logprobs: [] },
    { type: 'response.content_part.done', item_id: 'msg_684b0002', output_index: 1, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: responsesText } },
    { type: 'response.output_item.done', output_index: 1, item: messageItem(responsesText, 'completed') },
    { type: 'response.completed', response: responsesBody(model) },
  ];
}

function failMidEvents(model: string): object[] {
  return [
    ...textEvents(model).slice(0, 7),
    { type: 'response.failed', response: responseOf(model, 'failed', [], { error: { code: 'server_error', message: failMidMessage } }) },
  ];
}

/** The data lines of the stream for a model, numbered, as the emulator writes them. */
export function responsesStreamData(model: string, upstreamModel = model): string[] {
  const events = model === 'gpt-fail-mid' ? failMidEvents(upstreamModel) : textEvents(upstreamModel);
  return events.map((event, index) => {
    const { type, ...rest } = event as { type: string };
    return JSON.stringify({ type, sequence_number: index, ...rest });
  });
}

function isResponsesPath(request: ReceivedRequest): boolean {
  const path = request.path.split('?')[0];
  return request.method === 'POST' && (path === '/v1/responses' || path === '/openai/v1/responses');
}

function authorized(request: ReceivedRequest): boolean {
  return request.headers.authorization === 'Bearer test-key' || request.headers['api-key'] === 'test-key';
}

export function startResponsesEmulator(): Promise<Emulator> {
  return startEmulator(async (request, response) => {
    if (!isResponsesPath(request)) {
      writeJson(response, 404, `{"error":{"message":"Invalid URL (${request.method} ${request.path})","type":"invalid_request_error","param":null,"code":null}}`);
      return;
    }
    if (!authorized(request)) {
      writeJson(response, 401, '{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}');
      return;
    }
    const model = requestedModel(request);
    if (model === 'gpt-too-long') {
      writeJson(response, 400, contextTooLongBody);
      return;
    }
    if (request.body?.stream === true) {
      const data = responsesStreamData(model === 'gpt-fail-mid' ? model : 'answer', model);
      await writeSse(response, data.map((json) => `event: ${(JSON.parse(json) as { type: string }).type}\ndata: ${json}\n\n`));
    } else {
      writeJson(response, 200, JSON.stringify(responsesBody(model)));
    }
  });
}
