// Circuit breaker per channel and model, with an injected clock: opens after `failures` consecutive
// failures, stays open `cooldownMs`, then lets one probe through (half-open); success closes it.
import type { BreakerPolicy } from '../core/channel.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerTransition {
  key: string;
  from: BreakerState;
  to: BreakerState;
  failures: number;
}

interface Circuit {
  state: BreakerState;
  failures: number;
  openedAt: number;
  probeInFlight: boolean;
}

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

  #move(key: string, circuit: Circuit, to: BreakerState): void {
    const from = circuit.state;
    circuit.state = to;
    if (to === 'open') {
      circuit.openedAt = this.#now();
      this.opened += 1;
    }
    this.#onTransition({ key, from, to, failures: circuit.failures });
  }

  /** Whether a request may go to this circuit now; a half-open circuit admits one probe at a time. */
  tryPass(key: string, policy: BreakerPolicy): boolean {
    const circuit = this.#circuits.get(key);
    if (circuit === undefined || circuit.state === 'closed') return true;
    if (circuit.state === 'open') {
      if (this.#now() - circuit.openedAt < policy.cooldownMs) return false;
      this.#move(key, circuit, 'half-open');
    }
    if (circuit.probeInFlight) return false;
    circuit.probeInFlight = true;
    return true;
  }

  recordSuccess(key: string): void {
    const circuit = this.#circuits.get(key);
    if (circuit === undefined) return;
    circuit.failures = 0;
    circuit.probeInFlight = false;
    if (circuit.state !== 'closed') this.#move(key, circuit, 'closed');
  }

  recordFailure(key: string, policy: BreakerPolicy): void {
    let circuit = this.#circuits.get(key);
    if (circuit === undefined) {
      circuit = { state: 'closed', failures: 0, openedAt: 0, probeInFlight: false };
      this.#circuits.set(key, circuit);
    }
    circuit.failures += 1;
    circuit.probeInFlight = false;
    if (circuit.state === 'half-open' || (circuit.state === 'closed' && circuit.failures >= policy.failures)) {
      this.#move(key, circuit, 'open');
    }
  }

  /** Lets a half-open probe slot go without a verdict (the attempt ended for another reason). */
  release(key: string): void {
    const circuit = this.#circuits.get(key);
    if (circuit !== undefined) circuit.probeInFlight = false;
  }

  stateOf(key: string): BreakerState {
    return this.#circuits.get(key)?.state ?? 'closed';
  }

  snapshot(): Array<{ key: string; state: BreakerState; failures: number }> {
    return [...this.#circuits].map(([key, circuit]) => ({ key, state: circuit.state, failures: circuit.failures }));
  }
}
