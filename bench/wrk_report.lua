-- wrk_report.lua - the one line every wrk script of bench/ prints at the
-- end (loaded with dofile): count, non-2xx answers, p50 and p99 in ms.
done = function(summary, latency, requests)
	io.write(string.format("requests %d errors_status %d p50_ms %.2f p99_ms %.2f\n",
		summary.requests, summary.errors.status,
		latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
