import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', '..', 'test', 'support', 'measure-held-attempt.ts');

interface HeldAttempt {
  streaming: boolean;
  upstreamRequestKept: boolean;
  clientRequestKept: boolean;
}

function measureHeldAttempt(): Promise<HeldAttempt> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', script], { timeout: 20_000 }, (error, stdout) => {
      if (error !== null) reject(new Error(`the child failed: ${error.message}`, { cause: error }));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as HeldAttempt);
    });
  });
}

describe('runAttempt: what a held stream keeps', () => {
  // A committed stream is held as long as its upstream takes (10,000 at once in the bench's
  // slow-streams line): it keeps the prompt's text for the usage estimate, not the client's parsed
  // request (with its images and every other field) nor the attempt's input, whose upstream request
  // holds the body sent upstream (as large as the prompt).
  it('keeps neither the upstream request nor the client request reachable once the stream is committed', async () => {
    expect(await measureHeldAttempt()).toEqual({ streaming: true, upstreamRequestKept: false, clientRequestKept: false });
  }, 30_000);
});
