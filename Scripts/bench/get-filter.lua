-- wrk script: GET /scim/v2/Users?filter=userName eq "bench-<random n below BENCH_MAX>".
local token = os.getenv("BENCH_TOKEN")
local max = tonumber(os.getenv("BENCH_MAX") or "100000")
local next_id = 0

function setup(thread)
  thread:set("seed", next_id)
  next_id = next_id + 1
end

function init(args)
  math.randomseed(os.time() + (seed or 0) * 7919)
end

function request()
  local n = math.random(0, max - 1)
  return wrk.format("GET", "/scim/v2/Users?filter=userName%20eq%20%22bench-" .. n .. "%22",
    {["Authorization"] = "Bearer " .. token})
end

function done(summary, latency, requests)
  io.write(string.format("non2xx_or_errors=%d p50_us=%d p99_us=%d\n",
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
