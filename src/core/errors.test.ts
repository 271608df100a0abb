import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalog, GatewayError } from './errors.ts';

describe('error catalog', () => {
  it('is documented row for row in docs/errors.md', () => {
    const documented = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    for (const [code, entry] of Object.entries(errorCatalog)) {
      const row = `| \`${code}\` | ${entry.status} | \`${entry.type}\` | ${entry.retryable ? 'yes' : 'no'} | ${entry.hint} |`;
      expect(documented, `docs/errors.md is missing or out of date for ${code}`).toContain(row);
    }
    const documentedCodes = [...documented.matchAll(/^\| `([a-z_]+)` \|/gm)].map((match) => match[1]);
    expect(documentedCodes.sort()).toEqual(Object.keys(errorCatalog).sort());
  });

  it('takes status, type, retryable and hint from the catalog unless told otherwise', () => {
    const error = new GatewayError('upstream_rejected', 'nope', { status: 422, hint: 'do this' });
    expect([error.status, error.type, error.retryable, error.hint]).toEqual([422, 'invalid_request_error', false, 'do this']);
    expect(new GatewayError('upstream_timeout', 'slow').status).toBe(504);
  });
});
