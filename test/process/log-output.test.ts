// Sluice whose stdout fails: on a full disk (/dev/full: every write is ENOSPC) it starts, answers,
// counts the log lines it could not write in sluice_log_lines_dropped_total, and stops on SIGTERM.
// Before src/server/log-output.ts, pino's destination (sonic-boom) re-emitted the write error as an
// unhandled 'error' event, and its exit flush retried the write every 100 ms for ever: the process
// never listened and never exited.
import { closeSync, openSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSluice, waitUntilServing, type SluiceProcess } from '../cluster/start-processes.ts';

const config = `
store: "sqlite::memory:"
channels:
  - { name: echo, type: echo, models: [echo] }
`;

let sluice: SluiceProcess;
let full: number;

beforeAll(async () => {
  full = openSync('/dev/full', 'w');
  // info: a line per request, each one refused.
  sluice = await spawnSluice(config, [], 'info', { stdout: full });
  await waitUntilServing(sluice, 30_000);
}, 40_000);

afterAll(async () => {
  await sluice.stop();
  closeSync(full);
});

describe('stdout on a full disk', () => {
  it('serves, counts the lines it could not write, and stops on SIGTERM', async () => {
    const client = sluice.client('unused');
    for (let index = 0; index < 3; index += 1) {
      const completion = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: `hello ${String(index)}` }] });
      expect(completion.choices[0]?.message.content).toContain(`hello ${String(index)}`);
    }
    // A file descriptor is written at once (log-output.ts `direct`): the request lines are counted by the time /metrics is read.
    const metrics = await fetch(`${sluice.url}/metrics`).then((response) => response.text());
    const dropped = Number(/^sluice_log_lines_dropped_total (\d+)$/m.exec(metrics)?.[1]);
    expect(dropped).toBeGreaterThanOrEqual(1);
    const started = performance.now();
    expect(await sluice.stop()).toBe(0);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(sluice.output()).not.toMatch(/Error|ENOSPC/);
  });
});
