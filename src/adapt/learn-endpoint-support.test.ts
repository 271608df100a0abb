import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.ts';
import { isLearnedUnsupported, learnEndpointSupport } from './learn-endpoint-support.ts';

const answered = (status: number, words: string) => new GatewayError(status >= 500 ? 'upstream_error' : 'upstream_rejected', `ch answered HTTP ${status}: ${words}`, { upstream: { channel: 'ch', status } });

describe('learnEndpointSupport', () => {
  it("learns that the endpoint is missing from a 404, 405 or 501 for its path (OpenAI's Invalid URL, FastAPI's Not Found)", () => {
    expect(learnEndpointSupport(answered(404, 'Invalid URL (POST /v1/rerank)'), 'rerank')).toEqual({ unsupportedEndpoints: ['rerank'] });
    expect(learnEndpointSupport(answered(405, 'Method Not Allowed'), 'moderations')).toEqual({ unsupportedEndpoints: ['moderations'] });
    expect(learnEndpointSupport(answered(501, 'Not Implemented'), 'images.generations')).toEqual({ unsupportedEndpoints: ['images.generations'] });
  });

  it('learns nothing from a 404 about the model, a 400 about the body, or an error that never reached the upstream', () => {
    expect(learnEndpointSupport(answered(404, 'The model `bge-x` does not exist.'), 'rerank')).toBeUndefined();
    expect(learnEndpointSupport(answered(400, "Invalid value for 'n': 11 is greater than the maximum of 10"), 'images.generations')).toBeUndefined();
    expect(learnEndpointSupport(answered(400, 'Unknown endpoint /v1/rerank'), 'rerank')).toBeUndefined();
    expect(learnEndpointSupport(new GatewayError('upstream_unreachable', 'connect ECONNREFUSED'), 'rerank')).toBeUndefined();
  });

  it('reads the learned hints of one upstream model and endpoint only', () => {
    const learned = { 'bge-x': { unsupportedEndpoints: ['rerank' as const] } };
    expect(isLearnedUnsupported(learned, 'bge-x', 'rerank')).toBe(true);
    expect(isLearnedUnsupported(learned, 'bge-x', 'moderations')).toBe(false);
    expect(isLearnedUnsupported(learned, 'other', 'rerank')).toBe(false);
  });
});
