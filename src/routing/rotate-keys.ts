// Upstream key rotation: each channel's `api_keys` are used in turn.

export class KeyRotator {
  readonly #next = new Map<string, number>();

  /** The key for this channel's next call; undefined when the channel has none (local upstreams). */
  nextKey(channel: string, keys: readonly string[]): string | undefined {
    if (keys.length === 0) return undefined;
    const position = this.#next.get(channel) ?? 0;
    this.#next.set(channel, (position + 1) % keys.length);
    return keys[position % keys.length];
  }
}
