-- wrk script: POST /v1/inventory/adjustments, closed loop, every request with its own idempotency
-- key ("<run>-<thread>-<counter>") and a delta of -1.
--
-- Each thread sends for `seconds` from its first request, then parks its connections (delay()
-- returns a day), waits for every answer, writes its marker file and stops. So every adjustment
-- sent is answered and counted: the caller can check on-hand against the number of 201s exactly,
-- which a run cut off at wrk's -d (answers in flight abandoned) could not.
--
-- Arguments, after `--`, as key=value:
--   token=T      admin bearer token                                                    (required)
--   run=S        idempotency key prefix, unique per run                                (required)
--   sku=S        the SKU; with skus=N, the prefix of N SKUs S-0 … S-(N-1)               (required)
--   skus=N       spread over N SKUs, round robin per thread (default 1: all on `sku`)
--   seconds=S    how long each thread sends                                            (required)
--   done=PREFIX  thread t creates PREFIX.t once it has every answer                    (required)
--
-- done() prints one line, `LEDGER-RESULT {json}`: sent, answered, accepted (201s, counted in
-- response()), answers by status, the window from the first request to the last answer over all
-- threads (CLOCK_MONOTONIC µs), wrk's error counts and its latency percentiles (µs).
local ffi = require('ffi')

ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } ledger_timespec;
int clock_gettime(int clk_id, ledger_timespec *tp);
]])

local CLOCK_MONOTONIC = 1
local NEVER_MS = 24 * 3600 * 1000
local timespec = ffi.new('ledger_timespec')
local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1e6 + math.floor(tonumber(timespec.tv_nsec) / 1e3)
end

-- Globals read by done() through thread:get (only plain values cross between Lua states).
ledger_thread = 0
ledger_sent = 0
ledger_answered = 0
ledger_accepted = 0
ledger_status = {}
ledger_first_us = 0
ledger_last_us = 0

local opts, headers, skus, deadline_us
local verified = false
local finished = false

local function parse(args)
  local o = {}
  for i = 1, #args do
    local key, value = string.match(args[i], '^([%w%-]+)=(.*)$')
    if not key then error('ledger.lua: expected key=value, got ' .. args[i]) end
    o[key] = value
  end
  for _, key in ipairs({ 'token', 'run', 'sku', 'seconds', 'done' }) do
    if not o[key] then error('ledger.lua: missing argument ' .. key .. '=') end
  end
  return o
end

local threads = {}

function setup(thread)
  thread:set('ledger_thread', #threads)
  table.insert(threads, thread)
end

function init(args)
  opts = parse(args)
  skus = tonumber(opts.skus or '1')
  headers = { ['Content-Type'] = 'application/json', ['Authorization'] = 'Bearer ' .. opts.token }
end

local function sending()
  return deadline_us == nil or now_us() < deadline_us
end

function delay()
  if sending() then return 0 end
  return NEVER_MS
end

function request()
  -- wrk calls request() once on thread 0 before starting, to check that it parses; that request
  -- is never sent, so it is not counted and uses no key.
  if ledger_thread == 0 and not verified then
    verified = true
    return wrk.format('POST', '/v1/inventory/adjustments', headers, '{}')
  end
  if deadline_us == nil then
    ledger_first_us = now_us()
    deadline_us = ledger_first_us + tonumber(opts.seconds) * 1e6
  end
  local sku = opts.sku
  if skus > 1 then sku = sku .. '-' .. ((ledger_sent + ledger_thread * 7919) % skus) end
  local body = string.format(
    '{"idempotencyKey":"%s-%d-%d","sku":"%s","delta":-1}', opts.run, ledger_thread, ledger_sent, sku)
  ledger_sent = ledger_sent + 1
  return wrk.format('POST', '/v1/inventory/adjustments', headers, body)
end

function response(status)
  ledger_answered = ledger_answered + 1
  ledger_last_us = now_us()
  ledger_status[status] = (ledger_status[status] or 0) + 1
  if status == 201 then ledger_accepted = ledger_accepted + 1 end
  if not finished and not sending() and ledger_answered == ledger_sent then
    finished = true
    local f = assert(io.open(opts.done .. '.' .. ledger_thread, 'w'))
    f:write(ledger_sent, ' ', ledger_answered, ' ', ledger_accepted, '\n')
    f:close()
    wrk.thread:stop()
  end
end

function done(summary, latency)
  local sent, answered, accepted, status = 0, 0, 0, {}
  local first, last = math.huge, 0
  for _, thread in ipairs(threads) do
    sent = sent + (thread:get('ledger_sent') or 0)
    answered = answered + (thread:get('ledger_answered') or 0)
    accepted = accepted + (thread:get('ledger_accepted') or 0)
    for code, n in pairs(thread:get('ledger_status') or {}) do status[code] = (status[code] or 0) + n end
    local f, l = thread:get('ledger_first_us') or 0, thread:get('ledger_last_us') or 0
    if f > 0 and f < first then first = f end
    if l > last then last = l end
  end
  local codes = {}
  for code, n in pairs(status) do table.insert(codes, string.format('"%d":%d', code, n)) end
  local e = summary.errors
  io.write(string.format(
    'LEDGER-RESULT {"threads":%d,"sent":%d,"answered":%d,"accepted":%d,"status":{%s},' ..
      '"windowUs":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latencyUs":{"p50":%d,"p99":%d,"max":%d}}\n',
    #threads, sent, answered, accepted, table.concat(codes, ','),
    last > 0 and (last - first) or 0, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
