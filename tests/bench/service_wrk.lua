-- wrk script for service_bench.sh: every request carries a fresh MUNGE
-- credential (munged refuses a replayed one), taken from a file written
-- beforehand; each wrk thread uses its own share of the file.
--   wrk -s service_wrk.lua URL -- CREDFILE THREADS METHOD PATH [BODY]
local counter = 0
function setup(thread)
	counter = counter + 1
	thread:set("tid", counter)
end

local creds = {}
local next_cred = 0
local method, path, body

function init(args)
	local file, threads = args[1], tonumber(args[2])
	method, path, body = args[3], args[4], args[5]
	local i = 0
	for line in io.lines(file) do
		if i % threads == tid - 1 then creds[#creds + 1] = line end
		i = i + 1
	end
end

function request()
	next_cred = next_cred + 1
	local cred = creds[next_cred] or "exhausted"
	return wrk.format(method, path,
		{ ["Authorization"] = "MUNGE " .. cred, ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
	io.write(string.format("figures: requests %d errors_status %d p50_us %d p99_us %d max_us %d\n",
		summary.requests, summary.errors.status, latency:percentile(50),
		latency:percentile(99), latency.max))
end
