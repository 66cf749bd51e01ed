-- fixed_rate.lua: shared by the wrk scripts of bench/load. Loaded with dofile() by each script, in each of
-- wrk's Lua states. Gives wrk an approximate fixed request rate and prints the latency percentiles wrk's
-- --latency report lacks (p99.9).
--
-- Arguments after `--` on wrk's command line: RATE THREADS (RATE = requests/s over all threads; 0 or absent:
-- closed loop, as wrk runs without a script).
--
-- Debian's wrk (4.1) is closed-loop: a connection sends its next request when the previous answer has
-- arrived. Its delay() hook is asked, before each request of a connection, how many milliseconds to wait.
-- Here each wrk thread keeps a schedule of send slots RATE/THREADS per second apart and hands each request the
-- next free slot (the wait is rounded to whole milliseconds, wrk's timer unit; the schedule itself is kept in
-- fractions so the mean rate holds). This is an approximation of wrk2's constant rate, not the same thing:
--   * when every connection of a thread is waiting for an answer, the next request waits too (closed loop),
--     and a slot that passed unused is dropped rather than sent late in a burst: a slow server lowers the
--     achieved rate instead of piling up requests; the achieved rate is printed so that shows;
--   * latency is measured from the actual send, not from the slot (wrk's start time), so a stalled server
--     hides part of its queueing delay (coordinated omission). With enough connections per thread that none
--     waits for a free one, the send is the slot and the two agree.
-- The simpler "each connection waits connections/RATE" would undershoot the rate by each answer's latency.
local ffi = require("ffi")
pcall(ffi.cdef, [[
  typedef struct { long tv_sec; long tv_nsec; } devenv_timespec;
  int clock_gettime(int clock_id, devenv_timespec* ts);
]])
local ts = ffi.new("devenv_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local interval_ms = 0  -- between two slots of this thread; 0: closed loop
local next_slot = nil

function fixed_rate_init(args)
  local rate, threads = tonumber(args[1] or "0"), tonumber(args[2] or "1")
  if rate == nil or threads == nil or rate < 0 or threads < 1 then
    error("fixed_rate.lua: arguments are RATE THREADS, got " .. tostring(args[1]) .. " " .. tostring(args[2]))
  end
  if rate > 0 then interval_ms = 1000 * threads / rate end
end

function delay()
  if interval_ms == 0 then return 0 end
  local now = now_ms()
  if next_slot == nil or next_slot < now - interval_ms then next_slot = now end  -- fell behind: no burst
  local slot = next_slot
  next_slot = next_slot + interval_ms
  local wait = slot - now
  if wait <= 0 then return 0 end
  return math.floor(wait + 0.5)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local ms = function(us) return us / 1000 end
  io.write(string.format(
    "fixed-rate summary: %d requests in %.1f s = %.1f requests/s; latency ms p50 %.3f p90 %.3f p99 %.3f " ..
    "p99.9 %.3f max %.3f mean %.3f; errors: connect %d read %d write %d timeout %d non-2xx/3xx %d\n",
    summary.requests, seconds, summary.requests / seconds, ms(latency:percentile(50)),
    ms(latency:percentile(90)), ms(latency:percentile(99)), ms(latency:percentile(99.9)), ms(latency.max),
    ms(latency.mean), e.connect, e.read, e.write, e.timeout, e.status))
end
