#!/usr/bin/env bash
# lvtrace run and check: the bundled scenarios pass, a wrong expectation
# fails with the whole explanation, bad files are refused before anything
# runs, the merged trace, JUnit, and Ctrl-C stopping every lvdemo.
. "$(dirname "$0")/lib.sh"

export LVDEMO TMPDIR=$TRASH
cd "$TEST_ROOT"

# strip what changes from run to run: durations and timings
normalize() {
	sed -E 's/[0-9]+us/Nus/g; s/, [0-9]+\.[0-9]+s\)/, N.NNs)/; s/\.c:[0-9]+ /.c:N /g'
}

test_expect_success 'every bundled scenario passes' '
	"$LVTRACE" check "$TEST_ROOT/scenarios" >out &&
	tail -n 1 out >last &&
	n=$(ls "$TEST_ROOT"/scenarios/*.scenario | wc -l) &&
	test "$(cat last)" = "$n passed, 0 failed" &&
	test "$(grep -c "^ok " out)" = "$n"
'

cat >"$TRASH/wrong.scenario" <<'SCN'
title "A wrong expectation"
variants assign assign_new
register "agent@example.com" "correct horse battery"
mark "page load"
visit /mission
connect
expect queries 2
SCN

test_expect_success 'a wrong expectation fails with the full explanation' '
	cd "$TRASH" &&
	test_must_fail env COLUMNS=100 "$LVTRACE" check wrong.scenario >out &&
	normalize <out >actual &&
	test_cmp "$TEST_ROOT/tests/integration/expected/wrong-expectation.txt" actual
'

test_expect_success 'check exits 1 on a failure, 0 when all hold' '
	cd "$TRASH" &&
	test_expect_code 1 "$LVTRACE" check wrong.scenario >/dev/null &&
	sed "s/^expect queries 2$/expect queries assign=3 assign_new=2/" wrong.scenario >right.scenario &&
	"$LVTRACE" check right.scenario >/dev/null
'

test_expect_success 'run without a terminal: the summary counts since the mark, exit 1 on a failure, 0 when all hold' '
	cd "$TRASH" &&
	test_expect_code 1 "$LVTRACE" run --no-tracer -o w.jsonl wrong.scenario >summary &&
	grep -q "^ *queries since mark \"page load\" *3 *2$" summary &&
	grep -q "^ *7  expect queries 2  *FAIL 3!=2  *ok 2$" summary &&
	"$LVTRACE" run --no-tracer -o r.jsonl right.scenario >summary
'

test_expect_success 'expect assign_new: no matching event fails; dead and connected are told apart in one window' '
	cd "$TRASH" &&
	printf "%s\n" "title \"none\"" "variants assign_new" "register \"a@example.com\" \"correct horse battery\"" \
		"visit /mission" "expect assign_new current_user from=function view=DossierLive" >none.scenario &&
	test_expect_code 1 "$LVTRACE" check none.scenario >out &&
	grep -q "no matching assign_new event" out &&
	printf "%s\n" "title \"both\"" "variants assign_new" "register \"a@example.com\" \"correct horse battery\"" \
		"visit /hq" "connect" \
		"expect assign_new current_user from=conn_assigns view=HeadquartersLive dead" \
		"expect assign_new current_user from=function view=HeadquartersLive connected" >both.scenario &&
	"$LVTRACE" check both.scenario >out
'

test_expect_success 'check --tap numbers the scenarios from 1 and plans them' '
	cd "$TRASH" &&
	test_expect_code 1 "$LVTRACE" check --tap wrong.scenario right.scenario >tap &&
	grep -q "^not ok 1 - wrong.scenario " tap &&
	grep -q "^ok 2 - right.scenario " tap &&
	grep -qx "1..2" tap
'

test_expect_success 'a malformed file: file:line:column, the line, a caret, a suggestion; nothing runs' '
	cd "$TRASH" &&
	printf "title \"x\"\nvisit /mission\nnavigat /dossier\n" >typo.scenario &&
	test_expect_code 2 "$LVTRACE" check typo.scenario wrong.scenario >out 2>err &&
	test ! -s out &&
	head -n 1 err | grep -q "^typo.scenario:3:1: " &&
	grep -q "^  navigat /dossier$" err &&
	grep -q "^  ^$" err &&
	grep -q "did you mean .navigate.?" err &&
	test -z "$(ls -d lvtrace.* 2>/dev/null)"
'

test_expect_success 'a scenario with a UTF-8 byte order mark runs; a FIFO given as one is refused at once' '
	cd "$TRASH" &&
	printf "\357\273\277title \"bom\"\nvariants assign\nvisit /users/log_in\nexpect status 200\n" >bom.scenario &&
	"$LVTRACE" check bom.scenario >out 2>err &&
	grep -q "^1 passed, 0 failed$" out &&
	mkfifo pipe.scenario &&
	test_expect_code 2 timeout 10 "$LVTRACE" check pipe.scenario >out 2>err &&
	grep -q "cannot read .pipe.scenario.: not a regular file (a FIFO)" err &&
	test_expect_code 2 timeout 10 "$LVTRACE" run /dev/zero >out 2>err &&
	grep -q "not a regular file (a device or socket)" err
'

test_expect_success 'a login that does not log in is an error at that step, with the page'"'"'s message' '
	cd "$TRASH" &&
	printf "title \"bad login\"\nvariants assign\nregister \"a@example.com\" \"correct horse battery\"\nlogout\nlogin \"a@example.com\" \"wrong password here\"\nvisit /mission\n" >badlogin.scenario &&
	test_must_fail "$LVTRACE" check badlogin.scenario >out &&
	grep -q "^ERROR badlogin.scenario:5: variant assign: login did not log in (status 200): Invalid email or password$" out &&
	# with expect status after it, the scenario checks the outcome itself
	sed "s|^visit /mission\$|expect status 200|" badlogin.scenario >checked.scenario &&
	"$LVTRACE" check checked.scenario >out2
'

test_expect_success 'a report that cannot be written is an error (exit 2), said' '
	cd "$TRASH" &&
	# /dev/full through a link of its own: a regression replaces the link, not the device
	ln -s /dev/full full.xml &&
	test_expect_code 2 "$LVTRACE" check bom.scenario --junit full.xml >out 2>err &&
	grep -q "cannot write .full.xml.: No space left on device" err && test -L full.xml &&
	test_expect_code 2 "$LVTRACE" check bom.scenario >/dev/full 2>err &&
	grep -q "cannot write the report to standard output: No space left on device" err &&
	test_expect_code 2 "$LVTRACE" run --no-tracer -o b.jsonl bom.scenario >/dev/full 2>err &&
	grep -q "cannot write the summary: No space left on device" err &&
	# a JUnit file appears whole, at the end
	"$LVTRACE" check bom.scenario --junit j.xml >out &&
	tail -n 1 j.xml | grep -q "^</testsuite>$" && test -z "$(ls j.xml.* 2>/dev/null)"
'

# a full disk: a small tmpfs, when this machine lets the test mount one
if mkdir -p "$TRASH/small" && mount -t tmpfs -o size=64k tmpfs "$TRASH/small" 2>/dev/null; then
	umount "$TRASH/small"
test_expect_success 'run -o on a full disk: exit 1, said, and no trace at all (not half of one)' '
	mount -t tmpfs -o size=64k tmpfs "$TRASH/small" &&
	test_when_finished "umount \"$TRASH/small\"" &&
	cd "$TEST_ROOT" &&
	test_expect_code 1 "$LVTRACE" run --no-tracer -o "$TRASH/small/t.jsonl" scenarios/01-first-visit.scenario >"$TRASH/out" 2>"$TRASH/err" &&
	grep -q "cannot write .*small/t.jsonl.: No space left on device" "$TRASH/err" &&
	test -z "$(ls -A "$TRASH/small")"
'
else
	test_count=$((test_count + 1))
	echo "ok $test_count # skip run -o on a full disk: this machine does not let the test mount a tmpfs"
fi

test_expect_success 'an lvdemo that does not start: its own words in the error, not a path to a file gone' '
	cd "$TRASH" &&
	printf "#!/bin/sh\necho \"lvdemo: cannot open database: the disk is on fire\" >&2\nexit 1\n" >fake-lvdemo &&
	chmod +x fake-lvdemo &&
	test_expect_code 1 "$LVTRACE" check --lvdemo ./fake-lvdemo bom.scenario >out 2>err &&
	grep -q "lvdemo for assign did not start: lvdemo: cannot open database: the disk is on fire" out &&
	! grep -q "\.err" out
'

test_expect_success 'usage errors exit 2' '
	test_must_fail "$LVTRACE" frobnicate 2>err && grep -q "unknown command" err &&
	test_expect_code 2 "$LVTRACE" run 2>/dev/null &&
	test_expect_code 2 "$LVTRACE" check --nope 2>/dev/null &&
	test_expect_code 2 "$LVTRACE" check /no/such/dir 2>/dev/null
'

test_expect_success 'run writes one merged trace: all variants, renumbered, rebased, prefixed' '
	cd "$TRASH" &&
	"$LVTRACE" run right.scenario -o merged.jsonl >summary &&
	grep -q "queries since mark \"page load\"" summary &&
	jq -s -e "
		([.[].seq] == [range(1; length + 1)]) and
		(.[0].event == \"trace.start\") and
		(.[1:] | map(select(.conn != \"run\")) | all(.variant != null and (.variant as \$v | .conn | startswith(\$v + \"/\")) and .src_seq >= 1)) and
		(map(select(.event == \"scenario.step\")) | length == 10) and
		(map(select(.event == \"scenario.expect\" and .outcome == \"passed\")) | length == 2) and
		(map(select(.event == \"repo.query\" and .variant == \"assign\" and (.phase | startswith(\"mount:\")))) | length == 2)
	" merged.jsonl >/dev/null &&
	# t_us is rebased to the run: in order within each variant (steps interleave them)
	jq -s -e "group_by(.variant) | map(map(.t_us) | . == sort) | all" merged.jsonl >/dev/null
'

test_expect_success 'a visit closes the page'"'"'s socket, as a full page load does' '
	cd "$TRASH" &&
	printf "%s\n" "title \"two pages\"" "variants assign_new" "register a@b.co \"correct horse battery\"" \
		"visit /mission" connect "visit /dossier" connect logout >two.scenario &&
	"$LVTRACE" run two.scenario -o two.jsonl >/dev/null &&
	jq -s -e "(map(select(.event == \"broadcast\"))[0].sockets == 1) and
		(map(select(.event == \"socket.disconnect\")) | map(.reason) == [\"client closed\", \"disconnect\"])" two.jsonl >/dev/null
'

test_expect_success '--junit writes a JUnit report' '
	cd "$TRASH" &&
	test_expect_code 1 "$LVTRACE" check --junit report.xml wrong.scenario right.scenario >/dev/null &&
	head -n 1 report.xml | grep -q "^<?xml" &&
	test "$(grep -c "<testcase " report.xml)" = 2 &&
	test "$(grep -c "<failure " report.xml)" = 1 &&
	grep -q "</testsuite>" report.xml &&
	# what the report quotes is escaped: a file named with XML'"'"'s own characters
	cp wrong.scenario "a&<b>.scenario" &&
	test_expect_code 1 "$LVTRACE" check --junit amp.xml "a&<b>.scenario" >/dev/null &&
	grep -q "a&amp;&lt;b&gt;.scenario" amp.xml &&
	test_must_fail grep -q "a&<b>" amp.xml
'

test_expect_success '-v lists the queries of passing expectations too' '
	cd "$TRASH" &&
	"$LVTRACE" check -v right.scenario >out &&
	grep -q "^ok   right.scenario:7: assign: 3 queries" out &&
	grep -q "mount:dead:MissionLive" out
'

test_expect_success 'Ctrl-C stops every lvdemo and cleans up' '
	cd "$TRASH" &&
	printf "title \"slow\"\nvisit /\nwait 20000\n" >slow.scenario &&
	mkdir ctrlc || exit 1
	TMPDIR=$TRASH/ctrlc "$LVTRACE" run slow.scenario -o slow.jsonl >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 200); do
		ls ctrlc/lvtrace.*/*.jsonl >/dev/null 2>&1 && break
		read -r -t 0.05 <> <(:) || :
	done &&
	kill -INT $pid && test_expect_code 130 wait $pid &&
	! pgrep -f "$TRASH/ctrlc" >/dev/null &&
	test -z "$(ls ctrlc)"
'

test_done
