// What a try holds while it runs, each as one disposable (docs/style.md 13), so that every way out of
// the attempt loop — success, a stream's end, adapt, retry, failover, give-up, a throw — gives it
// back exactly once. Node 24 runs `using` under type stripping (it is JavaScript syntax, not a type).
import type { BreakerPolicy } from '../core/channel.ts';
import type { CircuitBreakers } from '../routing/circuit-breaker.ts';
import type { SlotGate } from '../routing/concurrency-gate.ts';

/**
 * Passage through a channel's circuit for one request's stay on the channel (its retries included).
 * A verdict (success, failure, or one deferred until whose fault it was is known) ends it; disposed
 * without one, it hands a half-open probe back.
 */
export class CircuitPass implements Disposable {
  readonly #breakers: CircuitBreakers;
  readonly #circuit: string;
  readonly #policy: BreakerPolicy;
  /** Let through while every candidate's circuit was open: it holds no probe to give back. */
  readonly panic: boolean;
  #open = true;

  constructor(breakers: CircuitBreakers, circuit: string, policy: BreakerPolicy, panic: boolean) {
    this.#breakers = breakers;
    this.#circuit = circuit;
    this.#policy = policy;
    this.panic = panic;
  }

  /** A pass through a circuit that admits the call now, or undefined; `panic` passes regardless. */
  static take(breakers: CircuitBreakers, circuit: string, policy: BreakerPolicy, panic = false): CircuitPass | undefined {
    if (!panic && !breakers.tryPass(circuit, policy)) return undefined;
    return new CircuitPass(breakers, circuit, policy, panic);
  }

  #close(): boolean {
    const wasOpen = this.#open;
    this.#open = false;
    return wasOpen;
  }

  succeed(): void {
    if (this.#close()) this.#breakers.recordSuccess(this.#circuit, this.#policy);
  }

  fail(): void {
    if (this.#close()) this.#breakers.recordFailure(this.#circuit, this.#policy);
  }

  /** Ends the pass now and returns the failure to count later, if it turns out to be the channel's. */
  defer(): () => void {
    if (!this.#close()) return () => undefined;
    if (!this.panic) this.#breakers.release(this.#circuit);
    return () => {
      this.#breakers.recordFailure(this.#circuit, this.#policy);
    };
  }

  [Symbol.dispose](): void {
    if (this.#close() && !this.panic) this.#breakers.release(this.#circuit);
  }
}

/** One try's slot under the channel's `max_concurrency`, and the upstream key it uses. */
export class TryPermit implements Disposable {
  readonly #slots: SlotGate;
  readonly #channel: string;
  readonly key: string | undefined;
  #holdsSlot = true;
  #handedOver = false;

  /** Takes ownership of a slot already entered on `slots` for `channel`. */
  constructor(slots: SlotGate, channel: string, key: string | undefined) {
    this.#slots = slots;
    this.#channel = channel;
    this.key = key;
  }

  /** Gives the slot back; safe to call more than once (the outcome's end and the scope's end both may). */
  releaseSlot(): void {
    if (!this.#holdsSlot) return;
    this.#holdsSlot = false;
    this.#slots.leave(this.#channel);
  }

  /** The outcome keeps flowing (a stream): its end gives the slot back, not the end of the try's scope. */
  handOver(): void {
    this.#handedOver = true;
  }

  [Symbol.dispose](): void {
    if (!this.#handedOver) this.releaseSlot();
  }
}
