// sessions.mjs: how many LiveView sessions one lvdemo holds, and what each
// costs it. Logs in once, then per session does what a browser does: loads
// the page, opens LiveView's socket with the page's CSRF token, the cookie
// and the page's Origin, joins the page's LiveView as the JavaScript client
// does, and stays connected with a heartbeat every 30 s. Prints joined and
// failed, the join's p50 and p99, lvdemo's RSS before and after, the bytes
// per session and the set-up time. Numbers, not pass/fail: tests/bench/run.
//
//   node tests/bench/sessions.mjs --url URL --pid PID [--sessions N]
//        [--concurrency N] [--path /V/mission] [--hold SECONDS]
//
// One login for every session: registering is a bcrypt hash each (cost 12:
// a quarter of a second of CPU), which would measure the password workers,
// not the sessions held. Each session starts from that login's cookie and
// keeps the cookie its own page load sets (the session's CSRF token), as a
// browser's tab would.
import http from "node:http";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";

const HEARTBEAT_MS = 30000; // phoenix.js's heartbeatIntervalMs
const JOIN_TIMEOUT_MS = 30000;

function usage(msg) {
	if (msg) console.error(`sessions.mjs: ${msg}`);
	console.error("usage: sessions.mjs --url URL --pid PID [--sessions N] [--concurrency N] [--path P] [--hold S]");
	process.exit(2);
}

const opt = { sessions: 1000, concurrency: 100, path: "/assign_new/mission", hold: 0 };
for (let i = 2; i < process.argv.length; i += 2) {
	const k = process.argv[i].replace(/^--/, ""), v = process.argv[i + 1];
	if (v === undefined || !["url", "pid", "sessions", "concurrency", "path", "hold"].includes(k))
		usage(`unknown or incomplete option '${process.argv[i]}'`);
	opt[k] = ["url", "path"].includes(k) ? v : Number(v);
}
if (!opt.url || !opt.pid) usage("--url and --pid are needed");
for (const k of ["sessions", "concurrency", "hold"])
	if (!Number.isInteger(opt[k]) || opt[k] < 0) usage(`--${k} takes a whole number`);

const base = new URL(opt.url);
const origin = base.origin;
const agent = new http.Agent({ keepAlive: true, maxSockets: opt.concurrency });

// ------------------------------------------------------------ HTTP

// One request: resolves {status, headers, body}; COOKIE is sent as is.
function request(method, path, cookie, form) {
	return new Promise((resolve, reject) => {
		const body = form ? new URLSearchParams(form).toString() : null;
		const headers = { Origin: origin };
		if (cookie) headers.Cookie = cookie;
		if (body) {
			headers["Content-Type"] = "application/x-www-form-urlencoded";
			headers["Content-Length"] = Buffer.byteLength(body);
		}
		const req = http.request(new URL(path, base), { method, headers, agent }, (res) => {
			const chunks = [];
			res.on("data", (c) => chunks.push(c));
			res.on("end", () =>
				resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
		});
		req.on("error", reject);
		req.setTimeout(JOIN_TIMEOUT_MS, () => req.destroy(new Error("HTTP timeout")));
		req.end(body);
	});
}

// COOKIE with the response's Set-Cookie applied (name=value pairs only).
function jar(cookie, res) {
	const m = new Map((cookie || "").split("; ").filter(Boolean).map((c) => c.split(/=(.*)/s).slice(0, 2)));
	for (const sc of res.headers["set-cookie"] || []) {
		const [nv] = sc.split(";");
		const [n, v] = nv.split(/=(.*)/s);
		m.set(n, v);
	}
	return [...m].map(([n, v]) => `${n}=${v}`).join("; ");
}

const attr = (html, re) => (html.match(re) || [])[1];

async function login() {
	const form = await request("GET", "/users/register");
	let cookie = jar("", form);
	const token = attr(form.body, /name="_csrf_token" value="([^"]*)"/);
	const email = `bench-${process.pid}-${Date.now()}@example.com`;
	const res = await request("POST", "/users/register", cookie, {
		_csrf_token: token, "user[email]": email, "user[password]": "correct horse battery staple",
	});
	if (res.status !== 302) throw new Error(`registering ${email}: HTTP ${res.status}`);
	return jar(cookie, res);
}

// ------------------------------------------------------------ a session

const sockets = [];
const failures = new Map();
const joinMs = [];
let unanswered = 0;

function fail(why) {
	failures.set(why, (failures.get(why) || 0) + 1);
}

// The page, the socket, the join: resolves when joined (or failed).
async function session(loginCookie) {
	const page = await request("GET", opt.path, loginCookie);
	if (page.status !== 200) throw new Error(`page: HTTP ${page.status}`);
	const cookie = jar(loginCookie, page);
	const csrf = attr(page.body, /<meta name="csrf-token" content="([^"]*)"/);
	const id = attr(page.body, /<div id="([^"]*)" data-phx-main/);
	const sess = attr(page.body, /data-phx-main[^>]*data-phx-session="([^"]*)"/);
	const stat = attr(page.body, /data-phx-main[^>]*data-phx-static="([^"]*)"/);
	if (!csrf || !id || !sess) throw new Error("page: no container or CSRF token");

	const q = new URLSearchParams({ _csrf_token: csrf, _mounts: "0", _mount_attempts: "0",
		_live_referer: "undefined", vsn: "2.0.0" });
	const t0 = performance.now();
	const ws = new WebSocket(`ws://${base.host}/live/websocket?${q}`, {
		headers: { Cookie: cookie }, origin, perMessageDeflate: false,
	});
	let ref = 0;
	const pending = new Map(); // ref -> resolve
	const send = (joinRef, topic, event, payload) => {
		const r = String(++ref);
		ws.send(JSON.stringify([joinRef, r, topic, event, payload]));
		return new Promise((resolve) => pending.set(r, resolve));
	};
	ws.on("message", (data) => {
		let m;
		try { m = JSON.parse(data); } catch { return; }
		const done = Array.isArray(m) && m[3] === "phx_reply" && pending.get(m[1]);
		if (done) {
			pending.delete(m[1]);
			done(m[4]);
		}
	});
	await new Promise((resolve, reject) => {
		ws.once("open", resolve);
		ws.once("error", reject);
		ws.once("unexpected-response", (req, res) => reject(new Error(`upgrade: HTTP ${res.statusCode}`)));
	});
	const joinRef = String(ref + 1);
	const timer = new Promise((resolve) => setTimeout(resolve, JOIN_TIMEOUT_MS, { status: "timeout" }));
	const closed = new Promise((resolve) => ws.once("close", () => resolve({ status: "closed" })));
	const reply = await Promise.race([send(joinRef, `lv:${id}`, "phx_join", {
		url: new URL(opt.path, base).href,
		params: { _csrf_token: csrf, _mounts: 0, _mount_attempts: 0 },
		session: sess, static: stat || null, sticky: false,
	}), timer, closed]);
	if (reply.status !== "ok") {
		ws.terminate();
		const reason = reply.response && reply.response.reason;
		throw new Error(`join: ${reply.status}${reason ? " " + reason : ""}`);
	}
	joinMs.push(performance.now() - t0);
	const s = { ws, send, alive: true };
	ws.on("close", () => { s.alive = false; });
	ws.on("error", () => {});
	// the client's heartbeat: unanswered by the next one, phoenix.js gives up
	let waiting = false;
	s.beat = setInterval(() => {
		if (waiting) unanswered++;
		waiting = true;
		send(null, "phoenix", "heartbeat", {}).then(() => { waiting = false; });
	}, HEARTBEAT_MS);
	sockets.push(s);
}

// ------------------------------------------------------------ the run

function rssKB() {
	const status = readFileSync(`/proc/${opt.pid}/status`, "utf8");
	return Number(status.match(/^VmRSS:\s+(\d+) kB/m)[1]);
}

const pct = (sorted, p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] : NaN;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const cookie = await login();
await sleep(200);
const before = rssKB();
const start = performance.now();
let next = 0;
await Promise.all(Array.from({ length: Math.min(opt.concurrency, opt.sessions) }, async () => {
	while (next < opt.sessions) {
		next++;
		try {
			await session(cookie);
		} catch (e) {
			fail(e.message || String(e));
		}
	}
}));
const setup = (performance.now() - start) / 1000;
agent.destroy(); // the page loads' keep-alive connections: a browser's would go too
await sleep(500);
if (opt.hold) await sleep(opt.hold * 1000);
// every socket still answers
const answers = await Promise.all(sockets.map((s) =>
	s.alive ? Promise.race([s.send(null, "phoenix", "heartbeat", {}), sleep(JOIN_TIMEOUT_MS)]) : null));
const alive = answers.filter((a) => a && a.status === "ok").length;
const after = rssKB();

const sorted = joinMs.slice().sort((a, b) => a - b);
const failed = opt.sessions - sockets.length;
console.log(`sessions: ${sockets.length} joined, ${failed} failed (of ${opt.sessions}, ${opt.concurrency} in flight)`);
for (const [why, n] of failures) console.log(`  failed: ${n} x ${why}`);
console.log(`join (socket opened to join reply): p50 ${pct(sorted, 50).toFixed(1)} ms, p99 ${pct(sorted, 99).toFixed(1)} ms`);
console.log(`lvdemo RSS: ${(before / 1024).toFixed(1)} MB before, ${(after / 1024).toFixed(1)} MB after`);
const bytes = sockets.length ? (after - before) * 1024 / sockets.length : NaN;
console.log(`per session: ${(bytes / 1024).toFixed(2)} KB (${Math.round(bytes)} bytes of RSS)`);
console.log(`set-up: ${setup.toFixed(2)} s`);
console.log(`still connected, answering a heartbeat: ${alive} of ${sockets.length}; heartbeats unanswered on time: ${unanswered}`);
for (const s of sockets) {
	clearInterval(s.beat);
	s.ws.terminate();
}
