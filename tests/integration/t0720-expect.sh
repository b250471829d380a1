#!/usr/bin/env bash
# lvtrace expect: query budgets in the scenario language's `expect queries`
# words, checked page load by page load against a trace lvtrace run wrote
# (the first visit, four variants): a budget that holds, one that fails and
# its explanation, --page, bad expectations, --junit, traces it cannot read.
. "$(dirname "$0")/lib.sh"

export LVDEMO TMPDIR=$TRASH LANG=C.UTF-8 LC_ALL=C.UTF-8 COLUMNS=100
T=$TRASH/first-visit.jsonl

test_expect_success 'the first visit runs into a trace' '
	"$LVTRACE" run --no-tracer -o "$T" "$TEST_ROOT/scenarios/01-first-visit.scenario" >/dev/null &&
	test -s "$T"
'

test_expect_success 'budgets that hold: exit 0, a line each, the tally' '
	"$LVTRACE" expect "$T" --page /mission "queries assign=3 assign_new=2 on_mount=2 on_mount_assign=4" \
		"queries phase=plug:* 1" >out 2>err &&
	grep -q "^ok   queries assign=3 assign_new=2 on_mount=2 on_mount_assign=4 (4 page loads)$" out &&
	grep -q "^ok   queries phase=plug:\* 1 (4 page loads)$" out &&
	test "$(tail -n 1 out)" = "2 passed, 0 failed" &&
	test ! -s err
'

test_expect_success 'a budget that fails: exit 1, the variants that broke it, the phase and the queries' '
	test_expect_code 1 "$LVTRACE" expect "$T" --page /mission "queries phase=mount:dead* 0" >out 2>err &&
	grep -q "^FAIL queries phase=mount:dead\* 0 (2 of 4 page loads)$" out &&
	grep -q "^  page load GET /assign/mission (trace seq [0-9]*):$" out &&
	grep -q "^  page load GET /on_mount_assign/mission (trace seq [0-9]*):$" out &&
	test_must_fail grep -q "page load GET /assign_new/mission" out &&
	grep -q "^  variant assign: expected 0 queries (phase=mount:dead\*), got 1$" out &&
	grep -q "^    #1  mount:dead:MissionLive  accounts.c:[0-9]* accounts_get_user_by_session_token" out &&
	grep -q "SELECT u.id, u.email" out &&
	grep -q "^  the same page load in every variant, phase by phase:$" out &&
	grep -q "^    mount:dead:MissionLive  *1  *0  *0  *1$" out &&
	test "$(tail -n 1 out)" = "0 passed, 1 failed" &&
	test_expect_code 1 "$LVTRACE" expect "$T" --page /mission "queries 4" "queries 3" >out 2>err &&
	grep -q "^FAIL queries 4 (3 of 4 page loads)$" out &&
	grep -q "^  variant assign: expected 4 queries, got 3$" out &&
	grep -q "^  hint: the dead mount re-queried what the fetch_current_user plug had loaded" out &&
	grep -q "^  replay: lvtrace replay $T$" out &&
	test "$(tail -n 1 out)" = "0 passed, 2 failed"
'

test_expect_success '--page chooses the page loads; without it every page load is held to the budget' '
	test_expect_code 1 "$LVTRACE" expect "$T" "queries phase=plug:fetch_current_user 1" >all &&
	grep -q "^FAIL queries phase=plug:fetch_current_user 1 (8 of 16 page loads)$" all &&
	grep -q "^  page load POST /assign/users/register\|^  page load POST /users/register" all &&
	"$LVTRACE" expect "$T" --page /mission "queries phase=plug:fetch_current_user 1" >one &&
	grep -q "(4 page loads)$" one &&
	"$LVTRACE" expect "$T" --page "/users/*" "queries phase=mount* 0" >glob &&
	grep -q "(8 page loads)$" glob &&
	"$LVTRACE" expect "$T" --page /assign_new/mission "queries 2" >full &&
	grep -q "^ok   queries 2 (1 page load)$" full
'

test_expect_success 'a page the trace does not have fails, naming the pages it has' '
	test_expect_code 1 "$LVTRACE" expect "$T" --page /nowhere "queries 0" >out &&
	grep -q "^  no page load of .\/nowhere. in .*(its pages: GET /users/register, POST /users/register, GET /, GET /mission)$" out
'

test_expect_success 'a bad expectation: exit 2, which argument, where in it, and nothing checked' '
	test_expect_code 2 "$LVTRACE" expect "$T" "queries 1" "queries phase=[a 2" >out 2>err &&
	test ! -s out &&
	grep -q "^lvtrace: expectation 2 .queries phase=\[a 2.: expect queries: unclosed .\[. in the phase glob$" err &&
	grep -q "^                ^$" err &&
	test_expect_code 2 "$LVTRACE" expect "$T" "queris 2" 2>err &&
	grep -q "did you mean .queries.?" err &&
	test_expect_code 2 "$LVTRACE" expect "$T" "status 200" 2>err &&
	grep -q "^lvtrace: expectation 1 .status 200.: only .queries \.\.\.. can be checked" err &&
	test_expect_code 2 "$LVTRACE" expect "$T" "queries bogus=1" 2>err &&
	grep -q "unknown option or variant .bogus." err &&
	test_expect_code 2 "$LVTRACE" expect "$T" 2>err &&
	grep -q "at least one expectation" err
'

test_expect_success 'lines lost while a page load was traced (its variant'"'"'s trace.gap): that page load holds nothing' '
	at=$(grep -n "\"event\":\"endpoint.start\",.*\"path\":\"/assign_new/mission\"" "$T" | head -n 1 | cut -d: -f1) &&
	test -n "$at" &&
	awk -v at="$at" "{ print } NR == at { t = \$0; sub(/.*\"t_us\":/, \"\", t); sub(/,.*/, \"\", t);
		print \"{\\\"seq\\\":0,\\\"t_us\\\":\" t \",\\\"event\\\":\\\"trace.gap\\\",\\\"conn\\\":\\\"assign_new/app\\\",\\\"variant\\\":\\\"assign_new\\\",\\\"lost\\\":4}\" }" "$T" |
		awk "{ sub(/^[{]\"seq\":[0-9]+,/, \"{\\\"seq\\\":\" NR \",\"); print }" >gap.jsonl &&
	grep -q "\"event\":\"trace.gap\"" gap.jsonl &&
	test_expect_code 1 "$LVTRACE" expect gap.jsonl --page /mission "queries assign_new=2" >out 2>err &&
	grep -q "^  page load GET /mission: 4 events were lost while it was traced (a trace.gap line): its count cannot be trusted, not checked$" out &&
	"$LVTRACE" expect gap.jsonl --page /mission "queries assign=3" >out &&
	test "$(tail -n 1 out)" = "1 passed, 0 failed"
'

test_expect_success '--junit: a case per expectation, the failure explained, written whole' '
	test_expect_code 1 "$LVTRACE" expect "$T" --page /mission --junit report.xml \
		"queries phase=plug:* 1" "queries phase=mount:dead* 0" >out &&
	grep -q "^<testsuite name=\"lvtrace\" tests=\"2\">$" report.xml &&
	grep -q "^  <testcase classname=\"lvtrace.expect\" name=\"queries phase=plug:\* 1\" time=\"0.000\"/>$" report.xml &&
	grep -q "^  <testcase classname=\"lvtrace.expect\" name=\"queries phase=mount:dead\* 0\" time=\"0.000\"><failure message=" report.xml &&
	grep -q "variant on_mount_assign: expected 0 queries (phase=mount:dead\*), got 1" report.xml &&
	test "$(tail -n 1 report.xml)" = "</testsuite>" &&
	test_must_fail ls report.xml.* 2>/dev/null &&
	test_expect_code 2 "$LVTRACE" expect "$T" --junit bad.xml "queries x" 2>/dev/null &&
	test ! -e bad.xml
'

test_expect_success 'a trace that is missing or bad: exit 2' '
	test_expect_code 2 "$LVTRACE" expect "$TRASH/nope.jsonl" "queries 0" >out 2>err &&
	grep -q "^lvtrace: cannot open .$TRASH/nope.jsonl.: No such file or directory$" err &&
	head -n 3 "$T" >bad.jsonl && echo "{not json" >>bad.jsonl &&
	test_expect_code 2 "$LVTRACE" expect bad.jsonl "queries 0" 2>err &&
	grep -q "^lvtrace: bad.jsonl:4:" err
'

test_done
