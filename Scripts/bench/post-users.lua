-- wrk script: POST /scim/v2/Users with a unique userName per request (bench-<n>, n = counter * threads + id).
local counter = 0

local nthreads = tonumber(os.getenv("WRK_THREADS") or "1")
local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")
local token = os.getenv("BENCH_TOKEN")
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function request()
  local n = offset + counter * nthreads + (id or 0)
  counter = counter + 1
  local body = string.format(
    '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bench-%d","externalId":"ext-%d",' ..
    '"name":{"givenName":"Bench","familyName":"User %d"},"emails":[{"value":"bench-%d@example.com","type":"work","primary":true}],"active":true}',
    n, n, n, n)
  return wrk.format("POST", "/scim/v2/Users",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/scim+json"}, body)
end

function done(summary, latency, requests)
  io.write(string.format("non2xx_or_errors=%d p50_us=%d p99_us=%d\n",
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
