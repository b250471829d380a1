#!/usr/bin/env bash
# The password workers under a flood: a bounded queue (503 with Retry-After
# beyond it) and no bcrypt for a client that has gone.
. "$(dirname "$0")/lib.sh"

# bcrypt at cost 13 takes about half a second here: long enough for a queue
# to form behind the two workers, short enough for a test
COST=13

# log_in_form URL JAR: the urlencoded log-in of an unknown email, with the CSRF token of URL's page
log_in_form() {
	local token
	curl -sS -c "$2" -b "$2" -o login.html "$1/users/log_in" &&
	token=$(sed -n 's/.*<meta name="csrf-token" content="\([^"]*\)".*/\1/p' login.html) &&
	test -n "$token" &&
	printf "_csrf_token=%s&user[email]=nobody@example.com&user[password]=not+this+one" "$token"
}

# leave_after_post URL JAR FORM: send the log-in POST and close at once, answer unread
leave_after_post() {
	local hostport=${1#http://} cookie
	cookie=$(awk '$6 == "_lvdemo_key" { print $6 "=" $7 }' "$2")
	exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}" || return 1
	printf "POST /users/log_in HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s" \
		"$cookie" "${#3}" "$3" >&3
	exec 3>&-
}

count_events() { # FILE EVENT [JQ-CONDITION]
	jq -s "[.[] | select(.event == \"$2\" and (${3:-true}))] | length" "$1"
}

test_expect_success 'beyond the queue a log-in gets 503 with Retry-After, and the trace says so' '
	start_own_lvdemo q --db q.db --trace q.jsonl --bcrypt-cost $COST --password-queue 2 &&
	test_when_finished "kill $OWN_PID; wait $OWN_PID" &&
	form=$(log_in_form "$OWN_URL" q.jar) &&
	# eight at once: two waiting (and two more once the workers take them), the rest refused at once
	args=() && for i in $(seq 8); do args+=(-o /dev/null "$OWN_URL/users/log_in"); done &&
	curl -sS -Z --parallel-immediate --parallel-max 8 -b q.jar -d "$form" \
		-w "%{http_code} %header{retry-after}\n" "${args[@]}" >codes &&
	refused=$(grep -c "^503 1$" codes) && answered=$(grep -c "^200 $" codes) &&
	test "$((refused + answered))" = 8 && test "$refused" -ge 1 && test "$answered" -ge 2 &&
	test "$(count_events q.jsonl password.refused ".op == \"verify\" and .queued == 2")" = "$refused" &&
	test "$(count_events q.jsonl endpoint.stop ".status == 503")" = "$refused" &&
	# the queue drains: served again
	test "$(curl -sS -o /dev/null -w "%{http_code}" -b q.jar -d "$form" "$OWN_URL/users/log_in")" = 200
'

test_expect_success 'a queued log-in whose client left is dropped unrun; those that stay are answered' '
	start_own_lvdemo d --db d.db --trace d.jsonl --bcrypt-cost $COST &&
	test_when_finished "kill $OWN_PID; wait $OWN_PID" &&
	form=$(log_in_form "$OWN_URL" d.jar) &&
	# two that stay keep both workers busy...
	{ curl -sS -b d.jar -d "$form" -o /dev/null -w "%{http_code}\n" "$OWN_URL/users/log_in" >stay1 & } &&
	stay1=$! &&
	{ curl -sS -b d.jar -d "$form" -o /dev/null -w "%{http_code}\n" "$OWN_URL/users/log_in" >stay2 & } &&
	stay2=$! &&
	wait_until 10 eval "test \"\$(count_events d.jsonl controller.start \".action == \\\"create\\\"\")\" = 2" &&
	# ...while three more wait behind them, and leave
	for i in 1 2 3; do leave_after_post "$OWN_URL" d.jar "$form" || return 1; done &&
	wait_until 10 eval "test \"\$(count_events d.jsonl password.dropped)\" = 3" &&
	test "$(count_events d.jsonl password.dropped ".op == \"verify\" and .started == false")" = 3 &&
	test "$(count_events d.jsonl endpoint.stop ".aborted == true")" = 3 &&
	wait $stay1 $stay2 && test "$(cat stay1 stay2)" = "$(printf "200\n200")"
'

test_done
