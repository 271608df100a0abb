import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../core/chat.ts';
import { keepErrorBody } from './pass-through-attempt.ts';

const anthropicError = (message: string) => JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message } });
const dialect = { readErrorBody: (text: string) => JSON.parse(text) as JsonObject };

describe('keepErrorBody: which upstream error bodies a pass-through client sees as is', () => {
  const keep = keepErrorBody(dialect, ['sk-ant-channel-secret-0123456789']);

  it('shows a 400 about the request as the upstream wrote it', () => {
    const text = anthropicError('prompt is too long: 210000 tokens > 200000 maximum');
    expect(keep(400, text)).toEqual(JSON.parse(text));
  });

  it('never shows a body that holds a configured secret', () => {
    expect(keep(400, anthropicError('invalid x-api-key: sk-ant-channel-secret-0123456789'))).toBeUndefined();
  });

  it("keeps Sluice's own words for the upstream's auth failures and for what Sluice retries", () => {
    for (const status of [401, 403, 408, 409, 425, 429, 500, 503, 529]) expect(keep(status, anthropicError('x')), String(status)).toBeUndefined();
  });
});
