import { describe, expect, it } from 'vitest';
import { ConcurrencyGate } from '../routing/concurrency-gate.ts';
import { RateLimits } from '../routing/rate-limits.ts';
import type { KeyStore } from '../store/index.ts';
import { createStoreBudgetLedger } from './budget-ledger.ts';
import { createAdmissionControl } from './account-request.ts';
import { createStoreQuota } from './key-quota.ts';
import type { Caller } from './authenticate.ts';

function caller(limits: Partial<Caller>): Caller {
  return { keyId: 'k1', keyName: 'app', models: ['*'], rpm: undefined, tpm: undefined, remainingTokens: undefined, debug: false, ...limits };
}

function admission() {
  const reserved: number[] = [];
  const keys = {
    reserveTokens: (_id: string, tokens: number) => {
      reserved.push(tokens);
      return Promise.resolve({ granted: true, remainingTokens: 1000 - tokens });
    },
    settleTokens: () => Promise.resolve(),
  } as unknown as KeyStore;
  const control = createAdmissionControl({ rateLimits: new RateLimits(() => 0), keySlots: new ConcurrencyGate(), quota: createStoreQuota(keys, () => undefined), budgets: createStoreBudgetLedger(keys, () => 0), now: () => 0, defaultQueueMs: 0, defaultCompletionTokens: 16, onSettleError: () => undefined });
  return { control, reserved };
}

describe('admission counts a prompt only when a limit needs it', () => {
  it('estimates for a key with a tpm limit or a quota, reserving that estimate, and never for a key without (no tokenizer load for it)', async () => {
    const { control, reserved } = admission();
    const estimatedFor: string[] = [];
    const estimate = (name: string) => () => {
      estimatedFor.push(name);
      return 42;
    };
    const signal = new AbortController().signal;
    using _plain = await control.admit(caller({ keyId: 'plain', rpm: 10 }), estimate('plain'), signal, 'req-1');
    using _rated = await control.admit(caller({ keyId: 'rated', tpm: 1000 }), estimate('rated'), signal, 'req-2');
    using _quota = await control.admit(caller({ keyId: 'quota', remainingTokens: 1000 }), estimate('quota'), signal, 'req-3');
    expect(estimatedFor).toEqual(['rated', 'quota']);
    expect(reserved).toEqual([42]);
  });
});

describe('what an admitted request holds', () => {
  // A held stream keeps its admission for its whole life (docs/benchmarks.md "Held stream, round seven").
  it('is one object whose settle and dispose are shared methods, not closures made per request', async () => {
    const { control } = admission();
    const signal = new AbortController().signal;
    const first = await control.admit(caller({ keyId: 'a', rpm: 10 }), () => 1, signal, 'req-1');
    const second = await control.admit(caller({ keyId: 'b', rpm: 10 }), () => 1, signal, 'req-2');
    expect(Object.hasOwn(first, 'settle')).toBe(false);
    expect(Object.hasOwn(first, Symbol.dispose)).toBe(false);
    expect(Object.getPrototypeOf(first)).toBe(Object.getPrototypeOf(second));
    first.settle(0);
    second[Symbol.dispose]();
  });

  it('gives back its key slot and rpm once, however often it is settled', async () => {
    const { control } = admission();
    const signal = new AbortController().signal;
    const limited = caller({ keyId: 'one', rpm: 1, maxConcurrency: 1 });
    const held = await control.admit(limited, () => 1, signal, 'req-1');
    held.settle(5);
    held.settle(5);
    held[Symbol.dispose]();
    // The slot is free again (max_concurrency 1, queue 0 would refuse a second holder), the rpm spent.
    await expect(control.admit(limited, () => 1, signal, 'req-2')).rejects.toMatchObject({ code: 'rate_limited' });
  });
});

describe('admission without a promise', () => {
  it('admits a key with rate limits at most at once, refuses it as a rejection, and keeps a key with a slot, quota or budget asynchronous', async () => {
    const { control } = admission();
    const signal = new AbortController().signal;
    const admitted = control.admit(caller({ keyId: 'rated', rpm: 1, tpm: 100 }), () => 10, signal, 'req-1');
    expect(admitted).not.toBeInstanceOf(Promise);
    const refused = control.admit(caller({ keyId: 'rated', rpm: 1, tpm: 100 }), () => 10, signal, 'req-2');
    expect(refused).toBeInstanceOf(Promise);
    await expect(refused).rejects.toMatchObject({ code: 'rate_limited' });
    for (const waits of [{ maxConcurrency: 2 }, { remainingTokens: 1000 }]) {
      const held = control.admit(caller({ keyId: 'waits', ...waits }), () => 10, signal, 'req-3');
      expect(held).toBeInstanceOf(Promise);
      (await held).settle(0);
    }
    (await admitted).settle(10);
  });
});
