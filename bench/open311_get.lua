-- wrk script: GET one path (WRK_PATH) over and over; prints the count,
-- non-2xx answers, p50 and p99.
local path = os.getenv("WRK_PATH")

request = function()
	return wrk.format("GET", path)
end

done = function(summary, latency, requests)
	io.write(string.format("requests %d errors_status %d p50_ms %.2f p99_ms %.2f\n",
		summary.requests, summary.errors.status,
		latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
