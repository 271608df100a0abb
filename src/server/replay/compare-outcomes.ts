// Two outcomes of the same request side by side — the logged original and its replay — and what
// differs between them: the answer's text, the status, the channel that answered, the finish reason.
import type { ClientAnswer } from './read-client-answer.ts';

export interface OutcomeAttempt {
  channel: string;
  upstream_model: string;
  upstream_stream: boolean;
  status: number | null;
  error_code: string | null;
  duration_ms: number;
}

export interface Outcome {
  request_id: string;
  status: number;
  content: string;
  finish_reason: string | null;
  usage: { prompt_tokens: number | null; completion_tokens: number | null; source: string | null };
  channel: string | null;
  attempts: OutcomeAttempt[];
  error: { code: string | null; message: string } | null;
}

export interface Difference {
  field: 'status' | 'content' | 'channel' | 'finish_reason';
  original: string | number | null;
  replay: string | number | null;
}

export interface OutcomeFields {
  requestId: string;
  status: number;
  channel: string | undefined;
  attempts: ReadonlyArray<{ channel: string; upstreamModel: string; upstreamStream: boolean; status: number | undefined; errorCode: string | undefined; durationMs: number }>;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  usageSource: string | undefined;
  errorCode: string | undefined;
  errorMessage: string | undefined;
}

/** A log row or a request record, with the answer the client got, in the report's shape. */
export function describeOutcome(fields: OutcomeFields, answer: ClientAnswer): Outcome {
  const errorMessage = fields.errorMessage ?? answer.streamError;
  return {
    request_id: fields.requestId,
    status: fields.status,
    content: answer.content,
    finish_reason: answer.finishReason,
    usage: { prompt_tokens: fields.promptTokens ?? null, completion_tokens: fields.completionTokens ?? null, source: fields.usageSource ?? null },
    channel: fields.channel ?? null,
    attempts: fields.attempts.map((attempt) => ({
      channel: attempt.channel,
      upstream_model: attempt.upstreamModel,
      upstream_stream: attempt.upstreamStream,
      status: attempt.status ?? null,
      error_code: attempt.errorCode ?? null,
      duration_ms: Math.round(attempt.durationMs),
    })),
    error: errorMessage === undefined ? null : { code: fields.errorCode ?? null, message: errorMessage },
  };
}

const comparedFields = ['status', 'content', 'channel', 'finish_reason'] as const;

export function compareOutcomes(original: Outcome, replay: Outcome): Difference[] {
  return comparedFields.flatMap((field) => (original[field] === replay[field] ? [] : [{ field, original: original[field], replay: replay[field] }]));
}
