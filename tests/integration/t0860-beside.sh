#!/usr/bin/env bash
# Traces side by side: a page load of a real app (the Elixir handler's, and
# one imported from OpenTelemetry spans) replayed beside the same page load
# of lvdemo's assign_new variant, page load k of each in step k, one column
# each; `lvtrace merge` writing that as one trace; the errors of inputs that
# cannot be put side by side. The Elixir cases are skipped, saying so, when
# elixir is not installed.
. "$(dirname "$0")/lib.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8 TMPDIR=$TRASH
OTLP=$TEST_ROOT/tests/fixtures/otlp/page-load.json

start_lvdemo
test_expect_success 'lvdemo traces a log-in and a page load of /assign_new/mission with its join' '
	request GET /users/register &&
	request POST /users/register "$(form "user[email]=agent@example.com" "user[password]=correct horse battery")" &&
	page /assign_new/mission &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$(join_payload "$URL/assign_new/mission" "$SESSION" "$STATIC")" close &&
	wait_until 5 grep -q "\"event\":\"channel.join\"" "$TRACE" &&
	cp "$TRACE" "$TRASH/lvdemo.jsonl"
'

test_expect_success 'an imported trace beside lvdemo'"'"'s: one step, both columns, 3 beside 2' '
	"$LVTRACE" import --otlp "$OTLP" -o otlp.jsonl 2>/dev/null &&
	"$LVTRACE" replay --plain --width 120 otlp.jsonl lvdemo.jsonl >out 2>err &&
	test ! -s err &&
	grep -q "^traces side by side: step k is the k-th page load of each" out &&
	grep -q "^side by side: otlp, assign_new$" out &&
	grep -q "^== step 1/1: GET /mission -- the counters start here$" out &&
	grep -q "^otlp  *| assign_new$" out &&
	grep -q "^GET /mission?tab=briefing -> 200  *| GET /assign_new/mission -> 200$" out &&
	grep -q "^   hits: otlp 3: plug 1, dead mount 1, connected mount 1  |  assign_new 2: plug 1, connected mount 1$" out &&
	grep -q "^total  otlp 3  assign_new 2  (since mark \"page load 1\"; assign_new: 1 fewer than otlp)$" out &&
	grep -q "^  dead mount  *1  *0$" out
'

test_expect_success '--as names the columns' '
	"$LVTRACE" replay --plain --width 120 --as my_app,lvdemo otlp.jsonl lvdemo.jsonl >out 2>err &&
	grep -q "^side by side: my_app, lvdemo$" out &&
	# renamed, the request of either still lines up in one row
	grep -q "^GET /mission?tab=briefing -> 200  *| GET /assign_new/mission -> 200$" out &&
	grep -q "^total  my_app 3  lvdemo 2 " out
'

test_expect_success 'lvtrace merge writes the same as one trace, which replays alike' '
	"$LVTRACE" merge otlp.jsonl lvdemo.jsonl -o merged.jsonl &&
	jq -e -s "[.[].seq] == [range(1; length + 1)]" merged.jsonl >/dev/null &&
	jq -e -s ".[0].merged_from == [\"otlp.jsonl\", \"lvdemo.jsonl\"] and .[0].variants == [\"otlp\", \"assign_new\"]" merged.jsonl >/dev/null &&
	jq -e -s "[.[] | select(.event == \"scenario.step\") | [.variant, .text]] == [[\"otlp\", \"GET /mission\"], [\"assign_new\", \"GET /mission\"]]" merged.jsonl >/dev/null &&
	test "$(jq -s "[.[] | select(.event == \"repo.query\" and .variant == \"assign_new\")] | length" merged.jsonl)" = 2 &&
	jq -e -s "all(.[] | select(.event == \"endpoint.start\"); .conn | test(\"^(otlp|assign_new)/http:[0-9]+$\"))" merged.jsonl >/dev/null &&
	"$LVTRACE" replay --plain --width 120 merged.jsonl >again 2>/dev/null &&
	"$LVTRACE" replay --plain --width 120 otlp.jsonl lvdemo.jsonl >out 2>/dev/null &&
	test_cmp out again
'

test_expect_success 'report --html and export --csv take several traces too' '
	"$LVTRACE" report --html otlp.jsonl lvdemo.jsonl -o page.html &&
	grep -q "traces side by side" page.html &&
	"$LVTRACE" export --csv otlp.jsonl lvdemo.jsonl -o q.csv &&
	test "$(grep -c "^assign_new,1," q.csv)" = 2 &&
	test "$(grep -c "^otlp,1," q.csv)" = 3
'

test_expect_success 'a missing trace, a bad line, five traces, one name twice: exit 2, said' '
	test_expect_code 2 "$LVTRACE" replay --plain otlp.jsonl /no/such.jsonl >out 2>err &&
	grep -q "/no/such.jsonl" err && grep -q "No such file or directory" err &&
	test ! -s out &&
	{ head -n 3 lvdemo.jsonl && echo "{\"seq\":99,\"t_us\":1,\"event\":" && tail -n +4 lvdemo.jsonl; } >bad.jsonl &&
	test_expect_code 2 "$LVTRACE" replay --plain otlp.jsonl bad.jsonl >out 2>err &&
	grep -q "^lvtrace: bad.jsonl:4:[0-9]*: " err &&
	test ! -s out &&
	test_expect_code 2 "$LVTRACE" replay --plain otlp.jsonl otlp.jsonl otlp.jsonl otlp.jsonl otlp.jsonl >out 2>err &&
	grep -q "5 traces: side by side there are at most 4 columns" err &&
	test_expect_code 2 "$LVTRACE" replay --plain lvdemo.jsonl lvdemo.jsonl >out 2>err &&
	grep -q "two columns would be named .lvdemo.: name them with --as NAME,NAME" err &&
	test_expect_code 2 "$LVTRACE" merge otlp.jsonl bad.jsonl -o m2.jsonl 2>err &&
	test ! -e m2.jsonl &&
	test_expect_code 2 "$LVTRACE" replay --plain --as a otlp.jsonl lvdemo.jsonl 2>err &&
	grep -q -- "--as names 1 columns, and there are 2 traces" err &&
	test "$(ls "$TRASH" | grep -c lvtrace-merge)" = 0
'

test_expect_success 'a page of no variant after the page load (the log-in page) is left out' '
	request GET /users/log_in &&
	cp "$TRACE" lvdemo2.jsonl &&
	"$LVTRACE" replay --plain --width 120 otlp.jsonl lvdemo2.jsonl >out 2>err &&
	grep -q "^== step 1/1: GET /mission -- the counters start here$" out &&
	test_must_fail grep -q "/users/log_in" out &&
	grep -q "^total  otlp 3  assign_new 2 " out
'

test_expect_success 'a trace with the page loads of two variants is refused, saying why' '
	request GET /assign/mission &&
	test_expect_code 2 "$LVTRACE" replay --plain otlp.jsonl "$TRACE" >out 2>err &&
	grep -q "has the page loads of two variants (.assign_new. and .assign.)" err
'

if ! command -v elixir >/dev/null 2>&1; then
	test_count=$((test_count + 1))
	echo "ok $test_count # skip the Elixir handler's page load beside lvdemo's: elixir is not installed (scripts/ensure-deps elixir)"
	test_done
	exit
fi

test_expect_success 'the Elixir handler'"'"'s page load beside lvdemo'"'"'s assign_new: 3 beside 2' '
	(cd "$TRASH" && elixir -r "$TEST_ROOT/tests/elixir/telemetry_stub.exs" -r "$TEST_ROOT/tracer/elixir/lib/lvtrace_telemetry.ex" \
		"$TEST_ROOT/tests/elixir/page_load.exs" app.jsonl my_app assign) &&
	"$LVTRACE" replay --plain --width 160 app.jsonl lvdemo.jsonl >out 2>err &&
	grep -q "^side by side: my_app, assign_new$" out &&
	grep -q "^== step 1/1: GET /mission -- the counters start here$" out &&
	grep -q "^GET /mission -> 200  *| GET /assign_new/mission -> 200$" out &&
	grep -q "^  mount (dead) MissionLive  *|   mount (dead) MissionLive$" out &&
	grep -q "^   hits: my_app 3: plug 1, dead mount 1, connected mount 1  |  assign_new 2: plug 1, connected mount 1$" out &&
	grep -q "^total  my_app 3  assign_new 2  (since mark \"page load 1\"; assign_new: 1 fewer than my_app)$" out
'

test_done
