// The client's rerank body, in the shape vLLM, Jina and Cohere share → the body relayed, or a 400
// before anything is sent upstream: `{model, query, documents, top_n?, return_documents?}`, documents
// as strings or `{text}` objects. Where the shape was read: vLLM "Re-rank API"
// (docs.vllm.ai/en/latest/serving/openai_compatible_server.html#re-rank-api), Jina
// (jina.ai/reranker: api.jina.ai/v1/rerank), Cohere (docs.cohere.com/reference/rerank, v1 and v2).
// Unknown fields (Cohere's `max_tokens_per_doc`, `rank_fields`) pass through.
import * as z from 'zod';
import { isJsonObject, type JsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { buildOnce } from '../../lib/build-once.ts';
import { describeType, parseWith } from '../describe-issue.ts';
import { lenientBoolean, lenientInteger } from '../lenient-values.ts';

// Built on the first rerank request, not at start (lib/build-once.ts).
const rerankRequestSchema = buildOnce(() => {
  const documentSchema = z.union([z.string(), z.looseObject({ text: z.string() })], { error: 'expected a string or an object with a `text` string.' });

  return z.looseObject({
    model: z.string().min(1),
    query: z.string().min(1),
    documents: z.array(documentSchema).min(1),
    top_n: lenientInteger(1).nullish(),
    return_documents: lenientBoolean.nullish(),
  });
});

export type RerankDocument = string | { text: string };

export interface RerankRequest {
  model: string;
  body: JsonObject;
  documents: readonly RerankDocument[];
  topN: number | undefined;
  returnDocuments: boolean | undefined;
}

export function parseRerankRequest(body: unknown): RerankRequest {
  if (!isJsonObject(body)) throw new GatewayError('invalid_json', `The request body must be a JSON object, got ${describeType(body)}.`);
  const parsed = parseWith(rerankRequestSchema(), body);
  return {
    model: parsed.model,
    body: parsed,
    documents: parsed.documents,
    topN: parsed.top_n ?? undefined,
    returnDocuments: parsed.return_documents ?? undefined,
  };
}
