import { describe, expect, it } from 'vitest';
import { createRequestIds } from './create-request-ids.ts';

describe('createRequestIds', () => {
  it('issues distinct ids of the req_ + 32 hex digits shape, sharing one random prefix per process', () => {
    const next = createRequestIds();
    const ids = Array.from({ length: 1000 }, () => next());
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(new Set(ids.map((id) => id.slice(0, 24))).size).toBe(1);
  });

  it('draws a different prefix for each generator (each process)', () => {
    expect(createRequestIds()().slice(0, 24)).not.toBe(createRequestIds()().slice(0, 24));
  });
});
