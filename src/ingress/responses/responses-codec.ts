// POST /v1/responses on the ingress seam (src/core/ingress-codec.ts): the request into the internal
// chat request, the answer back as a Response object or as Responses stream events. Stateless: no
// response is stored, `store` is always answered false (docs/ingress-protocols.md §D).
import { isJsonObject, type ChatCompletion, type ChatCompletionChunk, type JsonObject, type Usage } from '../../core/chat.ts';
import type { GatewayError } from '../../core/errors.ts';
import type { AnswerContext, IngressCodec, StreamEncoder } from '../../core/ingress-codec.ts';
import { readResponseAnswer } from './read-response-answer.ts';
import { parseResponsesRequest, type ResponsesOptions, type ResponsesState } from './parse-responses-request.ts';
import { ResponseEmitter, type ResponseEvent } from './response-emitter.ts';

const zeroUsage: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

/**
 * The `response.failed` codes Codex acts on (docs/ingress-protocols.md §A4): a rate limit with its
 * wait, a spent quota, a prompt too long; other failures keep Sluice's own code (Codex retries them).
 */
function failureCodeOf(error: GatewayError): string {
  switch (error.code) {
    case 'rate_limited':
    case 'upstream_rate_limited':
      return 'rate_limit_exceeded';
    default:
      return error.code;
  }
}

function failureMessageOf(error: GatewayError): string {
  if (failureCodeOf(error) !== 'rate_limit_exceeded' || error.retryAfterSeconds === undefined) return error.message;
  return `${error.message} Please try again in ${String(error.retryAfterSeconds)}s.`;
}

/** Each event with its `event:` line (the Anthropic-style readers) and `type` and `sequence_number` in the data. */
class ResponsesStreamEncoder implements StreamEncoder {
  readonly keepalive = ': keep-alive\n\n';
  private sequence = 0;
  private readonly emitter: ResponseEmitter;

  constructor(state: ResponsesState, context: AnswerContext) {
    this.emitter = new ResponseEmitter(state, context);
  }

  private frame(events: readonly ResponseEvent[]): string {
    let text = '';
    for (const { type, ...fields } of events) {
      text += `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.sequence, ...fields })}\n\n`;
      this.sequence += 1;
    }
    return text;
  }

  private prelude(model: string): ResponseEvent[] {
    return this.emitter.started ? [] : this.emitter.start(model);
  }

  encodeChunk(chunk: ChatCompletionChunk): string {
    if (this.emitter.ended) return '';
    const events = this.prelude(chunk.model);
    const choice = chunk.choices.find((candidate) => candidate.index === 0);
    if (choice !== undefined) events.push(...this.emitter.addDelta(choice.delta, choice.finish_reason));
    return this.frame(events);
  }

  encodeEnd(usage: Usage): string {
    if (this.emitter.ended) return '';
    return this.frame([...this.prelude(''), ...this.emitter.finish(usage).events]);
  }

  encodeFailure(error: GatewayError): string {
    if (this.emitter.ended) return '';
    return this.frame([...this.prelude(''), ...this.emitter.fail({ code: failureCodeOf(error), message: failureMessageOf(error), param: error.param })]);
  }
}

/** A completion as the same events a stream would give, keeping only the terminal response. */
function encodeCompletion(completion: ChatCompletion, state: ResponsesState, context: AnswerContext): JsonObject {
  const emitter = new ResponseEmitter(state, context);
  emitter.start(completion.model);
  const choice = completion.choices.find((candidate) => candidate.index === 0) ?? completion.choices[0];
  if (choice !== undefined) {
    const { tool_calls: toolCalls, ...message } = choice.message;
    const fragments = toolCalls?.map((call, index) => ({ index, id: call.id, type: call.type, function: { name: call.function.name, arguments: call.function.arguments } }));
    emitter.addDelta({ ...message, ...(fragments === undefined ? {} : { tool_calls: fragments }) }, choice.finish_reason);
  }
  return emitter.finish(completion.usage ?? zeroUsage).response;
}

export function createResponsesCodec(options: ResponsesOptions): IngressCodec<ResponsesState> {
  return {
    protocol: 'responses',
    // The body as written also goes to channels that serve the Responses API themselves (pass-through, §D1).
    parseRequest: (body) => {
      const parsed = parseResponsesRequest(body, options);
      return isJsonObject(body) ? { ...parsed, sameDialect: { protocol: 'responses', body, headers: {} } } : parsed;
    },
    encodeCompletion,
    createStreamEncoder: (state, context) => new ResponsesStreamEncoder(state, context),
    readAnswer: readResponseAnswer,
  };
}
