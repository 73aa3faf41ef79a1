-- POST /api/v1/check repeating one URL: the cache-hit path.
wrk.method = "POST"
wrk.path = "/api/v1/check"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"url":"http://paypal.com.secure-login.example.ru/webscr?cmd=_login"}'
dofile("bench/wrk/report.lua")  -- run from the repository root
done = function(summary, latency, requests) report(summary, latency) end
