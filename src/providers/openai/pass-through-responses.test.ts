import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import { learnResponsesSupport } from './pass-through-responses.ts';

function answered(status: number, words: string): GatewayError {
  return new GatewayError(status === 404 ? 'not_found' : 'upstream_rejected', `up answered HTTP ${status}: ${words}`, { upstream: { channel: 'up', status } });
}

describe('learnResponsesSupport', () => {
  it('learns unsupported from a 404, 405 or 501 for the route', () => {
    expect(learnResponsesSupport(answered(404, 'Not Found'))).toEqual({ responsesApi: 'unsupported' });
    expect(learnResponsesSupport(answered(405, 'Method Not Allowed'))).toEqual({ responsesApi: 'unsupported' });
    expect(learnResponsesSupport(answered(501, 'Not Implemented'))).toEqual({ responsesApi: 'unsupported' });
  });

  it('learns from a 400 only when it names the endpoint', () => {
    expect(learnResponsesSupport(answered(400, 'Unrecognized request URL (POST: /v1/responses).'))).toEqual({ responsesApi: 'unsupported' });
    expect(learnResponsesSupport(answered(400, "Unsupported parameter: 'temperature'"))).toBeUndefined();
  });

  it('leaves a missing model or deployment to the usual rules', () => {
    expect(learnResponsesSupport(answered(404, 'The model `gpt-9` does not exist or you do not have access to it.'))).toBeUndefined();
    expect(learnResponsesSupport(answered(404, 'The API deployment for this resource does not exist.'))).toBeUndefined();
  });

  it('learns nothing without an upstream answer', () => {
    expect(learnResponsesSupport(new GatewayError('upstream_unreachable', 'connection refused'))).toBeUndefined();
  });
});
