-- wrk script for `make bench` (bench/run.py). BENCH_MODE selects what each request is:
--   plain   the same request every time (a repeat reader; bench/run.py adds If-None-Match with -H when the page
--           has an ETag, so every answer can be a 304)
--   unique  the same page with a query parameter no one has sent before (a first reader: nothing cached for it)
--   mix     round-robin over BENCH_PATHS (space-separated), for the load test
-- done() prints one line "BENCHJSON {...}" that bench/run.py parses.
local mode = os.getenv("BENCH_MODE") or "plain"
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "", "%S+") do
  table.insert(paths, p)
end
local counter = 0
local threads_started = 0

function setup(thread)
  threads_started = threads_started + 1
  thread:set("tid", threads_started)
end

if mode == "unique" then
  request = function()
    counter = counter + 1
    local path = wrk.path
    local sep = string.find(path, "?", 1, true) and "&" or "?"
    return wrk.format(nil, path .. sep .. "_bench=" .. (tid or 0) .. "-" .. counter)
  end
elseif mode == "mix" then
  request = function()
    counter = counter + 1
    return wrk.format(nil, paths[((counter + (tid or 0) * 7) % #paths) + 1])
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"p50_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
