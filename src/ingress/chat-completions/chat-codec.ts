// Chat Completions is the internal model: parsing validates it, and answers go out as they are
// (streams through the relay's own frames, src/relay/client-stream-path.ts).
import type { ChatCompletion } from '../../core/chat.ts';
import type { IngressCodec } from '../../core/ingress-codec.ts';
import { parseChatRequest } from './parse-chat-request.ts';

export const chatCodec: IngressCodec<undefined> = {
  protocol: 'chat',
  parseRequest: (body) => ({ chat: parseChatRequest(body), state: undefined }),
  encodeCompletion: withoutReasoningStates,
};

/** A reasoning state (issue 14) is never in a Chat Completions answer; the completion is copied only when one carries it. */
function withoutReasoningStates(completion: ChatCompletion): ChatCompletion {
  if (!completion.choices.some((choice) => choice.message.reasoning_state !== undefined)) return completion;
  return {
    ...completion,
    choices: completion.choices.map((choice) => {
      const { reasoning_state: _state, ...message } = choice.message;
      return { ...choice, message };
    }),
  };
}
