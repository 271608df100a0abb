import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '../../core/chat.ts';
import { chatCodec } from './chat-codec.ts';

const context = { requestId: 'r1', createdAt: 1 };

describe('chatCodec.encodeCompletion', () => {
  it('never gives a Chat Completions client a reasoning state (issue 14), and leaves other completions as they are', () => {
    const plain: ChatCompletion = { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'Yes.' }, finish_reason: 'stop' }] };
    expect(chatCodec.encodeCompletion(plain, undefined, context)).toBe(plain);
    const withState: ChatCompletion = { ...plain, choices: [{ index: 0, message: { role: 'assistant', content: 'Yes.', reasoning_content: 'Hmm.', reasoning_state: { family: 'anthropic', blocks: [{ type: 'thinking', thinking: 'Hmm.', signature: 's' }] } }, finish_reason: 'stop' }] };
    expect(chatCodec.encodeCompletion(withState, undefined, context)).toEqual({ ...plain, choices: [{ index: 0, message: { role: 'assistant', content: 'Yes.', reasoning_content: 'Hmm.' }, finish_reason: 'stop' }] });
  });
});
