// A request shaped like Codex CLI's (openai/codex codex-rs/codex-api/src/common.rs; wire captures in
// docs/ingress-protocols.md §A1): full history every turn, `store: false`, reasoning with
// `include: ["reasoning.encrypted_content"]`, a function call and a freeform (custom) tool call with
// their outputs, tools in an `additional_tools` item, and `web_search`: passed through as written to
// a channel that serves the Responses API, refused on a translated try unless `drop_unsupported_tools`
// is set, and, when the candidates mix both, sent only where it can run (docs/clients.md,
// "Pass-through"). Also the stateful parts of the API Sluice refuses by name, on every path.
import { NotFoundError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type JsonObject } from '../emulators/emulator-server.ts';
import { openAiText, startOpenAiEmulator } from '../emulators/openai-generic.ts';
import { responsesText, startResponsesEmulator } from '../emulators/openai-responses.ts';
import { dataFrame, openAiDone, writeSse } from '../emulators/sse-writer.ts';
import { postRaw } from '../support/post-raw.ts';
import { checkResponsesStream, readResponsesEvents } from '../support/responses-sse.ts';
import { startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const patch = '*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch';
const patchArguments = JSON.stringify({ input: patch });

function chunk(delta: JsonObject, finish: string | null = null): string {
  return dataFrame(JSON.stringify({ id: 'chatcmpl-c', object: 'chat.completion.chunk', created: 1, model: 'codex-up', choices: [{ index: 0, delta, finish_reason: finish }] }));
}

/** A DeepSeek-style upstream: reasoning, then one call of the freeform tool, its arguments in two pieces. */
const frames = [
  chunk({ role: 'assistant', content: null, reasoning_content: 'The user wants a file. ' }),
  chunk({ reasoning_content: 'I will patch.' }),
  chunk({ tool_calls: [{ index: 0, id: 'call_up_1', type: 'function', function: { name: 'apply_patch', arguments: patchArguments.slice(0, 20) } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: patchArguments.slice(20) } }] }),
  chunk({}, 'tool_calls'),
  dataFrame(JSON.stringify({ id: 'chatcmpl-c', object: 'chat.completion.chunk', created: 1, model: 'codex-up', choices: [], usage: { prompt_tokens: 900, completion_tokens: 40, total_tokens: 940, prompt_tokens_details: { cached_tokens: 512 } } })),
  openAiDone,
];

const codexRequest = {
  model: 'gpt-5-codex',
  instructions: 'You are Codex, a coding agent.',
  input: [
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions>workspace-write</permissions>' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List the files.' }] },
    { type: 'reasoning', id: 'rs_openai', summary: [{ type: 'summary_text', text: 'Listing.' }], encrypted_content: 'gAAAAABopenai-own-state' },
    { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}' },
    { type: 'function_call_output', call_id: 'call_1', output: 'README.md' },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'There is a README.' }] },
    { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' },
    { type: 'custom_tool_call_output', call_id: 'call_2', output: 'Done!' },
    { type: 'additional_tools', role: 'developer', tools: [{ type: 'namespace', name: 'mcp__docs', tools: [{ type: 'function', name: 'search_docs', parameters: { type: 'object', properties: { q: { type: 'string' } } } }] }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Add hello.txt.' }] },
  ],
  tools: [
    { type: 'function', name: 'shell', description: 'Runs a command', strict: false, parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } } } },
    { type: 'custom', name: 'apply_patch', description: 'Edits files', format: { type: 'grammar', syntax: 'lark', definition: 'start: begin_patch hunk+ end_patch' } },
    { type: 'web_search', external_web_access: false },
  ],
  tool_choice: 'auto',
  parallel_tool_calls: false,
  reasoning: { effort: 'medium', summary: 'auto' },
  store: false,
  stream: true,
  include: ['reasoning.encrypted_content'],
  prompt_cache_key: 'thread-1',
  text: { verbosity: 'low' },
};

let upstream: Emulator;
let refusing: YamlGateway;
let dropping: YamlGateway;

beforeAll(async () => {
  upstream = await startEmulator((_request, response) => writeSse(response, frames));
  // The translated path (src/ingress/responses), declared: this upstream serves Chat Completions only.
  const channels = `channels:\n  - { name: up, type: openai, base_url: ${upstream.url}, api_key: k, models: [gpt-5-codex], capabilities: { "*": { responses_api: unsupported } } }\n`;
  refusing = await startYamlGateway(channels);
  dropping = await startYamlGateway(`drop_unsupported_tools: true\n${channels}`);
});

afterAll(async () => {
  await refusing.close();
  await dropping.close();
  await upstream.close();
});

describe('a Codex-shaped request', () => {
  it('is refused while it carries web_search, naming the tool and the switch', async () => {
    const before = upstream.received.length;
    const raw = await postRaw(`${refusing.url}/v1/responses`, codexRequest);
    expect(raw.status).toBe(400);
    // No channel can carry it: refused before any upstream call.
    expect(upstream.received).toHaveLength(before);
    const { error } = JSON.parse(raw.text) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ code: 'unsupported_feature', param: 'tools[2]', type: 'invalid_request_error' });
    expect(error['message']).toContain("'web_search'");
    expect(error['message']).toContain('drop_unsupported_tools');
  });

  it('is translated with drop_unsupported_tools, and streams a freeform tool call back as custom_tool_call', async () => {
    upstream.received.length = 0;
    const raw = await postRaw(`${dropping.url}/v1/responses`, codexRequest);
    expect(raw.status).toBe(200);
    expect(raw.headers.get('x-sluice-dropped-tools')).toBe('web_search');
    const sent = upstream.received[0]?.body ?? {};
    expect(sent['messages']).toEqual([
      { role: 'system', content: 'You are Codex, a coding agent.' },
      { role: 'system', content: '<permissions>workspace-write</permissions>' },
      { role: 'user', content: [{ type: 'text', text: 'List the files.' }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'shell', arguments: '{"command":["ls"]}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'README.md' },
      { role: 'assistant', content: 'There is a README.', tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch\\n*** End Patch"}' } }] },
      { role: 'tool', tool_call_id: 'call_2', content: 'Done!' },
      { role: 'user', content: [{ type: 'text', text: 'Add hello.txt.' }] },
    ]);
    const tools = sent['tools'] as Array<{ function: { name: string; description?: string; parameters: unknown } }>;
    expect(tools.map((tool) => tool.function.name)).toEqual(['shell', 'apply_patch', 'search_docs']);
    expect(tools[1]?.function.description).toContain('start: begin_patch hunk+ end_patch');
    expect(tools[1]?.function.parameters).toMatchObject({ properties: { input: { type: 'string' } }, required: ['input'] });
    expect(sent).toMatchObject({ stream: true, stream_options: { include_usage: true }, reasoning_effort: 'medium', parallel_tool_calls: false, tool_choice: 'auto' });
    for (const field of ['store', 'include', 'input', 'instructions', 'prompt_cache_key', 'text', 'reasoning']) expect(sent).not.toHaveProperty(field);

    const events = readResponsesEvents(raw.text);
    const response = checkResponsesStream(events);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(response).toMatchObject({ status: 'completed', store: false, model: 'gpt-5-codex', tools: codexRequest.tools.slice(0, 2), parallel_tool_calls: false });
    expect(response['id']).toMatch(/^resp_/);
    expect(response.output).toEqual([
      { id: expect.stringMatching(/^rs_/) as string, type: 'reasoning', summary: [{ type: 'summary_text', text: 'The user wants a file. I will patch.' }] },
      { id: expect.stringMatching(/^ctc_/) as string, type: 'custom_tool_call', status: 'completed', call_id: 'call_up_1', name: 'apply_patch', input: patch },
    ]);
    expect(response['usage']).toEqual({ input_tokens: 900, input_tokens_details: { cached_tokens: 512 }, output_tokens: 40, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 940 });
  });

  it('gives the openai SDK the custom tool call through responses.stream', async () => {
    const { stream: _stream, ...body } = codexRequest;
    const final = await dropping.client.responses.stream(body as never).finalResponse();
    expect(final.output.at(-1)).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', input: patch });
  });
});

describe('a Codex-shaped request where a channel serves the Responses API', () => {
  let responses: Emulator;
  let chatOnly: Emulator;
  let mixed: YamlGateway;
  let mixedDropping: YamlGateway;
  const { stream: _stream, ...nonStream } = codexRequest;
  beforeAll(async () => {
    [responses, chatOnly] = await Promise.all([startResponsesEmulator(), startOpenAiEmulator()]);
    // `gpt-5-codex`: OpenAI (Responses API) only. `either`: a chat-only channel first, then OpenAI.
    // `learns`: a relay without the Responses API (not declared: learned from its 404), then OpenAI.
    const channels = [
      'channels:',
      `  - { name: openai, type: openai, base_url: "${responses.url}", api_key: test-key, models: [gpt-5-codex, gpt-5], model_map: { either: gpt-5, learns: gpt-5 }, priority: 1, retry: { attempts: 1 } }`,
      `  - { name: chat-only, type: openai, base_url: "${chatOnly.url}", api_key: test-key, models: [gpt-4o], model_map: { either: gpt-4o }, priority: 0, capabilities: { "*": { responses_api: unsupported } } }`,
      `  - { name: relay, type: openai, base_url: "${chatOnly.url}", api_key: test-key, models: [gpt-4o-relay], model_map: { learns: gpt-4o-relay }, priority: 0 }`,
    ].join('\n');
    mixed = await startYamlGateway(channels);
    mixedDropping = await startYamlGateway(`drop_unsupported_tools: true\n${channels}`);
  });
  afterAll(async () => {
    await Promise.all([mixed.close(), mixedDropping.close()]);
    await Promise.all([responses.close(), chatOnly.close()]);
  });

  it('passes web_search through as Codex wrote it and streams the upstream’s answer back', async () => {
    const stream = mixed.client.responses.stream(nonStream as never);
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(responsesText);
    const sent = responses.received.at(-1)?.body ?? {};
    expect(sent['tools']).toEqual(codexRequest.tools);
    expect(sent['input']).toEqual(codexRequest.input);
    expect(sent).toMatchObject({ model: 'gpt-5-codex', store: false, stream: true, include: ['reasoning.encrypted_content'] });
    // Stored state stays refused even here: Sluice routes each turn anew and keeps store: false.
    const chained = await postRaw(`${mixed.url}/v1/responses`, { ...codexRequest, previous_response_id: 'resp_1' });
    expect(chained.status).toBe(400);
    expect(JSON.parse(chained.text)).toMatchObject({ error: { code: 'unsupported_feature', param: 'previous_response_id' } });
  });

  it('skips a translated channel that cannot carry web_search for one that can, whatever their priority', async () => {
    const before = chatOnly.received.length;
    const raw = await postRaw(`${mixed.url}/v1/responses`, { ...codexRequest, model: 'either' });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('x-sluice-channel')).toBe('openai');
    expect(raw.headers.get('x-sluice-dropped-tools')).toBeNull();
    expect(chatOnly.received).toHaveLength(before);
    expect(readResponsesEvents(raw.text).at(-1)?.type).toBe('response.completed');
  });

  it('goes on to a channel with the Responses API when the first one turns out to have none', async () => {
    const before = chatOnly.received.length;
    const created = await mixed.client.responses.create({ ...nonStream, model: 'learns', stream: false } as never).withResponse();
    expect((created.data as { output_text: string }).output_text).toBe(responsesText);
    expect(created.response.headers.get('x-sluice-adaptations')).toBe('learned:responses_api=unsupported, pass-through');
    // The relay was asked once, on its own endpoint; never translated without the hosted tool.
    expect(chatOnly.received.slice(before).map((request) => request.path)).toEqual(['/v1/responses']);
    expect(responses.received.at(-1)?.body?.['tools']).toEqual(codexRequest.tools);
  });

  it('with drop_unsupported_tools keeps the priority order, and names the dropped tool only on a translated answer', async () => {
    const translated = await postRaw(`${mixedDropping.url}/v1/responses`, { ...codexRequest, model: 'either' });
    expect(translated.status).toBe(200);
    expect(translated.headers.get('x-sluice-channel')).toBe('chat-only');
    expect(translated.headers.get('x-sluice-dropped-tools')).toBe('web_search');
    expect(translated.headers.get('x-sluice-adaptations')).toContain('dropped-hosted-tools');
    expect(checkResponsesStream(readResponsesEvents(translated.text)).output).toEqual([expect.objectContaining({ type: 'message', content: [expect.objectContaining({ text: openAiText })] })]);
    expect(chatOnly.received.at(-1)?.body?.['tools']).toHaveLength(3);
    const passed = await postRaw(`${mixedDropping.url}/v1/responses`, codexRequest);
    expect(passed.status).toBe(200);
    expect(passed.headers.get('x-sluice-dropped-tools')).toBeNull();
    expect(responses.received.at(-1)?.body?.['tools']).toEqual(codexRequest.tools);
  });
});

describe('what a stateless gateway refuses', () => {
  const base = { model: 'gpt-5-codex', input: 'Hi' };
  it.each([
    [{ previous_response_id: 'resp_1' }, 'previous_response_id', 'resend the full history in `input`'],
    [{ conversation: 'conv_1' }, 'conversation', 'resend the full history'],
    [{ background: true }, 'background', "'background'"],
    [{ prompt: { id: 'pmpt_1' } }, 'prompt', 'instructions'],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]', 'stores none'],
    [{ tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] }, 'tools[0]', "'file_search'"],
    [{ input: [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }] }, 'input[0]', "'web_search_call'"],
    [{ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] }, 'input[0].content[0]', 'image_url'],
  ])('refuses %j with a 400 naming %s', async (fields, param, words) => {
    const raw = await postRaw(`${refusing.url}/v1/responses`, { ...base, ...fields });
    expect(raw.status).toBe(400);
    const { error } = JSON.parse(raw.text) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ code: 'unsupported_feature', param });
    expect(error['message']).toContain(words);
  });

  it.each([
    [{ temperature: 5 }, 'temperature'],
    [{ input: undefined }, 'input'],
    [{ input: [{ role: 'wizard', content: 'x' }] }, 'input[0].role'],
    [{ tools: [{ type: 'function' }] }, 'tools[0].name'],
    [{ text: { format: { type: 'json_schema', schema: {} } } }, 'text.format.name'],
    [{ input: [{ type: 'reasoning', summary: [], encrypted_content: 'sluice-v1:not-json' }, { role: 'user', content: 'x' }] }, 'input[0].encrypted_content'],
  ])('answers a malformed %j with invalid_request naming %s', async (fields, param) => {
    const raw = await postRaw(`${refusing.url}/v1/responses`, { ...base, ...fields });
    expect(raw.status).toBe(400);
    expect((JSON.parse(raw.text) as { error: Record<string, unknown> }).error).toMatchObject({ code: 'invalid_request', param });
  });

  it('answers the stored-response routes with 404 and the stateless hint', async () => {
    await expect(refusing.client.responses.retrieve('resp_1')).rejects.toBeInstanceOf(NotFoundError);
    await expect(refusing.client.responses.delete('resp_1')).rejects.toBeInstanceOf(NotFoundError);
    const routes: Array<[string, string]> = [['GET', '/v1/responses/resp_1/input_items'], ['POST', '/v1/responses/compact'], ['GET', '/v1/responses/resp_1']];
    for (const [method, path] of routes) {
      const response = await fetch(`${refusing.url}${path}`, { method, ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}) });
      expect(response.status).toBe(404);
      const { error } = (await response.json()) as { error: Record<string, unknown> };
      expect(error).toMatchObject({ code: 'not_found' });
      expect(error['hint']).toContain('stateless');
    }
  });
});
