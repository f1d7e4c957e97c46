-- What the wrk scripts of benchmarks/server.py share: `report` prints a run's figures as one JSON line after
-- "wrk-json ", with `extra` (a string of further `, "name": value` pairs, or nil) before the closing brace.
-- Each script loads this file from its own folder: local here = debug.getinfo(1, "S").source:match("^@(.*/)").

function report(summary, latency, extra)
   local e = summary.errors
   io.write(string.format(
      'wrk-json {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "connect": %.0f, "read": %.0f, '
         .. '"write": %.0f, "status": %.0f, "timeout": %.0f, "p50_us": %.0f, "p90_us": %.0f, "p99_us": %.0f, '
         .. '"mean_us": %.1f, "max_us": %.0f%s}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max, extra or ""))
end
