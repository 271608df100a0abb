// Request ids without the crypto module per request: 80 random bits drawn once per process, then a
// counter — `req_` + 32 hex digits, the shape randomUUID gave. Unique within a process by the
// counter and across processes by the prefix (a collision needs two processes drawing the same 80
// bits). Not secret: an id is sent back in `x-request-id` and only names a log row, which the admin
// API shows to the admin key alone; ids of one process are sequential, so one id tells the next.
import { randomBytes } from 'node:crypto';

/** Random bytes in every id of a process. */
const prefixBytes = 10;
/** Hex digits of the counter: 2^48 ids before the id grows longer (still unique). */
const counterDigits = 12;

export function createRequestIds(): () => string {
  const prefix = `req_${randomBytes(prefixBytes).toString('hex')}`;
  let issued = 0;
  return () => {
    issued += 1;
    return prefix + issued.toString(16).padStart(counterDigits, '0');
  };
}
