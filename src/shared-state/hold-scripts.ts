// Reserve-then-settle holds on a balance (docs/scale-out.md §E2 "Quota"), generic over what the
// balance counts (a key's tokens today; a budget in micro-units could use the same scripts). One
// balance is two Redis keys under one hash tag: a hash with `bal` (the balance, settled charges
// taken off), `held` (the sum of open holds), `ver` (the store version `bal` was seeded at) and one
// `h:<hold id>` field per open hold (its amount); and a sorted set of hold ids scored by when each
// expires on Redis's clock (`TIME`). Expired holds are reaped at the start of every call, so the
// holds of an instance that died free themselves. `bal` is only ever SET from the store (a seed),
// never created by an increment: a missing balance answers "unseeded" and the caller seeds it.
// Amounts are whole numbers.

/** Now in ms on Redis's clock, then expired holds (up to 100 per call) given back. */
const reapExpired = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)
for _, id in ipairs(expired) do
  local amount = redis.call('HGET', KEYS[1], 'h:' .. id)
  if amount then redis.call('HINCRBY', KEYS[1], 'held', -tonumber(amount)) end
  redis.call('HDEL', KEYS[1], 'h:' .. id)
  redis.call('ZREM', KEYS[2], id)
end
`;

/** What `reserve` answers first: granted, short (nothing held), or the balance is not in Redis. */
export const holdGranted = 1;
export const holdShort = 0;
export const holdUnseeded = -1;

/**
 * KEYS[1] the balance's hash, KEYS[2] its hold expiries; ARGV amount, hold id, hold life in ms,
 * seed ('' for none), seed version. With a seed, a missing balance is set to it first (two
 * instances seeding at once: the first one's stands). Returns {1, available after} when held (the
 * same hold id again holds nothing more), {0, available} when the balance does not cover it,
 * {-1, 0} when the balance is missing and no seed was given.
 */
export const reserveHoldScript = `${reapExpired}
local balance = redis.call('HGET', KEYS[1], 'bal')
if not balance then
  if ARGV[4] == '' then return {${String(holdUnseeded)}, 0} end
  redis.call('HSET', KEYS[1], 'bal', ARGV[4], 'ver', ARGV[5])
  balance = ARGV[4]
end
local available = tonumber(balance) - tonumber(redis.call('HGET', KEYS[1], 'held') or '0')
local field = 'h:' .. ARGV[2]
if redis.call('HEXISTS', KEYS[1], field) == 1 then return {${String(holdGranted)}, available} end
local amount = tonumber(ARGV[1])
if available < amount then return {${String(holdShort)}, available} end
redis.call('HSET', KEYS[1], field, ARGV[1])
redis.call('HINCRBY', KEYS[1], 'held', ARGV[1])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2])
return {${String(holdGranted)}, available - amount}
`;

/**
 * KEYS as reserve; ARGV hold id, amount used. Gives the hold back (if it is still there: it may have
 * expired, or Redis restarted empty since) and takes what was used off the balance — more than was
 * held if the request overran, so the balance may go below zero (never clamped). A missing balance
 * is left missing: its next seed reads the store, which the ledger brings this charge to.
 * Returns {1 if the hold was there else 0, balance after (0 when missing)}.
 */
export const settleHoldScript = `${reapExpired}
local field = 'h:' .. ARGV[1]
local amount = redis.call('HGET', KEYS[1], field)
if amount then
  redis.call('HINCRBY', KEYS[1], 'held', -tonumber(amount))
  redis.call('HDEL', KEYS[1], field)
  redis.call('ZREM', KEYS[2], ARGV[1])
end
local found = 0
if amount then found = 1 end
if redis.call('HEXISTS', KEYS[1], 'bal') == 0 then return {found, 0} end
return {found, redis.call('HINCRBY', KEYS[1], 'bal', -tonumber(ARGV[2]))}
`;

/**
 * KEYS[1] the balance's hash; ARGV the store version of a change ('' for any). Drops `bal` so the
 * next reserve seeds it from the store again, unless it was seeded at that version or later (it
 * already holds the change). Open holds stay. Returns 1 when dropped, else 0.
 */
export const forgetBalanceScript = `
if ARGV[1] ~= '' then
  local seeded = tonumber(redis.call('HGET', KEYS[1], 'ver') or '-1')
  if seeded >= tonumber(ARGV[1]) then return 0 end
end
return redis.call('HDEL', KEYS[1], 'bal', 'ver') > 0 and 1 or 0
`;
