import { describe, expect, it } from 'vitest';
import type { ReasoningState } from '../../core/chat.ts';
import { parseResponsesRequest, type ResponsesState } from './parse-responses-request.ts';
import { ResponseEmitter } from './response-emitter.ts';

const context = { requestId: 'req_abc', createdAt: 1 };
const thinking: ReasoningState = { family: 'anthropic', blocks: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig' }] };

function stateOf(body: object): ResponsesState {
  return parseResponsesRequest({ model: 'm', input: 'Hi', ...body }, { dropUnsupportedTools: false }).state;
}

describe('ResponseEmitter', () => {
  it('carries reasoning state in encrypted_content when asked, and it comes back on the assistant message', () => {
    const emitter = new ResponseEmitter(stateOf({ include: ['reasoning.encrypted_content'] }), context);
    emitter.start('m');
    emitter.addDelta({ reasoning_content: 'Hmm.', reasoning_state: thinking }, null);
    emitter.addDelta({ content: 'Yes.' }, 'stop');
    const { response } = emitter.finish({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
    const output = response['output'] as Array<Record<string, unknown>>;
    expect(output.map((item) => item['type'])).toEqual(['reasoning', 'message']);
    expect(output[0]?.['summary']).toEqual([]);
    const encrypted = output[0]?.['encrypted_content'];
    expect(encrypted).toMatch(/^sluice-v1:[\w-]+$/);
    const { chat } = parseResponsesRequest({ model: 'm', input: [{ role: 'user', content: 'Hi' }, ...output, { role: 'user', content: 'More' }] }, { dropUnsupportedTools: false });
    expect(chat.messages[1]).toEqual({ role: 'assistant', content: 'Yes.', reasoning_state: thinking });
  });

  it('leaves reasoning state out unless include asks for it', () => {
    const emitter = new ResponseEmitter(stateOf({}), context);
    emitter.start('m');
    emitter.addDelta({ reasoning_state: thinking, content: 'Yes.' }, 'stop');
    expect((emitter.finish({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }).response['output'] as unknown[]).map((item) => (item as { type: string }).type)).toEqual(['message']);
  });

  it('ends incomplete on a length finish, with the reason', () => {
    const emitter = new ResponseEmitter(stateOf({}), context);
    emitter.start('m');
    emitter.addDelta({ content: 'Cut' }, 'length');
    const { events, response } = emitter.finish({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 });
    expect(events.at(-1)?.type).toBe('response.incomplete');
    expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  it('opens a message for text after a tool call, keeping every item in append order', () => {
    const emitter = new ResponseEmitter(stateOf({}), context);
    emitter.start('m');
    const events = [
      ...emitter.addDelta({ content: 'Let me look.' }, null),
      ...emitter.addDelta({ tool_calls: [{ index: 0, id: 'call_a', function: { name: 'f', arguments: '{"a"' } }] }, null),
      ...emitter.addDelta({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }, null),
      ...emitter.addDelta({ refusal: 'No.' }, 'tool_calls'),
      ...emitter.finish({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }).events,
    ];
    const added = events.filter((event) => event.type === 'response.output_item.added').map((event) => [event['output_index'], (event['item'] as { type: string }).type]);
    expect(added).toEqual([[0, 'message'], [1, 'function_call'], [2, 'message']]);
    expect(events.find((event) => event.type === 'response.function_call_arguments.done')).toMatchObject({ output_index: 1, arguments: '{"a":1}', name: 'f' });
    expect(events.find((event) => event.type === 'response.refusal.done')).toMatchObject({ output_index: 2, content_index: 0, refusal: 'No.' });
  });

  it('keeps every argument of interleaved parallel calls, each addressed to its own item, closed at the end', () => {
    const emitter = new ResponseEmitter(stateOf({}), context);
    emitter.start('m');
    const events = [
      ...emitter.addDelta({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":' } }] }, null),
      ...emitter.addDelta({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'time', arguments: '{"zone":' } }] }, null),
      ...emitter.addDelta({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }, null),
      ...emitter.addDelta({ tool_calls: [{ index: 1, function: { arguments: '"UTC"}' } }] }, 'tool_calls'),
      ...emitter.finish({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }).events,
    ];
    const deltas = events.filter((event) => event.type === 'response.function_call_arguments.delta').map((event) => [event['output_index'], event['delta']]);
    expect(deltas).toEqual([[0, '{"city":'], [1, '{"zone":'], [0, '"Paris"}'], [1, '"UTC"}']]);
    const done = events.filter((event) => event.type === 'response.output_item.done').map((event) => event['item']);
    expect(done).toMatchObject([
      { type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}', status: 'completed' },
      { type: 'function_call', call_id: 'call_2', name: 'time', arguments: '{"zone":"UTC"}', status: 'completed' },
    ]);
    expect(events.findIndex((event) => event.type === 'response.output_item.done')).toBeGreaterThan(events.findLastIndex((event) => event.type === 'response.function_call_arguments.delta'));
  });
});
