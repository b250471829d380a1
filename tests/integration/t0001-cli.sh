#!/usr/bin/env bash
# lvdemo's command line: help, version, bad flags, start-up and shutdown.
. "$(dirname "$0")/lib.sh"

test_expect_success '--help describes every option of the README'"'"'s synopsis, and no other' '
	"$LVDEMO" --help >out &&
	# the README is the reference: its synopsis of lvdemo, between the fences after "## lvdemo"
	sed -n "/^## lvdemo$/,/^## /p" "$TEST_ROOT/README.md" | sed -n "/^\`\`\`$/,/^\`\`\`$/p" |
		grep -o -- "--[a-z-]*" | sort -u >readme &&
	test -s readme &&
	{ cat readme; printf "%s\n" --help --version; } | sort -u >expected &&
	grep "^  --" out | grep -o -- "^  --[a-z-]*" | sed "s/^  //" | sort -u >described &&
	test_cmp expected described &&
	sed -n "/^usage:/,/^$/p" out | grep -o -- "--[a-z-]*" | sort -u >usage &&
	test_cmp readme usage
'

test_expect_success '--version prints the version' '
	"$LVDEMO" --version >out &&
	grep -Eq "^lvdemo [0-9]+\.[0-9]+\.[0-9]+$" out
'

bad_flag() {
	test_must_fail "$LVDEMO" "$@" >out 2>err
	local status=$?
	[ "$status" -eq 0 ] || return 1
	"$LVDEMO" "$@" >/dev/null 2>&1
	[ $? -eq 2 ] || { echo "exit status is not 2"; return 1; }
	[ "$(wc -l <err)" -eq 1 ] || { echo "not one line:"; cat err; return 1; }
	[ ! -s out ] || { echo "wrote to stdout"; return 1; }
}

test_expect_success 'bad flags: one line on stderr and exit status 2' '
	bad_flag --frobnicate && grep -q "unknown option" err &&
	bad_flag --port abc && grep -q -- "--port" err &&
	bad_flag --port 65536 &&
	bad_flag --bcrypt-cost 3 && grep -q "4 to 31" err &&
	bad_flag --bcrypt-cost 32 &&
	bad_flag --db && grep -q "missing value" err &&
	bad_flag extra-argument && grep -q "unexpected argument" err &&
	bad_flag --trace ""
'

test_expect_success '--port 0 prints the URL it listens on, and it answers there' '
	start_lvdemo &&
	http GET / && test "$STATUS" = 200 &&
	head -n 1 "$TRACE" | jq -e --arg url "$URL" ".event == \"trace.start\" and .url == \$url and .format == \"lvtrace\" and .version == 1" &&
	stop_lvdemo
'

# IPv6 loopback, when this machine has it (a bare container may not)
if grep -q "^00000000000000000000000000000001 " /proc/net/if_inet6 2>/dev/null; then
test_expect_success 'on an IPv6 address the URL it prints has the address in brackets, and answers' '
	start_own_lvdemo v6 --host ::1 --db v6.db --trace v6.jsonl &&
	test_when_finished "kill $OWN_PID 2>/dev/null; wait $OWN_PID 2>/dev/null" && url=$OWN_URL &&
	case "$url" in "http://[::1]:"[0-9]*) ;; *) echo "URL: $url" >&2; false ;; esac &&
	test "$(curl -g -s -o /dev/null -w "%{http_code}" "$url/")" = 200 &&
	head -n 1 v6.jsonl | jq -e --arg url "$url" ".url == \$url" >/dev/null
'
else
	test_count=$((test_count + 1))
	echo "ok $test_count # skip an IPv6 address: this machine has no ::1"
fi

# An address of this machine that is not loopback, to see where lvdemo listens
OTHER_IP=$(hostname -I 2>/dev/null | tr " " "\n" | grep -E "^[0-9]+(\.[0-9]+){3}$" | grep -v "^127\." | head -n 1)
if [ -n "$OTHER_IP" ]; then
test_expect_success "by default only this machine reaches it: not on $OTHER_IP, unless --host 0.0.0.0" '
	start_own_lvdemo lo --db lo.db --no-trace &&
	test_when_finished "kill $OWN_PID 2>/dev/null; wait $OWN_PID 2>/dev/null" &&
	port=${OWN_URL##*:} &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$port/")" = 200 &&
	test_expect_code 7 curl -s -o /dev/null "http://$OTHER_IP:$port/" &&
	kill $OWN_PID && wait $OWN_PID &&
	start_own_lvdemo any --host 0.0.0.0 --db lo.db --no-trace &&
	test_when_finished "kill $OWN_PID 2>/dev/null; wait $OWN_PID 2>/dev/null" &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "http://$OTHER_IP:${OWN_URL##*:}/")" = 200
'
else
	test_count=$((test_count + 1))
	echo "ok $test_count # skip where lvdemo listens: this machine has no IPv4 address but loopback"
fi

test_expect_success 'a trace left by the run before is kept (PATH.1, PATH.2), never overwritten' '
	for run in 1 2 3; do
		start_own_lvdemo keep --db keep.db --trace keep.jsonl &&
		curl -s -o /dev/null "$OWN_URL/users/log_in?run=$run" &&
		kill $OWN_PID && wait $OWN_PID &&
		cp keep.err keep.err.$run || { bad=$run; break; }
	done &&
	test -z "${bad:-}" &&
	# the runs before, whole, each under its own number; the newest at the name
	jq -e -s ".[0].event == \"trace.start\" and .[-1].event == \"trace.stop\" and
		any(.event == \"endpoint.start\" and .path == \"/users/log_in\")" keep.jsonl.1 keep.jsonl.2 keep.jsonl >/dev/null &&
	grep -q "run=1" keep.jsonl.1 && grep -q "run=2" keep.jsonl.2 && grep -q "run=3" keep.jsonl &&
	! grep -q "kept" keep.err.1 &&
	grep -qx "lvdemo: the trace of the run before is kept as keep.jsonl.1" keep.err.2 &&
	grep -qx "lvdemo: the trace of the run before is kept as keep.jsonl.2" keep.err.3
'

test_expect_success 'SIGTERM stops it cleanly with the trace complete' '
	start_lvdemo &&
	http GET /users/log_in &&
	stop_lvdemo &&
	test "$LVDEMO_STATUS" = 0 &&
	tail -n 1 "$TRACE" | jq -e ".event == \"trace.stop\"" &&
	jq -e . "$TRACE" >/dev/null
'

test_expect_success 'with the trace on stdout the URL line goes to stderr' '
	mkfifo err.fifo || exit 1
	"$LVDEMO" --port 0 --db "$TRASH/stdout.db" --trace - --bcrypt-cost 4 >stdout.jsonl 2>err.fifo &
	pid=$! &&
	read -r -t 10 line <err.fifo &&
	kill -TERM $pid && wait $pid &&
	case "$line" in "lvdemo listening on http://127.0.0.1:"*) ;; *) false ;; esac &&
	head -n 1 stdout.jsonl | jq -e ".event == \"trace.start\"" &&
	tail -n 1 stdout.jsonl | jq -e ".event == \"trace.stop\"" &&
	! grep -q "listening" stdout.jsonl
'

test_expect_success 'a port in use is an error, not a silent fallback' '
	start_lvdemo &&
	port=${URL##*:} &&
	test_must_fail "$LVDEMO" --port "$port" --db "$TRASH/other.db" --trace "$TRASH/other.jsonl" 2>err &&
	# one clear line, not libwebsockets'"'"' own errors first
	test "$(cat err)" = "lvdemo: cannot listen on 127.0.0.1:$port: Address already in use" &&
	stop_lvdemo
'

test_expect_success '--secret-file is created (mode 600) and keeps sessions valid across restarts' '
	rm -f "$JAR" &&
	start_lvdemo --secret-file "$TRASH/secret" &&
	test "$(stat -c %a "$TRASH/secret")" = 600 &&
	register agent@example.com "correct horse battery" && test "$STATUS" = 302 &&
	stop_lvdemo &&
	start_lvdemo --secret-file "$TRASH/secret" &&
	http GET /assign_new/mission && test "$STATUS" = 200 &&
	grep -q "agent@example.com" "$TRASH/body" &&
	stop_lvdemo
'

test_expect_success 'a malformed secret file is reported with file:line:column' '
	printf "not hex at all\n" >bad-secret &&
	test_must_fail "$LVDEMO" --port 0 --db "$TRASH/x.db" --trace "$TRASH/x.jsonl" --secret-file bad-secret 2>err &&
	grep -q "bad-secret:1:" err &&
	# 128 digits but the fifth: its column
	printf "abcdg%0123d\n" 0 >bad-digit &&
	test_must_fail "$LVDEMO" --port 0 --db "$TRASH/x.db" --trace "$TRASH/x.jsonl" --secret-file bad-digit 2>err &&
	grep -q "bad-digit:1:5: not a hexadecimal digit" err
'

test_expect_success 'a test body that fails after start_lvdemo still stops that lvdemo' '
	mkdir -p x/y &&
	cat >x/y/inner.sh <<-EOF &&
	. "$TEST_ROOT/tests/integration/lib.sh"
	test_expect_success "starts lvdemo, then fails" "start_lvdemo && echo \\\$LVDEMO_PID >\"$TRASH/pid\" && false"
	EOF
	LVDEMO="$LVDEMO" bash x/y/inner.sh >inner.out 2>&1;
	grep -q "^not ok 1 - starts lvdemo, then fails" inner.out &&
	test -s pid &&
	test_must_fail kill -0 "$(cat pid)" 2>/dev/null
'

test_done
