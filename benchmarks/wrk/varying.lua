-- wrk script for benchmarks/server.py: a different query text on every request, so that no cache answers.
--
--   wrk ... -s varying.lua URL -- PREFIX SUFFIX BASE
--
-- Each request is GET PREFIX .. n .. SUFFIX (both already percent-encoded by the caller), where n counts up
-- from BASE + 100000000 * (thread number): distinct across the threads of a run, and distinct across runs
-- when the caller gives every run its own BASE. `done` prints the figures as one JSON line after "wrk-json ".

dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local threads = {}

function setup(thread)
   thread:set("thread_number", #threads)
   table.insert(threads, thread)
end

function init(args)
   prefix, suffix = args[1], args[2]
   counter = tonumber(args[3]) + 100000000 * thread_number
end

function request()
   counter = counter + 1
   return wrk.format(nil, prefix .. string.format("%.0f", counter) .. suffix)
end

function done(summary, latency, requests)
   report(summary, latency)
end
