#!/usr/bin/env bash
# lvtrace export and report: Perfetto's trace JSON (a process per variant,
# nested slices, every query, a hit counter, the steps), CSV with a row per
# query, and the HTML report opened offline in headless Chromium; their
# errors, and output that appears whole or not at all.
. "$(dirname "$0")/lib.sh"

export LVDEMO TMPDIR=$TRASH LANG=C.UTF-8 LC_ALL=C.UTF-8
ARTIFACTS=$TEST_ROOT/build/test-artifacts
T=$TRASH/lesson.jsonl

test_expect_success 'set-up: the lesson is run once for its trace' '
	(cd "$TEST_ROOT" && "$LVTRACE" run --no-tracer -o "$T" scenarios/01-first-visit.scenario >/dev/null)
'

test_expect_success 'Perfetto: a process per variant, named, in the trace'"'"'s order' '
	"$LVTRACE" export --perfetto "$T" >p.json &&
	jq -r ".traceEvents[] | select(.ph == \"M\" and .name == \"process_name\") | .args.name" p.json >names &&
	printf "%s\n" assign assign_new on_mount on_mount_assign "lvdemo (no variant)" >expected &&
	test_cmp expected names
'

test_expect_success 'Perfetto: every query of the trace is a slice of its variant, with its SQL and phase' '
	for v in assign assign_new on_mount on_mount_assign; do
		want=$(jq -s "map(select(.event == \"repo.query\" and .variant == \"$v\")) | length" "$T") &&
		pid=$(jq ".traceEvents[] | select(.ph == \"M\" and .name == \"process_name\" and .args.name == \"$v\") | .pid" p.json) &&
		got=$(jq "[.traceEvents[] | select(.ph == \"X\" and .cat == \"repo.query\" and .pid == $pid and .args.sql != null and .args.phase != null)] | length" p.json) &&
		test "$want" -gt 0 && test "$got" = "$want" &&
		# the counter track ends at the variant'"'"'s number of hits
		last=$(jq "[.traceEvents[] | select(.ph == \"C\" and .pid == $pid)] | last.args.hits" p.json) &&
		test "$last" = "$want" || return 1
	done
'

test_expect_success 'Perfetto: slices nest per thread, in microseconds, threads are named' '
	jq -e -f "$TEST_ROOT/tests/integration/lib/perfetto_nest.jq" p.json >/dev/null &&
	jq -e "[.traceEvents[] | select(.ph == \"X\") | (.ts | type == \"number\") and .dur >= 0] | all" p.json >/dev/null &&
	jq -e "any(.traceEvents[]; .ph == \"X\" and .cat == \"plug.start\" and .name == \"plug fetch_current_user\")" p.json >/dev/null &&
	jq -e "any(.traceEvents[]; .ph == \"M\" and .name == \"thread_name\" and (.args.name | test(\"^assign/http:[0-9]+: GET /assign/mission\")))" p.json >/dev/null &&
	# the check itself: slices that overlap are caught
	jq "(.traceEvents[] | select(.ph == \"X\" and .cat == \"plug.start\")) |= (.dur = 100000000)" p.json >bad.json &&
	test_must_fail jq -e -f "$TEST_ROOT/tests/integration/lib/perfetto_nest.jq" bad.json >/dev/null
'

test_expect_success 'Perfetto: the steps and the mark are instant events of each variant' '
	n=$(jq -s "map(select(.event == \"scenario.step\" and .variant == \"assign\")) | length" "$T") &&
	got=$(jq "[.traceEvents[] | select(.ph == \"i\" and .s == \"p\" and .pid == 1 and (.name | startswith(\"step \")))] | length" p.json) &&
	test "$got" = "$n" &&
	jq -e "any(.traceEvents[]; .ph == \"i\" and .pid == 1 and .name == \"step 5: visit /mission\")" p.json >/dev/null &&
	jq -e "any(.traceEvents[]; .ph == \"i\" and .cat == \"scenario.mark\")" p.json >/dev/null
'

test_expect_success 'CSV: a header, a row per query, fields with commas quoted' '
	"$LVTRACE" export --csv "$T" >q.csv &&
	test "$(head -n 1 q.csv)" = "$(printf "variant,step,phase,source,sql,total_us\r")" &&
	want=$(jq -s "map(select(.event == \"repo.query\")) | length" "$T") &&
	test "$(($(wc -l <q.csv) - 1))" = "$want" &&
	grep -q "^assign,5,plug:fetch_current_user,users_tokens,\"SELECT u.id, u.email, u.hashed_password, u.inserted_at FROM users_tokens AS t JOIN users AS u ON u.id = t.user_id WHERE t.token = ?1 AND t.context = '"'"'session'"'"' AND t.inserted_at > datetime('"'"'now'"'"', '"'"'-60 days'"'"')\",[0-9]*.$" q.csv &&
	test "$(grep -c "^assign_new,5,mount:dead" q.csv)" = 0
'

test_expect_success 'the HTML report opens offline in Chromium: the chart, every variant, the steps' '
	"$LVTRACE" report --html "$T" -o report.html &&
	! grep -qiE "<script|src=|href=\"http|@import|url\(" report.html &&
	mkdir -p "$ARTIFACTS" &&
	(cd "$TEST_ROOT" && node tests/browser/report_page.mjs "$TRASH/report.html" "$ARTIFACTS/report.png" \
		assign assign_new on_mount on_mount_assign) >out &&
	grep -qx "bars: 16" out && grep -qx "steps: 15" out &&
	test -s "$ARTIFACTS/report.png"
'

test_expect_success 'the HTML report escapes what the trace says' '
	HEAD="{\"seq\":1,\"t_us\":0,\"event\":\"trace.start\",\"conn\":\"app\",\"format\":\"lvtrace\",\"version\":1,\"scenario\":\"x.scenario\",\"title\":\"<b>bold</b> & <script>alert(1)</script>\",\"variants\":[\"assign\"]}" &&
	{ echo "$HEAD";
	  echo "{\"seq\":2,\"t_us\":1,\"event\":\"scenario.step\",\"conn\":\"run\",\"variant\":\"assign\",\"step\":1,\"kind\":\"note\",\"text\":\"note\"}";
	  echo "{\"seq\":3,\"t_us\":2,\"event\":\"scenario.note\",\"conn\":\"run\",\"variant\":\"assign\",\"text\":\"<img src=x onerror=alert(1)>\"}"; } >evil.jsonl &&
	"$LVTRACE" report --html evil.jsonl >evil.html 2>err &&
	! grep -q "<script>alert" evil.html && ! grep -q "<img src=x" evil.html && ! grep -q "<b>bold" evil.html &&
	grep -q "&lt;script&gt;alert(1)&lt;/script&gt;" evil.html &&
	grep -q "&lt;img src=x onerror=alert(1)&gt;" evil.html
'

test_expect_success 'usage errors exit 2: no format, two formats, no trace' '
	test_expect_code 2 "$LVTRACE" export "$T" >out 2>err && grep -q "export needs a format" err &&
	test_expect_code 2 "$LVTRACE" export --csv --perfetto "$T" >out 2>err && grep -q "not both" err &&
	test_expect_code 2 "$LVTRACE" report "$T" >out 2>err && grep -q "report needs a format: --html" err &&
	test_expect_code 2 "$LVTRACE" export --csv /no/such.jsonl >out 2>err &&
	grep -q "cannot open ./no/such.jsonl." err
'

test_expect_success 'a bad line: exit 1, and no output file at all' '
	head -n 200 "$T" >cut.jsonl && echo "{oops" >>cut.jsonl &&
	test_expect_code 1 "$LVTRACE" export --perfetto cut.jsonl -o cut.json 2>err &&
	grep -q "cut.jsonl:201:" err &&
	test ! -e cut.json && test -z "$(ls cut.json.* 2>/dev/null)"
'

test_expect_success 'an output that cannot be written: exit 1, said, nothing left behind' '
	test_expect_code 1 "$LVTRACE" export --csv "$T" -o /no/such/dir/q.csv 2>err &&
	grep -q "cannot write ./no/such/dir/q.csv." err &&
	test_expect_code 1 "$LVTRACE" export --perfetto "$T" >/dev/full 2>err &&
	grep -q "cannot write the output: No space left on device" err &&
	test_expect_code 1 "$LVTRACE" report --html "$T" >/dev/full 2>err &&
	grep -q "No space left on device" err &&
	# a device named with -o is written as it is, never renamed over; the test names
	# it through a link of its own, so a regression replaces the link, not /dev/full
	ln -s /dev/full full.csv &&
	test_expect_code 1 "$LVTRACE" export --csv "$T" -o full.csv 2>err &&
	grep -q "cannot write .full.csv.: No space left on device" err &&
	test -L full.csv && test -z "$(ls full.csv.* 2>/dev/null)"
'

test_done
