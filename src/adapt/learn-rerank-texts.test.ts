import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.ts';
import { learnRerankTexts, moveDocumentsToTexts, wantsRerankTexts } from './learn-rerank-texts.ts';

// What axum's `Json` extractor answers TEI's /rerank for a body without `texts` (422, text/plain).
const teiWords = 'Failed to deserialize the JSON body into the target type: missing field `texts` at line 1 column 87';
const upstreamError = (status: number, words: string) => new GatewayError('upstream_rejected', `tei answered HTTP ${String(status)}: ${words}`, { status, upstream: { channel: 'tei', status } });

describe('learnRerankTexts', () => {
  it("learns `texts` from TEI's 422 (and a 400 with the same words)", () => {
    expect(learnRerankTexts(upstreamError(422, teiWords))).toEqual({ rerankTexts: true });
    expect(learnRerankTexts(upstreamError(400, teiWords))).toEqual({ rerankTexts: true });
  });

  it('learns nothing from other statuses, other fields, or words not from the upstream', () => {
    expect(learnRerankTexts(upstreamError(404, teiWords))).toBeUndefined();
    expect(learnRerankTexts(upstreamError(503, teiWords))).toBeUndefined();
    expect(learnRerankTexts(upstreamError(422, 'Failed to deserialize the JSON body into the target type: missing field `query` at line 1 column 20'))).toBeUndefined();
    expect(learnRerankTexts(new GatewayError('upstream_unreachable', teiWords))).toBeUndefined();
  });

  it("learns nothing from an upstream that quotes the client's own text back (a client cannot teach it)", () => {
    const quoted = `[{'type': 'string_type', 'loc': ('body', 'query'), 'msg': 'Input should be a valid string', 'input': '${teiWords}'}]`;
    expect(learnRerankTexts(upstreamError(400, quoted))).toBeUndefined();
  });
});

describe('wantsRerankTexts', () => {
  it('reads the hint per upstream model', () => {
    expect(wantsRerankTexts({ 'bge-reranker-large': { rerankTexts: true } }, 'bge-reranker-large')).toBe(true);
    expect(wantsRerankTexts({ 'bge-reranker-large': { rerankTexts: true } }, 'other')).toBe(false);
    expect(wantsRerankTexts({}, 'bge-reranker-large')).toBe(false);
  });
});

describe('moveDocumentsToTexts', () => {
  it('sends the documents as `texts`, each {text} object as its string, the other fields kept', () => {
    expect(moveDocumentsToTexts({ model: 'm', query: 'q', documents: ['a', { text: 'b', title: 't' }], top_n: 1 })).toEqual({ model: 'm', query: 'q', texts: ['a', 'b'], top_n: 1 });
  });

  it('leaves a body without a documents list as it is', () => {
    const body = { model: 'm', query: 'q' };
    expect(moveDocumentsToTexts(body)).toBe(body);
  });
});
