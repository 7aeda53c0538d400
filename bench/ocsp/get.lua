-- wrk script for bench/ocsp.sh: GETs the static DER responses served by
-- nginx, cycling through the URL paths listed (one a line) in
-- $OCSP_GET_LIST. Each wrk thread starts at a different offset.

local reqs = {}
local i = 0

local counter = 0
function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
end

function init(args)
  local list = os.getenv("OCSP_GET_LIST")
  assert(list, "set OCSP_GET_LIST")
  for path in io.lines(list) do
    reqs[#reqs + 1] = wrk.format("GET", path)
  end
  assert(#reqs > 0, "no path in " .. list)
  i = ((offset or 0) * 7919) % #reqs
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end
