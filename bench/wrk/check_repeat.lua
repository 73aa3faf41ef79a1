-- POST /api/v1/check repeating one URL: the cache-hit path.
wrk.method = "POST"
wrk.path = "/api/v1/check"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"url":"http://paypal.com.secure-login.example.ru/webscr?cmd=_login"}'
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d p50_us=%d p99_us=%d rps=%.0f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, latency:percentile(50), latency:percentile(99),
    summary.requests / (summary.duration / 1e6)))
end
