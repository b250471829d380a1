#!/usr/bin/env bash
# The Elixir telemetry handler (tracer/elixir) under Debian's elixir, with no
# Hex: its ExUnit tests (tests/elixir/lvtrace_telemetry_test.exs), then a
# page load it traced, replayed by lvtrace: the queries counted per phase as
# in lvdemo's traces, assign beside assign_new. The events reach the
# handler's entry point through the stand-in :telemetry of
# tests/elixir/telemetry_stub.exs (Debian has no :telemetry), which calls it
# as the real library does, with the metadata Phoenix, LiveView and Ecto
# document. Skipped, and saying so, when elixir is not installed (make test
# installs it: scripts/ensure-deps elixir).
. "$(dirname "$0")/lib.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8
LIB=$TEST_ROOT/tracer/elixir/lib/lvtrace_telemetry.ex
STUB=$TEST_ROOT/tests/elixir/telemetry_stub.exs

if ! command -v elixir >/dev/null 2>&1; then
	test_count=$((test_count + 1))
	echo "ok $test_count # skip the Elixir handler's tests: elixir is not installed and could not be (scripts/ensure-deps elixir)"
	test_done
	exit
fi

# trace_page FILE VARIANT assign|assign_new [append]
trace_page() {
	(cd "$TRASH" && elixir -r "$STUB" -r "$LIB" "$TEST_ROOT/tests/elixir/page_load.exs" "$@")
}

test_expect_success 'the handler'"'"'s ExUnit tests pass (JSON, phases, params, write errors, the mailbox bound)' '
	TRASH=$TRASH elixir -r "$STUB" -r "$LIB" "$TEST_ROOT/tests/elixir/lvtrace_telemetry_test.exs" >exunit.out 2>&1 ||
		{ cat exunit.out; false; } &&
	grep -q "^[1-9][0-9]* tests, 0 failures$" exunit.out
'

test_expect_success 'a page load traced with assign: plug 1, dead mount 1, connected mount 1' '
	trace_page one.jsonl assign assign &&
	"$LVTRACE" replay --plain one.jsonl >out 2>err &&
	test_must_fail grep -q "cut short" err &&
	grep -q "^== step 1/2: GET /mission$" out &&
	grep -q "^   hits: assign 2: plug 1, dead mount 1$" out &&
	grep -q "^== step 2/2: join MissionLive$" out &&
	grep -q "^   hits: assign 1: connected mount 1$" out &&
	jq -r "select(.event == \"repo.query\") | .phase" one.jsonl >phases &&
	printf "%s\n" "plug:browser,require_authenticated_user" "mount:dead:MissionLive" "mount:connected:MissionLive" >expected &&
	test_cmp expected phases
'

test_expect_success 'the same page traced with assign_new, appended: 3 beside 2, one fewer in the dead mount' '
	trace_page two.jsonl assign assign &&
	trace_page two.jsonl assign_new assign_new append &&
	"$LVTRACE" replay --plain two.jsonl >out 2>err &&
	grep -q "^side by side: assign, assign_new$" out &&
	grep -q "^   hits: assign 0  |  assign_new 1: plug 1$" out &&
	grep -q "^   hits: assign 0  |  assign_new 1: connected mount 1$" out &&
	grep -q "assign 3  assign_new 2$" out &&
	jq -r "select(.event == \"repo.query\") | [.variant, .phase] | @tsv" two.jsonl | sort | uniq -c >counts &&
	test "$(grep -c "mount:dead" counts)" = 1 &&
	grep -q "1 assign	mount:dead:MissionLive" counts
'

test_expect_success 'every line has the members every line must have, in order; seq has no gap, t_us never goes back' '
	jq -e -s "all(.[]; (keys_unsorted[0:4] == [\"seq\", \"t_us\", \"event\", \"conn\"]))" two.jsonl >/dev/null &&
	jq -e -s "[.[].seq] == [range(1; length + 1)]" two.jsonl >/dev/null &&
	jq -e -s "[.[].t_us] | . == sort" two.jsonl >/dev/null &&
	jq -e -s "[.[] | select(.event != \"trace.start\") | .variant] | unique == [\"assign\", \"assign_new\"]" two.jsonl >/dev/null
'

test_expect_success 'a token in the params is never in the trace, nor any parameter' '
	test_must_fail grep -q "session\"" one.jsonl &&
	jq -e -s "[.[] | select(.event == \"repo.query\") | .params] | all(. == [\"<redacted>\", \"<redacted>\", \"<redacted>\"])" one.jsonl >/dev/null
'

test_done
