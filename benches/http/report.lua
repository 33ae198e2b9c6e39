-- wrk script for benches/http_endpoints.sh: sends the admin token and, when the run ends, prints
-- one line the bench script parses:
--
--   RESULT <p50 ms> <p99 ms> <requests/s> <requests> <non-2xx/3xx responses> <socket errors>
--
-- The token comes from the environment (HEIMDEX_TOKEN), so it is not on wrk's command line.

local token = os.getenv("HEIMDEX_TOKEN")
if token == nil or token == "" then
    error("HEIMDEX_TOKEN is not set")
end
wrk.headers["Authorization"] = "Bearer " .. token

-- With no request completed (one took longer than the run), the percentiles are "-".
function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local e = summary.errors
    local p50, p99 = "-", "-"
    if summary.requests > 0 then
        p50 = string.format("%.3f", latency:percentile(50) / 1000)
        p99 = string.format("%.3f", latency:percentile(99) / 1000)
    end
    io.write(string.format("RESULT %s %s %.1f %d %d %d\n", p50, p99,
        summary.requests / seconds, summary.requests, e.status,
        e.connect + e.read + e.write + e.timeout))
end
