-- wrk script for bench/faults.sh: POSTs the DER OCSP requests listed in
-- $OCSP_REQUEST_LIST (as post.lua) and checks every answer: HTTP 200 with
-- an OCSPResponse whose responseStatus is successful (0). Prints, at the
-- end, the successful and failed answers and the latency percentiles.

local bodies = {}
local i = 0
local threads = {}
local counter = 0

function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local list = os.getenv("OCSP_REQUEST_LIST")
  assert(list, "set OCSP_REQUEST_LIST")
  local headers = { ["Content-Type"] = "application/ocsp-request" }
  for path in io.lines(list) do
    local f = assert(io.open(path, "rb"))
    bodies[#bodies + 1] = wrk.format("POST", "/ocsp", headers, f:read("*a"))
    f:close()
  end
  assert(#bodies > 0, "no request in " .. list)
  i = ((offset or 0) * 7919) % #bodies
  ok = 0
  failed = 0
end

function request()
  i = i % #bodies + 1
  return bodies[i]
end

-- responseStatus of a DER OCSPResponse: SEQUENCE, its length (short or
-- long form), then ENUMERATED (0x0a 0x01 status).
local function ocsp_status(body)
  if body == nil or #body < 5 or body:byte(1) ~= 0x30 then
    return -1
  end
  local len = body:byte(2)
  local at = 3
  if len >= 0x80 then
    at = 3 + (len - 0x80)
  end
  if body:byte(at) ~= 0x0a or body:byte(at + 1) ~= 0x01 then
    return -1
  end
  return body:byte(at + 2)
end

function response(status, headers, body)
  if status == 200 and ocsp_status(body) == 0 then
    ok = ok + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local o, f = 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    f = f + t:get("failed")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT ok=%d failed=%d socket_errors=%d rate=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    o, f, e.connect + e.read + e.write + e.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
