-- POST /api/v1/check cycling through a URL list (one URL per line in $VIGIL_WRK_URLS).
-- Requests are formatted once up front so that wrk's own per-request cost stays small.
-- Run the server with --cache-capacity 0 so every request is a cache miss.
local path = os.getenv("VIGIL_WRK_URLS") or "var/bench_urls.txt"
local requests = {}
local headers = {["Content-Type"] = "application/json"}
for line in io.lines(path) do
  local escaped = line:gsub("\\", "\\\\"):gsub('"', '\\"')
  requests[#requests + 1] = wrk.format("POST", "/api/v1/check", headers, '{"url":"' .. escaped .. '"}')
end
local i = 0
request = function()
  i = i % #requests + 1
  return requests[i]
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d p50_us=%d p99_us=%d rps=%.0f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, latency:percentile(50), latency:percentile(99),
    summary.requests / (summary.duration / 1e6)))
end
