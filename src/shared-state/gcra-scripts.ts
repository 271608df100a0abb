// rpm and tpm of one key as GCRA (docs/scale-out.md §E2) on Redis's clock (`TIME`, so instances
// with skewed clocks agree), one hash per key holding each limit's theoretical arrival time (TAT,
// ms). A limit of L per minute has an emission interval of 60 000 / L ms and tolerates a TAT up to
// a minute ahead: the same full-minute bucket as routing/rate-limits.ts, with the same rules — a
// request larger than a minute's tokens is let in on a full bucket; settling charges an overrun
// (the TAT may run past the minute, so later requests wait) and refunds what was not used.

/** Shared by both scripts: now in ms from Redis, and the stored TATs, never in the past. */
const readState = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local stored = redis.call('HMGET', KEYS[1], 'r', 't')
local requestTat = math.max(now, tonumber(stored[1]) or now)
local tokenTat = math.max(now, tonumber(stored[2]) or now)
local period = 60000
`;

const writeState = `
redis.call('HSET', KEYS[1], 'r', string.format('%.3f', requestTat), 't', string.format('%.3f', tokenTat))
redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(requestTat, tokenTat) - now) + 1000)
`;

/**
 * KEYS[1] the key's hash; ARGV rpm, tpm (0: no such limit), tokens to reserve.
 * Returns {1} when admitted (both taken), else {0, 1 for rpm | 2 for tpm, ms until it would be}.
 */
export const admitScript = `${readState}
local rpm = tonumber(ARGV[1])
local tpm = tonumber(ARGV[2])
local tokens = tonumber(ARGV[3])
if tpm > 0 then
  local interval = period / tpm
  local needed = math.max(math.min(tokens, tpm), 1)
  local ahead = tokenTat - now
  if ahead >= period or ahead + math.min(tokens, tpm) * interval > period then
    return {0, 2, math.ceil(ahead + needed * interval - period)}
  end
end
if rpm > 0 then
  local ahead = requestTat - now
  if ahead + period / rpm > period then
    return {0, 1, math.ceil(ahead + period / rpm - period)}
  end
  requestTat = requestTat + period / rpm
end
if tpm > 0 then tokenTat = tokenTat + tokens * period / tpm end
${writeState}
return {1}
`;

/**
 * KEYS[1] the key's hash; ARGV rpm, tpm (0: none), requests to give back (0 or 1), tokens to charge
 * (negative: refund). A refund never moves a TAT before now: unused time is not banked.
 */
export const settleScript = `${readState}
local rpm = tonumber(ARGV[1])
local tpm = tonumber(ARGV[2])
local requests = tonumber(ARGV[3])
local tokens = tonumber(ARGV[4])
if rpm > 0 then requestTat = math.max(now, requestTat - requests * period / rpm) end
if tpm > 0 then tokenTat = math.max(now, tokenTat + tokens * period / tpm) end
${writeState}
return 1
`;
