// Circuit breaker per channel and model, with an injected clock, on resilience4j's model: the
// failure *rate* over a sliding time window, once the window holds at least `minCalls` calls, opens
// the circuit (one bad moment, or one client's bad requests among many good ones, does not). Open,
// it refuses calls for `cooldownMs`, then lets one probe through (half-open); success closes it.
// The window is kept as a ring of time buckets, so its memory does not grow with traffic.
import type { BreakerPolicy } from '../core/channel.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerTransition {
  key: string;
  from: BreakerState;
  to: BreakerState;
  /** Failures in the window when it moved. */
  failures: number;
}

/** Buckets the window is cut into: a call leaves the window at most `windowMs / windowBuckets` late. */
export const windowBuckets = 10;

interface Bucket {
  /** Which span of time (`floor(now / span)`) the counts are for. */
  span: number;
  calls: number;
  failures: number;
}

interface Circuit {
  state: BreakerState;
  buckets: Bucket[];
  openedAt: number;
  /** A health verdict from the channel's check owner keeps it open until then (shared verdicts). */
  heldUntil: number;
  probeInFlight: boolean;
  /** The bucket length the window was last counted with (the policy's `windowMs / windowBuckets`). */
  spanMs: number;
}

function emptyWindow(): Bucket[] {
  return Array.from({ length: windowBuckets }, () => ({ span: -1, calls: 0, failures: 0 }));
}

/**
 * Circuits kept at most. A channel serving a glob (`gpt-*`, `*`) gets a circuit per model name a
 * client sends, so the table is bounded: past it, the oldest closed circuit (else the oldest) goes;
 * it holds nothing but a window of counts, and starts closed again if that model comes back.
 */
export const maxCircuits = 10_000;

export class CircuitBreakers {
  readonly #circuits = new Map<string, Circuit>();
  readonly #now: () => number;
  readonly #onTransition: (transition: BreakerTransition) => void;
  /** How many times circuits opened, for metrics. */
  opened = 0;

  constructor(now: () => number, onTransition: (transition: BreakerTransition) => void = () => undefined) {
    this.#now = now;
    this.#onTransition = onTransition;
  }

  static keyOf(channel: string, model: string): string {
    return `${channel}\u0000${model}`;
  }

  #circuit(key: string): Circuit {
    let circuit = this.#circuits.get(key);
    if (circuit === undefined) {
      if (this.#circuits.size >= maxCircuits) this.#evictOne();
      circuit = { state: 'closed', buckets: emptyWindow(), openedAt: 0, heldUntil: 0, probeInFlight: false, spanMs: 1 };
      this.#circuits.set(key, circuit);
    }
    return circuit;
  }

  #evictOne(): void {
    let victim: string | undefined;
    for (const [key, circuit] of this.#circuits) {
      victim ??= key;
      if (circuit.state === 'closed') {
        victim = key;
        break;
      }
    }
    if (victim !== undefined) this.#circuits.delete(victim);
  }

  /** How many circuits are kept now (bounded by maxCircuits). */
  get size(): number {
    return this.#circuits.size;
  }

  /** Calls and failures in the window that ends now. */
  #totals(circuit: Circuit): { calls: number; failures: number } {
    const current = Math.floor(this.#now() / circuit.spanMs);
    let calls = 0;
    let failures = 0;
    for (const bucket of circuit.buckets) {
      if (bucket.span <= current - windowBuckets) continue;
      calls += bucket.calls;
      failures += bucket.failures;
    }
    return { calls, failures };
  }

  #count(circuit: Circuit, policy: BreakerPolicy, failed: boolean): void {
    circuit.spanMs = Math.max(1, policy.windowMs / windowBuckets);
    const span = Math.floor(this.#now() / circuit.spanMs);
    const bucket = circuit.buckets[span % windowBuckets];
    if (bucket === undefined) return;
    if (bucket.span !== span) Object.assign(bucket, { span, calls: 0, failures: 0 });
    bucket.calls += 1;
    if (failed) bucket.failures += 1;
  }

  #move(key: string, circuit: Circuit, to: BreakerState, failures: number): void {
    const from = circuit.state;
    circuit.state = to;
    if (to === 'open') {
      circuit.openedAt = this.#now();
      this.opened += 1;
    }
    if (to !== 'half-open') circuit.buckets = emptyWindow();
    if (to === 'closed') circuit.heldUntil = 0;
    this.#onTransition({ key, from, to, failures });
  }

  /** Whether a request may go to this circuit now; a half-open circuit admits one probe at a time. */
  tryPass(key: string, policy: BreakerPolicy): boolean {
    const circuit = this.#circuits.get(key);
    if (circuit === undefined || circuit.state === 'closed') return true;
    if (circuit.state === 'open') {
      const now = this.#now();
      if (now - circuit.openedAt < policy.cooldownMs || now < circuit.heldUntil) return false;
      this.#move(key, circuit, 'half-open', 0);
    }
    if (circuit.probeInFlight) return false;
    circuit.probeInFlight = true;
    return true;
  }

  /** Since when the circuit has refused calls (open or half-open); undefined while closed. */
  openSince(key: string): number | undefined {
    const circuit = this.#circuits.get(key);
    return circuit === undefined || circuit.state === 'closed' ? undefined : circuit.openedAt;
  }

  recordSuccess(key: string, policy: BreakerPolicy): void {
    const circuit = this.#circuit(key);
    circuit.probeInFlight = false;
    if (circuit.state !== 'closed') this.#move(key, circuit, 'closed', 0);
    else this.#count(circuit, policy, false);
  }

  recordFailure(key: string, policy: BreakerPolicy): void {
    const circuit = this.#circuit(key);
    circuit.probeInFlight = false;
    if (circuit.state === 'open') {
      // A call let through anyway (every candidate was open) failed: it stays open, counted afresh.
      circuit.openedAt = this.#now();
      return;
    }
    if (circuit.state === 'half-open') {
      this.#move(key, circuit, 'open', 1);
      return;
    }
    this.#count(circuit, policy, true);
    const { calls, failures } = this.#totals(circuit);
    if (calls >= policy.minCalls && failures >= policy.failureRate * calls) this.#move(key, circuit, 'open', failures);
  }

  /**
   * A health check's verdict, taken as it is (docs/deploy.md "Shared verdicts"): up closes the
   * circuit; down opens it (or keeps it open) and refuses even a half-open probe for `holdMs`, until
   * the check runs again. With several instances one of them checks and every one applies this.
   */
  applyVerdict(key: string, up: boolean, holdMs: number): void {
    const circuit = this.#circuit(key);
    circuit.heldUntil = up ? 0 : this.#now() + holdMs;
    if (up) {
      if (circuit.state !== 'closed') this.#move(key, circuit, 'closed', 0);
      return;
    }
    circuit.probeInFlight = false;
    if (circuit.state !== 'open') this.#move(key, circuit, 'open', this.#totals(circuit).failures);
  }

  /** Lets a half-open probe slot go without a verdict (the attempt ended for another reason). */
  release(key: string): void {
    const circuit = this.#circuits.get(key);
    if (circuit !== undefined) circuit.probeInFlight = false;
  }

  stateOf(key: string): BreakerState {
    return this.#circuits.get(key)?.state ?? 'closed';
  }

  /** Every circuit that has seen a call, with the failures in its window as of now. */
  snapshot(): Array<{ key: string; state: BreakerState; failures: number }> {
    return [...this.#circuits].map(([key, circuit]) => ({ key, state: circuit.state, failures: this.#totals(circuit).failures }));
  }
}
