// Upstream keys per channel: used in turn; a key the upstream refused (401/403) is set aside with
// its reason until `recheckAt`, then tried again. A channel whose keys are all set aside is unusable.

export interface KeyProblem {
  reason: string;
  since: number;
  recheckAt: number;
}

export type KeyChoice = { kind: 'key'; key: string | undefined } | { kind: 'exhausted'; problems: KeyProblem[] };

export class KeyRing {
  readonly #next = new Map<string, number>();
  readonly #problems = new Map<string, KeyProblem>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  static #idOf(channel: string, key: string): string {
    return `${channel}\u0000${key}`;
  }

  #usable(channel: string, key: string): boolean {
    const problem = this.#problems.get(KeyRing.#idOf(channel, key));
    return problem === undefined || problem.recheckAt <= this.#now();
  }

  /** The key for this channel's next call; `key: undefined` for a channel without keys (local upstreams). */
  choose(channel: string, keys: readonly string[]): KeyChoice {
    if (keys.length === 0) return { kind: 'key', key: undefined };
    const start = this.#next.get(channel) ?? 0;
    for (let offset = 0; offset < keys.length; offset += 1) {
      const position = (start + offset) % keys.length;
      const key = keys[position];
      if (key !== undefined && this.#usable(channel, key)) {
        this.#next.set(channel, (position + 1) % keys.length);
        return { kind: 'key', key };
      }
    }
    const problems = keys.flatMap((key) => this.#problems.get(KeyRing.#idOf(channel, key)) ?? []);
    return { kind: 'exhausted', problems };
  }

  /** Whether the channel has a usable key right now, without taking a turn. */
  peek(channel: string, keys: readonly string[]): 'usable' | 'exhausted' {
    return keys.length === 0 || keys.some((key) => this.#usable(channel, key)) ? 'usable' : 'exhausted';
  }

  setAside(channel: string, key: string, reason: string, recheckAfterMs: number): void {
    const now = this.#now();
    this.#problems.set(KeyRing.#idOf(channel, key), { reason, since: now, recheckAt: now + recheckAfterMs });
  }

  clear(channel: string, key: string): void {
    this.#problems.delete(KeyRing.#idOf(channel, key));
  }

  /** Keys set aside, for operators: only the last four characters of a key are shown. */
  problems(): Array<{ channel: string; key: string } & KeyProblem> {
    return [...this.#problems].map(([id, problem]) => {
      const [channel = '', key = ''] = id.split('\u0000');
      return { channel, key: `…${key.slice(-4)}`, ...problem };
    });
  }
}
