-- Shared by the wrk scripts: one parseable RESULT line per run (bench/wrk/run.sh greps it).
function report(summary, latency)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d errors=%d p50_us=%d p99_us=%d rps=%.0f\n",
    summary.requests, e.status + e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), summary.requests / (summary.duration / 1e6)))
end
