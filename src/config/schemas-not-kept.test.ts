// The config schemas (~1.3 MB of heap) are built for a parse and are garbage after it, not held for
// as long as the process runs (schema.ts `configSchemas`; docs/benchmarks.md "Idle RSS, round six").
import { setImmediate as nextTurn } from 'node:timers/promises';
import { queryObjects } from 'node:v8';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';

/** zod object schemas alive now (queryObjects collects garbage first). */
function liveObjectSchemas(): number {
  return queryObjects(z.ZodObject, { format: 'count' });
}

const yaml = 'channels:\n  - { name: echo, type: echo, models: [echo] }\n';

describe('the config schemas', () => {
  it('are not kept once a config has been parsed', async () => {
    const before = liveObjectSchemas();
    const { parseConfig } = await import('./index.ts');
    const config = parseConfig(yaml, { file: 'test.yaml', env: {} });
    expect(config.channels.map((channel) => channel.name)).toEqual(['echo']);
    const built = liveObjectSchemas() - before;
    for (let parse = 0; parse < 3; parse++) parseConfig(yaml, { file: 'test.yaml', env: {} });
    await nextTurn();
    expect(built).toBeGreaterThan(20);
    // At most the one object of the last parse that V8 may still reach for a moment (measured: one,
    // however many parses ran; 30 were kept for good when the schemas were module constants).
    expect(liveObjectSchemas() - before).toBeLessThanOrEqual(1);
  });
});
