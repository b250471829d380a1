#!/usr/bin/env bash
# The live trace feed (ws://HOST:PORT/trace, lvtrace.v1) and lvtrace live:
# a subscriber gets every line from its subscription on, in order; who may
# subscribe; a subscriber that does not read loses lines, announced, while
# lvdemo keeps answering; lvtrace live --plain counts as events come, goes
# on across a restart of lvdemo, records a trace that replay opens, and
# follows a growing file through a truncation; the tracer follows on a
# terminal.
. "$(dirname "$0")/lib.sh"
[ -x "$DRIVE" ] || { echo "Bail out! $DRIVE is not built (make test builds it)"; exit 1; }

export LANG=C.UTF-8 LC_ALL=C.UTF-8
PASSWORD="correct horse battery"



start_lvdemo

test_expect_success 'a subscriber gets the trace.start, then every line from its subscription on, in order' '
	start_live --plain --record rec.jsonl "$URL" &&
	# the feed is up when lvdemo has the subscriber: its lines come back to it
	for i in $(seq 100); do
		request GET /users/register && grep -q "GET /users/register" live.out && break
	done &&
	request POST /users/register "$(form "user[email]=agent@example.com" "user[password]=$PASSWORD")" &&
	test "$STATUS" = 302 &&
	request GET /assign/mission && request GET /assign_new/mission &&
	wait_for_line live.out "^assign_new .*render \(dead\)" &&
	stop_live && test "$LIVE_STATUS" = 143 &&
	# the record: lvdemo'"'"'s lines as it wrote them, seq and t_us aside, from the first it sent
	first=$(sed -n 2p rec.jsonl | jq -c "del(.seq, .t_us)") &&
	jq -c "del(.seq, .t_us)" "$TRACE" >all &&
	n=$(grep -nxF -- "$first" all | head -n 1 | cut -d: -f1) && test -n "$n" &&
	tail -n +2 rec.jsonl | grep -v "\"recorded_by\"" | jq -c "del(.seq, .t_us)" >got &&
	tail -n +"$n" all | head -n "$(wc -l <got)" >want &&
	test_cmp want got &&
	test "$(wc -l <got)" -gt 30 &&
	# seq grows by one; the record ends as a trace does, and replays
	jq -s -e "[.[].seq] == [range(1; length + 1)]" rec.jsonl >/dev/null &&
	tail -n 1 rec.jsonl | jq -e "select(.event == \"trace.stop\")" >/dev/null &&
	"$LVTRACE" replay --plain rec.jsonl >replay 2>err &&
	! grep -q "cut short" err && grep -q "GET /assign_new/mission" replay
'

test_expect_success 'lvtrace live --plain: each query with its variant'"'"'s running count' '
	# the marks of the screen in a UTF-8 locale (this suite runs in C.UTF-8)
	grep -q "^assign  *● users_tokens: SELECT .*\[hits: assign [0-9]*\]$" live.out &&
	grep -q "^assign_new  *○ no query: current_user from conn.assigns$" live.out &&
	# assign: the shared registration queries, then the plug and the dead mount
	grep "^assign .*\[hits: assign" live.out | tail -n 1 | grep -q "\[hits: assign 5\]"
'

test_expect_success 'who may subscribe: the subprotocol, the Origin; refusals are in the trace' '
	trace_mark &&
	drive_fails "$URL" feed /trace other next-push 100 && grep -qx "refused 400" out &&
	drive_fails --origin http://evil.example "$URL" feed /trace lvtrace.v1 next-push 100 &&
	grep -qx "refused 403" out &&
	drive --origin "http://localhost:${URL##*:}" "$URL" feed /trace lvtrace.v1 next-push 2000 close &&
	grep -q "^push {\"seq\":1,.*\"event\":\"trace.start\"" out &&
	drive --no-origin "$URL" feed /trace lvtrace.v1 next-push 2000 close &&
	grep -q "\"event\":\"trace.start\"" out &&
	# LiveView'"'"'s socket takes no subprotocol: it would bind the feed
	drive_fails "$URL" feed /live/websocket lvtrace.v1 next-push 100 && grep -qx "refused 400" out &&
	trace_since | jq -e -s "map(select(.event == \"feed.refused\")) | length == 2 and
		(.[0].status == 400) and (.[1].status == 403 and .[1].reason == \"origin not allowed\")" >/dev/null
'

# feed_raw: a subscriber that upgrades by hand and then reads nothing
test_expect_success 'a subscriber that does not read loses lines, told so; lvdemo keeps answering' '
	hostport=${URL#http://} &&
	exec 5<>"/dev/tcp/${hostport%:*}/${hostport#*:}" &&
	printf "GET /trace HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: lvtrace.v1\r\n\r\n" "$hostport" >&5 &&
	IFS= read -r -t 5 line <&5 && test "${line%$(printf "\r")}" = "HTTP/1.1 101 Switching Protocols" &&
	# a few thousand requests while it reads nothing: each one still answered. Their
	# long paths make lines of 3 KB: more than the queue and every socket buffer hold
	pad=$(printf "x%.0s" $(seq 3000)) &&
	for i in $(seq 2500); do printf "url = \"%s/nowhere/%s\"\noutput = /dev/null\n" "$URL" "$pad"; done >many &&
	curl -s -K many -w "%{http_code}\n" >codes &&
	test "$(grep -c "^404$" codes)" = 2500 &&
	# now it reads: what was lost is said, then the feed goes on
	# (the socket buffers and the queue come first: read until the notice, within 60 s;
	# the frames have no newlines, so the file is searched as it grows)
	{ timeout 60 cat <&5 >raw & } &&
	reader=$! &&
	test_when_finished "kill $reader 2>/dev/null; wait $reader 2>/dev/null" &&
	exec 5<&- &&
	wait_for_line raw "\{\"event\":\"feed.dropped\",\"count\":[1-9][0-9]*\}" 60 >/dev/null
'

# own_lvdemo FILE [ARGS...]: an lvdemo of this test's own, its start line in FILE; sets PID and OWN_URL
own_lvdemo() {
	local out=$1
	shift
	: >"$out"
	"$LVDEMO" --db "$TRASH/lvdemo.db" --bcrypt-cost 4 "$@" >"$out" 2>>"$TRASH/lvdemo.err" &
	PID=$!
	wait_for_line "$out" "^lvdemo listening on http://" &&
	OWN_URL=$(sed -n "s/^lvdemo listening on \([^ ]*\).*/\1/p" "$out")
}

test_expect_success 'lvtrace live goes on when lvdemo restarts, and says so' '
	own_lvdemo started --port 0 --trace first.jsonl &&
	test_when_finished "kill \$PID 2>/dev/null; wait \$PID 2>/dev/null" &&
	start_live --plain --record again.jsonl "$OWN_URL" &&
	for i in $(seq 100); do curl -s "$OWN_URL/users/log_in" >/dev/null && grep -q "GET /users/log_in" live.out && break; done &&
	kill $PID && wait $PID &&
	own_lvdemo started --port "${OWN_URL##*:}" --trace second.jsonl &&
	wait_for_line live.err "lvdemo started again" 20 &&
	curl -s "$OWN_URL/assign/dossier" >/dev/null &&
	wait_for_line live.out "GET /assign/dossier" &&
	stop_live &&
	grep -q "lost the feed" live.err &&
	"$LVTRACE" replay --plain again.jsonl >replay 2>err &&
	grep -q "GET /users/log_in" replay && grep -q "GET /assign/dossier" replay &&
	jq -s -e "[.[].t_us] | . == sort" again.jsonl >/dev/null
'

test_expect_success 'lvtrace live --follow FILE: a growing trace file, and the same file written again' '
	own_lvdemo started --port 0 --trace follow.jsonl &&
	test_when_finished "kill \$PID 2>/dev/null; wait \$PID 2>/dev/null" &&
	start_live --plain --follow follow.jsonl &&
	curl -s "$OWN_URL/users/log_in" >/dev/null &&
	wait_for_line live.out "^-  *GET /users/log_in" &&
	# the file has lvdemo'"'"'s start-up statements: shown, counted nowhere (as in the tracer)
	grep -q "CREATE TABLE" live.out && ! grep "CREATE TABLE" live.out | grep -q "hits:" &&
	kill $PID && wait $PID &&
	own_lvdemo started --port 0 --trace follow.jsonl &&
	curl -s "$OWN_URL/users/register" >/dev/null &&
	wait_for_line live.out "^-  *GET /users/register" &&
	wait_for_line live.err "started again"
'

# An address of this machine that is not loopback: a peer from there is not
# "this machine" to the feed's check (127.0.0.0/8 and ::1 are). A machine with
# none cannot run the next test; it says so, as a skip.
OTHER_IP=$(hostname -I 2>/dev/null | tr " " "\n" | grep -E "^[0-9]+(\.[0-9]+){3}$" | grep -v "^127\." | head -n 1)
if [ -n "$OTHER_IP" ]; then
test_expect_success "a peer that is not loopback ($OTHER_IP) is refused, unless --trace-feed-from lets it in" '
	own_lvdemo started --host 0.0.0.0 --port 0 --trace peer.jsonl &&
	test_when_finished "kill \$PID 2>/dev/null; wait \$PID 2>/dev/null" &&
	port=${OWN_URL##*:} &&
	drive_fails --no-origin "http://$OTHER_IP:$port" feed /trace lvtrace.v1 next-push 100 &&
	grep -qx "refused 403" out &&
	# lvtrace live stops at once with a reason: asking again would not help
	test_expect_code 2 timeout 10 "$LVTRACE" live --plain "http://$OTHER_IP:$port" >live.out 2>live.err &&
	grep -q "403" live.err &&
	jq -e -s "map(select(.event == \"feed.refused\" and .status == 403)) | length == 2 and
		(.[0].reason | test(\"this machine\"))" peer.jsonl >/dev/null &&
	kill $PID && wait $PID &&
	# a block that does not hold the peer, then one that does: any of them lets it in
	own_lvdemo started --host 0.0.0.0 --port 0 --trace peer.jsonl --trace-feed-from 203.0.113.0/24 \
		--trace-feed-from "$OTHER_IP/32" &&
	drive --no-origin "http://${OTHER_IP}:${OWN_URL##*:}" feed /trace lvtrace.v1 next-push 2000 close &&
	grep -q "\"event\":\"trace.start\"" out
'
else
	test_count=$((test_count + 1))
	echo "ok $test_count # skip a peer that is not loopback: this machine has no other IPv4 address"
fi

# a free port: one lvdemo takes it (--port 0) and gives it back
free_port() {
	own_lvdemo probe.out --port 0 --trace probe.jsonl && kill $PID && wait $PID &&
	FREE_PORT=${OWN_URL##*:}
}

test_expect_success 'make demo: lvdemo for a browser, and the lvtrace live command that watches it' '
	free_port &&
	# the braces: only make goes to the background, not the list before it
	{ make -s -C "$TEST_ROOT" demo PORT=$FREE_PORT DEMO_TRACE="$TRASH/demo.jsonl" DEMO_DB="$TRASH/demo.db" \
		>demo.out 2>demo.err & } &&
	DEMO_PID=$! &&
	# make passes SIGTERM on to the lvdemo it runs
	test_when_finished "kill -TERM $DEMO_PID 2>/dev/null; wait $DEMO_PID 2>/dev/null" &&
	wait_for_line demo.out "^lvdemo listening on http://127.0.0.1:$FREE_PORT" 60 &&
	grep -q "open http://127.0.0.1:$FREE_PORT/ in a browser" demo.out &&
	# the command it prints, run as printed (from the top of the tree)
	cmd=$(sed -n "s/^lvdemo: watch it count, in a second terminal: //p" demo.out) &&
	test -n "$cmd" &&
	{ (cd "$TEST_ROOT" && exec $cmd --plain) >live.out 2>live.err & } &&
	LIVE_PID=$! &&
	test_when_finished stop_live &&
	for i in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$FREE_PORT/users/log_in" && grep -q "GET /users/log_in" live.out && break; done &&
	grep -q "GET /users/log_in" live.out &&
	jq -e -s "any(.event == \"endpoint.start\" and .path == \"/users/log_in\")" demo.jsonl >/dev/null
'

test_expect_success 'usage: a URL and --follow at once, a URL that is not http' '
	test_expect_code 2 "$LVTRACE" live --follow x.jsonl http://127.0.0.1:1 >out 2>err &&
	grep -q "not both" err &&
	test_expect_code 2 "$LVTRACE" live ftp://x >out 2>err && grep -q "http:// URL" err &&
	# a URL that cannot be one: said at once, not tried again and again
	test_expect_code 2 timeout 10 "$LVTRACE" live --plain "http://[::1" >out 2>err &&
	test "$(wc -l <err)" = 1 && grep -q "bad base url" err
'

test_done
