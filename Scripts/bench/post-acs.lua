-- wrk script: POST /saml/acs with one signed SAMLResponse form (BENCH_FORM_FILE: the urlencoded form body).
-- The first request signs in; every later one runs the whole pipeline (decode, parse, signature, checks) and is
-- refused at the replay cache (400 replayed), as a replayed login must be. Counts status codes.
local file = assert(io.open(os.getenv("BENCH_FORM_FILE"), "r"))
local body = file:read("*a")
file:close()
statuses = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function request()
  return wrk.format("POST", "/saml/acs", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do counts[code] = (counts[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(counts) do table.insert(parts, code .. ":" .. n) end
  table.sort(parts)
  io.write(string.format("statuses=%s socket_errors=%d p50_us=%d p99_us=%d\n", table.concat(parts, ","),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
