// What one instance learns about an upstream and every instance should act on at once
// (docs/deploy.md "Shared verdicts", docs/scale-out.md §E2): a refused upstream key with its
// re-check time, and the verdict of a channel's health check, run by the one instance that holds
// the channel's owner lease. Both travel as messages on one pub/sub channel; a refused key is also
// recorded with the re-check time as its life, so an instance that (re)connects later loads it.
// A message carries how long the verdict stands from now, not a wall-clock time: instances whose
// clocks disagree still re-check together (to within the message's delivery time). Key values
// never leave the instance: a refused key is named by a hash of its channel and value.
// While Redis is down each instance keeps its own verdicts (as with one instance), counted as degraded.
import { createHash } from 'node:crypto';
import type { SharedRedisClient } from './open-redis.ts';
import { reasonOf, withinMs } from './shared-rate-limits.ts';
import type { SharedStateStatus } from './shared-state-status.ts';
import { readJsonFields } from '../lib/read-json-fields.ts';

/** Refused keys loaded at most on a (re)connect: bounded however many a Redis holds. */
export const maxLoadedRefusals = 10_000;

/** A refused key, as another instance reported it. */
export interface SharedRefusal {
  channel: string;
  /** keyIdOf(channel, key): never the key itself. */
  keyId: string;
  reason: string;
  status: number | undefined;
  /** How long the key stays set aside from now. */
  remainingMs: number;
}

/** A health check's verdict from the channel's owner. */
export interface SharedHealth {
  channel: string;
  model: string;
  up: boolean;
  /** How long a down verdict holds the channel's circuit open (until the next check). */
  holdMs: number;
}

export interface VerdictListener {
  onRefusal(refusal: SharedRefusal): void;
  onHealth(health: SharedHealth): void;
}

export interface SharedVerdictsOptions {
  client: SharedRedisClient;
  status: SharedStateStatus;
  keyPrefix: string;
  /** This instance's id in its messages (its own come back and are skipped). */
  instance: string;
  commandTimeoutMs: number;
  /** A publish or load Redis did not take. */
  onError: (error: unknown) => void;
}

/** The name of an upstream key in Redis and messages: a hash of its channel and value, never the value. */
export function keyIdOf(channel: string, key: string): string {
  return createHash('sha256').update(`${channel}\u0000${key}`).digest('hex').slice(0, 32);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The verdict a message or record describes; undefined when it is not one of ours. */
export function readVerdict(payload: string, remainingMs?: number): { from: string | undefined; refusal?: SharedRefusal; health?: SharedHealth } | undefined {
  const fields = readJsonFields(payload);
  if (fields === undefined) return undefined;
  const channel = text(fields.c);
  const ms = remainingMs ?? fields.ms;
  if (channel === undefined || typeof ms !== 'number' || !(ms > 0)) return undefined;
  const from = text(fields.o);
  const keyId = text(fields.h);
  if (fields.k === 'key' && keyId !== undefined) {
    return { from, refusal: { channel, keyId, reason: text(fields.r) ?? 'refused by the upstream', status: typeof fields.s === 'number' ? fields.s : undefined, remainingMs: ms } };
  }
  const model = text(fields.m);
  if (fields.k === 'health' && model !== undefined && typeof fields.up === 'boolean') return { from, health: { channel, model, up: fields.up, holdMs: ms } };
  return undefined;
}

export class SharedVerdicts {
  readonly #options: SharedVerdictsOptions;
  readonly #channel: string;

  constructor(options: SharedVerdictsOptions) {
    this.#options = options;
    this.#channel = `${options.keyPrefix}verdicts`;
  }

  get instance(): string {
    return this.#options.instance;
  }

  #refusalKey(channel: string, keyId: string): string {
    return `${this.#options.keyPrefix}refused:{${channel}}:${keyId}`;
  }

  #call<T>(pending: () => Promise<T>): Promise<T | undefined> {
    const { status, commandTimeoutMs, onError } = this.#options;
    return withinMs(pending(), commandTimeoutMs).then(
      (value) => {
        status.succeeded();
        return value;
      },
      (error: unknown) => {
        status.failed(reasonOf(error));
        onError(error);
        return undefined;
      },
    );
  }

  /** Records and announces a key the upstream refused; off the request path. Redis down: kept to this instance. */
  shareRefusal(refusal: SharedRefusal): void {
    const { client, status, instance } = this.#options;
    if (!status.usable) {
      status.degraded('key_refusal');
      return;
    }
    const record = { k: 'key', c: refusal.channel, h: refusal.keyId, r: refusal.reason, s: refusal.status };
    const message = JSON.stringify({ ...record, ms: refusal.remainingMs, o: instance });
    const lifeMs = Math.max(1, Math.round(refusal.remainingMs));
    void this.#call(() => client.shareRefusal(this.#refusalKey(refusal.channel, refusal.keyId), JSON.stringify(record), lifeMs, this.#channel, message));
  }

  /**
   * Whether this instance runs the channel's health check now: `owner` (it holds the lease, taken or
   * renewed for `leaseMs`), `other` (another instance does), `local` (Redis down: every instance checks, as alone).
   */
  async claimHealth(channel: string, leaseMs: number): Promise<'owner' | 'other' | 'local'> {
    const { client, status, instance } = this.#options;
    if (!status.usable) {
      status.degraded('health');
      return 'local';
    }
    const reply = await this.#call(() => client.claimOwner(`${this.#options.keyPrefix}health-owner:{${channel}}`, instance, Math.max(1, Math.round(leaseMs))));
    if (reply === undefined) {
      status.degraded('health');
      return 'local';
    }
    return reply === 1 ? 'owner' : 'other';
  }

  /** Announces the owner's verdict to every instance. */
  shareHealth(health: SharedHealth): void {
    const { client, status, instance } = this.#options;
    if (!status.usable) return;
    const message = JSON.stringify({ k: 'health', c: health.channel, m: health.model, up: health.up, ms: health.holdMs, o: instance });
    void this.#call(() => client.publish(this.#channel, message));
  }

  /** The refused keys recorded now, each with the time it has left (a (re)connected instance catches up). */
  async loadRefusals(listener: VerdictListener): Promise<void> {
    const { client } = this.#options;
    let loaded = 0;
    for await (const names of client.scanIterator({ MATCH: `${this.#options.keyPrefix}refused:*`, COUNT: 100 })) {
      const records = await Promise.all(names.map(async (name) => {
        const [record, remaining] = await Promise.all([this.#call(() => client.get(name)), this.#call(() => client.pTTL(name))]);
        return typeof record === 'string' && typeof remaining === 'number' ? readVerdict(record, remaining) : undefined;
      }));
      for (const verdict of records) if (verdict?.refusal !== undefined) listener.onRefusal(verdict.refusal);
      loaded += names.length;
      if (loaded >= maxLoadedRefusals) return;
    }
  }

  /** What a message on the verdicts channel says, unless this instance sent it. */
  receive(message: string, listener: VerdictListener): void {
    const verdict = readVerdict(message);
    if (verdict === undefined || verdict.from === this.#options.instance) return;
    if (verdict.refusal !== undefined) listener.onRefusal(verdict.refusal);
    if (verdict.health !== undefined) listener.onHealth(verdict.health);
  }

  get channelName(): string {
    return this.#channel;
  }
}
