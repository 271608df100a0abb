import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.ts';
import { blamesBody, classifyFailure, countsAgainstChannel, scopeKeyRefusal, type FailureContext } from './classify-failure.ts';
import { errorFromUpstream } from './upstream-error.ts';

const retry = { attempts: 3, baseMs: 100, maxMs: 1000, maxRetryAfterMs: 5000 };
const context = (overrides: Partial<FailureContext> = {}): FailureContext => ({ canAdapt: false, triesOnChannel: 1, retry, hasAlternative: true, ...overrides });
const upstream = (status: number, retryAfter?: number) =>
  errorFromUpstream('ch', status, { message: 'x', type: undefined, code: undefined, param: undefined }, retryAfter);

describe('classifyFailure', () => {
  it('adapts and retries when the upstream said what it wants', () => {
    expect(classifyFailure(upstream(400), context({ canAdapt: true }))).toBe('adapt-and-retry');
  });

  it('gives up on a request the upstream refused', () => {
    for (const status of [400, 404, 413, 422]) expect(classifyFailure(upstream(status), context())).toBe('give-up');
  });

  it('retries transient statuses on the same channel while tries are left, then fails over', () => {
    for (const status of [408, 409, 425, 500, 502, 503, 504, 520, 524, 529]) {
      expect(classifyFailure(upstream(status), context())).toBe('retry-same');
      expect(classifyFailure(upstream(status), context({ triesOnChannel: 3 }))).toBe('fail-over');
    }
  });

  it('does not retry a 501', () => {
    expect(classifyFailure(upstream(501), context())).toBe('give-up');
  });

  it('retries resets and broken bodies on the same channel', () => {
    expect(classifyFailure(new GatewayError('upstream_reset', 'reset'), context())).toBe('retry-same');
    expect(classifyFailure(new GatewayError('upstream_bad_response', 'truncated JSON'), context())).toBe('retry-same');
  });

  it('fails over at once from a channel that is down or stuck, and retries it when it is the only one', () => {
    for (const code of ['upstream_unreachable', 'upstream_timeout'] as const) {
      expect(classifyFailure(new GatewayError(code, 'x'), context())).toBe('fail-over');
      expect(classifyFailure(new GatewayError(code, 'x'), context({ hasAlternative: false }))).toBe('retry-same');
    }
  });

  it('fails over from refused credentials', () => {
    expect(classifyFailure(upstream(401), context())).toBe('fail-over');
    expect(classifyFailure(upstream(403), context({ hasAlternative: false }))).toBe('fail-over');
  });

  it('waits for a short Retry-After but fails over from a long one', () => {
    expect(classifyFailure(upstream(429, 2), context())).toBe('retry-same');
    expect(classifyFailure(upstream(429, 60), context())).toBe('fail-over');
  });

  it('never retries for a client that left', () => {
    expect(classifyFailure(new GatewayError('client_closed', 'gone'), context())).toBe('give-up');
  });
});

describe('countsAgainstChannel', () => {
  it("counts the upstream's faults, not the request's", () => {
    expect(countsAgainstChannel(upstream(503))).toBe(true);
    expect(countsAgainstChannel(upstream(401))).toBe(true);
    expect(countsAgainstChannel(upstream(400))).toBe(false);
  });
});

describe('whose fault a failure is', () => {
  const answered = (status: number, message = 'x') => errorFromUpstream('ch', status, { message, type: undefined, code: undefined, param: undefined }, undefined);

  it('blames the body for a 4xx or a 5xx that is not about load, never for load, credentials or the network', () => {
    for (const status of [400, 422, 500, 502, 520]) expect(blamesBody(answered(status))).toBe(true);
    for (const status of [401, 403, 408, 429, 503, 504, 529]) expect(blamesBody(answered(status))).toBe(false);
    expect(blamesBody(new GatewayError('upstream_unreachable', 'connection refused'))).toBe(false);
  });

  it('sets a key aside for the channel on a 401 or an invalid-key wording, for one model on a 403/404 about a model', () => {
    expect(scopeKeyRefusal(answered(401, 'Incorrect API key provided'))).toBe('channel');
    expect(scopeKeyRefusal(answered(400, 'API key not valid. Please pass a valid API key.'))).toBe('channel');
    expect(scopeKeyRefusal(answered(403, 'User not allowed to access this model'))).toBe('model');
    expect(scopeKeyRefusal(answered(404, 'The model `gpt-9` does not exist or you do not have access to it.'))).toBe('model');
    expect(scopeKeyRefusal(answered(403, 'Your account is suspended'))).toBe('channel');
    expect(scopeKeyRefusal(answered(404, 'Not Found'))).toBeUndefined();
    expect(scopeKeyRefusal(answered(400, 'bad request'))).toBeUndefined();
  });

  it('fails over when the key was set aside', () => {
    expect(classifyFailure(answered(404, 'no such model'), context({ keySetAside: true }))).toBe('fail-over');
  });
});

describe('answers over the caps and undecodable compression', () => {
  it('fail over to another channel, never retried on the same one, and do not count against its circuit', () => {
    for (const code of ['upstream_body_too_large', 'upstream_encoding_unsupported'] as const) {
      const error = new GatewayError(code, 'x', { upstream: { channel: 'ch', status: 200 } });
      expect(classifyFailure(error, context())).toBe('fail-over');
      expect(classifyFailure(error, context({ hasAlternative: false }))).toBe('fail-over');
      expect(countsAgainstChannel(error)).toBe(false);
    }
  });
});
