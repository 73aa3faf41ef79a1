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
dofile("bench/wrk/report.lua")  -- run from the repository root
done = function(summary, latency, requests) report(summary, latency) end
