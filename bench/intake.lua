-- wrk script: POST photo-less case reports as an API client.
-- The token comes from the environment (UG_TOKEN).
local categories = { "06010", "09006", "06036", "09009", "07001", "09005" }
local token = os.getenv("UG_TOKEN")
local n = 0

request = function()
	n = n + 1
	local cat = categories[(n % #categories) + 1]
	-- Inside the demo's grids (domain/demo_geo.h): each report is
	-- located to its grid, community and street.
	local lon = 116.390 + math.random() * 0.05
	local lat = 39.865 + math.random() * 0.10
	local body = string.format(
		'{"category":"%s","description":"压测上报 %d","source":"external",' ..
		'"urgency":"normal","lon":%.6f,"lat":%.6f}',
		cat, n, lon, lat)
	return wrk.format("POST", "/api/v1/cases", {
		["Content-Type"] = "application/json",
		["Authorization"] = "Bearer " .. token,
	}, body)
end

dofile("bench/wrk_report.lua")
