-- wrk script: a closed loop of failed logins, as a password-guessing client would send them: every connection
-- POSTs /api/auth/login/local with a wrong password and, when answered, the next one. The usernames rotate over
-- BENCH_USERNAMES names that do not exist (an attacker guessing accounts; unknown names cost the gateway as much
-- as known ones, and no single account gets locked). done() prints one machine-readable RESULT line with the
-- answers counted by status.

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  usernames = tonumber(os.getenv("BENCH_USERNAMES") or "1000")
  -- With BENCH_ADDRESSES > 0 (and the gateway trusting 127.0.0.1 as a proxy), each login claims one of that many
  -- client addresses in X-Forwarded-For: a flood from many addresses, which the per-address limits cannot stop
  -- before the password is hashed.
  addresses = tonumber(os.getenv("BENCH_ADDRESSES") or "0")
  n = 0
  s401, s429, s503, other = 0, 0, 0, 0
end

function request()
  n = n + 1
  local body = string.format('{"username":"flood-%d-%d","password":"wrong password %d"}', tid, n % usernames, n)
  local headers = { ["Content-Type"] = "application/json" }
  if addresses > 0 then
    local a = (tid * 7919 + n) % addresses
    headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(a / 65536) % 256, math.floor(a / 256) % 256, a % 256)
  end
  return wrk.format("POST", "/api/auth/login/local", headers, body)
end

function response(status, headers, body)
  if status == 401 then
    s401 = s401 + 1
  elseif status == 429 then
    s429 = s429 + 1
  elseif status == 503 then
    s503 = s503 + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c401, c429, c503, cother = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    c401 = c401 + thread:get("s401")
    c429 = c429 + thread:get("s429")
    c503 = c503 + thread:get("s503")
    cother = cother + thread:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d s401=%d s429=%d s503=%d other=%d "
      .. "connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max, c401, c429, c503, cother, e.connect, e.read,
    e.write, e.timeout))
end
