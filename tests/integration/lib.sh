# Shell test library in the style of git's t/test-lib.sh, printing TAP.
#
#   . "$(dirname "$0")/lib.sh"
#   start_lvdemo
#   test_expect_success 'what it checks' '
#           http GET / &&
#           test "$STATUS" = 200
#   '
#   test_done
#
# Each suite gets its own trash directory and its own lvdemo on a free
# loopback port with a temporary database; both go away on exit.

set -u
TEST_NAME=$(basename "$0" .sh)
TEST_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LVDEMO=${LVDEMO:-bin/lvdemo}
case "$LVDEMO" in /*) ;; *) LVDEMO=$TEST_ROOT/$LVDEMO ;; esac
LVTRACE=${LVTRACE:-$(dirname "$LVDEMO")/lvtrace}
case "$LVTRACE" in /*) ;; *) LVTRACE=$TEST_ROOT/$LVTRACE ;; esac
mkdir -p "$TEST_ROOT/tests/trash"
TRASH=$(mktemp -d "$TEST_ROOT/tests/trash/$TEST_NAME.XXXXXX")
test_count=0
test_failed=0
LVDEMO_PID=
TRACE=$TRASH/trace.jsonl
JAR=$TRASH/cookies

cleanup() {
	stop_lvdemo
	if [ "$test_failed" -eq 0 ]; then
		rm -rf "$TRASH"
	else
		echo "# trash kept in $TRASH"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "# $*"; }

# test_when_finished CMD: run CMD after this test's body, passed or failed
# (last registered, first run), as git's t/ has it: a server a body starts
# is stopped even when the body fails half-way.
test_when_finished() {
	test_cleanup="$*; $test_cleanup"
}

test_expect_success() {
	local desc=$1 body=$2
	test_count=$((test_count + 1))
	local out
	# the body runs in a subshell: its clean-up runs there too, after it
	if out=$(cd "$TRASH" && IN_TEST=1 && test_cleanup=: &&
		{ eval "$body"; } 2>&1; rc=$?
		{ eval "$test_cleanup"; } 2>&1 || rc=1
		exit $rc); then
		echo "ok $test_count - $desc"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $desc"
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
}

test_done() {
	# the last check of every suite: each lvdemo it started exited cleanly
	# (a sanitizer report or a leak makes the exit status non-zero)
	stop_lvdemo
	test_count=$((test_count + 1))
	if [ ! -s "$TRASH/lvdemo-exits" ]; then
		echo "ok $test_count - every lvdemo exited with status 0"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - every lvdemo exited with status 0 (got: $(tr "\n" " " <"$TRASH/lvdemo-exits"))"
		sed 's/^/#   /' "$TRASH/lvdemo.err" | head -n 40
	fi
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
}

# test_expect_code CODE CMD...: CMD must exit with status CODE.
test_expect_code() {
	local want=$1
	shift
	"$@"
	local status=$?
	if [ "$status" -ne "$want" ]; then
		echo "test_expect_code: '$*' exited $status, not $want" >&2
		return 1
	fi
	return 0
}

# Run a command that must fail (non-zero, but not killed by a signal).
test_must_fail() {
	"$@"
	local status=$?
	if [ "$status" -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ "$status" -gt 128 ]; then
		echo "test_must_fail: '$*' died of signal $((status - 128))" >&2
		return 1
	fi
	return 0
}

# Compare an expected file with the actual one, showing a diff.
test_cmp() {
	diff -u "$1" "$2"
}

# ---------------------------------------------------------------- lvdemo

# start_lvdemo [extra flags...]: start lvdemo on a free port and wait until
# it accepts connections (it prints its URL once listening; the FIFO makes
# the wait a blocking read, with no polling).
start_lvdemo() {
	local fifo=$TRASH/ready.fifo line
	rm -f "$fifo"
	mkfifo "$fifo"
	"$LVDEMO" --port 0 --db "$TRASH/lvdemo.db" --trace "$TRACE" --bcrypt-cost 4 "$@" \
		>"$fifo" 2>>"$TRASH/lvdemo.err" &
	LVDEMO_PID=$!
	if ! read -r -t 10 line <"$fifo"; then
		echo "Bail out! lvdemo did not start: $(cat "$TRASH/lvdemo.err")"
		exit 1
	fi
	rm -f "$fifo"
	URL=${line#lvdemo listening on }
	URL=${URL%% *} # the URL, then " (at most N connections)"
	case "$URL" in http://127.0.0.1:[0-9]*) ;; *)
		echo "Bail out! unexpected start line: $line"
		exit 1
		;;
	esac
	# started inside a test's body: stopped when the body ends, however it ends
	if [ -n "${IN_TEST:-}" ]; then
		test_when_finished stop_lvdemo
	fi
}

# stop_lvdemo: SIGTERM, then wait for the process to exit. Call it in the
# shell that started lvdemo (only that shell can wait for it).
stop_lvdemo() {
	if [ -n "$LVDEMO_PID" ]; then
		kill -TERM "$LVDEMO_PID" 2>/dev/null
		wait "$LVDEMO_PID" 2>/dev/null
		LVDEMO_STATUS=$?
		# kept in a file: test bodies run in subshells
		[ "$LVDEMO_STATUS" -eq 0 ] || echo "$LVDEMO_STATUS" >>"$TRASH/lvdemo-exits"
		LVDEMO_PID=
	fi
	return 0
}

# start_own_lvdemo NAME ARGS...: an lvdemo of the test's own (another than
# start_lvdemo's) on a free port with ARGS (--db and --trace among them), its
# output in NAME.out and NAME.err of the trash; waits until it listens (or has
# exited) and sets OWN_PID and OWN_URL; fails when it does not listen. The
# caller stops it (test_when_finished "kill $OWN_PID; wait $OWN_PID").
start_own_lvdemo() {
	local name=$1 i
	shift
	: >"$TRASH/$name.out"
	"$LVDEMO" --port 0 --bcrypt-cost 4 "$@" >"$TRASH/$name.out" 2>"$TRASH/$name.err" &
	OWN_PID=$!
	[ -p "$TRASH/own.tick" ] || mkfifo "$TRASH/own.tick"
	for i in $(seq 200); do
		grep -q "listening" "$TRASH/$name.out" && break
		kill -0 $OWN_PID 2>/dev/null || break
		read -r -t 0.05 <>"$TRASH/own.tick" || :
	done
	OWN_URL=$(sed -n "s/^lvdemo listening on \([^ ]*\).*/\1/p" "$TRASH/$name.out")
	test -n "$OWN_URL"
}

# start_live ARGS...: lvtrace live in the background, its output in live.out and
# live.err of the trash; stopped (SIGTERM, its status in LIVE_STATUS) when the
# test's body ends, or by stop_live
LIVE_PID=
start_live() {
	"$LVTRACE" live "$@" >"$TRASH/live.out" 2>"$TRASH/live.err" &
	LIVE_PID=$!
	test_when_finished stop_live
}
stop_live() {
	if [ -n "$LIVE_PID" ]; then
		kill -TERM "$LIVE_PID" 2>/dev/null
		wait "$LIVE_PID" 2>/dev/null
		LIVE_STATUS=$?
		LIVE_PID=
	fi
	return 0
}

# ---------------------------------------------------------------- HTTP

# http METHOD PATH [curl args...]: one request with the cookie jar, no
# redirects followed. Sets STATUS and LOCATION; the body is in $TRASH/body,
# the headers in $TRASH/headers. With NOJAR=1 the jar is left alone (give
# cookies with -b).
http() {
	local method=$1 path=$2 jar=()
	shift 2
	[ -n "${NOJAR:-}" ] || jar=(-b "$JAR" -c "$JAR")
	STATUS=$(curl -sS -X "$method" "${jar[@]}" -o "$TRASH/body" -D "$TRASH/headers" \
		-w '%{http_code}' "$@" "$URL$path") || return 1
	LOCATION=$(sed -n 's/^[Ll]ocation: *\(.*\)\r$/\1/p' "$TRASH/headers")
	return 0
}

# The masked CSRF token of the last page (its meta tag).
csrf_token() {
	sed -n 's/.*<meta name="csrf-token" content="\([^"]*\)".*/\1/p' "$TRASH/body"
}

# post_form PATH FIELD=VALUE...: GET nothing, POST the fields urlencoded with
# the CSRF token of the last page.
post_form() {
	local path=$1 token
	shift
	token=$(csrf_token)
	local args=(--data-urlencode "_csrf_token=$token")
	local f
	for f in "$@"; do
		args+=(--data-urlencode "$f")
	done
	http POST "$path" "${args[@]}"
}

# register EMAIL PASSWORD: a fresh form, then the POST.
register() {
	http GET /users/register && post_form /users/register "user[email]=$1" "user[password]=$2"
}

# log_in EMAIL PASSWORD [remember]
log_in() {
	local extra=()
	[ "${3:-}" = remember ] && extra=("user[remember_me]=true")
	http GET /users/log_in && post_form /users/log_in "user[email]=$1" "user[password]=$2" "${extra[@]}"
}

# log_out: the browser's way, a POST with _method=delete from a page's form.
log_out() {
	http GET / && post_form /users/log_out "_method=delete"
}

# ---------------------------------------------------------------- trace

# remember_tokens: add the session tokens the database holds now (hex) to
# ./tokens, so that a later check knows the ones logged out since
remember_tokens() {
	sqlite3 "$TRASH/lvdemo.db" "SELECT hex(token) FROM users_tokens" >>"$TRASH/tokens"
}

# no_token_in FILE: none of the remembered tokens is in FILE, in hex (either
# case), base64 or base64url (with or without padding)
no_token_in() {
	local hex b64
	[ -s "$TRASH/tokens" ] || { echo "no_token_in: no token remembered" >&2; return 1; }
	for hex in $(sort -u "$TRASH/tokens"); do
		b64=$(printf "%b" "$(printf %s "$hex" | sed 's/../\\x&/g')" | base64 -w0)
		for form in "$hex" "$(printf %s "$hex" | tr A-F a-f)" "$b64" "${b64%%=*}" \
			"$(printf %s "$b64" | tr '+/' '-_')" "$(printf %s "${b64%%=*}" | tr '+/' '-_')"; do
			if grep -qF -- "$form" "$1"; then
				echo "no_token_in: a token ($form) is in $1:" >&2
				grep -nF -- "$form" "$1" | head -n 3 >&2
				return 1
			fi
		done
	done
}

# trace_mark: remember where the trace ends now; trace_since prints what
# came after, one JSON object per line.
trace_mark() {
	MARK=$(wc -l <"$TRACE")
}
trace_since() {
	tail -n +"$((MARK + 1))" "$TRACE"
}

# The repo.query lines since the mark, as "phase<TAB>sql".
queries_since() {
	trace_since | jq -r 'select(.event == "repo.query") | "\(.phase)\t\(.sql)"'
}

# wait_until SECONDS CMD...: run CMD every 50 ms until it succeeds; 1 when it
# has not after SECONDS
wait_until() {
	local i limit=$(( $1 * 20 ))
	shift
	[ -p "$TRASH/tick" ] || mkfifo "$TRASH/tick"
	for ((i = 0; i < limit; i++)); do
		"$@" && return 0
		read -r -t 0.05 <>"$TRASH/tick" || :
	done
	return 1
}

# wait_for_line FILE PATTERN [SECONDS]: until FILE has a line matching PATTERN (grep -E)
wait_for_line() {
	wait_until "${3:-10}" grep -qE -- "$2" "$1" 2>/dev/null && return 0
	echo "$1 never had a line like /$2/; it has:" >&2
	tail -n 20 "$1" >&2
	return 1
}

# ---------------------------------------------------------------- lvc_drive

# tests/tools/lvc_drive: the client library (tracer/lv_client.h) from the
# shell; BUILD_DIR (set by make test) says which build it belongs to.
BUILD_DIR=${BUILD_DIR:-build/release}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR=$TEST_ROOT/$BUILD_DIR ;; esac
DRIVE=$BUILD_DIR/tests/tools/lvc_drive
FAKE=$BUILD_DIR/tests/tools/lvc_fake_server

# drive ARGS...: lvc_drive with the jar and body in the trash, output in
# ./out, errors in ./err. A sanitizer report exits 99, never 1 or 2.
drive() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=99 \
		timeout 30 "$DRIVE" --jar "$TRASH/jar" --body "$TRASH/body" "$@" >"$TRASH/out" 2>"$TRASH/err"
}

# drive_fails ARGS...: lvc_drive must report a failure (status 1, a message).
drive_fails() {
	drive "$@"
	local status=$?
	if [ "$status" -ne 1 ] || [ ! -s "$TRASH/err" ]; then
		echo "drive_fails: '$*' exited $status" >&2
		cat "$TRASH/out" "$TRASH/err" >&2
		return 1
	fi
}

# request METHOD PATH [FORM]: sets STATUS and LOCATION ("-" when none).
request() {
	drive "$URL" request "$@" || { cat "$TRASH/err" >&2; return 1; }
	STATUS=$(sed -n 's/^status //p' "$TRASH/out")
	LOCATION=$(sed -n 's/^location //p' "$TRASH/out")
}

# form NAME=VALUE...: the urlencoded body, with the last page's CSRF token.
form() {
	local token
	token=$("$DRIVE" "$URL" csrf "$TRASH/body") || return 1
	"$DRIVE" "$URL" form "_csrf_token=$token" "$@"
}

# ---------------------------------------------------------------- LiveView pages

# attr NAME [N]: the N-th (default 1st) value of data-phx-NAME in ./body
attr() {
	grep -o "data-phx-$1=\"[^\"]*\"" "$TRASH/body" | sed -n "${2:-1}p" | sed 's/^[^"]*"//; s/"$//'
}
# root_id: the id of the main container in ./body
root_id() {
	grep -o '<div id="[^"]*" data-phx-main' "$TRASH/body" | sed 's/<div id="//; s/".*//'
}
# join_payload URL SESSION STATIC: a root join's payload
join_payload() {
	jq -cn --arg url "$1" --arg s "$2" --arg st "$3" --arg t "$TOKEN" \
		'{url: $url, params: {_csrf_token: $t, _mounts: 0}, session: $s, static: (if $st == "" then null else $st end)}'
}
# page PATH: GET it; sets TOKEN, ID, SESSION, STATIC, SOCKET
page() {
	request GET "$1" && test "$STATUS" = 200 || return 1
	TOKEN=$("$DRIVE" "$URL" csrf "$TRASH/body") && ID=$(root_id) &&
	SESSION=$(attr session) && STATIC=$(attr static) &&
	SOCKET="/live/websocket?vsn=2.0.0&_csrf_token=$TOKEN"
}
# reply_of N: the N-th "reply" line of ./out
reply_of() {
	grep "^reply " "$TRASH/out" | sed -n "${1}p"
}
