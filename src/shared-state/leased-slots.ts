// `max_concurrency` slots shared by every instance as leases in Redis (docs/scale-out.md §E2
// "Channel concurrency", lease-scripts.ts): taking a slot is one script call; giving it back is a
// ZREM off the request path; the leases this instance holds are kept alive by one heartbeat for all
// of them (open-shared-state.ts), so a dead instance's slots come back after `leaseMs`. A request
// that must wait does so in a local FIFO and asks Redis again on a local release or every
// `pollMs` (a release elsewhere sends no signal). While Redis is down the decision is local, on
// this instance's share of the cap (`max / live instances`, at least 1), counting every slot it
// holds — the rule shared-rate-limits.ts applies to rpm/tpm, never the full cap silently; the
// divisor is the instances live now (the instance registry) when it can say, like rpm/tpm's.
import { randomUUID } from 'node:crypto';
import type { SlotGate } from '../routing/concurrency-gate.ts';
import type { SharedRedisClient } from './open-redis.ts';
import { reasonOf, withinMs } from './shared-rate-limits.ts';
import type { SharedStateStatus } from './shared-state-status.ts';

export interface LeasedSlotsOptions {
  client: SharedRedisClient;
  status: SharedStateStatus;
  /** The Redis key of a name's set: prefix, kind (`channel`, `key`), the name hash-tagged. */
  keyOf: (name: string) => string;
  /** The share's divisor when `liveInstances` is absent or has no count. */
  fallbackInstances: number;
  /** Instances live now (the instance registry), or undefined when it cannot say. */
  liveInstances?: (() => number | undefined) | undefined;
  commandTimeoutMs: number;
  leaseMs: number;
  pollMs: number;
  /** A release or heartbeat Redis did not take: the lease expires by itself. */
  onLeaseError: (error: unknown) => void;
}

interface Waiter {
  max: number | undefined;
  admit: () => void;
  done: boolean;
}

interface Lane {
  /** Members of the Redis set this instance holds. */
  leased: string[];
  /** Slots taken without Redis (no cap, or Redis down). */
  local: number;
  waiting: Waiter[];
  asking: boolean;
  retry: NodeJS.Timeout | undefined;
}

/** This instance's share of a cap while Redis is down: at least one slot, so the name can still run. */
export function slotShareOf(max: number, instances: number): number {
  return Math.max(1, Math.floor(max / instances));
}

export class LeasedSlots implements SlotGate {
  readonly #options: LeasedSlotsOptions;
  readonly #lanes = new Map<string, Lane>();
  readonly #instance = randomUUID();
  #taken = 0;

  constructor(options: LeasedSlotsOptions) {
    this.#options = options;
  }

  #lane(name: string): Lane {
    let lane = this.#lanes.get(name);
    if (lane === undefined) {
      lane = { leased: [], local: 0, waiting: [], asking: false, retry: undefined };
      this.#lanes.set(name, lane);
    }
    return lane;
  }

  tryEnter(name: string, max: number | undefined): boolean | Promise<boolean> {
    const lane = this.#lane(name);
    if (max === undefined) {
      lane.local += 1;
      return true;
    }
    if (!this.#options.status.usable) return this.#enterLocally(lane, max);
    return this.#enterShared(name, lane, max);
  }

  #enterLocally(lane: Lane, max: number): boolean {
    const { status, liveInstances, fallbackInstances } = this.#options;
    status.degraded();
    if (lane.leased.length + lane.local >= slotShareOf(max, Math.max(1, liveInstances?.() ?? fallbackInstances))) return false;
    lane.local += 1;
    return true;
  }

  async #enterShared(name: string, lane: Lane, max: number): Promise<boolean> {
    const { client, status, keyOf, leaseMs, commandTimeoutMs } = this.#options;
    this.#taken += 1;
    const member = `${this.#instance}:${String(this.#taken)}`;
    let reply: number;
    try {
      reply = await withinMs(client.acquireLease(keyOf(name), max, leaseMs, member), commandTimeoutMs);
    } catch (error) {
      status.failed(reasonOf(error));
      // A late reply may still have taken it: drop it now rather than hold it for a lease.
      this.#remove(name, member);
      return this.#enterLocally(lane, max);
    }
    status.succeeded();
    if (reply !== 1) return false;
    lane.leased.push(member);
    return true;
  }

  enter(name: string, max: number | undefined, signal: AbortSignal): Promise<void> {
    const lane = this.#lane(name);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        max,
        done: false,
        admit: () => {
          waiter.done = true;
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        waiter.done = true;
        lane.waiting.splice(lane.waiting.indexOf(waiter), 1);
        reject(signal.reason as Error);
      };
      if (signal.aborted) {
        reject(signal.reason as Error);
        return;
      }
      lane.waiting.push(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
      void this.#serve(name, lane);
    });
  }

  /** Asks for the first waiter's slot, one question at a time per name, until one is refused. */
  async #serve(name: string, lane: Lane): Promise<void> {
    if (lane.asking) return;
    lane.asking = true;
    clearTimeout(lane.retry);
    lane.retry = undefined;
    try {
      for (let head = lane.waiting[0]; head !== undefined; head = lane.waiting[0]) {
        const entered = this.tryEnter(name, head.max);
        if (!(entered instanceof Promise ? await entered : entered)) break;
        if (head.done) {
          // It gave up while Redis answered: the slot goes back.
          this.leave(name);
          continue;
        }
        lane.waiting.shift();
        head.admit();
      }
    } finally {
      lane.asking = false;
    }
    if (lane.waiting.length > 0 && lane.retry === undefined) {
      lane.retry = setTimeout(() => {
        lane.retry = undefined;
        void this.#serve(name, lane);
      }, this.#options.pollMs);
    }
  }

  leave(name: string): void {
    const lane = this.#lane(name);
    const member = lane.leased.pop();
    if (member !== undefined) this.#remove(name, member);
    else lane.local = Math.max(0, lane.local - 1);
    if (lane.waiting.length > 0) void this.#serve(name, lane);
  }

  #remove(name: string, member: string): void {
    const { client, status, keyOf, commandTimeoutMs, onLeaseError } = this.#options;
    if (!client.isReady) {
      onLeaseError(new Error('the shared state is down'));
      return;
    }
    withinMs(client.zRem(keyOf(name), member), commandTimeoutMs).then(
      () => { status.succeeded(); },
      (error: unknown) => {
        status.failed(reasonOf(error));
        onLeaseError(error);
      },
    );
  }

  inFlight(name: string): number {
    const lane = this.#lanes.get(name);
    return lane === undefined ? 0 : lane.leased.length + lane.local;
  }

  /** Extends every lease this instance holds: one script call per name that holds any (the heartbeat). */
  async refresh(): Promise<void> {
    const { client, status, keyOf, leaseMs, commandTimeoutMs, onLeaseError } = this.#options;
    if (!client.isReady) return;
    const calls = [...this.#lanes].filter(([, lane]) => lane.leased.length > 0).map(async ([name, lane]) => {
      try {
        await withinMs(client.refreshLeases(keyOf(name), leaseMs, [...lane.leased]), commandTimeoutMs);
      } catch (error) {
        status.failed(reasonOf(error));
        onLeaseError(error);
      }
    });
    await Promise.all(calls);
  }
}
