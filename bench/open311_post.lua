-- wrk script: POST requests.json as an Open311 client would (form-encoded,
-- api_key from UG_TOKEN), points inside the demo's grids; prints the
-- count, non-2xx answers, p50 and p99.
local categories = { "06010", "09006", "06036", "09009", "07001", "09005" }
local key = os.getenv("UG_TOKEN")
local n = 0

request = function()
	n = n + 1
	local body = string.format(
		"api_key=%s&service_code=%s&lat=%.6f&long=%.6f" ..
		"&description=Open311+bench+%d&attribute%%5Burgency%%5D=normal",
		key, categories[(n % #categories) + 1],
		39.865 + math.random() * 0.10, 116.390 + math.random() * 0.05, n)
	return wrk.format("POST", "/open311/v2/requests.json",
		{ ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

dofile("bench/wrk_report.lua")
