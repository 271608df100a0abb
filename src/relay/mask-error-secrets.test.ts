import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.ts';
import { maskErrorSecrets } from './mask-error-secrets.ts';

describe('maskErrorSecrets', () => {
  it('masks a secret the upstream repeated, keeping everything else', () => {
    const error = new GatewayError('upstream_auth_failed', 'x answered HTTP 401: Incorrect API key provided: sk-secret-123', { upstream: { channel: 'x', status: 401 }, retryAfterSeconds: 2 });
    const masked = maskErrorSecrets(error, ['sk-secret-123']);
    expect(masked.message).toBe('x answered HTTP 401: Incorrect API key provided: ***');
    expect([masked.code, masked.status, masked.upstream, masked.retryAfterSeconds, masked.hint]).toEqual([error.code, error.status, error.upstream, 2, error.hint]);
  });

  it('returns the same error when there is nothing to mask', () => {
    const error = new GatewayError('upstream_error', 'x answered HTTP 500');
    expect(maskErrorSecrets(error, ['sk-secret-123'])).toBe(error);
  });
});
