// Per-channel `max_concurrency`: in-flight requests to an upstream are counted; past the limit a
// request waits its turn (FIFO) or, when another channel can take it, goes there instead.

/**
 * What holds `max_concurrency` slots: this in-process gate, or leases shared by every instance
 * (shared-state/leased-slots.ts), whose check-and-take answers later. Slots of one name are
 * interchangeable: `leave` gives back any one this instance holds.
 */
export interface SlotGate {
  /** A slot now (true), none free (false); a promise only when the answer needs a round trip. */
  tryEnter(name: string, max: number | undefined): boolean | Promise<boolean>;
  /** Waits for a slot, FIFO within this instance; rejects with the signal's reason if it aborts first. */
  enter(name: string, max: number | undefined, signal: AbortSignal): Promise<void>;
  leave(name: string): void;
  /** Slots this instance holds. */
  inFlight(name: string): number;
}

interface Lane {
  active: number;
  waiting: Array<() => void>;
}

export class ConcurrencyGate implements SlotGate {
  readonly #lanes = new Map<string, Lane>();

  #lane(channel: string): Lane {
    let lane = this.#lanes.get(channel);
    if (lane === undefined) {
      lane = { active: 0, waiting: [] };
      this.#lanes.set(channel, lane);
    }
    return lane;
  }

  tryEnter(channel: string, max: number | undefined): boolean {
    const lane = this.#lane(channel);
    if (max !== undefined && lane.active >= max) return false;
    lane.active += 1;
    return true;
  }

  /** Waits for a slot; rejects with the signal's reason if it aborts first. */
  enter(channel: string, max: number | undefined, signal: AbortSignal): Promise<void> {
    if (this.tryEnter(channel, max)) return Promise.resolve();
    const lane = this.#lane(channel);
    return new Promise((resolve, reject) => {
      const admit = (): void => {
        signal.removeEventListener('abort', onAbort);
        lane.active += 1;
        resolve();
      };
      const onAbort = (): void => {
        lane.waiting.splice(lane.waiting.indexOf(admit), 1);
        reject(signal.reason as Error);
      };
      lane.waiting.push(admit);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  leave(channel: string): void {
    const lane = this.#lane(channel);
    lane.active -= 1;
    lane.waiting.shift()?.();
  }

  inFlight(channel: string): number {
    return this.#lanes.get(channel)?.active ?? 0;
  }
}
