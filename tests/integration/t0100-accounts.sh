#!/usr/bin/env bash
# Accounts as phx.gen.auth makes them: register, log in, log out, sessions,
# CSRF, remember me, validation messages, escaping.
. "$(dirname "$0")/lib.sh"
start_lvdemo

PASSWORD="correct horse battery"
BLANK="can't be blank"

# session_json: the session cookie's payload in the jar (base64url JSON before its signature)
session_json() {
	local v pad
	v=$(awk '$6 == "_lvdemo_key" { print $7 }' "$JAR") && v=${v%%.*} &&
	pad=$(( (4 - ${#v} % 4) % 4 )) &&
	{ printf "%s" "$v"; head -c "$pad" /dev/zero | tr "\0" =; } | tr "_-" "/+" | base64 -d
}

test_expect_success 'the landing page explains the demo and links to everything' '
	http GET / && test "$STATUS" = 200 &&
	grep -q "href=\"/users/register\"" body &&
	grep -q "href=\"/users/log_in\"" body &&
	for v in assign assign_new on_mount on_mount_assign; do
		grep -q "href=\"/$v/mission\"" body || exit 1
	done &&
	grep -q "<meta name=\"csrf-token\" content=\"[A-Za-z0-9_=-]\{56\}\"" body
'

test_expect_success 'secure browser headers are set' '
	http GET / &&
	grep -qi "^x-frame-options: SAMEORIGIN" headers &&
	grep -qi "^x-content-type-options: nosniff" headers &&
	grep -qi "^referrer-policy: strict-origin-when-cross-origin" headers
'

test_expect_success 'the session cookie is HttpOnly and SameSite=Lax' '
	rm -f "$JAR" &&
	http GET /users/register &&
	grep -i "^set-cookie: _lvdemo_key=" headers | grep -i "HttpOnly" | grep -qi "SameSite=Lax"
'

test_expect_success 'a form without a CSRF token gets 403, one with a wrong token too' '
	http GET /users/register &&
	http POST /users/register --data-urlencode "user[email]=a@b.c" --data-urlencode "user[password]=$PASSWORD" &&
	test "$STATUS" = 403 &&
	http POST /users/register --data-urlencode "_csrf_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
		--data-urlencode "user[email]=a@b.c" --data-urlencode "user[password]=$PASSWORD" &&
	test "$STATUS" = 403
'

check_messages() { # email password expected-messages...
	local email=$1 password=$2
	shift 2
	register "$email" "$password" && test "$STATUS" = 200 || { echo "status $STATUS"; return 1; }
	grep -o "<ul class=\"errors\">\(<li>[^<]*</li>\)*</ul>" body | grep -o "<li>[^<]*</li>" | sed "s/<li>//; s/<\/li>//; s/&#39;/\x27/g" >actual
	printf "%s\n" "$@" >expected
	test_cmp expected actual
}

test_expect_success 'blank fields: "$BLANK" for both' '
	check_messages "" "" "$BLANK" "$BLANK" &&
	check_messages "   " "   " "$BLANK" "$BLANK"
'

test_expect_success 'email format and length, password length, in phx.gen.auth order' '
	check_messages "no-at-sign" "short" "must have the @ sign and no spaces" "should be at least 12 character(s)" &&
	check_messages "a b@c.d" "$PASSWORD" "must have the @ sign and no spaces" &&
	long=$(printf "a%.0s" $(seq 156))@x.io &&
	check_messages "$long" "$PASSWORD" "should be at most 160 character(s)" &&
	check_messages "ok@example.com" "$(printf "p%.0s" $(seq 73))" "should be at most 72 character(s)"
'

test_expect_success 'the 72-byte limit is checked only once all else is valid' '
	pw=$(printf "é%.0s" $(seq 40)) &&
	check_messages "bytes@example.com" "$pw" "should be at most 72 byte(s)" &&
	check_messages "bad email" "$pw" "must have the @ sign and no spaces"
'

test_expect_success 'registering logs in and redirects to /' '
	rm -f "$JAR" &&
	register agent@example.com "$PASSWORD" &&
	test "$STATUS" = 302 && test "$LOCATION" = / &&
	http GET / && grep -q "agent@example.com" body &&
	grep -q "Account created successfully!" body &&
	# a flash shows once: the next page has it no more
	http GET / && ! grep -q "Account created successfully!" body
'

test_expect_success 'a taken email: "has already been taken", also in another case' '
	rm -f "$JAR" &&
	check_messages "agent@example.com" "$PASSWORD" "has already been taken" &&
	check_messages "AGENT@example.com" "$PASSWORD" "has already been taken" &&
	# the uniqueness check runs with a password too long in bytes, too
	check_messages "agent@example.com" "$(printf "é%.0s" $(seq 40))" "has already been taken"
'

test_expect_success 'the form is re-rendered with the email kept and escaped' '
	rm -f "$JAR" &&
	register "<script>alert(1)</script>@x.io" "short" && test "$STATUS" = 200 &&
	! grep -q "<script>alert" body &&
	grep -q "&lt;script&gt;alert(1)&lt;/script&gt;@x.io" body
'

test_expect_success 'an email containing <script> is escaped on every page' '
	rm -f "$JAR" &&
	register "<script>x</script>@evil.io" "$PASSWORD" && test "$STATUS" = 302 &&
	http GET / && ! grep -q "<script>x" body && grep -q "&lt;script&gt;x&lt;/script&gt;@evil.io" body &&
	http GET /assign_new/mission && test "$STATUS" = 200 && ! grep -q "<script>x" body
'

test_expect_success 'logged-in users asking for log-in or register pages go to /' '
	rm -f "$JAR" &&
	log_in agent@example.com "$PASSWORD" && test "$STATUS" = 302 &&
	http GET /users/log_in && test "$STATUS" = 302 && test "$LOCATION" = / &&
	http GET /users/register && test "$STATUS" = 302 && test "$LOCATION" = / &&
	# posting the form again logs in nobody: no new token
	before=$(sqlite3 "$TRASH/lvdemo.db" "SELECT count(*) FROM users_tokens") &&
	http GET / && post_form /users/log_in "user[email]=agent@example.com" "user[password]=$PASSWORD" &&
	test "$STATUS" = 302 && test "$LOCATION" = / &&
	test "$(sqlite3 "$TRASH/lvdemo.db" "SELECT count(*) FROM users_tokens")" = "$before"
'

test_expect_success 'log out (POST _method=delete) clears the session and redirects to /' '
	rm -f "$JAR" &&
	log_in agent@example.com "$PASSWORD" &&
	log_out && test "$STATUS" = 302 && test "$LOCATION" = / &&
	http GET / && grep -q "Logged out successfully." body && ! grep -q "agent@example.com" body &&
	http GET /assign_new/mission && test "$STATUS" = 302 && test "$LOCATION" = /users/log_in
'

test_expect_success 'log out renews the session: the CSRF token of before stops working' '
	rm -f "$JAR" &&
	log_in agent@example.com "$PASSWORD" &&
	http GET / && old=$(csrf_token) &&
	post_form /users/log_out "_method=delete" && test "$STATUS" = 302 &&
	http POST /users/log_in --data-urlencode "_csrf_token=$old" \
		--data-urlencode "user[email]=agent@example.com" --data-urlencode "user[password]=$PASSWORD" &&
	test "$STATUS" = 403
'

test_expect_success 'the old session cookie is dead after log out (its token row is gone)' '
	rm -f "$JAR" &&
	log_in agent@example.com "$PASSWORD" &&
	cp "$JAR" old-jar &&
	log_out &&
	cp old-jar "$JAR" &&
	http GET /assign_new/mission && test "$STATUS" = 302
'

test_expect_success 'DELETE /users/log_out with the token in x-csrf-token' '
	rm -f "$JAR" &&
	log_in agent@example.com "$PASSWORD" &&
	http GET / && token=$(csrf_token) &&
	http DELETE /users/log_out -H "x-csrf-token: $token" &&
	test "$STATUS" = 302 && test "$LOCATION" = / &&
	http GET /assign_new/mission && test "$STATUS" = 302
'

test_expect_success 'DELETE without a CSRF token is refused' '
	rm -f "$JAR" &&
	log_in agent@example.com "$PASSWORD" &&
	http DELETE /users/log_out && test "$STATUS" = 403 &&
	http DELETE /users/log_out -H "x-csrf-token: bogus" && test "$STATUS" = 403 &&
	http GET /assign_new/mission && test "$STATUS" = 200
'

test_expect_success 'a protected page sends guests to log in, and log in returns them there' '
	rm -f "$JAR" &&
	http GET "/assign_new/mission?clue=2" && test "$STATUS" = 302 && test "$LOCATION" = /users/log_in &&
	http GET /users/log_in && grep -q "You must log in to access this page." body &&
	post_form /users/log_in "user[email]=agent@example.com" "user[password]=$PASSWORD" &&
	test "$STATUS" = 302 && test "$LOCATION" = "/assign_new/mission?clue=2" &&
	# used once: the new session holds no user_return_to
	session_json >session &&
	jq -e "has(\"user_token\") and (has(\"user_return_to\") | not)" session >/dev/null
'

test_expect_success 'a wrong password and an unknown email get the same answer' '
	rm -f "$JAR" &&
	log_in agent@example.com "wrong password!" && test "$STATUS" = 200 &&
	grep -q "Invalid email or password" body && grep -q "value=\"agent@example.com\"" body &&
	log_in nobody@example.com "$PASSWORD" && test "$STATUS" = 200 &&
	grep -q "Invalid email or password" body &&
	http GET /assign_new/mission && test "$STATUS" = 302
'

test_expect_success 'browsers send user%5Bemail%5D: names are decoded too' '
	rm -f "$JAR" &&
	http GET /users/log_in && token=$(csrf_token) &&
	http POST /users/log_in --data-raw "_csrf_token=$token&user%5Bemail%5D=agent%40example.com&user%5Bpassword%5D=correct+horse+battery" &&
	test "$STATUS" = 302
'

test_expect_success 'logging in renews the session: the old CSRF token stops working' '
	rm -f "$JAR" &&
	http GET /users/log_in && old=$(csrf_token) &&
	post_form /users/log_in "user[email]=agent@example.com" "user[password]=$PASSWORD" && test "$STATUS" = 302 &&
	http POST /users/log_out --data-urlencode "_method=delete" --data-urlencode "_csrf_token=$old" &&
	test "$STATUS" = 403
'

test_expect_success 'remember me: a signed 60-day cookie logs in a session without a token' '
	rm -f "$JAR" &&
	log_in agent@example.com "$PASSWORD" remember && test "$STATUS" = 302 &&
	grep -i "^set-cookie: _lvdemo_user_remember_me=" headers | grep -qi "max-age=5184000" &&
	grep -i "^set-cookie: _lvdemo_user_remember_me=" headers | grep -i "HttpOnly" | grep -qi "SameSite=Lax" &&
	grep -v "_lvdemo_key" "$JAR" >jar2 && mv jar2 "$JAR" &&
	http GET /assign_new/mission && test "$STATUS" = 200 && grep -q "agent@example.com" body &&
	grep -qi "^set-cookie: _lvdemo_key=" headers
'

test_expect_success 'log out deletes the remember-me cookie' '
	log_out && test "$STATUS" = 302 &&
	grep -i "^set-cookie: _lvdemo_user_remember_me=;" headers | grep -qi "max-age=0" &&
	http GET /assign_new/mission && test "$STATUS" = 302
'

test_expect_success 'a tampered session cookie is treated as logged out' '
	rm -f "$JAR" &&
	log_in agent@example.com "$PASSWORD" &&
	value=$(awk "\$6 == \"_lvdemo_key\" {print \$7}" "$JAR") && test -n "$value" &&
	first=${value:0:1} && if [ "$first" = A ]; then swap=B; else swap=A; fi &&
	NOJAR=1 http GET /assign_new/mission -b "_lvdemo_key=$value" && test "$STATUS" = 200 &&
	NOJAR=1 http GET /assign_new/mission -b "_lvdemo_key=$swap${value:1}" && test "$STATUS" = 302 &&
	NOJAR=1 http GET /assign_new/mission -b "_lvdemo_key=${value%?}x" && test "$STATUS" = 302 &&
	NOJAR=1 http GET /assign_new/mission -b "_lvdemo_key=forged.123.abc" && test "$STATUS" = 302
'

test_expect_success 'a cookie whose name only ends in _lvdemo_key is not the session' '
	rm -f "$JAR" &&
	log_in agent@example.com "$PASSWORD" &&
	value=$(awk "\$6 == \"_lvdemo_key\" {print \$7}" "$JAR") && test -n "$value" &&
	NOJAR=1 http GET /assign_new/mission -b "_lvdemo_key=$value" && test "$STATUS" = 200 &&
	NOJAR=1 http GET /assign_new/mission -b "evil_lvdemo_key=$value" && test "$STATUS" = 302 &&
	NOJAR=1 http GET /assign_new/mission -b "_lvdemo_keyx=$value" && test "$STATUS" = 302
'

test_expect_success 'the expire-token test hook: no such route without --test-hooks' '
	NOJAR=1 http POST /test/expire-token -d "" && test "$STATUS" = 404
'

stop_lvdemo
test_expect_success 'with --test-hooks: a logged-in session'"'"'s token made too old; logged out, 422' '
	start_lvdemo --test-hooks &&
	rm -f "$JAR" &&
	register hook@example.com "correct horse battery" && test "$STATUS" = 302 &&
	http GET /assign_new/mission && test "$STATUS" = 200 &&
	http POST /test/expire-token -d "" && test "$STATUS" = 204 &&
	http GET /assign_new/mission && test "$STATUS" = 302 &&
	grep -q "controller:TestHooks.expire_token" "$TRACE" &&
	NOJAR=1 http POST /test/expire-token -d "" && test "$STATUS" = 422
'

test_done
