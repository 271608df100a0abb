// The Anthropic Messages protocol (POST /v1/messages, issue 14) as an ingress codec: the request into
// the internal chat request, the answer back as a Message or its stream, errors in Anthropic's shape.
import { isJsonObject } from '../../core/chat.ts';
import type { IngressCodec, SameDialectRequest } from '../../core/ingress-codec.ts';
import { encodeMessage } from './encode-message.ts';
import { createMessageStreamEncoder } from './encode-message-stream.ts';
import { parseMessagesRequest, type MessagesState } from './parse-messages-request.ts';
import { readMessageAnswer } from './read-message-answer.ts';
import { renderMessagesError } from './render-messages-error.ts';

export interface MessagesCodecOptions {
  /** Config `drop_unsupported_tools`: drop Anthropic's server tools with a warning header instead of a 400. */
  dropUnsupportedTools: boolean;
}

/** The protocol headers an Anthropic upstream reads: the API version and the beta features (Claude Code sends several). */
const forwardedHeaders = ['anthropic-version', 'anthropic-beta'] as const;

export function readForwardedHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const name of forwardedHeaders) {
    const value = headers[name];
    const text = Array.isArray(value) ? value.join(',') : value;
    if (text !== undefined && text !== '') forwarded[name] = text;
  }
  return forwarded;
}

/**
 * The query parameters an Anthropic upstream reads: `beta=true`, which Claude Code and the SDK's
 * `client.beta.messages` add to every call. Anything else stays with Sluice (deny by default).
 */
const forwardedQuery = ['beta'] as const;
const queryValue = /^[\w.-]{1,40}$/;

export function readForwardedQuery(query: unknown): Record<string, string> | undefined {
  if (!isJsonObject(query)) return undefined;
  const forwarded: Record<string, string> = {};
  for (const name of forwardedQuery) {
    const value = query[name];
    if (typeof value === 'string' && queryValue.test(value)) forwarded[name] = value;
  }
  return Object.keys(forwarded).length === 0 ? undefined : forwarded;
}

/** The request as the client wrote it, for Anthropic channels (pass-through, docs/ingress-protocols.md §D1). */
export function readSameDialect(body: unknown, headers: Readonly<Record<string, string | string[] | undefined>>, query: unknown): SameDialectRequest | undefined {
  if (!isJsonObject(body)) return undefined;
  const forwarded = readForwardedQuery(query);
  return { protocol: 'messages', body, headers: readForwardedHeaders(headers), ...(forwarded === undefined ? {} : { query: forwarded }) };
}

export function createMessagesCodec(options: MessagesCodecOptions): IngressCodec<MessagesState> {
  return {
    protocol: 'messages',
    parseRequest: (body, headers, query) => {
      const parsed = parseMessagesRequest(body, { dropUnsupportedTools: options.dropUnsupportedTools, requireMaxTokens: true });
      const sameDialect = readSameDialect(body, headers, query);
      return { ...parsed, ...(sameDialect === undefined ? {} : { sameDialect }) };
    },
    encodeCompletion: encodeMessage,
    createStreamEncoder: createMessageStreamEncoder,
    renderError: renderMessagesError,
    readAnswer: readMessageAnswer,
  };
}
