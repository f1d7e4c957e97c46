-- wrk script for benchmarks/server.py: the same request every time (its headers given with -H), counting the
-- answers by status so that the share of 304 Not Modified can be reported. `done` prints the figures as one
-- JSON line after "wrk-json ".

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   ok, not_modified, other = 0, 0, 0
end

function response(status, headers, body)
   if status == 304 then
      not_modified = not_modified + 1
   elseif status >= 200 and status < 300 then
      ok = ok + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   local ok, not_modified, other = 0, 0, 0
   for _, thread in ipairs(threads) do
      ok = ok + thread:get("ok")
      not_modified = not_modified + thread:get("not_modified")
      other = other + thread:get("other")
   end
   io.write(string.format(
      'wrk-json {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "connect": %.0f, "read": %.0f, '
         .. '"write": %.0f, "status": %.0f, "timeout": %.0f, "p50_us": %.0f, "p90_us": %.0f, "p99_us": %.0f, '
         .. '"mean_us": %.1f, "max_us": %.0f, "ok": %.0f, "not_modified": %.0f, "other": %.0f}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max,
      ok, not_modified, other))
end
