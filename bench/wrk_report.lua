-- Bounded load for `make bench`: sends the session cookie, stops each thread after
-- BENCH_MAX_REQUESTS responses (wrk's -d bounds the time), and prints one JSON line.
local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "20000")
local count = 0
wrk.headers["Cookie"] = "sessionid=" .. (os.getenv("BENCH_SESSION") or "")

response = function(status, headers, body)
  count = count + 1
  if count >= max_requests then
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "non_2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
