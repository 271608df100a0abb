// Upstreams of issue 18's JSON endpoints, answering as the real ones do:
// - OpenAI `POST /v1/moderations` (OpenAI API reference, "Create moderation"): `{id, model, results:
//   [{flagged, categories, category_scores, category_applied_input_types}]}`, one result per input;
// - OpenAI `POST /v1/images/generations` (API reference, "Create image"): `{created, data: [{b64_json}]
//   | [{url, revised_prompt}], usage?}`, `usage` {input_tokens, output_tokens, total_tokens,
//   input_tokens_details} for gpt-image-1 only;
// - OpenAI has no `/v1/rerank`: an unknown route answers 404 `{"error": {"message": "Invalid URL (POST
//   /v1/rerank)", "type": "invalid_request_error", …}}` (its answer to any unknown path);
// - vLLM `POST /rerank` (docs.vllm.ai, OpenAI-compatible server, "Re-rank API"): `{id, model, usage:
//   {total_tokens}, results: [{index, document: {text}, relevance_score}]}`, sorted by score; its
//   unknown routes answer FastAPI's 404 `{"detail": "Not Found"}`;
// - Text Embeddings Inference `POST /rerank` (huggingface/text-embeddings-inference, router/src/http/types.rs
//   `RerankRequest` {query, texts, truncate, raw_scores, return_text}; unknown fields ignored by serde):
//   a bare array `[{index, score, text?}]` sorted by score; a body without `texts` is refused by axum's
//   `Json` extractor with a 422 in plain text, "Failed to deserialize the JSON body into the target type:
//   missing field `texts` at line 1 column <the body's length>".
import { isJsonObject, startEmulator, writeJson, type Emulator, type ReceivedRequest } from './emulator-server.ts';

/** A 1×1 transparent PNG, base64: what a b64_json image looks like on the wire. */
export const tinyPngBase64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const pathOf = (request: ReceivedRequest): string => request.path.split('?')[0] ?? '';

function moderationResult(text: string): Record<string, unknown> {
  const flagged = text.includes('kill');
  return {
    flagged,
    categories: { harassment: false, violence: flagged, 'self-harm': false, sexual: false, hate: false, illicit: false },
    category_scores: { harassment: 0.0001, violence: flagged ? 0.97 : 0.0002, 'self-harm': 0.00001, sexual: 0.00002, hate: 0.00001, illicit: 0.00003 },
    category_applied_input_types: { harassment: ['text'], violence: ['text'], 'self-harm': ['text'], sexual: ['text'], hate: ['text'], illicit: ['text'] },
  };
}

function answerModeration(request: ReceivedRequest): string {
  const input = request.body?.['input'];
  const texts = Array.isArray(input) ? input.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))) : [String(input)];
  return JSON.stringify({ id: 'modr-0d9740456c391e43c445bf0f010940c7', model: request.body?.['model'], results: texts.map(moderationResult) });
}

function answerImages(request: ReceivedRequest): string {
  const count = typeof request.body?.['n'] === 'number' ? request.body['n'] : 1;
  const model = request.body?.['model'];
  const items = Array.from({ length: count }, (_, index) =>
    request.body?.['response_format'] === 'url' ? { url: `https://images.example/img-${index}.png?sig=abc`, revised_prompt: `revised ${index}` } : { b64_json: tinyPngBase64 },
  );
  const usage = model === 'gpt-image-1' ? { usage: { input_tokens: 50, output_tokens: 1056 * count, total_tokens: 50 + 1056 * count, input_tokens_details: { text_tokens: 50, image_tokens: 0 } } } : {};
  return JSON.stringify({ created: 1713833628, data: items, ...usage });
}

/** OpenAI: moderations and images at `/v1/...`; any other path the 404 OpenAI gives for an unknown URL. */
export function startOpenAiEndpoints(): Promise<Emulator> {
  return startEmulator((request, response) => {
    const path = pathOf(request);
    if (path === '/v1/moderations') writeJson(response, 200, answerModeration(request), { 'x-request-id': 'req_mod' });
    else if (path === '/v1/images/generations') writeJson(response, 200, answerImages(request));
    else writeJson(response, 404, JSON.stringify({ error: { message: `Invalid URL (${request.method} ${path})`, type: 'invalid_request_error', param: null, code: null } }));
  });
}

/** vLLM serving a reranker at `path` (it serves `/rerank`, `/v1/rerank` and `/v2/rerank`); other paths FastAPI's 404. */
export function startVllmRerank(path = '/rerank'): Promise<Emulator> {
  return startEmulator((request, response) => {
    if (pathOf(request) !== path) {
      writeJson(response, 404, '{"detail":"Not Found"}');
      return;
    }
    const documents = Array.isArray(request.body?.['documents']) ? (request.body['documents'] as unknown[]) : [];
    const query = typeof request.body?.['query'] === 'string' ? request.body['query'] : '';
    const scored = documents.map((document, index) => {
      const text = typeof document === 'string' ? document : isJsonObject(document) && typeof document['text'] === 'string' ? document['text'] : '';
      return { index, document: { text }, relevance_score: text.includes(query) ? 0.99853515625 : 0.0001 / (index + 1) };
    });
    scored.sort((a, b) => b.relevance_score - a.relevance_score);
    const topN = typeof request.body?.['top_n'] === 'number' ? request.body['top_n'] : scored.length;
    writeJson(response, 200, JSON.stringify({ id: 'rerank-8f3b2c', model: request.body?.['model'], usage: { total_tokens: 7 * documents.length }, results: scored.slice(0, topN) }));
  });
}

/** TEI serving a reranker at its root `/rerank`: documents read from `texts` only. */
export function startTeiRerank(): Promise<Emulator> {
  return startEmulator((request, response) => {
    const texts = request.body?.['texts'];
    if (pathOf(request) !== '/rerank') {
      response.writeHead(404).end();
      return;
    }
    if (!Array.isArray(texts)) {
      const words = `Failed to deserialize the JSON body into the target type: missing field \`texts\` at line 1 column ${String(request.rawBody.length)}`;
      response.writeHead(422, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(words)) }).end(words);
      return;
    }
    const query = typeof request.body?.['query'] === 'string' ? request.body['query'] : '';
    const withText = request.body?.['return_text'] === true;
    const ranks = texts.map((text, index) => ({ index, ...(withText ? { text } : {}), score: String(text).includes(query) ? 0.9988 : 0.00012 / (index + 1) }));
    ranks.sort((a, b) => b.score - a.score);
    writeJson(response, 200, JSON.stringify(ranks));
  });
}

/** Every path answers 503 overloaded (OpenAI's wording): the channel before the one that answers. */
export function startOverloaded(): Promise<Emulator> {
  return startEmulator((_request, response) => {
    writeJson(response, 503, '{"error":{"message":"The server is overloaded or not ready yet.","type":"server_error","param":null,"code":null}}');
  });
}
