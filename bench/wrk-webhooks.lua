-- wrk script: sends distinct, validly signed Shopify webhooks, closed loop or at a fixed rate.
--
-- Every request is the template body with its order id replaced in place by a fresh one of the
-- same width (so every body has the same length), its own x-shopify-webhook-id and
-- x-shopify-event-id, and X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(secret, body)), computed per
-- request with OpenSSL's libcrypto through LuaJIT's FFI (wrk links libcrypto already).
--
-- Closed loop by default: each connection sends its next webhook once the previous one is answered.
-- With rate=R it is open loop: thread t sends slot k at start_t + k / (R / threads), where start_t
-- is the thread's first delay() call. Each delay() reserves the next slot and returns how long until
-- it; the request that follows is stamped with the earliest reserved slot not yet sent, so when the
-- server is slow and the schedule falls behind, a late send still counts from its scheduled time
-- (coordinated omission cannot hide a stall). With enough connections the total is R per second.
--
-- Arguments, after `--`, as key=value:
--   body=PATH          file holding the template body, exact bytes                      (required)
--   order-id=DIGITS    the order id in the template; every occurrence is replaced       (required)
--   id-base=N          first order id: thread t sends id-base + t * 1e9 + 0, 1, 2, …     (required)
--   secret=S           Shopify webhook secret                                           (required)
--   webhook-prefix=S   x-shopify-webhook-id and x-shopify-event-id are S .. order id     (required)
--   path=P             request path (default /webhooks/shopify/demo)
--   header=NAME:VALUE  a header sent with every request; repeat for several
--   threads=T          wrk's -t, to split the rate between threads (default 1)
--   rate=R             open loop at R webhooks/s over all threads (default: closed loop)
--   seconds=S          with rate=R: each thread sends exactly S * R / T webhooks, then stops
--   stop-after=N       closed loop: each thread stops once N of its webhooks were answered 2xx
--   log=PREFIX         thread t appends "orderId scheduledMicros sentMicros" per request to
--                      PREFIX.t (CLOCK_MONOTONIC microseconds; closed loop: scheduled = sent)
--   done=PREFIX        with seconds= or stop-after=: thread t creates PREFIX.t once it has sent
--                      everything and every answer is in, then stops (the caller may then SIGINT
--                      wrk instead of waiting for its -d deadline)
--
-- At the end wrk's done() prints one line, `BENCH-RESULT {json}`: sent, answered, acked (2xx),
-- answers by status, and wrk's own error counts and acknowledgement latency (microseconds).
local ffi = require('ffi')

ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
unsigned char *HMAC(const void *evp_md, const void *key, int key_len, const unsigned char *d,
                    size_t n, unsigned char *md, unsigned int *md_len);
const void *EVP_sha256(void);
int EVP_EncodeBlock(unsigned char *t, const unsigned char *f, int n);
]])

local CLOCK_MONOTONIC = 1
local IDS_PER_THREAD = 1e9
-- An idle connection's delay once its thread has sent everything: longer than any run.
local NEVER_MS = 24 * 3600 * 1000

-- wrk links libcrypto, so its symbols are usually global; otherwise load it by name.
local function load_crypto()
  if pcall(function() return ffi.C.HMAC end) then return ffi.C end
  for _, name in ipairs({ 'libcrypto.so.3', 'crypto', 'libcrypto.so.1.1' }) do
    local ok, lib = pcall(ffi.load, name)
    if ok then return lib end
  end
  error('wrk-webhooks.lua: cannot load OpenSSL libcrypto through the FFI')
end

local timespec = ffi.new('bench_timespec')
-- Same clock as Node's process.hrtime (libuv uses CLOCK_MONOTONIC), so the bench process can
-- subtract these from its own receipt times.
local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1e6 + math.floor(tonumber(timespec.tv_nsec) / 1e3)
end

-- Globals read by done() through thread:get (only plain values cross between Lua states).
bench_thread = 0
bench_sent = 0
bench_answered = 0
bench_acked = 0
bench_status = {}

local opts, headers, pieces, sign
local id_base, path, log
local verified = false
local interval_us, max_slots, start_us
local next_slot = 0
local queue, qhead, qtail = {}, 0, 0
local finished = false

local function parse(args)
  local o = { header = {} }
  for i = 1, #args do
    local key, value = string.match(args[i], '^([%w%-]+)=(.*)$')
    if not key then error('wrk-webhooks.lua: expected key=value, got ' .. args[i]) end
    if key == 'header' then table.insert(o.header, value) else o[key] = value end
  end
  for _, key in ipairs({ 'body', 'order-id', 'id-base', 'secret', 'webhook-prefix' }) do
    if not o[key] then error('wrk-webhooks.lua: missing argument ' .. key .. '=') end
  end
  if o.rate and not o.seconds then error('wrk-webhooks.lua: rate= needs seconds=') end
  return o
end

local function make_signer(secret)
  local crypto = load_crypto()
  local md = ffi.new('unsigned char[32]')
  local md_len = ffi.new('unsigned int[1]')
  local b64 = ffi.new('unsigned char[48]')
  local sha256 = crypto.EVP_sha256()
  return function(body)
    crypto.HMAC(sha256, secret, #secret, body, #body, md, md_len)
    return ffi.string(b64, crypto.EVP_EncodeBlock(b64, md, md_len[0]))
  end
end

-- The template split around every occurrence of the order id: table.concat(pieces, id) rebuilds it.
local function split(text, id)
  local out, from = {}, 1
  while true do
    local at = string.find(text, id, from, true)
    if not at then break end
    table.insert(out, string.sub(text, from, at - 1))
    from = at + #id
  end
  if #out == 0 then error('wrk-webhooks.lua: order id ' .. id .. ' not in the body') end
  table.insert(out, string.sub(text, from))
  return out
end

-- The caller knows the thread only through this marker file (wrk has no per-thread end hook).
local function finish()
  if finished then return end
  finished = true
  if log then log:flush() end
  if opts.done then
    local f = assert(io.open(opts.done .. '.' .. bench_thread, 'w'))
    f:write(bench_sent, ' ', bench_answered, ' ', bench_acked, '\n')
    f:close()
  end
  wrk.thread:stop()
end

-- Whether this thread will send nothing more (delay() then parks its connections).
local function schedule_done()
  if max_slots then return next_slot >= max_slots end
  if opts['stop-after'] then
    return bench_acked + (bench_sent - bench_answered) >= tonumber(opts['stop-after'])
  end
  return false
end

local threads = {}

-- Main state: number the threads, so that each sends its own block of order ids.
function setup(thread)
  thread:set('bench_thread', #threads)
  table.insert(threads, thread)
end

function init(args)
  opts = parse(args)
  local f = assert(io.open(opts.body, 'rb'))
  local template = f:read('*a')
  f:close()
  pieces = split(template, opts['order-id'])
  sign = make_signer(opts.secret)
  id_base = tonumber(opts['id-base']) + bench_thread * IDS_PER_THREAD
  path = opts.path or '/webhooks/shopify/demo'
  headers = { ['Content-Type'] = 'application/json' }
  for _, h in ipairs(opts.header) do
    local name, value = string.match(h, '^([^:]+):%s*(.*)$')
    headers[name] = value
  end
  if opts.log then
    log = assert(io.open(opts.log .. '.' .. bench_thread, 'w'))
    log:setvbuf('full', 1024 * 1024)
  end
  if opts.rate then
    local threads_n = tonumber(opts.threads or '1')
    local per_thread = tonumber(opts.rate) / threads_n
    interval_us = 1e6 / per_thread
    max_slots = math.floor(tonumber(opts.seconds) * per_thread + 0.5)
  elseif not opts['stop-after'] then
    delay = nil -- plain closed loop: no per-request timer at all
  end
end

function delay()
  if schedule_done() then return NEVER_MS end
  if not interval_us then return 0 end
  local now = now_us()
  if not start_us then start_us = now end
  local due = start_us + next_slot * interval_us
  next_slot = next_slot + 1
  queue[qtail] = due
  qtail = qtail + 1
  if due <= now then return 0 end
  return math.ceil((due - now) / 1000)
end

function request()
  -- wrk calls request() once on thread 0 before starting, to check the request parses; that
  -- request is never sent, so it takes no order id and is not counted.
  if bench_thread == 0 and not verified then
    verified = true
    return wrk.format('POST', path, headers, table.concat(pieces, opts['order-id']))
  end
  local id = string.format('%.0f', id_base + bench_sent)
  bench_sent = bench_sent + 1
  local body = table.concat(pieces, id)
  local webhook_id = opts['webhook-prefix'] .. id
  headers['X-Shopify-Webhook-Id'] = webhook_id
  headers['X-Shopify-Event-Id'] = webhook_id
  headers['X-Shopify-Hmac-Sha256'] = sign(body)
  -- This request takes the earliest reserved slot still unsent (none in a closed loop).
  local scheduled
  if qhead < qtail then
    scheduled = queue[qhead]
    queue[qhead] = nil
    qhead = qhead + 1
  end
  if log then
    local sent = now_us()
    log:write(id, ' ', string.format('%.0f', scheduled or sent), ' ', string.format('%.0f', sent), '\n')
  end
  return wrk.format('POST', path, headers, body)
end

function response(status)
  bench_answered = bench_answered + 1
  bench_status[status] = (bench_status[status] or 0) + 1
  if status >= 200 and status < 300 then bench_acked = bench_acked + 1 end
  -- Done once no slot is left to reserve, every reserved slot was sent, and all are answered.
  if (max_slots or opts['stop-after']) and schedule_done() and qhead == qtail
    and bench_answered == bench_sent then
    finish()
  end
end

function done(summary, latency)
  local sent, answered, acked, status = 0, 0, 0, {}
  for _, thread in ipairs(threads) do
    sent = sent + (thread:get('bench_sent') or 0)
    answered = answered + (thread:get('bench_answered') or 0)
    acked = acked + (thread:get('bench_acked') or 0)
    for code, n in pairs(thread:get('bench_status') or {}) do status[code] = (status[code] or 0) + n end
  end
  local codes = {}
  for code, n in pairs(status) do table.insert(codes, string.format('"%d":%d', code, n)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"threads":%d,"sent":%d,"answered":%d,"acked":%d,"status":{%s},' ..
      '"durationUs":%d,"requests":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,' ..
      '"timeout":%d},"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    #threads, sent, answered, acked, table.concat(codes, ','), summary.duration, summary.requests,
    e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end
