-- wrk script: POST every line of a file exactly once, one connection per wrk thread.
--
--   wrk -t N -c N -d 600s -s post_each.lua URL -- PATH BODIES_FILE N MARKER_DIR
--
-- Thread i of N takes its own contiguous slice of BODIES_FILE (one JSON body a line). After the
-- last answer of its slice it writes MARKER_DIR/<i> and stops; the harness interrupts wrk once
-- every thread is done (wrk otherwise waits out -d), and done() prints one line:
--   BENCH {"requests": …, "seconds": …, "p50_ms": …, "p99_ms": …, "statuses": {…}, "results": {…}}
-- "seconds" runs from the first request sent to the last answer received, over all threads;
-- "results" counts the "status" field of JSON answers (confirmed / waitlisted for registrations).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_usec; } bench_timeval;
int gettimeofday(bench_timeval *tv, void *tz);
]]

local function now_us()
  local tv = ffi.new("bench_timeval")
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000000 + tonumber(tv.tv_usec)
end

-- Main state: the threads, numbered as they are set up.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

-- Thread state (globals, so that done() can read them with thread:get).
local bodies, answered, path, marker = {}, 0, 0, "/", nil
local statuses, results = {}, {}
started, finished, statuses_text, results_text, requests_made = 0, 0, "", "", 0

local function encode(counts)
  local parts = {}
  for key, n in pairs(counts) do
    table.insert(parts, string.format("%q: %d", tostring(key), n))
  end
  return table.concat(parts, ", ")
end

function init(args)
  path = args[1]
  local total = tonumber(args[3])
  marker = args[4] .. "/" .. id
  local lines = {}
  for line in io.lines(args[2]) do
    table.insert(lines, line)
  end
  local first = math.floor(#lines * id / total) + 1
  local last = math.floor(#lines * (id + 1) / total)
  for i = first, last do
    table.insert(bodies, lines[i])
  end
  if #bodies == 0 then -- more threads than bodies: nothing to do
    io.open(marker, "w"):close()
  end
end

-- With one connection per thread and no pipelining, the body to send is always the one after
-- the last answered: that holds even for wrk's dry-run call of request() on thread 0 at start-up.
function request()
  requests_made = requests_made + 1
  -- wrk calls thread 0's request() once at start-up to check it (nothing is sent): not the start.
  if started == 0 and (id ~= 0 or requests_made > 1) then
    started = now_us()
  end
  local body = bodies[answered + 1]
  if body == nil then -- only when this thread had nothing to send
    return wrk.format("GET", "/healthz")
  end
  return wrk.format("POST", path, nil, body)
end

function response(status, headers, body)
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  local result = body and string.match(body, '"status"%s*:%s*"([%w_]+)"')
  if result then
    results[result] = (results[result] or 0) + 1
  end
  if answered >= #bodies then
    finished = now_us()
    statuses_text, results_text = encode(statuses), encode(results)
    io.open(marker, "w"):close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local first, last, statuses_all, results_all = nil, 0, {}, {}
  for _, thread in ipairs(threads) do
    local s, f = thread:get("started"), thread:get("finished")
    if s and s > 0 and (first == nil or s < first) then first = s end
    if f and f > last then last = f end
    for _, pair in ipairs({ { thread:get("statuses_text"), statuses_all }, { thread:get("results_text"), results_all } }) do
      for key, n in string.gmatch(pair[1] or "", '"([^"]+)": (%d+)') do
        pair[2][key] = (pair[2][key] or 0) + tonumber(n)
      end
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.6f, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, ' ..
    '"mean_ms": %.3f, "statuses": {%s}, "results": {%s}, "socket_errors": %d}\n',
    summary.requests, ((first and last > first) and (last - first) or 0) / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000, encode(statuses_all), encode(results_all),
    errors.connect + errors.read + errors.write + errors.timeout))
end
