#!/usr/bin/env bash
# The trace: format, and the exact queries (count, phase, SQL) of each request.
. "$(dirname "$0")/lib.sh"
start_lvdemo

PASSWORD="correct horse battery"
TOKEN_SQL="SELECT u.id, u.email, u.hashed_password, u.inserted_at FROM users_tokens AS t JOIN users AS u ON u.id = t.user_id WHERE t.token = ?1 AND t.context = 'session' AND t.inserted_at > datetime('now', '-60 days')"

# expect_queries: compare queries_since with the lines given (phase<TAB>sql).
expect_queries() {
	printf "%s\n" "$@" | sed "/^$/d" >expected
	queries_since >actual
	test_cmp expected actual
}

test_expect_success 'the first line is trace.start with format, version, app and url' '
	head -n 1 "$TRACE" | jq -e --arg url "$URL" "
		.seq == 1 and .event == \"trace.start\" and .format == \"lvtrace\" and .version == 1
		and (.app | startswith(\"lvdemo \")) and .url == \$url and .conn == \"app\"" >/dev/null
'

test_expect_success 'start-up statements are traced in phase "startup"' '
	jq -r "select(.event == \"repo.query\") | .phase" "$TRACE" | sort -u >phases &&
	test "$(cat phases)" = startup &&
	grep -q "PRAGMA journal_mode = WAL" "$TRACE" &&
	grep -q "CREATE TABLE IF NOT EXISTS users_tokens" "$TRACE"
'

test_expect_success 'a guest page costs no query and names its plugs' '
	trace_mark && rm -f "$JAR" &&
	http GET /users/log_in && test "$STATUS" = 200 &&
	expect_queries "" &&
	trace_since | jq -r "select(.event == \"plug.start\") | .plug" >actual &&
	printf "%s\n" fetch_session fetch_live_flash protect_from_forgery put_secure_browser_headers \
		fetch_current_user redirect_if_user_is_authenticated >expected &&
	test_cmp expected actual
'

test_expect_success 'registration: uniqueness SELECT, INSERT user, INSERT token, in the controller' '
	trace_mark &&
	register agent@example.com "$PASSWORD" && test "$STATUS" = 302 &&
	expect_queries \
		"controller:UserRegistration.create	SELECT 1 FROM users AS u WHERE u.email = ?1 LIMIT 1" \
		"controller:UserRegistration.create	INSERT INTO users (email, hashed_password, inserted_at, updated_at) VALUES (?1, ?2, datetime('"'"'now'"'"'), datetime('"'"'now'"'"'))" \
		"controller:UserRegistration.create	INSERT INTO users_tokens (user_id, token, context, inserted_at) VALUES (?1, ?2, '"'"'session'"'"', datetime('"'"'now'"'"'))"
'

test_expect_success 'an invalid registration with a valid email: only the uniqueness SELECT' '
	rm -f "$JAR" && http GET /users/register && trace_mark &&
	post_form /users/register "user[email]=new@example.com" "user[password]=short" &&
	test "$STATUS" = 200 &&
	expect_queries "controller:UserRegistration.create	SELECT 1 FROM users AS u WHERE u.email = ?1 LIMIT 1"
'

test_expect_success 'an invalid email: no query at all' '
	rm -f "$JAR" && http GET /users/register && trace_mark &&
	post_form /users/register "user[email]=nope" "user[password]=$PASSWORD" &&
	test "$STATUS" = 200 && expect_queries ""
'

test_expect_success 'a protected page with a session token: ONE query, in plug:fetch_current_user' '
	rm -f "$JAR" && log_in agent@example.com "$PASSWORD" && trace_mark &&
	http GET /assign_new/mission && test "$STATUS" = 200 &&
	expect_queries "plug:fetch_current_user	$TOKEN_SQL" &&
	trace_since | jq -e -s "map(select(.event == \"repo.query\"))[0] |
		.source == \"users_tokens\" and .params == [\"<32 bytes>\"] and .rows == 1
		and (.caller | test(\"^accounts.c:[0-9]+ accounts_get_user_by_session_token$\"))
		and (.total_us | type == \"number\")" >/dev/null &&
	uid=$(sqlite3 "$TRASH/lvdemo.db" "SELECT id FROM users WHERE email = '"'"'agent@example.com'"'"'") &&
	trace_since | jq -e -s "any(.event == \"conn.assign\" and .key == \"current_user\" and .user_id == $uid)" >/dev/null
'

test_expect_success 'every event of a variant route carries the variant' '
	trace_mark && http GET /on_mount/mission && test "$STATUS" = 200 &&
	trace_since | jq -e -s "length > 5 and all(.variant == \"on_mount\")" >/dev/null
'

test_expect_success 'a logged-out protected GET: no query, 302 to log in, redirect event' '
	rm -f "$JAR" && trace_mark &&
	http GET /assign_new/mission && test "$STATUS" = 302 &&
	expect_queries "" &&
	trace_since | jq -e -s "any(.event == \"redirect\" and .to == \"/users/log_in\")
		and any(.event == \"endpoint.stop\" and .status == 302)" >/dev/null
'

test_expect_success 'log in: SELECT by email, INSERT token' '
	rm -f "$JAR" && http GET /users/log_in && trace_mark &&
	post_form /users/log_in "user[email]=agent@example.com" "user[password]=$PASSWORD" &&
	test "$STATUS" = 302 &&
	expect_queries \
		"controller:UserSession.create	SELECT u.id, u.email, u.hashed_password, u.inserted_at FROM users AS u WHERE u.email = ?1" \
		"controller:UserSession.create	INSERT INTO users_tokens (user_id, token, context, inserted_at) VALUES (?1, ?2, '"'"'session'"'"', datetime('"'"'now'"'"'))"
'

test_expect_success 'log in with remember me: the same two queries, one token for session and cookie' '
	rm -f "$JAR" && http GET /users/log_in && trace_mark &&
	post_form /users/log_in "user[email]=agent@example.com" "user[password]=$PASSWORD" "user[remember_me]=true" &&
	test "$STATUS" = 302 &&
	expect_queries \
		"controller:UserSession.create	SELECT u.id, u.email, u.hashed_password, u.inserted_at FROM users AS u WHERE u.email = ?1" \
		"controller:UserSession.create	INSERT INTO users_tokens (user_id, token, context, inserted_at) VALUES (?1, ?2, '"'"'session'"'"', datetime('"'"'now'"'"'))"
'

test_expect_success 'a failed log in: the SELECT only' '
	rm -f "$JAR" && http GET /users/log_in && trace_mark &&
	post_form /users/log_in "user[email]=agent@example.com" "user[password]=wrong password" &&
	test "$STATUS" = 200 &&
	expect_queries "controller:UserSession.create	SELECT u.id, u.email, u.hashed_password, u.inserted_at FROM users AS u WHERE u.email = ?1"
'

test_expect_success 'log out: the plug SELECT, then DELETE of the token' '
	rm -f "$JAR" && log_in agent@example.com "$PASSWORD" && http GET / && trace_mark &&
	remember_tokens &&
	post_form /users/log_out "_method=delete" && test "$STATUS" = 302 &&
	expect_queries \
		"plug:fetch_current_user	$TOKEN_SQL" \
		"controller:UserSession.delete	DELETE FROM users_tokens WHERE token = ?1 AND context = '"'"'session'"'"'"
'

test_expect_success 'remember me without a session token: one plug query' '
	rm -f "$JAR" && log_in agent@example.com "$PASSWORD" remember &&
	grep -v "_lvdemo_key" "$JAR" >jar2 && mv jar2 "$JAR" && trace_mark &&
	http GET /assign_new/mission && test "$STATUS" = 200 &&
	expect_queries "plug:fetch_current_user	$TOKEN_SQL"
'

test_expect_success 'no route: 404 before any plug, no query, the session untouched' '
	rm -f "$JAR" && log_in agent@example.com "$PASSWORD" && trace_mark &&
	http GET /favicon.ico && test "$STATUS" = 404 &&
	expect_queries "" &&
	! trace_since | jq -e -s "any(.event == \"plug.start\")" >/dev/null &&
	! grep -qi "^set-cookie" headers &&
	http GET /assign_new/mission && test "$STATUS" = 200
'

test_expect_success 'each request is one conn, opened by endpoint.start, closed by endpoint.stop' '
	trace_mark && http GET / && http GET /users/log_in &&
	trace_since | jq -r "select(.event | startswith(\"endpoint.\")) | \"\(.conn) \(.event)\"" >actual &&
	test "$(wc -l <actual)" = 4 &&
	a=$(sed -n 1p actual | cut -d" " -f1) && b=$(sed -n 3p actual | cut -d" " -f1) &&
	test "$a" != "$b" &&
	printf "%s\n" "$a endpoint.start" "$a endpoint.stop" "$b endpoint.start" "$b endpoint.stop" >expected &&
	test_cmp expected actual
'

test_expect_success 'spans nest: per conn, each stop closes the innermost start, phases compose' '
	jq -s -e -f "$TEST_ROOT/tests/integration/lib/spans_nest.jq" "$TRACE" >/dev/null &&
	# the check itself: a stop out of place is caught
	awk "/\"event\":\"plug.stop\"/ && !done { held = \$0; done = 1; next } { print } END { print held }" \
		"$TRACE" >swapped.jsonl &&
	test_must_fail jq -s -e -f "$TEST_ROOT/tests/integration/lib/spans_nest.jq" swapped.jsonl >/dev/null
'

test_expect_success 'no line ever shows a token: blobs appear as <N bytes>' '
	jq -r "select(.event == \"repo.query\") | .params[] | strings" "$TRACE" | grep "^<" | sort -u >actual &&
	printf "%s\n" "<32 bytes>" "<64 bytes>" >expected &&
	test_cmp expected actual &&
	# and no token at all, in any encoding, anywhere in the trace (those
	# logged out included)
	remember_tokens &&
	test "$(sort -u tokens | wc -l)" -ge 2 &&
	no_token_in "$TRACE" &&
	# nor inside a signed value (base64url JSON before a dot), should one ever be written
	jq -r "..|strings" "$TRACE" | grep -oE "^[A-Za-z0-9_-]{16,}={0,2}\." | tr -d ".=" | tr "_-" "/+" |
		while read -r v; do printf "%s%s" "$v" "$(head -c $(( (4 - ${#v} % 4) % 4 )) /dev/zero | tr "\0" =)" |
			base64 -d 2>/dev/null; echo; done >decoded &&
	no_token_in decoded &&
	jq -s -e "map(select(.event == \"broadcast\")) | length > 0 and all(.topic == \"users_sessions:<token>\")" "$TRACE" >/dev/null
'

test_expect_success 'a request'"'"'s lines are in the file when its answer arrives (written a callback at a time)' '
	trace_mark &&
	for i in 1 2 3 4 5; do
		http GET /users/log_in &&
		test "$(trace_since | jq -s "map(select(.event == \"endpoint.stop\")) | length")" = "$i" || return 1
	done
'

test_expect_success '--no-trace: no file at all; the page still counts; the live feed still has lines' '
	# lvdemo started in a directory of its own, to see that it writes no file there
	mkdir nt && cd nt && start_own_lvdemo nt --db nt.db --no-trace && cd "$TRASH" &&
	test_when_finished "kill $OWN_PID; wait $OWN_PID" &&
	URL=$OWN_URL JAR=$TRASH/nt.jar &&
	register nt@example.com "correct horse battery" && test "$STATUS" = 302 &&
	http GET /assign/mission && test "$STATUS" = 200 &&
	grep -q "<tr id=\"lvpanel-plug\">[^/]*</th><td class=\"n\">1<" body &&
	grep -q "<tr id=\"lvpanel-dead\">[^/]*</th><td class=\"n\">1<" body &&
	test "$(ls nt | grep -v "^nt\.\(db\|db-wal\|db-shm\)$")" = "" &&
	test "$(grep -c . nt.out)" = 1 && ! test -s nt.err &&
	start_live --plain "$OWN_URL" &&
	for i in $(seq 100); do
		curl -s "$OWN_URL/users/log_in" >/dev/null && grep -q "GET /users/log_in" live.out && break
	done && grep -q "GET /users/log_in" live.out
'

stop_lvdemo
test_expect_success 'after shutdown: seq strictly increases, and the query count is what SQLite ran' '
	jq -s -e "[.[].seq] == [range(1; length + 1)]" "$TRACE" >/dev/null &&
	queries=$(jq -s "map(select(.event == \"repo.query\")) | length" "$TRACE") &&
	runs=$(tail -n 1 "$TRACE" | jq -e "select(.event == \"trace.stop\") | .sqlite_runs") &&
	test "$queries" -gt 20 &&
	test "$queries" = "$runs"
'

# a full disk: a small tmpfs, when this machine lets the test mount one
if mkdir -p "$TRASH/small" && mount -t tmpfs -o size=128k tmpfs "$TRASH/small" 2>/dev/null; then
	umount "$TRASH/small"
test_expect_success 'a full disk: every line whole, said once, and a trace.gap when writing works again' '
	mount -t tmpfs -o size=128k tmpfs "$TRASH/small" &&
	test_when_finished "umount \"$TRASH/small\"" &&
	head -c 90000 /dev/zero >small/filler &&
	start_own_lvdemo full --db full.db --trace small/trace.jsonl && pid=$OWN_PID && url=$OWN_URL &&
	test_when_finished "kill $pid 2>/dev/null; wait $pid 2>/dev/null" &&
	# requests until the disk is full (lvdemo says so), each still answered
	for i in $(seq 400); do printf "url = \"%s/users/log_in\"\noutput = /dev/null\n" "$url"; done >many &&
	curl -s -K many -w "%{http_code}\n" >codes && test "$(grep -c "^200$" codes)" = 400 &&
	test "$(grep -c "events are lost until it can" full.err)" = 1 &&
	# room again: the next events are written, after the count of the lost ones
	rm small/filler &&
	curl -s -o /dev/null "$url/users/register" &&
	kill $pid && { wait $pid; test $? = 1; } &&
	jq -c . small/trace.jsonl >/dev/null &&
	# (a gap or more: a line cut back may leave room for a shorter one)
	jq -s -e "(map(select(.event == \"trace.gap\")) | length >= 1 and all(.lost > 0)) and
		([.[].seq] | . == sort) and (.[-1].event == \"trace.stop\") and
		any(.event == \"endpoint.start\" and .path == \"/users/register\")" small/trace.jsonl >/dev/null &&
	"$LVTRACE" replay --plain small/trace.jsonl >replay 2>err && grep -q "GET /users/register" replay
'
else
	test_count=$((test_count + 1))
	echo "ok $test_count # skip a full disk: this machine does not let the test mount a tmpfs"
fi

test_done
