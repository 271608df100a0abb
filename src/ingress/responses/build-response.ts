// The Response object (docs/ingress-protocols.md §A2), built in one place for the non-stream answer
// and for every lifecycle event of a stream, so the non-stream answer equals the terminal event's
// `response`. Only fields of OpenAI's `Response` type: the SDK adds `output_text` itself.
import type { JsonObject, Usage } from '../../core/chat.ts';
import type { AnswerContext } from '../../core/ingress-codec.ts';
import type { ResponsesState } from './parse-responses-request.ts';

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseOutcome {
  status: ResponseStatus;
  output: readonly JsonObject[];
  usage: Usage | undefined;
  incompleteReason?: string;
  error?: { code: string; message: string };
}

/** Item and response ids share the request id, so a log row names every id a client saw. */
export function idBaseOf(requestId: string): string {
  return requestId.replace(/^req_/, '');
}

function readCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function readDetail(details: unknown, field: string): number {
  return details !== null && typeof details === 'object' ? readCount((details as JsonObject)[field]) : 0;
}

/** Chat usage → Responses usage. */
export function convertUsage(usage: Usage): JsonObject {
  return {
    input_tokens: readCount(usage.prompt_tokens),
    input_tokens_details: { cached_tokens: readDetail(usage['prompt_tokens_details'], 'cached_tokens') },
    output_tokens: readCount(usage.completion_tokens),
    output_tokens_details: { reasoning_tokens: readDetail(usage['completion_tokens_details'], 'reasoning_tokens') },
    total_tokens: readCount(usage.total_tokens),
  };
}

export function buildResponse(state: ResponsesState, context: AnswerContext, model: string, outcome: ResponseOutcome): JsonObject {
  const { echo } = state;
  return {
    id: `resp_${idBaseOf(context.requestId)}`,
    object: 'response',
    created_at: context.createdAt,
    status: outcome.status,
    error: outcome.error ?? null,
    incomplete_details: outcome.incompleteReason === undefined ? null : { reason: outcome.incompleteReason },
    instructions: echo.instructions,
    max_output_tokens: echo.max_output_tokens,
    model,
    output: outcome.output.map((item) => structuredClone(item)),
    parallel_tool_calls: echo.parallel_tool_calls,
    reasoning: echo.reasoning,
    store: false,
    temperature: echo.temperature,
    text: echo.text,
    tool_choice: echo.tool_choice,
    tools: echo.tools,
    top_p: echo.top_p,
    metadata: echo.metadata,
    usage: outcome.usage === undefined ? null : convertUsage(outcome.usage),
  };
}
