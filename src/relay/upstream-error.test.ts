import { describe, expect, it } from 'vitest';
import { codeForUpstreamStatus, errorFromUpstream, parseRetryAfterSeconds } from './upstream-error.ts';

const details = (message: string) => ({ message, type: undefined, code: undefined, param: undefined });

describe('codeForUpstreamStatus', () => {
  it.each([
    [400, 'upstream_rejected'],
    [422, 'upstream_rejected'],
    [401, 'upstream_auth_failed'],
    [403, 'upstream_auth_failed'],
    [429, 'upstream_rate_limited'],
    [500, 'upstream_error'],
    [529, 'upstream_error'],
  ])('maps %i to %s', (status, code) => {
    expect(codeForUpstreamStatus(status)).toBe(code);
  });
});

describe('errorFromUpstream', () => {
  it("keeps the upstream's words, status and channel, and passes a 400 through", () => {
    const error = errorFromUpstream('xai', 400, details('Argument not supported: stream_options'), undefined);
    expect(error.message).toBe('xai answered HTTP 400: Argument not supported: stream_options');
    expect(error.status).toBe(400);
    expect(error.upstream).toEqual({ channel: 'xai', status: 400 });
    expect(error.hint).toMatch(/stream_options: false/);
  });

  it('turns an upstream 5xx into a 502 that names it', () => {
    const error = errorFromUpstream('up', 500, details('http: wrote more than the declared Content-Length'), undefined);
    expect([error.status, error.code, error.retryable]).toEqual([502, 'upstream_error', true]);
  });

  it('keeps Retry-After on a 429', () => {
    expect(errorFromUpstream('up', 429, details('slow down'), 7).retryAfterSeconds).toBe(7);
  });
});

describe('parseRetryAfterSeconds', () => {
  it('reads delay-seconds, an HTTP date and retry-after-ms', () => {
    const now = Date.parse('2026-11-22T00:00:00Z');
    expect(parseRetryAfterSeconds({ 'retry-after': '3' }, now)).toBe(3);
    expect(parseRetryAfterSeconds({ 'retry-after': 'Sun, 22 Nov 2026 00:00:10 GMT' }, now)).toBe(10);
    expect(parseRetryAfterSeconds({ 'retry-after-ms': '1500', 'retry-after': '9' }, now)).toBe(1.5);
    expect(parseRetryAfterSeconds({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfterSeconds({}, now)).toBeUndefined();
  });
});
