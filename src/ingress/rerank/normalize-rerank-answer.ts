// An upstream's rerank answer → the one shape Sluice answers: `{id?, model, results: [{index,
// relevance_score, document?}], usage?, meta?}`. The shapes read:
// - vLLM `/rerank` (docs.vllm.ai, "Re-rank API"): `{id, model, usage: {total_tokens}, results: [{index,
//   document: {text}, relevance_score}]}`;
// - Jina (api.jina.ai/v1/rerank): `{model, usage: {total_tokens}, results: [{index, document: {text},
//   relevance_score}]}`;
// - Cohere v1/v2 (docs.cohere.com/reference/rerank): `{id, results: [{index, relevance_score,
//   document?: {text}}], meta: {billed_units: {search_units}}}` (v2 never returns documents);
// - TEI `/rerank` (huggingface.github.io/text-embeddings-inference): a bare array `[{index, score, text?}]`.
// `return_documents: true` fills a missing document from the request; `false` leaves them out; unset,
// whatever the upstream sent. More results than `top_n` are cut (an upstream that ignores it).
import { isJsonObject, type JsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import type { RerankDocument, RerankRequest } from './parse-rerank-request.ts';

function asDocument(value: unknown): JsonObject | undefined {
  if (typeof value === 'string') return { text: value };
  return isJsonObject(value) ? value : undefined;
}

function fromRequest(document: RerankDocument | undefined): JsonObject | undefined {
  return document === undefined ? undefined : typeof document === 'string' ? { text: document } : { ...document };
}

function readResult(item: unknown, request: RerankRequest): JsonObject | undefined {
  if (!isJsonObject(item)) return undefined;
  const index = item.index;
  const score = item.relevance_score ?? item.score;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || typeof score !== 'number') return undefined;
  const result: JsonObject = { index, relevance_score: score };
  if (request.returnDocuments === false) return result;
  const document = asDocument(item.document) ?? (typeof item.text === 'string' ? { text: item.text } : undefined) ?? (request.returnDocuments === true ? fromRequest(request.documents[index]) : undefined);
  if (document !== undefined) result.document = document;
  return result;
}

/** Tokens the upstream counted (`usage.total_tokens`, `prompt_tokens`); undefined when it counts none (Cohere's search units). */
function readUsage(usage: unknown): JsonObject | undefined {
  if (!isJsonObject(usage)) return undefined;
  const total = usage.total_tokens ?? usage.prompt_tokens;
  if (typeof total !== 'number' || !Number.isFinite(total) || total < 0) return undefined;
  return { prompt_tokens: typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : total, total_tokens: total };
}

export function normalizeRerankAnswer(answer: unknown, request: RerankRequest, channel: string): JsonObject {
  const items = Array.isArray(answer) ? answer : isJsonObject(answer) ? answer.results : undefined;
  const results = Array.isArray(items) ? items.map((item) => readResult(item, request)) : [];
  if (!Array.isArray(items) || results.some((result) => result === undefined)) {
    throw new GatewayError('upstream_bad_response', `${channel} answered the rerank call without a list of results ({index, relevance_score}).`, { upstream: { channel } });
  }
  const kept = request.topN === undefined ? results : results.slice(0, request.topN);
  const normalized: JsonObject = {};
  if (isJsonObject(answer) && typeof answer.id === 'string') normalized.id = answer.id;
  normalized.model = request.model;
  normalized.results = kept;
  const usage = isJsonObject(answer) ? readUsage(answer.usage) : undefined;
  if (usage !== undefined) normalized.usage = usage;
  if (isJsonObject(answer) && isJsonObject(answer.meta)) normalized.meta = answer.meta;
  return normalized;
}
