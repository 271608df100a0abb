import { describe, expect, it } from 'vitest';
import { estimateUsage } from '../adapt/estimate-usage.ts';
import type { ChatRequest } from '../core/chat.ts';
import type { AnswerContext } from '../core/ingress-codec.ts';
import { createRequestRecord } from '../relay/request-record.ts';
import { createAnswerContext } from './chat-route.ts';
import { collectGarbage } from '../../test/support/collect-garbage.ts';

function chatRequest(): ChatRequest {
  return { model: 'm', stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe it.' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(50_000)}` } }] }] };
}

/** The context, and only a WeakRef to the request it was made from. */
function contextAlone(): { context: AnswerContext; request: WeakRef<ChatRequest>; expected: number } {
  const request = chatRequest();
  const context = createAnswerContext('req-1', request, createRequestRecord('req-1', 'm', true));
  return { context, request: new WeakRef(request), expected: estimateUsage(request, '').prompt_tokens };
}

describe('the answer context a stream encoder keeps (Messages, Responses)', () => {
  // A held stream's encoder keeps it for the stream's life (docs/benchmarks.md "Held stream, round seven").
  it('keeps the prompt text for its token count, not the parsed request', async () => {
    const { context, request, expected } = contextAlone();
    for (let round = 0; round < 3; round += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
    }
    expect(request.deref()).toBeUndefined();
    expect(context.promptTokens?.()).toBe(expected);
  });

  it('notes each adaptation once on the record', () => {
    const record = createRequestRecord('req-2', 'm', true);
    const context = createAnswerContext('req-2', chatRequest(), record);
    context.noteAdaptation?.('reasoning-as-summary');
    context.noteAdaptation?.('reasoning-as-summary');
    expect(record.adaptations).toEqual(['reasoning-as-summary']);
    expect(context.requestId).toBe('req-2');
  });
});
