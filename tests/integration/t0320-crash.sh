#!/usr/bin/env bash
# kill -9 in the middle of concurrent registrations: nothing acknowledged is
# lost, the database is sound, the trace is a valid prefix, and lvdemo
# starts again on both.
. "$(dirname "$0")/lib.sh"

PASSWORD="correct horse battery"

# register_loop URL N: register N users one after the other, each email
# appended to acked.N only once its 302 has come back; stops at the first
# failure (lvdemo killed)
register_loop() {
	local url=$1 n=$2 i email token
	for ((i = 0; ; i++)); do
		email="crash$n-$i@example.com"
		curl -sS -c "jar.$n" -b "jar.$n" -o "page.$n" "$url/users/register" 2>/dev/null || return 0
		token=$(sed -n 's/.*<meta name="csrf-token" content="\([^"]*\)".*/\1/p' "page.$n")
		[ -n "$token" ] || return 0
		code=$(curl -sS -c "jar.$n" -b "jar.$n" -o /dev/null -w "%{http_code}" \
			--data-urlencode "_csrf_token=$token" --data-urlencode "user[email]=$email" \
			--data-urlencode "user[password]=$PASSWORD" "$url/users/register" 2>/dev/null) || return 0
		[ "$code" = 302 ] || return 0
		echo "$email" >>"acked.$n"
		# log out again, so that the next registration is a guest's
		rm -f "jar.$n"
	done
}

acked_count() {
	test "$(cat acked.* 2>/dev/null | wc -l)" -ge "$1"
}

test_expect_success 'kill -9 during four streams of registrations: no acknowledged one lost, database and trace sound' '
	start_own_lvdemo crash --db crash.db --trace crash.jsonl &&
	pid=$OWN_PID url=$OWN_URL &&
	test_when_finished "kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null" &&
	loops=() && for n in 1 2 3 4; do { register_loop "$url" $n & } ; loops+=($!); done &&
	wait_until 60 acked_count 40 &&
	kill -9 $pid && { wait $pid 2>/dev/null; :; } &&
	wait "${loops[@]}" &&
	cat acked.* | sort >acked &&
	echo "# $(wc -l <acked) registrations acknowledged before the kill" &&
	test "$(sqlite3 crash.db "PRAGMA integrity_check")" = ok &&
	sqlite3 crash.db "SELECT email FROM users" | sort >stored &&
	comm -23 acked stored >lost && { ! test -s lost || { echo "lost:"; cat lost; false; }; } &&
	# every line of the trace is whole: JSON each, the last ended by a newline
	test "$(tail -c 1 crash.jsonl | od -An -c | tr -d " ")" = "\n" &&
	jq -c . crash.jsonl >/dev/null &&
	# and the tracer reads it: a trace a crash cut short, without its trace.stop
	! grep -q "\"trace.stop\"" crash.jsonl &&
	"$LVTRACE" replay --plain crash.jsonl >replay.out &&
	grep -q "repo.query\|INSERT" replay.out
'

test_expect_success 'after the crash lvdemo starts on the same database and trace: the old trace kept, the users log in' '
	start_own_lvdemo again --db crash.db --trace crash.jsonl &&
	test_when_finished "kill $OWN_PID; wait $OWN_PID" &&
	grep -q "the trace of the run before is kept as crash.jsonl.1" again.err &&
	test -s crash.jsonl.1 && ! grep -q "\"trace.stop\"" crash.jsonl.1 &&
	email=$(head -n 1 acked) &&
	curl -sS -c j -b j -o page "$OWN_URL/users/log_in" &&
	token=$(sed -n "s/.*<meta name=\"csrf-token\" content=\"\([^\"]*\)\".*/\1/p" page) &&
	code=$(curl -sS -c j -b j -o /dev/null -w "%{http_code} %{redirect_url}" \
		--data-urlencode "_csrf_token=$token" --data-urlencode "user[email]=$email" \
		--data-urlencode "user[password]=$PASSWORD" "$OWN_URL/users/log_in") &&
	case "$code" in "302 "*) ;; *) echo "log in: $code"; false ;; esac
'

test_done
