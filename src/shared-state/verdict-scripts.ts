// Scripts of the shared verdicts (shared-verdicts.ts): a refused upstream key recorded and announced
// in one round trip, and the lease that makes one instance the owner of a channel's health check
// (`SET NX PX` with renewal by the owner only, docs/scale-out.md §E2).

/**
 * KEYS[1] the refusal's record; ARGV the record, its life in ms (the re-check time), the pub/sub
 * channel, the message. The record lets an instance that (re)connects later learn it; the message
 * tells the connected ones at once.
 */
export const shareRefusalScript = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`;

/**
 * KEYS[1] the channel's owner lease; ARGV instance id, lease ms. Taken when free, extended when this
 * instance holds it; returns 1 when this instance owns the check now, else 0.
 */
export const claimOwnerScript = `
local owner = redis.call('GET', KEYS[1])
if owner == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if owner == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;
