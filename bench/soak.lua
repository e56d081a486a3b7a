-- soak.lua - the mix of `make soak` (bench/soak.sh): what a city's
-- server sees in a day, by share of requests:
--   60 %  GET /open311/v2/requests/{id}.json   citizens' apps polling a case
--   10 %  GET /open311/v2/requests.json        a list (status=open, 50)
--   15 %  GET /api/v1/cases?state=...&sort=deadline  the console's queue
--         of the open cases, earliest deadline first, pages 1-5 of 20
--    5 %  the leader's overview (web/console/src/overview.js): half
--         GET /api/v1/cases/stats of the open states, half its red list
--         (light=red&sort=deadline)
--   10 %  POST /open311/v2/requests.json       new reports (SOAK_WRITE_PCT;
--         the rest of the 10 % polls a case too)
-- SOAK_WRITE_PCT (default 1): at about 500 requests a second, 10 % is 50
-- new open cases a second - 90,000 in a 30-minute run, a thousand times
-- a large city's day.  1 % still files about 5 a second, a hundred times
-- a large city's rate.  Beside this mix a receptionist's desk
-- (bench/soak_desk.mjs) rejects the new reports as they arrive, so the
-- open cases stay at a city's level: without it the run measured the
-- server reading a growing pile of them (the overview counts them all),
-- not whether it stays the same over time.
-- Each connection waits SOAK_DELAY_MS between its requests, so the rate is
-- about connections x 1000 / (delay + latency): the script asks for half
-- the peak measured just before.  Prints the one line of wrk_report.lua.
local ids = {}
for id in string.gmatch(os.getenv("SOAK_IDS") or "", "[^,]+") do
	ids[#ids + 1] = id
end
local key = os.getenv("UG_TOKEN")
local staff = "Bearer " .. (os.getenv("UG_STAFF") or "")
local wait = tonumber(os.getenv("SOAK_DELAY_MS") or "0")
local writes = tonumber(os.getenv("SOAK_WRITE_PCT") or "1")
local categories = { "06010", "09006", "06036", "09009", "07001", "09005" }
local open = "reported,verified,filed,dispatched,returned,hung,handled,checked"
local n = 0

request = function()
	n = n + 1
	local r = math.random(100)
	if r <= 60 then
		return wrk.format("GET", "/open311/v2/requests/" ..
			ids[math.random(#ids)] .. ".json")
	elseif r <= 70 then
		return wrk.format("GET", "/open311/v2/requests.json?status=open")
	elseif r <= 85 then
		return wrk.format("GET", "/api/v1/cases?state=" .. open ..
			"&sort=deadline&per_page=20&page=" .. math.random(5),
			{ Authorization = staff })
	elseif r <= 90 then
		return wrk.format("GET", r <= 87 and "/api/v1/cases/stats?state=" .. open or
			"/api/v1/cases?light=red&sort=deadline&per_page=20",
			{ Authorization = staff })
	elseif r <= 100 - writes then
		return wrk.format("GET", "/open311/v2/requests/" ..
			ids[math.random(#ids)] .. ".json")
	end
	local body = string.format(
		"api_key=%s&service_code=%s&lat=%.6f&long=%.6f" ..
		"&description=soak+%d&attribute%%5Burgency%%5D=normal",
		key, categories[(n % #categories) + 1],
		39.865 + math.random() * 0.10, 116.390 + math.random() * 0.05, n)
	return wrk.format("POST", "/open311/v2/requests.json",
		{ ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

-- (No delay function at all for the peak: wrk then sends at once.)
if wait > 0 then
	delay = function()
		return wait
	end
end

dofile("bench/wrk_report.lua")
