-- wrk script for benchmarks/server.py: the same request every time (its headers given with -H), counting the
-- answers by status so that the share of 304 Not Modified can be reported. `done` prints the figures as one
-- JSON line after "wrk-json ".

dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

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
   local ok, not_modified, other = 0, 0, 0
   for _, thread in ipairs(threads) do
      ok = ok + thread:get("ok")
      not_modified = not_modified + thread:get("not_modified")
      other = other + thread:get("other")
   end
   report(summary, latency, string.format(', "ok": %.0f, "not_modified": %.0f, "other": %.0f', ok, not_modified, other))
end
