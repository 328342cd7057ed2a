/**
 * The one Lua script that keeps a shared rate-limit bucket in Redis, and the typed call to it.
 * Redis runs a script atomically, so refilling, checking and taking are one step for every process
 * of the hub, wherever it runs.
 *
 * Time is Redis's own (`TIME`), not the caller's: processes on different machines then agree on
 * when a bucket was last refilled, and a machine whose clock runs ahead cannot refill the bucket
 * early (nor one running behind starve it). Redis replicates a script by its effects, not by
 * running it again, so a replica or the AOF gets the values the primary computed. That is the
 * only mode since Redis 7.0 (repo:redis/redis pull #9812, "Remove EVAL script verbatim
 * replication"); before it (the hub accepts Redis 6.2, README) the script asks for it with
 * `redis.replicate_commands()`, a no-op since 7.0, so `TIME` may precede its writes. Tests pass
 * a time of their own (`nowMs`) so a bucket's refill can be checked without waiting.
 */
import type { RedisClient } from '../redis-client.js'

const COMMAND = 'hubApiBudgetBucket'

/**
 * The urgent mark and the hold live in the bucket's own hash rather than keys of their own, so the
 * script touches one key (Redis Cluster refuses a script whose keys are in different slots) and
 * they expire with it.
 */
const SCRIPT = `--[[
  Takes one call from, or holds, one rate-limit bucket of a channel account's shared API budget.

  Input:
    KEYS[1]  the bucket's hash:
               tokens  calls the bucket holds (below 0: calls reserved ahead by urgent callers)
               ts      when tokens was last refilled (ms)
               hold    until when every caller is refused (ms): the channel answered 429
               urgent  until when lower lanes are refused (ms): an urgent caller is waiting

    ARGV[1]  op: "take" or "hold"
    ARGV[2]  now (ms), or "" for Redis TIME
    ARGV[3]  rate: tokens per second
    ARGV[4]  burst: most tokens the bucket holds
    ARGV[5]  "1" for an urgent lane (may reserve ahead), "0" for a lower lane
    ARGV[6]  reserve: tokens a lower lane must leave in the bucket
    ARGV[7]  max wait (ms) an urgent caller may reserve ahead
    ARGV[8]  hold (ms), for op "hold"
    ARGV[9]  grace (ms): how long the urgent mark outlives an urgent caller's wait
    ARGV[10] idle (ms): how long the hash outlives the time it needs to be full again

  Output: { granted, waitMs, reason }
    take, granted 1: the call may go after waitMs (0: at once); its token is taken
    take, granted 0: refused; trying again after waitMs can succeed; reason:
      1 held (the channel answered 429), 2 an urgent caller waits, 3 too few tokens
    hold: { 1, ms until the hold ends, 0 }

  The hash expires once the bucket would be full again (and no hold or mark stands), plus idle:
  an absent hash is a full bucket, so an idle account leaves nothing behind.
]]
-- Replicated by its effects (always since Redis 7.0; asked for before it), so TIME may precede writes.
if redis.replicate_commands then redis.replicate_commands() end

local key = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local rate = tonumber(ARGV[3])
local burst = tonumber(ARGV[4])
local urgent = ARGV[5] == '1'
local reserve = tonumber(ARGV[6])
local maxWait = tonumber(ARGV[7])
local holdMs = tonumber(ARGV[8])
local grace = tonumber(ARGV[9])
local idle = tonumber(ARGV[10])

local state = redis.call('HMGET', key, 'tokens', 'ts', 'hold', 'urgent')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
local hold = tonumber(state[3]) or 0
local urgentUntil = tonumber(state[4]) or 0

-- Refill for the time since the last call; a time before it (a caller's clock) refills nothing.
if now > ts then
  tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
  ts = now
end

local function waitFor(level)
  if tokens >= level then return 0 end
  return math.ceil((level - tokens) / rate * 1000)
end

local granted, wait, reason = 0, 0, 0
if op == 'hold' then
  hold = math.max(hold, now + holdMs)
  -- The channel's bucket is empty now: what was left here was not really there.
  tokens = math.min(tokens, 0)
  granted, wait = 1, hold - now
elseif hold > now then
  wait, reason = hold - now, 1
  -- Urgent work turned away by a 429 comes back when it ends, before the lower lanes.
  if urgent then urgentUntil = math.max(urgentUntil, hold + grace) end
elseif urgent then
  wait = waitFor(1)
  if wait > maxWait then
    reason = 3
    urgentUntil = math.max(urgentUntil, now + wait + grace)
  else
    -- Reserved now, below zero if need be, so urgent callers go in the order they asked.
    tokens = tokens - 1
    granted = 1
    if wait > 0 then urgentUntil = math.max(urgentUntil, now + wait + grace) end
  end
elseif urgentUntil > now then
  wait, reason = urgentUntil - now, 2
else
  wait = waitFor(1 + reserve)
  if wait == 0 then
    tokens = tokens - 1
    granted = 1
  else
    reason = 3
  end
end

redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', tostring(ts),
  'hold', tostring(hold), 'urgent', tostring(urgentUntil))
local untilFull = math.max(waitFor(burst), hold - now, urgentUntil - now)
redis.call('PEXPIRE', key, math.ceil(untilFull + idle))
return { granted, math.ceil(wait), reason }
`

/** Why a take was refused. */
export type Refusal = 'held' | 'urgent-waiting' | 'too-few-tokens'

const REFUSALS: Readonly<Record<number, Refusal>> = {
  1: 'held',
  2: 'urgent-waiting',
  3: 'too-few-tokens',
}

/** What one take of a bucket decided. */
export type TakeReply =
  | { readonly granted: true; readonly waitMs: number }
  | { readonly granted: false; readonly waitMs: number; readonly refusal: Refusal }

export interface BucketCall {
  readonly key: string
  readonly perSecond: number
  readonly burst: number
  readonly urgent: boolean
  /** Tokens a lower lane must leave in the bucket (0 for an urgent lane). */
  readonly reserve: number
  readonly maxWaitMs: number
  readonly graceMs: number
  readonly idleMs: number
  /** Tests only: the time to use instead of Redis's. */
  readonly nowMs?: number
}

type Reply = [number, number, number]
type ScriptCommand = (key: string, ...args: (string | number)[]) => Promise<Reply>

export interface BucketScript {
  take(call: BucketCall): Promise<TakeReply>
  /** Refuses every caller of the bucket for `holdMs`; resolves with the time the hold has left. */
  hold(call: BucketCall, holdMs: number): Promise<number>
}

/** Defines the script on `redis` (ioredis sends it by its hash, loading it once per connection). */
export function bucketScript(redis: RedisClient): BucketScript {
  redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: SCRIPT })
  const command = (redis as unknown as Record<typeof COMMAND, ScriptCommand>)[COMMAND].bind(redis)
  const run = (op: 'take' | 'hold', call: BucketCall, holdMs: number) =>
    command(
      call.key,
      op,
      call.nowMs ?? '',
      call.perSecond,
      call.burst,
      call.urgent ? '1' : '0',
      call.reserve,
      call.maxWaitMs,
      holdMs,
      call.graceMs,
      call.idleMs,
    )
  return {
    async take(call) {
      const [granted, waitMs, reason] = await run('take', call, 0)
      if (granted === 1) return { granted: true, waitMs }
      return { granted: false, waitMs, refusal: REFUSALS[reason] ?? 'too-few-tokens' }
    },
    async hold(call, holdMs) {
      const [, left] = await run('hold', call, Math.max(0, Math.ceil(holdMs)))
      return left
    },
  }
}
