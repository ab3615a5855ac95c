-- wrk script of bench/load_bench.py: one wrk thread drives one connection, and that connection is one
-- logged-in user. Its session cookie and its pre-drawn list of pages come from <datadir>/<group>_<n>.lua,
-- written by load_bench.py after a real login (form POST with CSRF). The user waits a think time between
-- pages; a redirect to the login page or any 4xx/5xx is counted as an error.
-- wrk -t N -c N -s load_users.lua URL -- <datadir> <group> <think_min_ms> <think_max_ms>

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("uid", counter)
  table.insert(threads, thread)
end

function init(args)
  local data = dofile(args[1] .. "/" .. args[2] .. "_" .. uid .. ".lua")
  think_min = tonumber(args[3])
  think_max = tonumber(args[4])
  paths = data.paths
  position = 0
  headers = {
    ["Cookie"] = data.cookie,
    -- Production runs behind a TLS proxy: the portal trusts this header (BEHIND_TLS_PROXY=1).
    ["X-Forwarded-Proto"] = "https",
    ["Accept-Language"] = "fr",
    ["User-Agent"] = "relais-load-bench",
  }
  math.randomseed(uid * 7919)
  login_redirects = 0
  client_errors = 0
  server_errors = 0
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position], headers)
end

function delay()
  return math.random(think_min, think_max)
end

function response(status, resp_headers, body)
  if status >= 500 then
    server_errors = server_errors + 1
  elseif status >= 400 then
    client_errors = client_errors + 1
  elseif status >= 300 then
    local location = resp_headers["Location"] or resp_headers["location"] or ""
    if string.find(location, "/connexion/", 1, true) then
      login_redirects = login_redirects + 1
    end
  end
end

function done(summary, latency, requests)
  local totals = { login_redirects = 0, client_errors = 0, server_errors = 0 }
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do
      totals[key] = totals[key] + (thread:get(key) or 0)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"mean_us": %.1f, "login_redirects": %d, "client_errors": %d, "server_errors": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    totals.login_redirects, totals.client_errors, totals.server_errors
  ))
end
