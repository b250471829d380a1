#!/usr/bin/env bash
# lvtrace run NAME and check NAME: a bundled scenario by name when no file
# NAME exists ("first-visit", "01-first-visit", "first-visit.scenario"); an
# existing file wins, a path is never looked up, an unknown name lists the
# bundled ones, an ambiguous one names both. The bundled directory of a
# lvtrace copied into a prefix of our own is that prefix's share/lvtrace/scenarios.
. "$(dirname "$0")/lib.sh"

export LVDEMO TMPDIR=$TRASH
# where the build tree's lvtrace finds them: the tree as make saw it (its CURDIR)
BUNDLED=$(cd "$TEST_ROOT/scenarios" && pwd -P)
mkdir "$TRASH/here"

# the names the bundled scenarios go by, as the message lists them
bundled_names() {
	ls "$1" | sed -n 's/\.scenario$//p' | sed 's/^[0-9][0-9]*-//' | paste -sd, | sed 's/,/, /g'
}

test_expect_success 'a bundled scenario by its short name, with its number, with its suffix, or whole' '
	cd here &&
	test ! -e scenarios &&
	for name in first-visit 01-first-visit first-visit.scenario 01-first-visit.scenario; do
		"$LVTRACE" check "$name" >out &&
		grep -q "^ok  *$BUNDLED/01-first-visit.scenario  First visit, logged in" out &&
		test "$(tail -n 1 out)" = "1 passed, 0 failed" || { echo "for $name:"; cat out; return 1; }
	done
'

test_expect_success 'run NAME runs the bundled file and writes its trace here, named after it' '
	cd here &&
	"$LVTRACE" run --no-tracer logged-out >summary &&
	grep -q "^trace: 02-logged-out.trace.jsonl " summary &&
	head -n 1 02-logged-out.trace.jsonl | jq -e --arg f "$BUNDLED/02-logged-out.scenario" ".scenario == \$f"
'

cat >"$TRASH/mine.scenario" <<'SCN'
title "Mine, not the bundled one"
variants assign
visit /users/log_in
expect status 200
SCN

test_expect_success 'an existing file wins over a bundled scenario of the same name' '
	cd here &&
	test_when_finished "rm -f first-visit" &&
	cp ../mine.scenario first-visit &&
	"$LVTRACE" check first-visit >out &&
	grep -q "^ok  *first-visit  Mine, not the bundled one" out &&
	"$LVTRACE" run --no-tracer -o t.jsonl first-visit >/dev/null &&
	head -n 1 t.jsonl | jq -e ".scenario == \"first-visit\""
'

test_expect_success 'an unknown name: exit 2, one line listing the bundled names, nothing run' '
	cd here &&
	echo "lvtrace: no scenario file or bundled scenario '"'"'frist-visit'"'"' (bundled: $(bundled_names "$BUNDLED"))" >expected &&
	grep -q "^lvtrace: .*(bundled: first-visit, logged-out, reconnect, " expected &&
	test_expect_code 2 "$LVTRACE" run --no-tracer frist-visit >out 2>err &&
	test_cmp expected err && test ! -s out &&
	test_expect_code 2 "$LVTRACE" check first-visit frist-visit >out 2>err &&
	test_cmp expected err && test ! -s out &&
	test_expect_code 2 "$LVTRACE" check 02-first-visit >/dev/null 2>err &&
	grep -q "bundled scenario '"'"'02-first-visit'"'"' (bundled: " err
'

test_expect_success 'a path is a file or nothing: never looked up by name' '
	cd here &&
	test_expect_code 2 "$LVTRACE" check ./logged-out >out 2>err &&
	grep -q "cannot open '"'"'./logged-out'"'"'" err && ! grep -q bundled err &&
	test_expect_code 2 "$LVTRACE" run --no-tracer nowhere/logged-out >out 2>err &&
	! grep -q bundled err
'

# a prefix of our own: a copy of lvtrace in P/bin finds P/share/lvtrace/scenarios
P=$TRASH/prefix
mkdir -p "$P/bin" "$P/share/lvtrace/scenarios"
cp "$LVTRACE" "$P/bin/lvtrace"
S=$(cd "$P/share/lvtrace/scenarios" && pwd -P)
for f in 01-twin 02-twin 07-solo solo; do
	sed "s/^title .*/title \"$f\"/" "$TRASH/mine.scenario" >"$S/$f.scenario"
done

test_expect_success 'an installed lvtrace searches its own share/lvtrace/scenarios, not the build tree too' '
	cd here &&
	echo "lvtrace: no scenario file or bundled scenario '"'"'logged-out'"'"' (bundled: 01-twin, 02-twin, 07-solo, solo)" >expected &&
	test_expect_code 2 "$P/bin/lvtrace" check logged-out >out 2>err &&
	test_cmp expected err &&
	"$P/bin/lvtrace" check 02-twin.scenario >out &&
	grep -q "^ok  *$S/02-twin.scenario  02-twin" out
'

test_expect_success 'an ambiguous name: exit 2, naming both files' '
	cd here &&
	echo "lvtrace: '"'"'twin'"'"' names more than one bundled scenario: 01-twin.scenario and 02-twin.scenario (in $S); give its number too" >expected &&
	test_expect_code 2 "$P/bin/lvtrace" check twin >out 2>err &&
	test_cmp expected err && test ! -s out &&
	test_expect_code 2 "$P/bin/lvtrace" run --no-tracer twin >out 2>err &&
	test_cmp expected err && test ! -s out
'

test_expect_success 'a whole file name beats another file'"'"'s short name' '
	cd here &&
	"$P/bin/lvtrace" check solo >out &&
	grep -q "^ok  *$S/solo.scenario  solo" out &&
	"$P/bin/lvtrace" check 07-solo >out &&
	grep -q "^ok  *$S/07-solo.scenario  07-solo" out
'

test_expect_success 'lvtrace --help says that run and check take a bundled name' '
	"$LVTRACE" --help >out &&
	grep -q "bundled scenario.s name" out
'

test_done
