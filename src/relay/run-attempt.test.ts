import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', '..', 'test', 'support', 'measure-held-attempt.ts');

function measureHeldAttempt(): Promise<{ streaming: boolean; upstreamRequestKept: boolean }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', script], { timeout: 20_000 }, (error, stdout) => {
      if (error !== null) reject(new Error(`the child failed: ${error.message}`, { cause: error }));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { streaming: boolean; upstreamRequestKept: boolean });
    });
  });
}

describe('runAttempt: what a held stream keeps', () => {
  // A committed stream is held as long as its upstream takes (10,000 at once in the bench's
  // slow-streams line): it keeps the client's request for the usage estimate, not the attempt's
  // input, whose upstream request holds the body sent upstream (as large as the prompt).
  it('does not keep the upstream request reachable once the stream is committed', async () => {
    expect(await measureHeldAttempt()).toEqual({ streaming: true, upstreamRequestKept: false });
  }, 30_000);
});
