// The relays of the requests in flight, aborted with the shutdown signal's reason when the shutdown
// deadline passes (src/server/start-sluice.ts): one listener on the shutdown signal for all of them,
// not one per request. A linked list, not a Set: src/lib/in-flight-list.ts says why.
import { InFlightList, type InFlightLink } from '../lib/in-flight-list.ts';

export interface ShutdownFollower {
  /** Follows `relay` until `leave`; aborts it at once (and returns no link) when the shutdown came first. */
  enter(relay: AbortController): InFlightLink<AbortController> | undefined;
  leave(link: InFlightLink<AbortController> | undefined): void;
}

export function followShutdown(shutdown: AbortSignal): ShutdownFollower {
  const inFlight = new InFlightList<AbortController>();
  shutdown.addEventListener(
    'abort',
    () => {
      for (const relay of inFlight.values()) relay.abort(shutdown.reason);
    },
    { once: true },
  );
  return {
    enter(relay) {
      if (!shutdown.aborted) return inFlight.add(relay);
      relay.abort(shutdown.reason);
      return undefined;
    },
    leave(link) {
      if (link !== undefined) inFlight.remove(link);
    },
  };
}
