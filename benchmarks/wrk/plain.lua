-- wrk script for benchmarks/server.py: the same request every time (its headers given with -H), with no
-- `response` function, so that wrk does not hand each body to Lua (for a 2 MB download that would cost wrk more
-- than the server). wrk counts answers with status >= 400 as errors. `done` prints the figures as one JSON line
-- after "wrk-json ".

dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

function done(summary, latency, requests)
   report(summary, latency)
end
