// Upstream keys per channel: used in turn; a key the upstream refused is set aside with its reason
// until `recheckAt`, then tried again. The set-aside is scoped to what failed: the whole channel (the
// key itself was refused: 401, "invalid API key"), or one upstream model (a 403/404 about that model),
// so a client asking for a model the key may not use cannot take the channel down for every model.

export interface KeyProblem {
  reason: string;
  since: number;
  recheckAt: number;
  /** The upstream model the key is set aside for; undefined: every model of the channel. */
  model?: string;
  /** The upstream's status when it refused the key, so a later refusal can answer alike. */
  status?: number;
}

export type KeyChoice = { kind: 'key'; key: string | undefined } | { kind: 'exhausted'; problems: KeyProblem[] };

/**
 * Model-scoped set-asides kept at most: model names can come from clients (a `*` channel), so the
 * table is bounded; past it the oldest goes first (and is simply tried again).
 */
export const maxModelSetAsides = 1000;

/** A channel-wide set-aside taken on this instance: what the upstream said about its own key. */
export interface KeyRefusal {
  channel: string;
  key: string;
  reason: string;
  status: number | undefined;
  recheckAfterMs: number;
}

export class KeyRing {
  readonly #next = new Map<string, number>();
  readonly #refusalListeners: Array<(refusal: KeyRefusal) => void> = [];
  readonly #problems = new Map<string, KeyProblem>();
  readonly #modelProblems = new Map<string, KeyProblem>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  static #idOf(channel: string, key: string, model?: string): string {
    return model === undefined ? `${channel}\u0000${key}` : `${channel}\u0000${key}\u0000${model}`;
  }

  /** The problem that keeps this key from this call, if one still stands. */
  #problemFor(channel: string, key: string, model: string | undefined): KeyProblem | undefined {
    const now = this.#now();
    const wide = this.#problems.get(KeyRing.#idOf(channel, key));
    if (wide !== undefined && wide.recheckAt > now) return wide;
    const scoped = model === undefined ? undefined : this.#modelProblems.get(KeyRing.#idOf(channel, key, model));
    return scoped !== undefined && scoped.recheckAt > now ? scoped : undefined;
  }

  /** The key for this channel's next call (to `model`, when given); `key: undefined` for a channel without keys (local upstreams). */
  choose(channel: string, keys: readonly string[], model?: string): KeyChoice {
    if (keys.length === 0) return { kind: 'key', key: undefined };
    const start = this.#next.get(channel) ?? 0;
    for (let offset = 0; offset < keys.length; offset += 1) {
      const position = (start + offset) % keys.length;
      const key = keys[position];
      if (key !== undefined && this.#problemFor(channel, key, model) === undefined) {
        this.#next.set(channel, (position + 1) % keys.length);
        return { kind: 'key', key };
      }
    }
    const problems = keys.flatMap((key) => this.#problemFor(channel, key, model) ?? []);
    return { kind: 'exhausted', problems };
  }

  /** Whether the channel has a key usable for any model right now, without taking a turn. */
  peek(channel: string, keys: readonly string[]): 'usable' | 'exhausted' {
    return keys.length === 0 || keys.some((key) => this.#problemFor(channel, key, undefined) === undefined) ? 'usable' : 'exhausted';
  }

  /** Sets the key aside for the channel, or — with `model` — for that upstream model only. */
  setAside(channel: string, key: string, reason: string, recheckAfterMs: number, scope: { model?: string | undefined; status?: number | undefined } = {}): void {
    const now = this.#now();
    const { model, status } = scope;
    const problem: KeyProblem = { reason, since: now, recheckAt: now + recheckAfterMs, ...(model === undefined ? {} : { model }), ...(status === undefined ? {} : { status }) };
    if (model === undefined) {
      this.#problems.set(KeyRing.#idOf(channel, key), problem);
      for (const listener of this.#refusalListeners) listener({ channel, key, reason, status, recheckAfterMs });
      return;
    }
    const id = KeyRing.#idOf(channel, key, model);
    this.#modelProblems.delete(id);
    this.#modelProblems.set(id, problem);
    for (const [oldId, old] of this.#modelProblems) {
      if (this.#modelProblems.size <= maxModelSetAsides && old.recheckAt > now) break;
      this.#modelProblems.delete(oldId);
    }
  }

  /**
   * Called on each channel-wide set-aside made here (the key itself refused), so other instances can
   * be told; model-scoped ones are not reported: the model name may be a client's choice.
   */
  onRefusal(listener: (refusal: KeyRefusal) => void): void {
    this.#refusalListeners.push(listener);
  }

  /** A channel-wide set-aside another instance saw (shared-state/), kept until its own re-check time; no listener is told. */
  adopt(channel: string, key: string, reason: string, recheckAfterMs: number, status: number | undefined): void {
    const now = this.#now();
    this.#problems.set(KeyRing.#idOf(channel, key), { reason, since: now, recheckAt: now + recheckAfterMs, ...(status === undefined ? {} : { status }) });
  }

  clear(channel: string, key: string): void {
    this.#problems.delete(KeyRing.#idOf(channel, key));
    for (const id of this.#modelProblems.keys()) {
      if (id.startsWith(`${KeyRing.#idOf(channel, key)}\u0000`)) this.#modelProblems.delete(id);
    }
  }

  /** Keys set aside, for operators: only the last four characters of a key are shown. */
  problems(): Array<{ channel: string; key: string } & KeyProblem> {
    return [...this.#problems, ...this.#modelProblems].map(([id, problem]) => {
      const [channel = '', key = ''] = id.split('\u0000');
      return { channel, key: `…${key.slice(-4)}`, ...problem };
    });
  }
}
