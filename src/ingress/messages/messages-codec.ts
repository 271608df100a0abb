// The Anthropic Messages protocol (POST /v1/messages, issue 14) as an ingress codec: the request into
// the internal chat request, the answer back as a Message or its stream, errors in Anthropic's shape.
import type { IngressCodec } from '../../core/ingress-codec.ts';
import { encodeMessage } from './encode-message.ts';
import { createMessageStreamEncoder } from './encode-message-stream.ts';
import { parseMessagesRequest, type MessagesState } from './parse-messages-request.ts';
import { readMessageAnswer } from './read-message-answer.ts';
import { renderMessagesError } from './render-messages-error.ts';

export interface MessagesCodecOptions {
  /** Config `drop_unsupported_tools`: drop Anthropic's server tools with a warning header instead of a 400. */
  dropUnsupportedTools: boolean;
}

export function createMessagesCodec(options: MessagesCodecOptions): IngressCodec<MessagesState> {
  return {
    protocol: 'messages',
    parseRequest: (body) => {
      const parsed = parseMessagesRequest(body, { dropUnsupportedTools: options.dropUnsupportedTools, requireMaxTokens: true });
      return { ...parsed, headers: parsed.state.headers };
    },
    encodeCompletion: encodeMessage,
    createStreamEncoder: createMessageStreamEncoder,
    renderError: renderMessagesError,
    readAnswer: readMessageAnswer,
  };
}
