-- wrk script for benchmarks/server.py: the same request every time (its headers given with -H), with no
-- `response` function, so that wrk does not hand each body to Lua (for a 2 MB download that would cost wrk more
-- than the server). wrk counts answers with status >= 400 as errors. `done` prints the figures as one JSON line
-- after "wrk-json ".

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'wrk-json {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "connect": %.0f, "read": %.0f, '
         .. '"write": %.0f, "status": %.0f, "timeout": %.0f, "p50_us": %.0f, "p90_us": %.0f, "p99_us": %.0f, '
         .. '"mean_us": %.1f, "max_us": %.0f}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
