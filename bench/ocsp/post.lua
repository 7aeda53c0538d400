-- wrk script for bench/ocsp.sh: POSTs DER OCSP requests, cycling through
-- the files listed (one path a line) in $OCSP_REQUEST_LIST, to the path
-- $OCSP_PATH (default /ocsp), Content-Type application/ocsp-request.
-- Each wrk thread starts at a different offset of the list.

local bodies = {}
local i = 0

local function load_list()
  local list = os.getenv("OCSP_REQUEST_LIST")
  assert(list, "set OCSP_REQUEST_LIST")
  for path in io.lines(list) do
    local f = assert(io.open(path, "rb"))
    bodies[#bodies + 1] = f:read("*a")
    f:close()
  end
  assert(#bodies > 0, "no request in " .. list)
end

-- $OCSP_DELAY_MS: each connection waits this long before each request,
-- which paces the load (rate ~ connections / (delay + latency)).
local pause = tonumber(os.getenv("OCSP_DELAY_MS") or "")
if pause then
  function delay()
    return pause
  end
end

local counter = 0
function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
end

function init(args)
  load_list()
  local path = os.getenv("OCSP_PATH") or "/ocsp"
  local headers = { ["Content-Type"] = "application/ocsp-request" }
  -- Pre-format every request once: the loop below only picks one.
  for k = 1, #bodies do
    bodies[k] = wrk.format("POST", path, headers, bodies[k])
  end
  i = ((offset or 0) * 7919) % #bodies
end

function request()
  i = i % #bodies + 1
  return bodies[i]
end
