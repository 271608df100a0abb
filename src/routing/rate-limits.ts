// Per-key limits as token buckets with an injected clock: `rpm` requests and `tpm` tokens per
// minute, refilled continuously. Tokens are only known after a request, so a request is let in
// while the token bucket is above zero and its tokens are taken afterwards (the bucket may go
// below zero; the next requests wait until it refills).

interface Bucket {
  level: number;
  at: number;
}

export interface LimitVerdict {
  allowed: boolean;
  /** Seconds until the limit lets the next request in, when it did not. */
  retryAfterSeconds: number;
  limit: 'rpm' | 'tpm' | undefined;
}

const perMinute = 60_000;

function refill(bucket: Bucket, capacity: number, now: number): void {
  bucket.level = Math.min(capacity, bucket.level + ((now - bucket.at) * capacity) / perMinute);
  bucket.at = now;
}

export class RateLimits {
  readonly #requests = new Map<string, Bucket>();
  readonly #tokens = new Map<string, Bucket>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  #bucket(buckets: Map<string, Bucket>, key: string, capacity: number): Bucket {
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      bucket = { level: capacity, at: this.#now() };
      buckets.set(key, bucket);
    }
    refill(bucket, capacity, this.#now());
    return bucket;
  }

  /** Takes one request from the key's rpm bucket if both limits allow it now. */
  admit(key: string, rpm: number | undefined, tpm: number | undefined): LimitVerdict {
    if (tpm !== undefined) {
      const tokens = this.#bucket(this.#tokens, key, tpm);
      if (tokens.level <= 0) return { allowed: false, retryAfterSeconds: ((1 - tokens.level) * perMinute) / tpm / 1000, limit: 'tpm' };
    }
    if (rpm !== undefined) {
      const requests = this.#bucket(this.#requests, key, rpm);
      if (requests.level < 1) return { allowed: false, retryAfterSeconds: ((1 - requests.level) * perMinute) / rpm / 1000, limit: 'rpm' };
      requests.level -= 1;
    }
    return { allowed: true, retryAfterSeconds: 0, limit: undefined };
  }

  /** Takes the tokens a finished request used. */
  spend(key: string, tpm: number | undefined, tokens: number): void {
    if (tpm === undefined || tokens <= 0) return;
    this.#bucket(this.#tokens, key, tpm).level -= tokens;
  }
}
