// Text Embeddings Inference (TEI) reads a rerank call's documents from `texts` (an array of strings),
// where vLLM, Jina and Cohere read `documents` (docs/endpoints.md, "POST /v1/rerank"). TEI's
// `RerankRequest` (huggingface/text-embeddings-inference, router/src/http/types.rs) has `query`,
// `texts`, `truncate`, `raw_scores` and `return_text`, and serde ignores the fields it does not know;
// its handler reads the body with axum's `Json` extractor, whose rejection of a body without `texts` is
// a 422 in plain text: "Failed to deserialize the JSON body into the target type: missing field
// `texts` at line 1 column 87" (axum's `JsonDataError`). That is the upstream naming the field it
// reads, so it is learned for the channel and upstream model like every other capability, and the
// same call is sent again with `texts`.
import type { CapabilityHints } from '../core/channel.ts';
import { isJsonObject, type JsonObject } from '../core/chat.ts';
import { upstreamWords, type GatewayError } from '../core/errors.ts';

/** Statuses a JSON body that does not fit the handler's type is refused with: axum's 422, and a 400 from frameworks that use it. */
const bodyShapeStatuses: ReadonlySet<number> = new Set([400, 422]);

// From the start of the upstream's words: an upstream that quotes the client's input back in its error
// (pydantic's `input_value`) must not teach this from what a client wrote.
const missingTexts = /^Failed to deserialize the JSON body into the target type: missing field `texts`/;

/** `{rerankTexts: true}` when `error` is the upstream asking for `texts`; undefined otherwise. */
export function learnRerankTexts(error: GatewayError): CapabilityHints | undefined {
  const status = error.upstream?.status;
  if (status === undefined || !bodyShapeStatuses.has(status)) return undefined;
  return missingTexts.test(upstreamWords(error)) ? { rerankTexts: true } : undefined;
}

/** Whether the learned hints of a channel say its upstream model reads rerank documents from `texts`. */
export function wantsRerankTexts(learned: Readonly<Record<string, CapabilityHints>>, upstreamModel: string): boolean {
  return learned[upstreamModel]?.rerankTexts === true;
}

/**
 * The rerank body with `documents` sent as `texts`, each `{text}` object as its string (TEI takes
 * strings only). The other fields stay: TEI ignores them, and the answer is read and cut to `top_n`
 * as for every reranker (src/ingress/rerank/normalize-rerank-answer.ts).
 */
export function moveDocumentsToTexts(body: JsonObject): JsonObject {
  const { documents, ...rest } = body;
  if (!Array.isArray(documents)) return body;
  const texts = documents.map((document: unknown) => (isJsonObject(document) && typeof document.text === 'string' ? document.text : document));
  return { ...rest, texts };
}
