// Chat Completions is the internal model: parsing validates it, and answers go out as they are
// (streams through the relay's own frames, src/relay/client-stream-path.ts).
import type { IngressCodec } from '../../core/ingress-codec.ts';
import { parseChatRequest } from './parse-chat-request.ts';

export const chatCodec: IngressCodec<undefined> = {
  protocol: 'chat',
  parseRequest: (body) => ({ chat: parseChatRequest(body), state: undefined }),
  encodeCompletion: (completion) => completion,
};
