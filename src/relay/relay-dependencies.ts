// What the relay needs from the rest of Sluice, injected (ports and policies), and what one request
// brings with it.
import type { SameDialectRequest, StreamEncoder, Untranslatable } from '../core/ingress-codec.ts';
import type { Provider } from '../providers/types.ts';
import type { ChannelSource } from '../routing/channel-registry.ts';
import type { ChannelStats } from '../routing/channel-stats.ts';
import type { CircuitBreakers } from '../routing/circuit-breaker.ts';
import type { SlotGate } from '../routing/concurrency-gate.ts';
import type { KeyRing } from '../routing/key-ring.ts';
import type { LearnedCapabilities } from './learned-capabilities.ts';
import type { SendUpstream } from './open-upstream.ts';
import type { RequestRecord } from './request-record.ts';

export interface RelayDependencies {
  /** The live channels: each request reads one snapshot (server/live-channels.ts replaces the set). */
  channels: ChannelSource;
  fallbacks: Readonly<Record<string, readonly string[]>>;
  /** Total time for one request, all tries and the whole stream included. */
  totalMs: number;
  findProvider: (type: string) => Provider | undefined;
  send: SendUpstream;
  keys: KeyRing;
  breakers: CircuitBreakers;
  learned: LearnedCapabilities;
  /** In-flight requests per channel, for `max_concurrency` (leased in Redis when there is one). */
  slots: SlotGate;
  /** Measured latency, errors and load per channel, and the balancing strategy per model (none: `weighted`). */
  channelStats?: ChannelStats | undefined;
  random: () => number;
  nowMs: () => number;
  /** Every configured secret (API channels' keys too), masked wherever a capture might hold it. */
  secrets: readonly string[];
  captureCapBytes: number;
}

export interface RelayContext {
  signal: AbortSignal;
  record: RequestRecord;
  /** Capture every exchange of this request (SLUICE_DEBUG=1 or the key's switch). */
  captureAll: boolean;
  /** A fresh encoder per attempt when the client speaks another protocol than Chat Completions (issue 14). */
  createEncoder?: (() => StreamEncoder) | undefined;
  /** The client's own request, for channels of its dialect (same-dialect pass-through, issue 14). */
  sameDialect?: SameDialectRequest | undefined;
  /** Hosted tools the translated request left out: only a same-dialect try carries them (issue 14). */
  untranslatable?: Untranslatable | undefined;
}
