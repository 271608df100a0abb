import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import { normalizeRerankAnswer } from './normalize-rerank-answer.ts';
import { parseRerankRequest } from './parse-rerank-request.ts';

const request = (extra: Record<string, unknown> = {}) => parseRerankRequest({ model: 'reranker', query: 'paris', documents: ['berlin', { text: 'paris' }, 'rome'], ...extra });

describe('normalizeRerankAnswer', () => {
  it("keeps vLLM's answer (documents as {text}, usage.total_tokens), under the client's model name", () => {
    const vllm = { id: 'rerank-1', model: 'BAAI/bge-reranker-base', usage: { total_tokens: 56 }, results: [{ index: 1, document: { text: 'paris' }, relevance_score: 0.998 }, { index: 0, document: { text: 'berlin' }, relevance_score: 0.01 }] };
    expect(normalizeRerankAnswer(vllm, request(), 'vllm')).toEqual({
      id: 'rerank-1',
      model: 'reranker',
      results: [{ index: 1, relevance_score: 0.998, document: { text: 'paris' } }, { index: 0, relevance_score: 0.01, document: { text: 'berlin' } }],
      usage: { prompt_tokens: 56, total_tokens: 56 },
    });
  });

  it("fills Cohere v2's missing documents from the request when return_documents is true, and keeps its meta", () => {
    const cohere = { id: 'c-1', results: [{ index: 2, relevance_score: 0.5 }, { index: 1, relevance_score: 0.4 }], meta: { api_version: { version: '2' }, billed_units: { search_units: 1 } } };
    expect(normalizeRerankAnswer(cohere, request({ return_documents: true }), 'cohere')).toEqual({
      id: 'c-1',
      model: 'reranker',
      results: [{ index: 2, relevance_score: 0.5, document: { text: 'rome' } }, { index: 1, relevance_score: 0.4, document: { text: 'paris' } }],
      meta: { api_version: { version: '2' }, billed_units: { search_units: 1 } },
    });
  });

  it("reads TEI's bare array of {index, score, text}, cut to top_n", () => {
    const tei = [{ index: 1, score: 0.9, text: 'paris' }, { index: 0, score: 0.2, text: 'berlin' }, { index: 2, score: 0.1, text: 'rome' }];
    expect(normalizeRerankAnswer(tei, request({ top_n: 2 }), 'tei')).toEqual({
      model: 'reranker',
      results: [{ index: 1, relevance_score: 0.9, document: { text: 'paris' } }, { index: 0, relevance_score: 0.2, document: { text: 'berlin' } }],
    });
  });

  it('leaves documents out when the client said return_documents: false', () => {
    const jina = { model: 'jina-reranker-v2', usage: { total_tokens: 12 }, results: [{ index: 0, document: { text: 'berlin' }, relevance_score: 0.3 }] };
    expect(normalizeRerankAnswer(jina, request({ return_documents: false }), 'jina').results).toEqual([{ index: 0, relevance_score: 0.3 }]);
  });

  it('refuses an answer without results as upstream_bad_response', () => {
    for (const answer of [{ data: [] }, { results: [{ index: 'a', relevance_score: 1 }] }, 'text']) {
      expect(() => normalizeRerankAnswer(answer, request(), 'odd')).toThrow(GatewayError);
    }
    expect(() => normalizeRerankAnswer({ results: [{ index: 0 }] }, request(), 'odd')).toThrow(/without a list of results/);
  });
});
