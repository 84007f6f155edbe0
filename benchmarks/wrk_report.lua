-- wrk script for benchmarks/load.py: counts responses that are not 200 (wrk itself counts only
-- statuses above 399, so a redirect to the sign-in page would pass unnoticed) and prints one
-- machine-readable line at the end. Cookies given after `--` are sent in turn, one per request
-- (several people, each signed in with a session of their own); the threads start at
-- different ones.
local threads = {}
local thread_number = 0

function setup(thread)
  thread_number = thread_number + 1
  thread:set("first", thread_number)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
  cookies = {}
  for i = 1, #args do
    cookies[i] = args[i]
  end
  next_cookie = first or 1
end

function request()
  if #cookies == 0 then
    return wrk.format()
  end
  wrk.headers["Cookie"] = cookies[(next_cookie - 1) % #cookies + 1]
  next_cookie = next_cookie + 1
  return wrk.format()
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("not_ok")
  end
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f p50=%.3f p95=%.3f p99=%.3f max=%.3f not_ok=%d errors=%d\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3, failed,
    errors.connect + errors.read + errors.write + errors.timeout
  ))
end
