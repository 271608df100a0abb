// Chaos: a faulty channel with a seeded fault schedule in front of two healthy ones. Every
// non-stream request and every stream whose faults all struck before the commit point must get the
// exact answer; every other stream must end with an error event and [DONE]; nothing may hang.
// The figures printed here go into docs/reliability.md (`npx vitest run test/e2e/chaos.test.ts`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import type { Emulator } from '../emulators/emulator-server.ts';
import { answerFor, isBeforeCommit, startFaultyUpstream, type Fault } from '../emulators/faulty-upstream.ts';
import { liveHeapBytes } from '../support/collect-garbage.ts';

const totalRequests = 2000;

const concurrency = 32;

/** mulberry32: a small seeded PRNG, so a failing run can be replayed exactly. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const faultMenu: Fault[] = [
  'reset',
  'content-length-short',
  'content-length-long',
  'truncated-json',
  'drop-mid-stream',
  'stall-before-headers',
  'stall-mid-stream',
  { status: 500 },
  { status: 502 },
  { status: 503, retryAfter: '0' },
  { status: 503 },
  { status: 504 },
  { status: 529 },
  { status: 429, retryAfter: '0' },
];

interface Outcome {
  stream: boolean;
  question: string;
  ok: boolean;
  content: string;
  endedWithError: boolean;
  endedWithDone: boolean;
  status: number;
}

let faulty: Emulator & { faults: Map<string, Fault[]> };
let healthyA: Emulator & { faults: Map<string, Fault[]> };
let healthyB: Emulator & { faults: Map<string, Fault[]> };
let sluice: RunningSluice;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  const random = seeded(20261122);
  faulty = await startFaultyUpstream(() => (random() < 0.5 ? 'ok' : (faultMenu[Math.floor(random() * faultMenu.length)] ?? 'ok')));
  healthyA = await startFaultyUpstream(() => 'ok');
  healthyB = await startFaultyUpstream(() => 'ok');
  const yaml = `
retry: { attempts: 3, base_ms: 1, max_ms: 10 }
timeouts: { connect_ms: 5000, first_byte_ms: 5000, first_chunk_ms: 5000, idle_ms: 5000, total_ms: 30000 }
channels:
  # Short timeouts only where stalls are injected, so a loaded machine cannot fail the healthy ones;
  # 600 ms, not less: on a 2-core machine busy with other work a healthy answer of the faulty channel
  # was seen paused 200 ms between two chunks, and its idle timer then cut an answer with no fault.
  - name: faulty
    type: openai
    base_url: ${faulty.url}
    api_key: k
    models: [m]
    priority: 0
    breaker: { failures: 100000 }
    timeouts: { first_byte_ms: 600, first_chunk_ms: 600, idle_ms: 600 }
  - { name: healthy-a, type: openai, base_url: ${healthyA.url}, api_key: k, models: [m], priority: 1, weight: 2 }
  - { name: healthy-b, type: openai, base_url: ${healthyB.url}, api_key: k, models: [m], priority: 1, weight: 1 }
`;
  sluice = await startSluice(parseConfig(yaml, { file: 'chaos.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await sluice.close();
  await Promise.all([faulty.close(), healthyA.close(), healthyB.close()]);
});

function readEvents(text: string): { content: string; error: boolean; done: boolean } {
  let content = '';
  let error = false;
  let done = false;
  for (const event of text.split('\n\n')) {
    if (!event.startsWith('data: ')) continue;
    const data = event.slice('data: '.length);
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    const value = JSON.parse(data) as { error?: unknown; choices?: Array<{ delta?: { content?: string } }> };
    if (value.error !== undefined) error = true;
    content += value.choices?.[0]?.delta?.content ?? '';
  }
  return { content, error, done };
}

async function send(index: number): Promise<Outcome> {
  const stream = index % 2 === 0;
  const question = `q${index}`;
  const response = await fetch(`${sluice.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model: 'm', stream, messages: [{ role: 'user', content: question }] }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (!stream) {
    const body = JSON.parse(text) as { choices?: Array<{ message: { content: string } }> };
    const content = body.choices?.[0]?.message.content ?? '';
    return { stream, question, ok: response.status === 200, content, endedWithError: false, endedWithDone: false, status: response.status };
  }
  const events = readEvents(text);
  return { stream, question, ok: response.status === 200 && !events.error, content: events.content, endedWithError: events.error, endedWithDone: events.done, status: response.status };
}

describe('chaos', () => {
  it(`serves ${totalRequests} mixed requests through a faulty channel without a wrong answer, a hang or a leak`, async () => {
    const outcomes: Outcome[] = [];
    let next = 0;
    let heapAtHalf = 0;
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (next < totalRequests) {
        const index = next;
        next += 1;
        outcomes.push(await send(index));
        if (outcomes.length === totalRequests / 2) heapAtHalf = liveHeapBytes();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    const heapGrowthMb = (liveHeapBytes() - heapAtHalf) / 2 ** 20;

    const faultsOf = (outcome: Outcome) => faulty.faults.get(outcome.question) ?? [];
    const injected = [...faulty.faults.values()].flat().filter((fault) => fault !== 'ok').length;
    const mustSucceed = outcomes.filter((outcome) => faultsOf(outcome).every((fault) => isBeforeCommit(fault, outcome.stream)));
    const mayFail = outcomes.filter((outcome) => !mustSucceed.includes(outcome));
    const wrong = mustSucceed.filter((outcome) => !outcome.ok || outcome.content !== answerFor(outcome.question));
    const badEndings = mayFail.filter((outcome) => outcome.ok ? outcome.content !== answerFor(outcome.question) : !(outcome.endedWithError && outcome.endedWithDone));
    const truncatedWrongly = mayFail.filter((outcome) => !answerFor(outcome.question).startsWith(outcome.content));

    console.log(
      `chaos: ${outcomes.length} requests (${outcomes.filter((o) => o.stream).length} streaming) in ${seconds.toFixed(1)} s at concurrency ${concurrency}; ` +
        `${injected} faults injected; ${mustSucceed.length} had no fault after commit and all got the exact answer: ${wrong.length === 0}; ` +
        `${mayFail.length} streams faulted after commit: ${mayFail.filter((o) => o.endedWithError).length} ended with an error event and [DONE]; ` +
        `heap growth over the second half ${heapGrowthMb.toFixed(1)} MiB; unhandled rejections ${unhandled.length}`,
    );
    expect(outcomes).toHaveLength(totalRequests);
    expect(injected).toBeGreaterThan(totalRequests / 4);
    expect(wrong.map((outcome) => ({ ...outcome, faults: faultsOf(outcome) }))).toEqual([]);
    expect(badEndings).toEqual([]);
    expect(truncatedWrongly).toEqual([]);
    expect(mayFail.every((outcome) => outcome.stream)).toBe(true);
    expect(unhandled).toEqual([]);
    // The emulators keep every request they saw (about 1 KB each); Sluice itself must keep nothing.
    expect(heapGrowthMb).toBeLessThan(8);
  }, 120_000);
});
