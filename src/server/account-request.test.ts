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
