#!/usr/bin/env bash
# Bad requests get a clear HTTP status, never a crash, a hang or half-written data.
. "$(dirname "$0")/lib.sh"
start_lvdemo

PASSWORD="correct horse battery"

# raw_request TEXT: send TEXT as is over TCP, print the status line's code.
raw_request() {
	local hostport=${URL#http://}
	exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}" || return 1
	printf "%b" "$1" >&3
	local line
	read -r -t 5 line <&3 || { exec 3<&-; return 1; }
	cat <&3 >raw-rest &
	local reader=$!
	exec 3<&-
	wait $reader 2>/dev/null
	echo "$line" | cut -d" " -f2
}

users_count() {
	sqlite3 "$TRASH/lvdemo.db" "SELECT count(*) FROM users"
}

test_expect_success 'a body over 64 KiB gets 413 with Connection: close' '
	http GET /users/register && token=$(csrf_token) &&
	head -c 70000 /dev/zero | tr "\0" "a" >big &&
	http POST /users/register --data-binary @big -H "Content-Type: application/x-www-form-urlencoded" &&
	test "$STATUS" = 413 &&
	grep -qi "^connection: close" headers
'

test_expect_success 'a body of exactly 64 KiB is read (the CSRF check answers), one byte more is not' '
	http GET /users/register &&
	head -c 65536 /dev/zero | tr "\0" "a" >exact &&
	http POST /users/register --data-binary @exact -H "Content-Type: application/x-www-form-urlencoded" &&
	test "$STATUS" = 403 &&
	{ cat exact; printf a; } >over &&
	http POST /users/register --data-binary @over -H "Content-Type: application/x-www-form-urlencoded" &&
	test "$STATUS" = 413
'

test_expect_success 'a malformed Content-Length gets 400, not 411' '
	code=$(raw_request "POST /users/log_in HTTP/1.1\r\nHost: x\r\nContent-Length: 12x\r\nConnection: close\r\n\r\n") &&
	test "$code" = 400
'

test_expect_success '413 is decided from Content-Length, before the body is read' '
	code=$(raw_request "POST /users/log_in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 99999999\r\n\r\nuser") &&
	test "$code" = 413
'

test_expect_success 'a POST without Content-Length gets 411' '
	code=$(raw_request "POST /users/log_in HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") &&
	test "$code" = 411
'

test_expect_success 'malformed percent escapes get 400 and write nothing' '
	before=$(users_count) &&
	http GET /users/register && token=$(csrf_token) &&
	http POST /users/register --data-raw "_csrf_token=$token&user%5Bemail%5D=x%zz@y.z&user%5Bpassword%5D=$PASSWORD" &&
	test "$STATUS" = 400 &&
	http POST /users/register --data-raw "_csrf_token=$token&user[email]=a@b.c&user[password]=abc%4" &&
	test "$STATUS" = 400 &&
	test "$(users_count)" = "$before"
'

test_expect_success 'invalid UTF-8 gets 400 and writes nothing' '
	before=$(users_count) &&
	http GET /users/register && token=$(csrf_token) &&
	http POST /users/register --data-raw "_csrf_token=$token&user[email]=a%FF@b.c&user[password]=correct+horse+battery" &&
	test "$STATUS" = 400 &&
	http POST /users/register --data-raw "_csrf_token=$token&user[email]=a%C0%AF@b.c&user[password]=correct+horse+battery" &&
	test "$STATUS" = 400 &&
	http GET "/users/log_in?x=%FF" && test "$STATUS" = 400 &&
	test "$(users_count)" = "$before"
'

test_expect_success 'a query argument over 2 KiB gets 414; a long URL is not kept as user_return_to' '
	long=$(printf "x%.0s" $(seq 3000)) &&
	http GET "/assign/mission?clue=$long" && test "$STATUS" = 414 &&
	rm -f "$JAR" &&
	mid=$(printf "y%.0s" $(seq 1500)) &&
	http GET "/assign/mission?a=$mid&b=$mid" && test "$STATUS" = 302 &&
	http GET /users/log_in && test "$STATUS" = 200
'

test_expect_success 'a body that is not a urlencoded form gets 415' '
	http GET /users/register && token=$(csrf_token) &&
	http POST /users/register -H "Content-Type: application/json" --data-raw "{\"user\":1}" &&
	test "$STATUS" = 415
'

test_expect_success 'unknown paths get 404, with the path escaped' '
	http GET /no/such/page && test "$STATUS" = 404 &&
	grep -q "/no/such/page" body &&
	http GET "/<script>" && test "$STATUS" = 404 && ! grep -q "<script>" body
'

test_expect_success 'a method the server does not speak is refused (libwebsockets closes)' '
	code=$(raw_request "BREW / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") || code=closed &&
	test "$code" != 200 &&
	http OPTIONS / && test "$STATUS" = 405
'

test_expect_success 'a request cut off mid-body is dropped: endpoint.stop aborted, nothing written' '
	before=$(users_count) &&
	http GET /users/register && token=$(csrf_token) && trace_mark &&
	hostport=${URL#http://} &&
	exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}" &&
	printf "POST /users/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\n_csrf_token=$token&user" >&3 &&
	exec 3>&- &&
	http GET / && test "$STATUS" = 200 &&
	trace_since | jq -e -s "any(.event == \"endpoint.stop\" and .aborted == true)" >/dev/null &&
	test "$(users_count)" = "$before"
'

# a guest's cookie and the CSRF token of its log-in page
guest() {
	rm -f "$JAR" && http GET /users/log_in && TOKEN=$(csrf_token) &&
	COOKIE=$(awk "\$6 == \"_lvdemo_key\" {print \$7}" "$JAR") && test -n "$COOKIE"
}

test_expect_success 'bytes after a body do not dispatch the request again (one action, one answer)' '
	register second@example.com "$PASSWORD" && guest && trace_mark &&
	body="_csrf_token=$TOKEN&user%5Bemail%5D=second%40example.com&user%5Bpassword%5D=correct+horse+battery" &&
	code=$(raw_request "POST /users/log_in HTTP/1.1\r\nHost: x\r\nCookie: _lvdemo_key=$COOKIE\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${#body}\r\nConnection: close\r\n\r\n$body\r\n") &&
	test "$code" = 302 &&
	test "$(trace_since | jq -s "map(select(.event == \"controller.start\")) | length")" = 1 &&
	http GET / && test "$STATUS" = 200
'

test_expect_success 'a POST with Content-Length 0 is one request, not two' '
	guest && trace_mark &&
	http POST /users/log_in -H "Content-Length: 0" -H "x-csrf-token: $TOKEN" -b "_lvdemo_key=$COOKIE" &&
	test "$STATUS" = 200 && grep -q "Invalid email or password" body &&
	test "$(trace_since | jq -s "map(select(.event == \"controller.start\")) | length")" = 1
'

test_expect_success 'form fields come from the body only: a CSRF token or _method in the URL is ignored' '
	guest &&
	http POST "/users/log_in?_csrf_token=$TOKEN&user%5Bemail%5D=second@example.com&user%5Bpassword%5D=x" \
		-H "Content-Length: 0" -b "_lvdemo_key=$COOKIE" &&
	test "$STATUS" = 403 &&
	http POST "/users/log_in?_method=delete" --data-urlencode "_csrf_token=$TOKEN" \
		--data-urlencode "user[email]=second@example.com" --data-urlencode "user[password]=wrong one" &&
	test "$STATUS" = 200 && grep -q "Invalid email or password" body
'

test_expect_success 'a chunked body is refused with 411, and what follows it is not read as a request' '
	trace_mark &&
	code=$(raw_request "DELETE /users/log_out HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1e\r\nGET /smuggled HTTP/1.1\r\nX: y\r\n\r\n0\r\n\r\n") &&
	{ test "$code" = 411 || { echo "code=$code"; false; }; } &&
	{ ! grep -q "HTTP/1.1" raw-rest || { cat raw-rest; false; }; } &&
	! trace_since | grep -q smuggled
'

test_expect_success 'a request line or headers over 8 KB are answered 414 / 431 and closed, not just dropped' '
	big=$(head -c 9000 /dev/zero | tr "\\0" a) &&
	NOJAR=1 http GET "/$big" && test "$STATUS" = 414 && grep -qi "^connection: close" headers &&
	NOJAR=1 http GET / -H "Cookie: $big" && test "$STATUS" = 431 && grep -qi "^connection: close" headers &&
	grep -q "Request Header Fields Too Large" body &&
	# within the limit: served
	small=$(head -c 6000 /dev/zero | tr "\\0" a) &&
	NOJAR=1 http GET / -H "Cookie: x=$small" && test "$STATUS" = 200
'

test_expect_success 'every refusal is in the trace: an endpoint.stop with its status for each, spans nested' '
	for code in 400 411 413 414 415 431; do
		jq -e -s "any(.event == \"endpoint.stop\" and .status == $code)" "$TRACE" >/dev/null ||
			{ echo "no endpoint.stop with status $code"; return 1; }
	done &&
	jq -s -e -f "$TEST_ROOT/tests/integration/lib/spans_nest.jq" "$TRACE" >/dev/null
'

test_expect_success 'after all that the server still answers' '
	http GET / && test "$STATUS" = 200 &&
	register survivor@example.com "$PASSWORD" && test "$STATUS" = 302
'

# slow_request URL TEXT DRIP: open a connection, send TEXT, then DRIP every
# 0.2 s (a client that keeps the connection busy but never finishes); print
# the first line of the answer ("" when it closed without one), in at most 5 s
slow_request() {
	local hostport=${1#http://} line=
	exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}" || return 1
	printf "%b" "$2" >&3
	{ for i in $(seq 25); do printf "%b" "$3" >&3 2>/dev/null || break; read -r -t 0.2 <>drip.tick || :; done & } 2>/dev/null
	local dripper=$!
	read -r -t 5 line <&3
	cat <&3 >slow-rest
	kill $dripper 2>/dev/null; wait $dripper 2>/dev/null
	exec 3<&-
	printf "%s\n" "${line%$'\r'}"
}

test_expect_success 'a request that arrives too slowly gets 408 and is closed, body or headers' '
	{ [ -p drip.tick ] || mkfifo drip.tick; } &&
	start_own_lvdemo slow --db slow.db --trace slow.jsonl --request-timeout 1 &&
	test_when_finished "kill $OWN_PID; wait $OWN_PID" &&
	# a body a byte at a time: each byte used to renew the connection (the 30 s timeout of lws)
	line=$(slow_request "$OWN_URL" "POST /users/log_in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 65536\r\n\r\nuser" a) &&
	test "$line" = "HTTP/1.1 408 Request Timeout" && grep -qi "^connection: close" slow-rest &&
	grep -q "did not arrive whole within 1 s" slow-rest &&
	jq -e -s "any(.event == \"endpoint.stop\" and .status == 408 and .path == \"/users/log_in\")" slow.jsonl >/dev/null &&
	# headers a line at a time
	line=$(slow_request "$OWN_URL" "GET /users/log_in HTTP/1.1\r\nHost: x\r\n" "X-Slow: 1\r\n") &&
	case "$line" in "HTTP/1."[01]" 408 Request Timeout") ;; *) echo "got: $line"; false;; esac &&
	grep -qi "^connection: close" slow-rest &&
	# nothing of a request: closed without an answer, as Cowboy does
	line=$(slow_request "$OWN_URL" "" "") && test -z "$line" && ! test -s slow-rest &&
	# a kept-alive connection: the second request has a deadline of its own
	line=$(slow_request "$OWN_URL" "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /users/log_in HTTP/1.1\r\n" "X-Slow: 1\r\n") &&
	test "$line" = "HTTP/1.1 200 OK" && grep -q "^HTTP/1.[01] 408 Request Timeout" slow-rest &&
	# and the server still answers at once
	test "$(curl -s -o /dev/null -w "%{http_code}" --max-time 5 "$OWN_URL/")" = 200
'

test_expect_success 'WebSockets outlive the request deadline: LiveView socket and trace feed' '
	start_own_lvdemo ws --db ws.db --trace ws.jsonl --request-timeout 1 &&
	test_when_finished "kill $OWN_PID; wait $OWN_PID" &&
	drive "$OWN_URL" request GET /users/log_in && token=$("$DRIVE" "$OWN_URL" csrf body) &&
	drive "$OWN_URL" ws "/live/websocket?vsn=2.0.0&_csrf_token=$token" await-close 2500 heartbeat close &&
	printf "%s\n" open "still open" "reply ok {}" "closed by us" >expected && test_cmp expected out &&
	drive "$OWN_URL" feed /trace lvtrace.v1 await-close 2500 close &&
	grep -qx "still open" out
'

test_expect_success 'out of descriptors: no busy loop of accept errors; it serves again when connections go' '
	{ ( ulimit -n 40 && exec "$LVDEMO" --port 0 --db fd.db --trace fd.jsonl --bcrypt-cost 4 ) >fd.out 2>fd.err & } &&
	pid=$! && test_when_finished "kill $pid 2>/dev/null; wait $pid 2>/dev/null" &&
	{ [ -p tick ] || mkfifo tick; } &&
	wait_until 10 grep -q listening fd.out &&
	url=$(sed -n "s/^lvdemo listening on \([^ ]*\).*/\1/p" fd.out) && hostport=${url#http://} &&
	# more idle connections than it has descriptors, held open a while
	opened=0 &&
	for i in $(seq 60); do
		exec {fd}<>"/dev/tcp/${hostport%:*}/${hostport#*:}" && opened=$((opened + 1)) && eval "idle_$i=$fd"
	done &&
	# past the cap and its room a connection is closed as it is accepted, not left queued
	eval "last=\$idle_60" && { read -r -t 5 line <&$last; test $? = 1; } &&
	# a second for a busy loop to show itself (without the cap it logged megabytes in that time)
	read -r -t 1 <>tick; test "$(wc -c <fd.err)" -lt 4096 &&
	for i in $(seq 60); do eval "f=\${idle_$i:-}"; [ -z "$f" ] || eval "exec $f>&-"; done &&
	test "$(curl -s -o /dev/null -w "%{http_code}" --max-time 5 "$url/")" = 200 &&
	test "$(wc -c <fd.err)" -lt 4096
'

# close_idle N: close the connections idle_1 .. idle_N that are still open
close_idle() {
	local i f
	for i in $(seq "$1"); do
		eval "f=\${idle_$i:-}" && [ -n "$f" ] && eval "exec $f>&-" && eval "idle_$i="
	done
	return 0
}

test_expect_success 'at the connection cap it says so at start; more get 503 with Retry-After, said once; those connected are served' '
	{ ( ulimit -n 64 && exec "$LVDEMO" --port 0 --db cap.db --trace cap.jsonl --bcrypt-cost 4 --request-timeout 60 ) >cap.out 2>cap.err & } &&
	pid=$! && test_when_finished "kill $pid 2>/dev/null; wait $pid 2>/dev/null" &&
	{ [ -p tick ] || mkfifo tick; } &&
	wait_until 10 grep -q listening cap.out &&
	url=$(sed -n "s/^lvdemo listening on \([^ ]*\).*/\1/p" cap.out) && hostport=${url#http://} &&
	cap=$(sed -n "s/^lvdemo listening on [^ ]* (at most \([0-9]*\) connections)$/\1/p" cap.out) &&
	test "$cap" -gt 8 && test "$cap" -lt 40 &&
	# the first connection, then idle ones up to the cap
	exec {first}<>"/dev/tcp/${hostport%:*}/${hostport#*:}" &&
	for i in $(seq $((cap - 1))); do
		exec {fd}<>"/dev/tcp/${hostport%:*}/${hostport#*:}" && eval "idle_$i=$fd"
	done &&
	test_when_finished "close_idle $((cap - 1))" &&
	# one more: 503, told when to try again, closed
	curl -sS -D h503 -o b503 --max-time 5 "$url/" && grep -q "^HTTP/1.1 503" h503 &&
	grep -qi "^retry-after: 1" h503 && grep -qi "^connection: close" h503 &&
	grep -q "serves as many connections as it can" b503 &&
	# and more: the same, a WebSocket too, and stderr said it once
	curl -s -o /dev/null -o /dev/null -w "%{http_code}\n" --max-time 5 "$url/" "$url/users/log_in" >codes &&
	printf "503\n503\n" >expected && test_cmp expected codes &&
	drive_fails "$url" feed /trace lvtrace.v1 close && grep -q 503 err &&
	test "$(grep -c "refusing more with 503" cap.err)" = 1 && test "$(wc -l <cap.err)" = 1 &&
	# the connection made before the cap is served
	printf "GET /users/log_in HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" >&$first &&
	read -r -t 5 line <&$first && exec {first}>&- &&
	test "${line%$'"'"'\r'"'"'}" = "HTTP/1.1 200 OK" &&
	# the idle ones gone, new connections are served again
	close_idle $((cap - 1)) &&
	for i in $(seq 100); do
		code=$(curl -s -o /dev/null -w "%{http_code}" --max-time 5 "$url/") && [ "$code" = 200 ] && break
		read -r -t 0.05 <>tick || :
	done && test "$code" = 200 &&
	jq -e -s "[.[] | select(.event == \"endpoint.stop\" and .status == 503)] | length == 3" cap.jsonl >/dev/null
'

# faults of the storage: mounts, when this machine lets the test make them
if mkdir -p "$TRASH/probe" && mount -t tmpfs -o size=64k tmpfs "$TRASH/probe" 2>/dev/null; then
	umount "$TRASH/probe"
test_expect_success 'a database that cannot be written is refused at start, with the reason' '
	mkdir -p rw ro && start_own_lvdemo own --db rw/x.db --trace own.jsonl && kill $OWN_PID && wait $OWN_PID &&
	mount --bind rw ro && test_when_finished "umount \"$TRASH/ro\"" &&
	mount -o remount,ro,bind ro &&
	test_expect_code 1 "$LVDEMO" --port 0 --db ro/x.db --trace ro.jsonl --bcrypt-cost 4 >out 2>err &&
	grep -q "the database .ro/x.db. cannot be written" err && ! grep -q listening out
'

test_expect_success 'a full disk under the database: 503 with Retry-After, said once; served again when there is room' '
	mkdir -p small && mount -t tmpfs -o size=512k tmpfs small && test_when_finished "umount \"$TRASH/small\"" &&
	start_own_lvdemo own --db small/y.db --trace own.jsonl &&
	test_when_finished "kill $OWN_PID 2>/dev/null; wait $OWN_PID 2>/dev/null" && URL=$OWN_URL &&
	JAR=$TRASH/full.jar && register before@example.com "$PASSWORD" && test "$STATUS" = 302 &&
	{ head -c 1048576 /dev/zero >small/filler 2>/dev/null || :; } &&
	rm -f "$JAR" && register during@example.com "$PASSWORD" && test "$STATUS" = 503 &&
	grep -qi "^retry-after: 30" headers && grep -q "the database cannot be written" body &&
	rm -f "$JAR" && register during2@example.com "$PASSWORD" && test "$STATUS" = 503 &&
	test "$(grep -c "the database cannot be written" own.err)" = 1 &&
	rm small/filler &&
	rm -f "$JAR" && register after@example.com "$PASSWORD" && test "$STATUS" = 302
'
else
	test_count=$((test_count + 2))
	echo "ok $((test_count - 1)) # skip a read-only database: this machine does not let the test mount"
	echo "ok $test_count # skip a full disk under the database: this machine does not let the test mount"
fi

test_done
