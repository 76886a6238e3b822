-- wrk script: POST /agents/heartbeat with the body of Telegraf's "all" heartbeat fixture, one id and token per
-- agent. BENCH_AGENTS names a file of "<agent-id> <token>" lines, BENCH_BODY the fixture, BENCH_THREADS the
-- number of wrk threads (each thread takes its own slice of the agents and cycles through it, one agent per
-- request). done() prints one machine-readable RESULT line.

local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
  local template = f:read("*a")
  f:close()
  reqs = {}
  local i = 0
  for line in io.lines(os.getenv("BENCH_AGENTS")) do
    local id, token = line:match("^(%S+)%s+(%S+)")
    if id then
      if i % threads == tid then
        local body = template:gsub('"id": "telegraf"', '"id": "' .. id .. '"', 1)
        body = body:gsub('"hostname": "myhost"', '"hostname": "' .. id .. '.bench"', 1)
        reqs[#reqs + 1] = wrk.format("POST", "/agents/heartbeat", {
          ["Authorization"] = "Bearer " .. token,
          ["Content-Type"] = "application/json",
          ["User-Agent"] = "Telegraf/1.37.0",
        }, body)
      end
      i = i + 1
    end
  end
  assert(#reqs > 0, "no agents for thread " .. tid)
  idx = 0
end

function request()
  idx = idx % #reqs + 1
  return reqs[idx]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d non2xx=%d "
      .. "connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write,
    e.timeout))
end
