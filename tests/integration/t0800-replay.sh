#!/usr/bin/env bash
# lvtrace replay without a terminal: the plain view of every bundled
# scenario's trace against its golden file (tests/golden/NAME.plain; after a
# reviewed change, regenerate with UPDATE_GOLDEN=1), the view of a trace
# lvdemo wrote itself, choosing columns, the errors of bad traces, and
# `make run` printing the lesson when there is no terminal.
. "$(dirname "$0")/lib.sh"

export LVDEMO TMPDIR=$TRASH LANG=C.UTF-8 LC_ALL=C.UTF-8
for f in scenarios/*.scenario; do
	name=$(basename "$f" .scenario)
	test_expect_success "replay --plain of $name matches its golden file" '
		(cd "$TEST_ROOT" && "$LVTRACE" run --no-tracer -o "$TRASH/$name.jsonl" "$f" >/dev/null) &&
		"$LVTRACE" replay --plain --width 100 "$TRASH/$name.jsonl" >"$TRASH/$name.plain" &&
		if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$TRASH/$name.plain" "$TEST_ROOT/tests/golden/$name.plain"; fi &&
		test_cmp "$TEST_ROOT/tests/golden/$name.plain" "$TRASH/$name.plain"
	'
done

test_expect_success 'the lesson ends at assign 3, assign_new 2, and says why' '
	grep -q "^total  assign 3  assign_new 2  (since mark \"page load\"; assign_new: 1 fewer than assign)$" \
		"$TRASH/01-first-visit.plain" &&
	grep -q "○ no query: current_user from conn.assigns$" "$TRASH/01-first-visit.plain" &&
	grep -q "^  dead mount  *1  *0$" "$TRASH/01-first-visit.plain" &&
	grep -q "^  by phase  *assign  assign_new$" "$TRASH/01-first-visit.plain"
'

test_expect_success 'without a terminal, plain `lvtrace TRACE` prints the plain view and says why on stderr' '
	"$LVTRACE" "$TRASH/01-first-visit.jsonl" >out 2>err </dev/null &&
	test "$(wc -l <err)" = 1 &&
	grep -q "standard output is not a terminal: printing the plain view" err &&
	grep -q "^== step 5/15: visit /mission$" out &&
	test_must_fail grep -q "$(printf "\033")" out
'

test_expect_success 'TERM unset or unknown gives the plain view too' '
	env -u TERM "$LVTRACE" replay "$TRASH/01-first-visit.jsonl" >out 2>err </dev/null &&
	grep -q "^== step 1/15" out
'

test_expect_success '--variants chooses the columns and their order; --all shows every variant' '
	"$LVTRACE" replay --plain --variants on_mount_assign,assign "$TRASH/01-first-visit.jsonl" >out &&
	grep -q "^on_mount_assign  *| assign$" out &&
	grep -q "^total  on_mount_assign 4  assign 3 " out &&
	"$LVTRACE" replay --plain --all --width 160 "$TRASH/01-first-visit.jsonl" >all &&
	grep -q "^total  assign 3  assign_new 2  on_mount 2  on_mount_assign 4 " all &&
	# each compared with the first column, assign
	grep -A1 "^total" all | tr -d "\n" | tr -s " " |
		grep -q "assign_new: 1 fewer than assign; on_mount: 1 fewer than assign; on_mount_assign: 1 more than assign)$"
'

test_expect_success '--all lines the four columns up row by row (its golden file)' '
	for name in 01-first-visit 07-nested-child; do
		"$LVTRACE" replay --plain --all --width 160 "$TRASH/$name.jsonl" >"$TRASH/$name-all.plain" &&
		if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$TRASH/$name-all.plain" "$TEST_ROOT/tests/golden/$name-all.plain"; fi &&
		test_cmp "$TEST_ROOT/tests/golden/$name-all.plain" "$TRASH/$name-all.plain" || return 1
	done
'

test_expect_success 'a variant the trace does not have is a usage error' '
	test_expect_code 2 "$LVTRACE" replay --plain --variants assign,nope "$TRASH/01-first-visit.jsonl" >out 2>err &&
	grep -q "the trace has no variant .nope. (it has: assign, assign_new, on_mount, on_mount_assign)" err
'

test_expect_success 'without --times no timings; with it, durations' '
	test_must_fail grep -q "[0-9]us" "$TRASH/01-first-visit.plain" &&
	"$LVTRACE" replay --plain --times "$TRASH/01-first-visit.jsonl" >out &&
	grep -q "users_tokens ([0-9]*us): SELECT" out &&
	# a query shows the time SQLite took for it: its total_us
	t=$(jq -r "select(.event == \"repo.query\" and .variant == \"assign\" and .source == \"users_tokens\" and (.sql | startswith(\"SELECT\"))) | .total_us" \
		"$TRASH/01-first-visit.jsonl" | head -n 1) &&
	grep -q "users_tokens (${t}us): SELECT" out
'

test_expect_success 'notes and step texts are wrapped, never cut, even narrow' '
	"$LVTRACE" replay --plain --width 40 "$TRASH/01-first-visit.jsonl" >out &&
	tr -d "\n" <out | tr -s " " | grep -q "loads the agent: one query in every variant." &&
	test "$(wc -L <out)" -le 40
'

test_expect_success 'a missing or empty trace: one line, exit status 2' '
	test_expect_code 2 "$LVTRACE" replay --plain /no/such.jsonl >out 2>err &&
	test "$(cat err)" = "lvtrace: cannot open '"'"'/no/such.jsonl'"'"': No such file or directory" &&
	: >empty.jsonl &&
	test_expect_code 2 "$LVTRACE" replay --plain empty.jsonl >out 2>err &&
	test "$(cat err)" = "lvtrace: empty.jsonl:1:1: empty trace (no trace.start line)"
'

test_expect_success 'a bad line mid-trace: what precedes it is shown, then FILE:LINE:COLUMN, exit 1' '
	head -n 300 "$TRASH/01-first-visit.jsonl" >cut.jsonl &&
	printf "{\"seq\":999999,\"t_us\":1,\"event\":\"x\",\"conn\":\"app\"\n" >>cut.jsonl &&
	tail -n +301 "$TRASH/01-first-visit.jsonl" >>cut.jsonl &&
	test_expect_code 1 "$LVTRACE" replay --plain cut.jsonl >out 2>err &&
	# the column one past the line'"'"'s 46 bytes: where the closing brace is missing
	grep -q "^lvtrace: cut.jsonl:301:47: not valid JSON$" err &&
	grep -q "^== step 1/" out
'

test_expect_success 'a trace of a newer format version is refused' '
	printf "{\"seq\":1,\"t_us\":0,\"event\":\"trace.start\",\"conn\":\"app\",\"format\":\"lvtrace\",\"version\":2}\n" >v2.jsonl &&
	test_expect_code 2 "$LVTRACE" replay --plain v2.jsonl >out 2>err &&
	grep -q "trace format version 2 is not supported (this is version 1)" err
'

HEAD='{"seq":1,"t_us":0,"event":"trace.start","conn":"app","format":"lvtrace","version":1,"scenario":"h.scenario","title":"hostile","variants":["a"]}'
test_expect_success 'hostile traces: a long kind, a huge step number, a 2 MB line; no crash, no memory blow-up' '
	k=$(head -c 5000 /dev/zero | tr "\0" k) &&
	{ echo "$HEAD"; echo "{\"seq\":2,\"t_us\":1,\"event\":\"scenario.step\",\"conn\":\"run\",\"variant\":\"a\",\"step\":1,\"kind\":\"$k\",\"text\":\"\"}";
	  echo "{\"seq\":3,\"t_us\":1,\"event\":\"scenario.note\",\"conn\":\"run\",\"variant\":\"a\",\"text\":\"hi\"}"; } >long.jsonl &&
	"$LVTRACE" replay --plain long.jsonl >out 2>err &&
	grep -q "^   note: hi$" out &&
	{ echo "$HEAD"; echo "{\"seq\":2,\"t_us\":1,\"event\":\"scenario.step\",\"conn\":\"run\",\"variant\":\"a\",\"step\":999999999,\"kind\":\"visit\",\"text\":\"visit /x\"}"; } >big.jsonl &&
	# a bound on memory (not under ASan, whose shadow alone is larger)
	limit="ulimit -v 400000" &&
	if ldd "$LVTRACE" | grep -q libasan; then limit=:; fi &&
	( $limit && "$LVTRACE" replay --plain big.jsonl >out 2>err ) &&
	grep -q "visit /x" out &&
	{ echo "$HEAD"; printf "{\"seq\":2,\"t_us\":1,\"event\":\"x\",\"conn\":\"app\",\"pad\":\"%s\"}\n" "$(head -c 2000000 /dev/zero | tr "\0" p)"; } >wide.jsonl &&
	test_expect_code 1 "$LVTRACE" replay --plain wide.jsonl >out 2>err &&
	grep -q "wide.jsonl:2:1: line longer than 1048576 bytes" err
'

test_expect_success 'lines that are JSON but break the format: a repeated seq, a missing or negative t_us' '
	{ echo "$HEAD"; echo "{\"seq\":2,\"t_us\":1,\"event\":\"x\",\"conn\":\"app\"}";
	  echo "{\"seq\":2,\"t_us\":2,\"event\":\"y\",\"conn\":\"app\"}"; } >dup.jsonl &&
	test_expect_code 1 "$LVTRACE" replay --plain dup.jsonl >out 2>err &&
	grep -q "^lvtrace: dup.jsonl:3:1: seq 2 does not follow 2" err &&
	{ echo "$HEAD"; echo "{\"seq\":2,\"event\":\"x\",\"conn\":\"app\"}"; } >no-t.jsonl &&
	test_expect_code 1 "$LVTRACE" replay --plain no-t.jsonl >out 2>err &&
	grep -q "^lvtrace: no-t.jsonl:2:1: member .t_us. is missing" err &&
	{ echo "$HEAD"; echo "{\"seq\":2,\"t_us\":-5,\"event\":\"x\",\"conn\":\"app\"}"; } >neg.jsonl &&
	test_expect_code 1 "$LVTRACE" replay --plain neg.jsonl >out 2>err &&
	grep -q "^lvtrace: neg.jsonl:2:1: .t_us. must be a whole number of microseconds" err
'

test_expect_success 'a trace cut short after a line is replayed, with a warning' '
	head -n 250 "$TRASH/01-first-visit.jsonl" >short.jsonl &&
	"$LVTRACE" replay --plain short.jsonl >out 2>err &&
	grep -q "short.jsonl ends without lvdemo.s trace.stop: cut short, or still being written" err &&
	"$LVTRACE" replay --plain "$TRASH/01-first-visit.jsonl" >out 2>err &&
	test_must_fail grep -q "cut short" err
'

test_expect_success 'a scenario given to replay: the command that runs it' '
	test_expect_code 2 "$LVTRACE" replay --plain "$TEST_ROOT/scenarios/01-first-visit.scenario" >out 2>err &&
	grep -q "is a scenario, not a trace: lvtrace run" err
'

test_expect_success 'a variant named twice is refused' '
	test_expect_code 2 "$LVTRACE" replay --plain --variants assign,assign "$TRASH/01-first-visit.jsonl" >out 2>err &&
	grep -q "variant .assign. is named twice" err
'

start_lvdemo
test_expect_success 'a trace lvdemo wrote itself: steps are its page loads and joins, columns its variants' '
	request GET /users/register &&
	request POST /users/register "$(form "user[email]=agent@example.com" "user[password]=correct horse battery")" &&
	request GET /assign/mission &&
	page /assign_new/mission &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$(join_payload "$URL/assign_new/mission" "$SESSION" "$STATIC")" close &&
	"$LVTRACE" replay --plain "$TRACE" >out 2>/dev/null &&
	grep -q "^a trace lvdemo wrote: the steps are its page loads and socket joins$" out &&
	grep -q "^== step [0-9]*/[0-9]*: GET /assign/mission$" out &&
	grep -q "^== step [0-9]*/[0-9]*: GET /assign_new/mission$" out &&
	grep -q "^== step [0-9]*/[0-9]*: join MissionLive$" out &&
	grep -q "^assign  *| assign_new$" out &&
	# the registration served both: its statements are in both columns
	grep -q "^    ● users: INSERT INTO users.* |     ● users: INSERT INTO users" out &&
	test_must_fail grep -q "/assets/" out
'

test_expect_success 'make run without a terminal prints the plain lesson and exits 0' '
	make -s -C "$TEST_ROOT" run </dev/null >out 2>err &&
	grep -q "^total  assign 3  assign_new 2 " out &&
	grep -q "standard output is not a terminal" err
'

test_done
