#!/usr/bin/env bash
# The client library (tracer/lv_client.h), driven by tests/tools/lvc_drive:
# accounts against lvdemo (cookies, CSRF, redirects not followed, remember
# me), the LiveView WebSocket, clients in parallel threads, and the odd
# answers of tests/tools/lvc_fake_server (timeouts, bad responses, repeated
# Set-Cookie, fragmented and malformed WebSocket messages, close codes).
. "$(dirname "$0")/lib.sh"

for tool in "$DRIVE" "$FAKE"; do
	[ -x "$tool" ] || { echo "Bail out! $tool is not built (make test builds it)"; exit 1; }
done

FAKE_PID=
stop_fake() {
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null
	FAKE_PID=
	return 0
}
trap 'stop_fake; cleanup' EXIT

start_fake() {
	local fifo=$TRASH/fake.fifo line
	mkfifo "$fifo"
	"$FAKE" >"$fifo" 2>>"$TRASH/fake.err" &
	FAKE_PID=$!
	if ! read -r -t 10 line <"$fifo"; then
		echo "Bail out! lvc_fake_server did not start"
		exit 1
	fi
	rm -f "$fifo"
	FAKE_URL=${line#fake listening on }
}

start_lvdemo
start_fake

PASSWORD="correct horse battery"
EMAIL=client@example.com

test_expect_success 'form bodies are encoded as a browser does' '
	"$DRIVE" "$URL" form "user[email]=a+b@x.io" "p=a b&c=d" "k=é-._*~" >actual &&
	echo "user%5Bemail%5D=a%2Bb%40x.io&p=a+b%26c%3Dd&k=%C3%A9-._*%7E" >expected &&
	test_cmp expected actual
'

test_expect_success 'register: 302 to /, with the session cookie set' '
	rm -f jar &&
	request GET /users/register && test "$STATUS" = 200 &&
	grep -qx "cookie set _lvdemo_key" out &&
	request POST /users/register "$(form "user[email]=$EMAIL" "user[password]=$PASSWORD")" &&
	test "$STATUS" = 302 && test "$LOCATION" = / &&
	grep -qx "cookie set _lvdemo_key" out
'

test_expect_success 'the redirect is not followed; its target shows the user and a CSRF token' '
	test "$(wc -c <body)" -lt 200 &&
	request GET / && test "$STATUS" = 200 && test "$LOCATION" = - &&
	grep -q "$EMAIL" body && grep -q "Account created successfully!" body &&
	token=$("$DRIVE" "$URL" csrf body) &&
	test "$(printf %s "$token" | grep -c "^[A-Za-z0-9_=-]\{56\}$")" = 1 &&
	request HEAD / && test "$STATUS" = 200 && test ! -s body
'

test_expect_success 'log out (POST _method=delete) redirects to /; the protected page then says log in' '
	request GET / &&
	request POST /users/log_out "$(form _method=delete)" &&
	test "$STATUS" = 302 && test "$LOCATION" = / &&
	request GET /assign_new/mission && test "$STATUS" = 302 && test "$LOCATION" = /users/log_in
'

test_expect_success 'log in with remember me: both Set-Cookie headers of the response reach the jar' '
	request GET /users/log_in && test "$STATUS" = 200 &&
	request POST /users/log_in "$(form "user[email]=$EMAIL" "user[password]=$PASSWORD" "user[remember_me]=true")" &&
	test "$STATUS" = 302 &&
	grep -qx "cookie set _lvdemo_key" out &&
	grep -qx "cookie set _lvdemo_user_remember_me" out &&
	cut -f1 jar | sort >actual &&
	printf "%s\n" _lvdemo_key _lvdemo_user_remember_me >expected &&
	test_cmp expected actual
'

test_expect_success 'the remember-me cookie alone logs in again' '
	grep -v "^_lvdemo_key	" jar >jar2 && mv jar2 jar &&
	request GET /assign_new/mission && test "$STATUS" = 200 && grep -q "$EMAIL" body &&
	grep -qx "cookie set _lvdemo_key" out
'

test_expect_success 'the protected page: 200, then 302 after log out, which deletes remember me' '
	request GET /assign_new/mission && test "$STATUS" = 200 &&
	request GET / &&
	request POST /users/log_out "$(form _method=delete)" && test "$STATUS" = 302 &&
	grep -qx "cookie deleted _lvdemo_user_remember_me" out &&
	! grep -q "^_lvdemo_user_remember_me	" jar &&
	request GET /assign_new/mission && test "$STATUS" = 302 && test "$LOCATION" = /users/log_in
'

test_expect_success 'DELETE with extra headers: the token in x-csrf-token' '
	request GET /users/log_in &&
	request POST /users/log_in "$(form "user[email]=$EMAIL" "user[password]=$PASSWORD")" &&
	request GET / && token=$("$DRIVE" "$URL" csrf body) &&
	request DELETE /users/log_out - "x-csrf-token: $token" &&
	test "$STATUS" = 302 && test "$LOCATION" = /
'

test_expect_success 'a 60 KB form goes out whole, in pieces' '
	request GET /users/log_in &&
	long=$(printf "%060000d" 0) &&
	request POST /users/log_in "$(form "user[email]=$long@x.io" "user[password]=$PASSWORD")" &&
	test "$STATUS" = 200 && grep -q "Invalid email or password" body &&
	grep -q "value=\"$long@x.io\"" body
'

test_expect_success 'a LiveView page has one main container with a session' '
	request GET /users/log_in &&
	request POST /users/log_in "$(form "user[email]=$EMAIL" "user[password]=$PASSWORD")" &&
	request GET /assign_new/mission && test "$STATUS" = 200 &&
	"$DRIVE" "$URL" containers body >containers &&
	test "$(wc -l <containers)" = 1 &&
	grep -q "^id=[^ -][^ ]* main=1 parent=- " containers
'

test_expect_success 'WebSocket: open with the page token, heartbeats get ok replies, close' '
	request GET /assign_new/mission &&
	token=$("$DRIVE" "$URL" csrf body) &&
	drive "$URL" ws "/live/websocket?vsn=2.0.0&_csrf_token=$token" heartbeat heartbeat close &&
	printf "%s\n" open "reply ok {}" "reply ok {}" "closed by us" >expected &&
	test_cmp expected out
'

test_expect_success 'WebSocket: Origin http://evil.example is refused with 403' '
	token=$("$DRIVE" "$URL" csrf body) &&
	drive_fails --origin http://evil.example "$URL" ws "/live/websocket?vsn=2.0.0&_csrf_token=$token" heartbeat &&
	grep -qx "refused 403" out && grep -q "upgrade refused with HTTP 403" err
'

test_expect_success 'WebSocket: an unknown path is a clean error, not a hang' '
	drive_fails "$URL" ws /nowhere heartbeat &&
	grep -q "^refused 4[0-9][0-9]$" out
'

test_expect_success 'four clients in parallel threads, each with its own jar' '
	drive "$URL" parallel 4 parallel- "$PASSWORD" &&
	test "$(grep -c " ok$" out)" = 4
'

# ---------------------------------------------------------------- odd servers

test_expect_success 'nothing listening: a message at once' '
	drive_fails http://127.0.0.1:1 request GET / &&
	grep -q "cannot connect" err
'

test_expect_success 'no answer, or a body that stops short: a timeout message, no hang' '
	drive_fails --timeout 1000 "$FAKE_URL" request GET /hang &&
	grep -q "no complete response within 1000 ms" err &&
	drive_fails --timeout 1000 "$FAKE_URL" request GET /slow-body &&
	grep -q "no complete response within 1000 ms" err &&
	drive_fails --timeout 1000 "$FAKE_URL" ws /ws-hang &&
	grep -q "no upgrade within 1000 ms" err
'

test_expect_success 'garbage and an oversized header are errors' '
	drive_fails "$FAKE_URL" request GET /garbage &&
	drive_fails "$FAKE_URL" request GET /big-header
'

test_expect_success 'a 350 KB body, a chunked one and one without a length arrive whole' '
	drive "$FAKE_URL" request GET /big && grep -qx "body 350000 bytes" out &&
	seq -f "%06g" 0 49999 >expected && test_cmp expected body &&
	drive "$FAKE_URL" request GET /chunked && printf "hello from chunks" >expected &&
	test_cmp expected body &&
	drive "$FAKE_URL" request GET /no-length && printf "until the end" >expected &&
	test_cmp expected body
'

test_expect_success 'six Set-Cookie headers: set, quoted, Max-Age=0 and past Expires delete, malformed skipped' '
	printf "b\told\nd\told\nz\tkept\n" >jar &&
	drive "$FAKE_URL" request GET /cookies &&
	printf "z\tkept\na\t1\nc\t3\ne\t5\n" >expected &&
	test_cmp expected jar
'

test_expect_success 'WebSocket: fragments with a ping between them make one reply; bad messages are dropped' '
	drive "$FAKE_URL" ws /ws-frag heartbeat next-push 2000 next-push 100 await-close 2000 &&
	sed -n 1,2p out >actual &&
	printf "%s\n" open "reply ok {\"n\":1}" >expected && test_cmp expected actual &&
	sed -n 3p out | grep -q "^push \[\"7\",null,\"lv:x\",\"diff\",{\"x\":\"x*\"}\]$" &&
	test "$(sed -n 3p out | wc -c)" -gt 102400 &&
	sed -n 4,6p out >actual &&
	printf "%s\n" "push none" "closed 4001" "malformed 5" >expected && test_cmp expected actual
'

test_expect_success 'WebSocket: a 200 to the upgrade is refused; a dropped connection closes with 1006' '
	drive_fails "$FAKE_URL" ws /ws-not-101 &&
	grep -qx "refused 200" out &&
	drive "$FAKE_URL" ws /ws-drop next-push 2000 await-close 2000 &&
	printf "%s\n" open "push [null,null,\"lv:x\",\"bye\",{}]" "closed 1006" >expected &&
	test_cmp expected out &&
	test_expect_code 1 drive --timeout 1000 "$FAKE_URL" ws /ws-silent heartbeat &&
	printf "%s\n" open "no reply (timeout)" >expected && test_cmp expected out
'

test_done
