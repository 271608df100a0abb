// `max_concurrency` slots as leases in one sorted set per channel or key (docs/scale-out.md §E2
// "Channel concurrency"): each member is one held slot, scored by when it expires on Redis's clock
// (`TIME`, so instances with skewed clocks agree). Expired members are pruned before counting, so
// the slots of an instance that died come back by time alone. Release is a plain ZREM (idempotent).

const readNow = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/** KEYS[1] the set; ARGV max, lease ms, member. Returns 1 when the slot was taken, else 0. */
export const acquireLeaseScript = `${readNow}
local lease = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + lease, ARGV[3])
redis.call('PEXPIRE', KEYS[1], lease + 1000)
return 1
`;

/**
 * KEYS[1] the set; ARGV lease ms, then the members this instance holds. Only members still there
 * are extended (XX): a lease that already expired stays gone, its slot may be someone else's.
 * Returns how many were extended.
 */
export const refreshLeasesScript = `${readNow}
local lease = tonumber(ARGV[1])
local extended = 0
for index = 2, #ARGV do
  extended = extended + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + lease, ARGV[index])
end
redis.call('PEXPIRE', KEYS[1], lease + 1000)
return extended
`;
