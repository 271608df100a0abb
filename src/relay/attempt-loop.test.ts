// The attempt loop on fake dependencies (a fake clock, fake tries): whatever path a request takes,
// the concurrency slot and the circuit's half-open probe are given back, and the circuits count
// what was the channel's fault only.
import { describe, expect, it, vi } from 'vitest';
import type { BreakerPolicy, Channel } from '../core/channel.ts';
import type { JsonObject } from '../core/chat.ts';
import { GatewayError } from '../core/errors.ts';
import type { Provider } from '../providers/types.ts';
import { fixedChannels } from '../routing/channel-registry.ts';
import { CircuitBreakers } from '../routing/circuit-breaker.ts';
import { ChannelStats, measurePolicy } from '../routing/channel-stats.ts';
import { ConcurrencyGate } from '../routing/concurrency-gate.ts';
import { KeyRing } from '../routing/key-ring.ts';
import { LimitedWatchdog, linkAbort, type LinkedAbort } from '../lib/abort.ts';
import { runAttemptLoop, type PreparedTry } from './attempt-loop.ts';
import { LearnedCapabilities } from './learned-capabilities.ts';
import type { Candidate } from './plan-attempts.ts';
import type { RelayDependencies } from './relay-dependencies.ts';
import { createRequestRecord, upstreamTimeMs } from './request-record.ts';
import { watchAttempt } from './run-attempt.ts';
import { errorFromUpstream } from './upstream-error.ts';

const breaker: BreakerPolicy = { failureRate: 0.5, windowMs: 60_000, minCalls: 1, cooldownMs: 1000 };

function channel(name: string, overrides: Partial<Channel> = {}): Channel {
  return {
    name,
    type: 'fake',
    baseUrl: undefined,
    apiKeys: ['key-1'],
    models: ['m'],
    modelMap: {},
    priority: 0,
    weight: 1,
    overrides: undefined,
    headers: {},
    apiVersion: undefined,
    maxConcurrency: 1,
    preferStream: false,
    debug: false,
    healthCheck: undefined,
    capabilities: {},
    retry: { attempts: 2, baseMs: 1, maxMs: 1, maxRetryAfterMs: 1000 },
    timeouts: { connectMs: 1000, firstByteMs: 1000, firstChunkMs: 1000, idleMs: 1000, totalMs: 1000 },
    breaker,
    limits: { bodyBytes: 1_000_000, streamBytes: 1_000_000 },
    ...overrides,
  };
}

function setup(channels: Channel[], totalMs = 5000, realClock = false) {
  let now = 0;
  const clock = realClock ? () => performance.now() : () => now;
  const dependencies: RelayDependencies = {
    channels: fixedChannels(channels),
    fallbacks: {},
    totalMs,
    findProvider: () => ({}) as Provider,
    send: () => Promise.reject(new Error('no sockets in this test')),
    keys: new KeyRing(clock),
    breakers: new CircuitBreakers(clock),
    learned: new LearnedCapabilities(clock),
    slots: new ConcurrencyGate(),
    random: () => 0,
    nowMs: clock,
    secrets: [],
    captureCapBytes: 1000,
  };
  const record = createRequestRecord('r', 'm', false);
  const candidates: Candidate[] = channels.map((each) => ({ channel: each, upstreamModel: 'm', clientModel: 'm' }));
  const slotsInFlight = () => channels.map((each) => dependencies.slots.inFlight(each.name));
  return { dependencies, record, candidates, slotsInFlight, advance: (ms: number) => (now += ms) };
}

type Step = 'ok' | 'stream' | GatewayError | ((settle: () => void) => Promise<string>);

/** A prepare whose tries follow `steps` per channel; failing tries do not call onSettled (the permit must). */
function scripted(steps: Record<string, Step[]>, body: JsonObject = {}, onStream?: (settle: () => void) => void) {
  const tried: string[] = [];
  return {
    tried,
    prepare: (candidate: Candidate): PreparedTry<string> => {
      const step = steps[candidate.channel.name]?.shift() ?? 'ok';
      return {
        body,
        upstreamStream: false,
        run: async (_signal, onSettled) => {
          tried.push(candidate.channel.name);
          if (step instanceof GatewayError) throw step;
          if (typeof step === 'function') return step(onSettled);
          if (step === 'stream') onStream?.(onSettled);
          else onSettled();
          return step;
        },
        succeeded: () => undefined,
        keepsRunning: (outcome) => outcome === 'stream',
      };
    },
  };
}

const upstream = (name: string, status: number, message = 'boom') =>
  errorFromUpstream(name, status, { message, type: undefined, code: undefined, param: undefined }, undefined);

function openCircuit(dependencies: RelayDependencies, name: string): void {
  dependencies.breakers.recordFailure(CircuitBreakers.keyOf(name, 'm'), breaker);
}

/** One channel whose own limits (5 s) outlast the request's deadline (150 ms, on the clock vitest fakes): the deadline ends its tries. */
function setupBeforeDeadline() {
  return setup([channel('a', { timeouts: { connectMs: 5000, firstByteMs: 5000, firstChunkMs: 5000, idleMs: 5000, totalMs: 5000 } })], 150, true);
}

describe('runAttemptLoop', () => {
  it('gives the slot back after a success', async () => {
    const { dependencies, record, candidates, slotsInFlight } = setup([channel('a')]);
    const tries = scripted({ a: ['ok'] });
    await expect(runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare: tries.prepare })).resolves.toBe('ok');
    expect(slotsInFlight()).toEqual([0]);
  });

  it('holds the slot of a stream until the stream ends', async () => {
    const { dependencies, record, candidates, slotsInFlight } = setup([channel('a')]);
    let endStream = (): void => undefined;
    const tries = scripted({ a: ['stream'] }, {}, (settle) => (endStream = settle));
    await runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare: tries.prepare });
    expect(slotsInFlight()).toEqual([1]);
    endStream();
    endStream();
    expect(slotsInFlight()).toEqual([0]);
  });

  it('makes the attempt\'s timer its own watchdog, armed with itself, without closures for its ends', () => {
    const armed = vi.spyOn(globalThis, 'setTimeout');
    try {
      const watch = watchAttempt(channel('a'), linkAbort(new AbortController().signal), undefined);
      expect(watch).toBeInstanceOf(LimitedWatchdog);
      expect((armed.mock.calls.at(-1) as unknown[] | undefined)?.[2]).toBe(watch);
      watch.stop();
    } finally {
      armed.mockRestore();
    }
  });

  it('leaves a handed-over stream one timer, its attempt\'s watchdog, which still ends it at the request\'s deadline', async () => {
    const { dependencies, record, candidates } = setupBeforeDeadline();
    let attempt: LinkedAbort | undefined;
    let settle = (): void => undefined;
    const prepare = (): PreparedTry<string> => ({
      body: {},
      upstreamStream: true,
      // What run-attempt.ts does: the attempt's link and watchdog, given the request's deadline.
      run: (signal, onSettled, deadline) => {
        attempt = linkAbort(signal);
        const watch = watchAttempt(channel('a'), attempt, deadline);
        watch.chunkArrived();
        settle = () => {
          watch.stop();
          onSettled();
        };
        return Promise.resolve('stream');
      },
      succeeded: () => undefined,
      keepsRunning: () => true,
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      await runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare });
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(149);
      expect(attempt?.signal.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(attempt?.signal.reason).toMatchObject({ code: 'upstream_timeout', message: 'The request took longer than the total limit of 150 ms' });
      settle();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('sets no timer of the request\'s own for a try whose watchdog holds its deadline', async () => {
    const { dependencies, record, candidates } = setupBeforeDeadline();
    let attempt: LinkedAbort | undefined;
    let answer = (): void => undefined;
    const prepare = (): PreparedTry<string> => ({
      body: {},
      upstreamStream: false,
      // What run-attempt.ts does, a whole answer: the attempt's link and watchdog, given the request's deadline.
      run: (signal, onSettled, deadline) => {
        attempt = linkAbort(signal);
        const watch = watchAttempt(channel('a'), attempt, deadline);
        watch.answerFollows();
        return new Promise<string>((resolve, reject) => {
          attempt?.signal.addEventListener('abort', () => {
            watch.stop();
            onSettled();
            reject(attempt?.signal.reason as Error);
          });
          answer = () => {
            watch.stop();
            onSettled();
            resolve('answer');
          };
        });
      },
      succeeded: () => undefined,
      keepsRunning: () => false,
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const answered = runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare });
      await vi.advanceTimersByTimeAsync(0);
      const timersDuringTry = vi.getTimerCount();
      answer();
      await expect(answered).resolves.toBe('answer');
      expect(timersDuringTry).toBe(1);
      expect(vi.getTimerCount()).toBe(0);
      // The same try, unanswered: the watchdog ends it at the request's deadline.
      const late = runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare });
      const ended = expect(late).rejects.toMatchObject({ code: 'upstream_timeout', message: 'The request took longer than the total limit of 150 ms' });
      await vi.advanceTimersByTimeAsync(150);
      await ended;
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('arms the request\'s own deadline for a try no watchdog holds', async () => {
    const { dependencies, record, candidates } = setup([channel('a')], 150, true);
    let settled = false;
    const prepare = (): PreparedTry<string> => ({
      body: {},
      upstreamStream: false,
      // A try that watches nothing and never answers on its own: only the request's deadline ends it.
      run: (signal, onSettled) =>
        new Promise<string>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            settled = true;
            onSettled();
            reject(signal.reason as Error);
          });
        }),
      succeeded: () => undefined,
      keepsRunning: () => false,
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const late = runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare });
      const ended = expect(late).rejects.toMatchObject({ code: 'upstream_timeout', message: 'The request took longer than the total limit of 150 ms' });
      await vi.advanceTimersByTimeAsync(0);
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(149);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await ended;
      expect(settled).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives slots back across an adaptation, a retry and a failover', async () => {
    const { dependencies, record, candidates, slotsInFlight } = setup([channel('a'), channel('b')]);
    const tries = scripted({ a: [upstream('a', 400, "Unknown parameter: 'store'."), upstream('a', 503), upstream('a', 503)], b: ['ok'] }, { store: true });
    const answer = await runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare: tries.prepare });
    expect(answer).toBe('ok');
    expect(tries.tried).toEqual(['a', 'a', 'a', 'b']);
    expect(record.adaptations).toEqual(['learned:drop=store']);
    expect(slotsInFlight()).toEqual([0, 0]);
    expect(dependencies.breakers.stateOf(CircuitBreakers.keyOf('a', 'm'))).toBe('open');
  });

  it('gives back the slot and the half-open probe when it gives up', async () => {
    const { dependencies, record, candidates, slotsInFlight, advance } = setup([channel('a')]);
    openCircuit(dependencies, 'a');
    advance(breaker.cooldownMs);
    const tries = scripted({ a: [upstream('a', 400, 'messages is required')] });
    await expect(runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare: tries.prepare })).rejects.toMatchObject({ code: 'upstream_rejected' });
    expect(slotsInFlight()).toEqual([0]);
    expect(dependencies.breakers.tryPass(CircuitBreakers.keyOf('a', 'm'), breaker)).toBe(true);
  });

  it('gives back the slot and the probe when prepare throws', async () => {
    const { dependencies, record, candidates, slotsInFlight, advance } = setup([channel('a')]);
    openCircuit(dependencies, 'a');
    advance(breaker.cooldownMs);
    const prepare = (): PreparedTry<string> => {
      throw new GatewayError('invalid_request', 'this dialect cannot say that');
    };
    await expect(runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare })).rejects.toMatchObject({ code: 'invalid_request' });
    expect(slotsInFlight()).toEqual([0]);
    expect(dependencies.breakers.tryPass(CircuitBreakers.keyOf('a', 'm'), breaker)).toBe(true);
  });

  it('gives back the probe when the deadline passes while queued for a slot', async () => {
    const { dependencies, record, candidates, slotsInFlight, advance } = setup([channel('a')], 20);
    openCircuit(dependencies, 'a');
    advance(breaker.cooldownMs);
    expect(dependencies.slots.tryEnter('a', 1)).toBe(true);
    const tries = scripted({ a: ['ok'] });
    await expect(runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare: tries.prepare })).rejects.toMatchObject({ code: 'upstream_timeout' });
    expect(slotsInFlight()).toEqual([1]);
    expect(tries.tried).toEqual([]);
    expect(dependencies.breakers.tryPass(CircuitBreakers.keyOf('a', 'm'), breaker)).toBe(true);
  });

  it('tries the circuit open longest when every circuit is open, and says so', async () => {
    const { dependencies, record, candidates, slotsInFlight, advance } = setup([channel('a'), channel('b')]);
    openCircuit(dependencies, 'b');
    advance(10);
    openCircuit(dependencies, 'a');
    const tries = scripted({});
    await expect(runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare: tries.prepare })).resolves.toBe('ok');
    expect(tries.tried).toEqual(['b']);
    expect(record.adaptations).toEqual(['panic:b']);
    expect(dependencies.breakers.stateOf(CircuitBreakers.keyOf('b', 'm'))).toBe('closed');
    expect(slotsInFlight()).toEqual([0, 0]);
  });

  it('stops with the upstream\'s answer, counted by no circuit, when a second channel answers the same body alike', async () => {
    const { dependencies, record, candidates } = setup([channel('a'), channel('b'), channel('c')]);
    const tries = scripted({ a: [upstream('a', 502), upstream('a', 502)], b: [upstream('b', 502), upstream('b', 502)] });
    await expect(runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare: tries.prepare })).rejects.toMatchObject({ upstream: { channel: 'b', status: 502 } });
    expect(tries.tried).toEqual(['a', 'a', 'b', 'b']);
    expect(['a', 'b'].map((name) => dependencies.breakers.stateOf(CircuitBreakers.keyOf(name, 'm')))).toEqual(['closed', 'closed']);
  });

  it('counts a body-shaped failure against its channel when another channel then answers', async () => {
    const { dependencies, record, candidates } = setup([channel('a'), channel('b')]);
    const tries = scripted({ a: [upstream('a', 502), upstream('a', 502)] });
    await runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare: tries.prepare });
    expect(dependencies.breakers.stateOf(CircuitBreakers.keyOf('a', 'm'))).toBe('open');
  });

  it('sets the key aside for the model only on a 403 about the model, and fails over', async () => {
    const { dependencies, record, candidates } = setup([channel('a'), channel('b')]);
    const tries = scripted({ a: [upstream('a', 403, 'User not allowed to access this model')] });
    await runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare: tries.prepare });
    expect(tries.tried).toEqual(['a', 'b']);
    expect(dependencies.keys.choose('a', ['key-1'], 'm').kind).toBe('exhausted');
    expect(dependencies.keys.choose('a', ['key-1'], 'other').kind).toBe('key');
  });

  it('keeps backoff out of the tries\' durations, so the time counted as upstream\'s never exceeds the time spent', async () => {
    const { dependencies, record, candidates } = setup([channel('a', { retry: { attempts: 3, baseMs: 40, maxMs: 40, maxRetryAfterMs: 1000 } })], 5000, true);
    dependencies.random = () => 1;
    const tries = scripted({ a: [upstream('a', 503), upstream('a', 502)] });
    const started = performance.now();
    await runAttemptLoop({ model: 'm', candidates, context: { signal: new AbortController().signal, record, captureAll: false }, dependencies, prepare: tries.prepare });
    const elapsed = performance.now() - started;
    expect(record.waitMs).toBeGreaterThanOrEqual(70);
    expect(record.attempts.every((attempt) => attempt.durationMs < 30)).toBe(true);
    expect(upstreamTimeMs(record)).toBeLessThanOrEqual(elapsed);
  });
});

describe('runAttemptLoop feeding the balancer (routing/channel-stats.ts)', () => {
  function measured(channels: Channel[]) {
    const fixture = setup(channels);
    const stats = new ChannelStats({ strategy: 'latency', models: [], slowStartMs: 0 }, fixture.dependencies.nowMs, () => 0);
    fixture.dependencies.channelStats = stats;
    return { ...fixture, stats };
  }
  const context = (record: ReturnType<typeof createRequestRecord>) => ({ signal: new AbortController().signal, record, captureAll: false });

  it('counts upstream failures against the channel and measures the one that answered', async () => {
    const { dependencies, record, candidates, stats } = measured([channel('a'), channel('b')]);
    const tries = scripted({ a: [upstream('a', 503), upstream('a', 503)], b: ['ok'] });
    await runAttemptLoop({ model: 'm', candidates, context: context(record), dependencies, prepare: tries.prepare });
    expect(stats.measure('a').errorRate).toBeGreaterThan(0.4);
    expect(stats.measure('b')).toMatchObject({ errorRate: 0, latencyMs: 0 });
  });

  it('does not count a 4xx caused by the client body against any channel, only the 503 after it', async () => {
    const { dependencies, candidates, stats } = measured([channel('a', { retry: { attempts: 1, baseMs: 1, maxMs: 1, maxRetryAfterMs: 1000 } }), channel('b')]);
    const badBody = scripted({ a: [upstream('a', 400, 'messages is required')], b: [upstream('b', 400, 'messages is required')] });
    await expect(runAttemptLoop({ model: 'm', candidates, context: context(createRequestRecord('r1', 'm', false)), dependencies, prepare: badBody.prepare })).rejects.toThrow();
    const busy = scripted({ a: [upstream('a', 503)], b: ['ok'] });
    await runAttemptLoop({ model: 'm', candidates, context: context(createRequestRecord('r2', 'm', false)), dependencies, prepare: busy.prepare });
    expect(stats.measure('a').errorRate).toBeCloseTo(measurePolicy.ewmaAlpha);
    expect(stats.measure('b').errorRate).toBe(0);
  });
});
