// The one list of chat ingress codecs by protocol name (issue 14): build-app's routes take theirs
// from here, and a replay finds the codec of a logged request by the row's `ingress`, so neither
// branches on a protocol name.
import type { ChatCompletion, ChatRequest } from '../core/chat.ts';
import type { AnswerContext, ClientAnswer, IngressCodec, StreamEncoder } from '../core/ingress-codec.ts';
import { chatCodec } from '../ingress/chat-completions/chat-codec.ts';
import { createMessagesCodec } from '../ingress/messages/messages-codec.ts';
import { createResponsesCodec } from '../ingress/responses/responses-codec.ts';
import { readClientAnswer } from './replay/read-client-answer.ts';

export interface IngressCodecOptions {
  /** Config `drop_unsupported_tools`. */
  dropUnsupportedTools: boolean;
}


/** A parsed request with its codec's answer functions bound to the request's state. */
export interface OpenedRequest {
  chat: ChatRequest;
  encodeCompletion: (completion: ChatCompletion, context: AnswerContext) => object;
  /** undefined: Chat Completions frames. */
  createStreamEncoder: ((context: AnswerContext) => StreamEncoder) | undefined;
}

/** A codec whatever its state type: parse a body into an opened request, read an answer back. */
export interface OpenedCodec {
  protocol: string;
  open: (body: unknown) => OpenedRequest;
  readAnswer: (responseText: string) => ClientAnswer;
}

function openCodec<State>(codec: IngressCodec<State>): OpenedCodec {
  return {
    protocol: codec.protocol,
    open(body) {
      // A capture keeps the body, not the headers: no codec of these reads a header it needs to answer.
      const { chat, state, untranslatable } = codec.parseRequest(body, {});
      // A replay is translated: what only a same-dialect channel runs is refused as on a translated try.
      if (untranslatable?.refusal !== undefined) throw untranslatable.refusal;
      const { createStreamEncoder } = codec;
      return {
        chat,
        encodeCompletion: (completion, context) => codec.encodeCompletion(completion, state, context),
        createStreamEncoder: createStreamEncoder === undefined ? undefined : (context) => createStreamEncoder(state, context),
      };
    },
    readAnswer: codec.readAnswer ?? readClientAnswer,
  };
}

export function createIngressCodecs(options: IngressCodecOptions) {
  const chat = chatCodec;
  const responses = createResponsesCodec(options);
  const messages = createMessagesCodec(options);
  return { chat, responses, messages, opened: [openCodec(chat), openCodec(responses), openCodec(messages)] } as const;
}

export type IngressCodecs = ReturnType<typeof createIngressCodecs>;

/** The codec that served a logged request; rows from before the `ingress` column were Chat Completions. */
export function findIngressCodec(codecs: IngressCodecs, protocol: string | undefined): OpenedCodec | undefined {
  return codecs.opened.find((codec) => codec.protocol === (protocol ?? codecs.chat.protocol));
}
