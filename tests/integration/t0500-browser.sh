#!/usr/bin/env bash
# LiveView's own JavaScript client, in headless Chromium, against lvdemo:
# register, join, click, patch, navigate, nested child, reconnect, another
# live_session, log out elsewhere. Two variants.
. "$(dirname "$0")/lib.sh"
start_lvdemo

# last_hits VARIANT: the running count of the last query line of VARIANT in live.out
last_hits() {
	grep -o "\[hits: $1 [0-9]*\]" "$TRASH/live.out" | tail -n 1 | tr -dc "0-9"
}
# trace_hits VARIANT: the queries the trace file has from the first line the
# record got on, of VARIANT or of none (a registration counts in every variant)
trace_hits() {
	local first n
	first=$(sed -n 2p "$TRASH/rec.jsonl" | jq -c "del(.seq, .t_us)") &&
	n=$(jq -c "del(.seq, .t_us)" "$TRACE" | grep -nxF -- "$first" | head -n 1 | cut -d: -f1) &&
	tail -n +"$n" "$TRACE" | jq -s --arg v "$1" \
		"map(select(.event == \"repo.query\" and (.variant == \$v or .variant == null))) | length"
}

test_expect_success "the official client drives the assign pages end to end, watched by lvtrace live --plain" '
	start_live --plain --record rec.jsonl "$URL" &&
	# ready when its own request comes back through the feed
	for i in $(seq 200); do
		curl -s -o /dev/null "$URL/users/log_in?ready=$i" && grep -q "GET /users/log_in" live.out && break
		read -r -t 0.05 <>"$TRASH/live.err" || :
	done &&
	grep -q "GET /users/log_in" live.out &&
	(cd "$TEST_ROOT" && node tests/browser/live_browser.mjs "$URL" assign) &&
	# every click reached it: the events, the patch, the joins
	grep -q "handle_event \"reveal\" (MissionLive)" live.out &&
	grep -q "join CountdownLive -> ok" live.out &&
	# its running count reaches what the trace file has (it may be a moment behind)
	want=$(trace_hits assign) && test "$want" -gt 10 &&
	for i in $(seq 200); do
		[ "$(last_hits assign)" = "$want" ] && break
		read -r -t 0.05 <>"$TRASH/live.err" || :
	done &&
	test "$(last_hits assign)" = "$want" &&
	# what the feed brought, recorded: the trace file'"'"'s lines in order, none missing
	stop_live &&
	first=$(sed -n 2p rec.jsonl | jq -c "del(.seq, .t_us)") &&
	jq -c "del(.seq, .t_us)" "$TRACE" >all &&
	n=$(grep -nxF -- "$first" all | head -n 1 | cut -d: -f1) &&
	tail -n +2 rec.jsonl | grep -v "\"recorded_by\"" | jq -c "del(.seq, .t_us)" >got &&
	tail -n +"$n" all | head -n "$(wc -l <got)" >expected &&
	test_cmp expected got &&
	test "$(wc -l <got)" -gt 200
'

test_expect_success "the official client drives the on_mount pages end to end" '
	cd "$TEST_ROOT" && node tests/browser/live_browser.mjs "$URL" on_mount
'

test_expect_success 'the browser session left the expected trace: joins ok, a refused join, a disconnect' '
	jq -s -e "
		any(.event == \"channel.join\" and .result == \"ok\" and .view == \"CountdownLive\") and
		any(.event == \"channel.join\" and .result == \"unauthorized\") and
		any(.event == \"broadcast\" and .sockets >= 1) and
		any(.event == \"socket.disconnect\" and .reason == \"disconnect\")" "$TRACE" >/dev/null
'

test_done
