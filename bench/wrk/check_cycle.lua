-- POST /api/v1/check cycling through a URL list (one URL per line in $VIGIL_WRK_URLS).
-- Run the server with --cache-capacity 0 so every request is a cache miss.
local path = os.getenv("VIGIL_WRK_URLS") or "var/bench_urls.txt"
local bodies = {}
for line in io.lines(path) do
  local escaped = line:gsub("\\", "\\\\"):gsub('"', '\\"')
  bodies[#bodies + 1] = '{"url":"' .. escaped .. '"}'
end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, "/api/v1/check", nil, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d p50_us=%d p99_us=%d rps=%.0f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, latency:percentile(50), latency:percentile(99),
    summary.requests / (summary.duration / 1e6)))
end
