// Per-key accounting at the edge. Before a request is relayed — after its key, its model and its
// body were accepted, so a refused request spends nothing — it is ADMITTED: a slot of the key's
// `max_concurrency` (waiting up to `queue_ms`), then one request and its token estimate reserved
// against rpm/tpm (synchronously, no await between check and take) and against the quota (key-quota.ts:
// a conditional UPDATE in the store, or a hold in Redis under the request's id when `redis` is
// configured — either way instances sharing a database cannot overshoot it). When
// the answer ends the reservation is SETTLED to the tokens really used: the rest is refunded, an
// overrun is charged (the quota may go below zero by it, recorded as is). The log row is written
// after, batched off the request path. A key with a `budget` (docs/cost.md) reserves the request's
// upper-bound cost the same way (budget-ledger.ts) and settles it to the real cost.
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../core/errors.ts';
import type { RequestRecord } from '../relay/request-record.ts';
import type { BudgetHold, BudgetLedger } from './budget-ledger.ts';
import { endOfBudgetPeriod } from './budget-ledger.ts';
import type { SlotGate } from '../routing/concurrency-gate.ts';
import type { RateLimiter, RateReservation, RateVerdict } from '../routing/rate-limits.ts';
import type { LogWriter, RequestLogRow } from '../store/index.ts';
import type { Caller } from './authenticate.ts';
import type { KeyQuota, QuotaHold } from './key-quota.ts';

/** What an admitted request holds until it ends; disposing of it unsettled refunds everything. */
export interface Admission extends Disposable {
  /**
   * The request is over and used `usedTokens`, costing `costUsd` (undefined: unknown, and a held
   * budget keeps the whole reservation); idempotent (the first call counts).
   */
  settle(usedTokens: number, costUsd?: number): void;
}

export interface AdmissionDependencies {
  /** In-process (routing/rate-limits.ts) or shared across instances (shared-state/). */
  rateLimits: RateLimiter;
  /** In-flight requests per key id (leased in Redis when there is one). */
  keySlots: SlotGate;
  /** Token quotas: in the store, or held in Redis (key-quota.ts). */
  quota: KeyQuota;
  /** Per-key budgets' holds. */
  budgets: BudgetLedger;
  /** The wall clock budget periods are cut by. */
  now: () => number;
  /** How long a request waits for a key slot when the key sets no `queue_ms`. */
  defaultQueueMs: number;
  defaultCompletionTokens: number;
  /** A budget settlement the store could not write (the request is already answered). */
  onSettleError: (error: unknown) => void;
}

export interface AdmissionControl {
  /** Completion tokens reserved for a request that sets no `max_tokens`. */
  readonly defaultCompletionTokens: number;
  /**
   * Throws 429 (rate_limited, insufficient_quota) when the key may not run this request now.
   * `estimateTokens` is called only for a key with a tpm limit or a quota: counting a prompt loads
   * the tokenizer (adapt/count-tokens.ts), which a gateway without such keys never needs. A quota
   * hold carries `requestId` (the ledger charges each request id once).
   */
  admit(caller: Caller | undefined, estimateTokens: () => number, signal: AbortSignal, requestId: string, quoteUsd?: QuoteUsd): Admission | Promise<Admission>;
}

/**
 * The most the request may cost in USD (relay/price-request.ts); undefined: no price for it. Called
 * only for a key with a budget; a request without one (embeddings) holds nothing of a budget.
 */
export type QuoteUsd = () => number | undefined;

const nothingHeld: Admission = { settle: () => undefined, [Symbol.dispose]: () => undefined };

/**
 * What one admitted request holds: one object with the release shared by every request, not a
 * closure per request over the admission's variables (a held stream keeps it for its life: docs/benchmarks.md
 * "Held stream, round seven").
 */
class HeldAdmission implements Admission {
  readonly keyId: string;
  /** A slot of the key's `max_concurrency` was taken. */
  readonly slotTaken: boolean;
  readonly requestId: string;
  rate: RateReservation | undefined;
  quotaHeld: QuotaHold | undefined;
  budgetHold: BudgetHold | undefined;
  readonly #release: (held: HeldAdmission, usedTokens: number, costUsd: number | undefined) => void;
  #settled = false;

  constructor(keyId: string, slotTaken: boolean, requestId: string, release: (held: HeldAdmission, usedTokens: number, costUsd: number | undefined) => void) {
    this.keyId = keyId;
    this.slotTaken = slotTaken;
    this.requestId = requestId;
    this.#release = release;
  }

  settle(usedTokens: number, costUsd?: number): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#release(this, usedTokens, costUsd);
  }

  [Symbol.dispose](): void {
    this.settle(0, 0);
  }
}

/** The tokens a finished request used, as recorded (0 when it got no answer). */
export function usedTokensOf(record: RequestRecord): number {
  return (record.promptTokens ?? 0) + (record.completionTokens ?? 0);
}

export function createAdmissionControl(dependencies: AdmissionDependencies): AdmissionControl {
  const { rateLimits, keySlots, quota } = dependencies;

  async function takeSlot(keyId: string, caller: Caller, signal: AbortSignal): Promise<void> {
    const max = caller.maxConcurrency;
    if (max === undefined) return;
    const entered = keySlots.tryEnter(keyId, max);
    if (entered instanceof Promise ? await entered : entered) return;
    const queueMs = caller.queueMs ?? dependencies.defaultQueueMs;
    const refusal = new GatewayError('rate_limited', `The key '${caller.keyName ?? ''}' is limited to ${String(max)} requests at once; none finished within ${String(queueMs)} ms.`, {
      retryAfterSeconds: Math.max(1, queueMs / 1000),
    });
    if (queueMs === 0) throw refusal;
    try {
      await keySlots.enter(keyId, max, AbortSignal.any([signal, AbortSignal.timeout(queueMs)]));
    } catch (error) {
      if (signal.aborted) throw error;
      throw refusal;
    }
  }

  async function reserveQuota(keyId: string, caller: Caller, tokens: number, requestId: string): Promise<QuotaHold | undefined> {
    if (caller.remainingTokens === undefined) return undefined;
    const held = await quota.reserve(keyId, tokens, requestId);
    if (held === undefined) return undefined;
    if (held.granted) return held.hold;
    const left = held.remainingTokens <= 0 ? 'is spent' : `has ${String(held.remainingTokens)} tokens left`;
    throw new GatewayError('insufficient_quota', `The token quota of the key '${caller.keyName ?? ''}' ${left}; this request may use ${String(tokens)}: its prompt and its max_completion_tokens (or, when it sets none, the gateway's default estimate).`);
  }

  async function reserveBudget(keyId: string, caller: Caller, requestId: string, quoteUsd: QuoteUsd | undefined): Promise<BudgetHold | undefined> {
    const budget = caller.budget;
    if (budget === undefined || quoteUsd === undefined) return undefined;
    const name = caller.keyName ?? '';
    const quote = quoteUsd();
    if (quote === undefined) {
      // Deny by default: a spend that cannot be priced cannot be kept within a budget.
      throw new GatewayError('model_not_allowed', `The key '${name}' has a budget, and this model has no price in the Sluice config (\`prices:\`), so what it costs cannot be counted.`, { param: 'model' });
    }
    const verdict = await dependencies.budgets.reserve(keyId, budget, quote, requestId);
    if (verdict === undefined) return undefined;
    if (verdict.granted) return verdict.hold;
    const now = dependencies.now();
    const left = Math.max(0, budget.usd - verdict.spentUsd);
    throw new GatewayError('budget_exceeded', `The key '${name}' may spend $${formatUsd(budget.usd)} per ${budget.period} (UTC); $${formatUsd(left)} is left and this request may cost up to $${formatUsd(quote)}: its prompt and its max_completion_tokens (or, when it sets none, the gateway's default estimate).`, {
      retryAfterSeconds: Math.max(1, Math.ceil((endOfBudgetPeriod(budget.period, now) - now) / 1000)),
    });
  }

  function refuseByRate(caller: Caller, limit: 'rpm' | 'tpm' | undefined, retryAfterSeconds: number): GatewayError {
    const described = limit === 'rpm' ? `${String(caller.rpm)} requests per minute` : `${String(caller.tpm)} tokens per minute`;
    return new GatewayError('rate_limited', `The key '${caller.keyName ?? ''}' is limited to ${described}.`, { retryAfterSeconds });
  }

  /** Gives back what an admission held, settled to what the request used. */
  function releaseHeld(held: HeldAdmission, usedTokens: number, costUsd: number | undefined): void {
    const { keyId, rate, quotaHeld, budgetHold } = held;
    if (rate !== undefined) rateLimits.settle(rate, usedTokens);
    quotaHeld?.settle(usedTokens);
    if (budgetHold !== undefined) dependencies.budgets.settle(keyId, budgetHold, costUsd ?? budgetHold.reservedUsd, held.requestId).catch(dependencies.onSettleError);
    if (held.slotTaken) keySlots.leave(keyId);
  }

  /**
   * A key with rate limits at most (no max_concurrency, quota or budget): admitted at once when the
   * limiter answers at once, as the in-process one does. A refusal is still a rejected promise.
   */
  function admitByRate(caller: Caller, keyId: string, estimateTokens: () => number, requestId: string): Admission | Promise<Admission> {
    const pending = rateLimits.reserve(keyId, caller, caller.tpm === undefined ? 0 : estimateTokens());
    const decide = (verdict: RateVerdict): Admission | Promise<Admission> => {
      if (!verdict.allowed) return Promise.reject(refuseByRate(caller, verdict.limit, verdict.retryAfterSeconds));
      const held = new HeldAdmission(keyId, false, requestId, releaseHeld);
      held.rate = verdict.reservation;
      return held;
    };
    return pending instanceof Promise ? pending.then(decide) : decide(pending);
  }

  /** Any other key: a slot, a quota or a budget may wait; everything taken is given back when a later step refuses. */
  async function admitWaiting(caller: Caller, keyId: string, estimateTokens: () => number, signal: AbortSignal, requestId: string, quoteUsd: QuoteUsd | undefined): Promise<Admission> {
    if (caller.maxConcurrency !== undefined) await takeSlot(keyId, caller, signal);
    const countsTokens = caller.tpm !== undefined || caller.remainingTokens !== undefined || caller.budget !== undefined;
    let estimatedTokens = 0;
    try {
      if (countsTokens) estimatedTokens = estimateTokens();
    } catch (error) {
      if (caller.maxConcurrency !== undefined) keySlots.leave(keyId);
      throw error;
    }
    const held = new HeldAdmission(keyId, caller.maxConcurrency !== undefined, requestId, releaseHeld);
    try {
      // The caller is its limits (one object per key, src/server/authenticate.ts): the reservation keeps no copy.
      const pending = rateLimits.reserve(keyId, caller, estimatedTokens);
      // Only the shared limiter answers later; the in-process one keeps check-and-take synchronous.
      const verdict = pending instanceof Promise ? await pending : pending;
      if (!verdict.allowed) throw refuseByRate(caller, verdict.limit, verdict.retryAfterSeconds);
      held.rate = verdict.reservation;
      held.quotaHeld = caller.remainingTokens === undefined ? undefined : await reserveQuota(keyId, caller, estimatedTokens, requestId);
      held.budgetHold = caller.budget === undefined ? undefined : await reserveBudget(keyId, caller, requestId, quoteUsd);
    } catch (error) {
      if (held.rate !== undefined) rateLimits.release(held.rate);
      held.rate = undefined;
      held.settle(0, 0);
      throw error;
    }
    return held;
  }

  return {
    defaultCompletionTokens: dependencies.defaultCompletionTokens,
    admit(caller, estimateTokens, signal, requestId, quoteUsd) {
      const keyId = caller?.keyId;
      if (caller === undefined || keyId === undefined) return nothingHeld;
      // No promise for a key that waits on nothing: each await is a turn of the microtask queue per request.
      if (caller.maxConcurrency === undefined && caller.remainingTokens === undefined && caller.budget === undefined) return admitByRate(caller, keyId, estimateTokens, requestId);
      return admitWaiting(caller, keyId, estimateTokens, signal, requestId, quoteUsd);
    },
  };
}

/** Dollars for a message: cents for amounts of a cent or more, else four significant digits. */
function formatUsd(usd: number): string {
  return usd >= 0.01 ? usd.toFixed(2) : usd.toPrecision(4);
}

/** Where a request came from: an HTTP request, or the `replay` command (no address). */
export interface RequestOrigin {
  ip: string | undefined;
  headers: { 'user-agent'?: string | undefined };
}

export function toLogRow(record: RequestRecord, caller: Caller | undefined, request: RequestOrigin, startedAt: number): RequestLogRow {
  return {
    time: startedAt,
    requestId: record.requestId,
    keyName: caller?.keyName,
    clientModel: record.clientModel,
    clientStream: record.clientStream,
    channel: record.channel,
    upstreamModel: record.upstreamModel,
    upstreamStream: record.upstreamStream,
    adaptations: record.adaptations,
    attempts: record.attempts,
    status: record.status,
    errorCode: record.errorCode,
    errorMessage: record.errorMessage,
    firstTokenMs: record.firstTokenMs,
    durationMs: record.durationMs,
    promptTokens: record.promptTokens,
    completionTokens: record.completionTokens,
    usageSource: record.usageSource,
    clientIp: request.ip,
    userAgent: request.headers['user-agent'],
    answeredModel: record.answeredModel,
    ingress: record.ingress,
    overheadMs: record.overheadMs,
    capture: record.capture === undefined ? undefined : JSON.stringify(record.capture),
    costUsd: record.costUsd,
    cachedPromptTokens: record.cachedPromptTokens,
    requestBytes: record.requestBytes,
    responseBytes: record.responseBytes,
  };
}

/** The log row, batched off the request path; tokens were settled by the route's admission. */
export function recordRequest(record: RequestRecord, caller: Caller | undefined, request: FastifyRequest, logWriter: LogWriter<RequestLogRow>): void {
  logWriter.append(toLogRow(record, caller, request, Date.now() - record.durationMs));
}
