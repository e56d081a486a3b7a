// soak_desk.mjs - the receptionist's desk in `make soak` (bench/soak.sh):
// while the mix (bench/soak.lua) files citizens' reports through Open311,
// the desk works through them as a receptionist at the console does -
// it reads the queue of public reports waiting (state=reported, newest
// first, 50 a page) and rejects each (不予立案: an action of the case
// workflow, with its version and a reason), then looks again, pausing a
// second when the queue has fewer than 50.  So the open cases stay about
// where a city keeps them instead of piling up for the whole run, and
// the soak measures the server over time rather than a growing pile
// (the queues and the overview count the open cases on every request).
//
//   node bench/soak_desk.mjs BASE_URL     token in UG_DESK (a receptionist)
//
// Runs until SIGTERM, then prints one line:
//   desk: N rejected, M failed (first failure: ...)
// Every answer that is not a 2xx is a failure: soak.sh counts them as the
// run's errors.  A second reader of the same queue would race it for the
// same cases (409); there is one desk.
const base = process.argv[2];
const auth = { Authorization: `Bearer ${process.env.UG_DESK || ""}` };
let rejected = 0;
let failed = 0;
let firstFailure = "";
let stop = false;

process.on("SIGTERM", () => {
	stop = true;
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fail(what, status, body) {
	failed++;
	if (!firstFailure)
		firstFailure = `${what}: ${status} ${String(body).slice(0, 200)}`;
}

// One look at the queue; the number of cases it held.
async function round() {
	const r = await fetch(`${base}/api/v1/cases?state=reported&source=public` +
		"&sort=newest&per_page=50", { headers: auth });
	if (!r.ok) {
		fail("GET /api/v1/cases", r.status, await r.text());
		return 0;
	}
	const { cases } = await r.json();
	for (const c of cases) {
		if (stop)
			break;
		const a = await fetch(`${base}/api/v1/cases/${c.id}/actions/reject`, {
			method: "POST",
			headers: { ...auth, "Content-Type": "application/json" },
			body: JSON.stringify({ version: c.version, reason: "压测：不予立案" }),
		});
		const text = await a.text();
		if (a.ok)
			rejected++;
		else
			fail(`reject ${c.id}`, a.status, text);
	}
	return cases.length;
}

while (!stop) {
	let n = 0;
	try {
		n = await round();
	} catch (e) {
		fail("connection", 0, e.message);
	}
	if (n < 50 && !stop)
		await sleep(1000);
}
console.log(`desk: ${rejected} rejected, ${failed} failed` +
	(firstFailure ? ` (first failure: ${firstFailure})` : ""));
