-- wrk script: GET one path (WRK_PATH) over and over; prints the count,
-- non-2xx answers, p50 and p99.
local path = os.getenv("WRK_PATH")

request = function()
	return wrk.format("GET", path)
end

dofile("bench/wrk_report.lua")
