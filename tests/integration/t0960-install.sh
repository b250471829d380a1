#!/usr/bin/env bash
# make install and make uninstall with DESTDIR and PREFIX: every file in its
# place with its mode (the list made from the tree: the programs, each
# docs/*.1 and *.5, each scenario, each asset), nothing rebuilt; the
# installed lvtrace runs a bundled scenario by name from anywhere, the
# installed lvdemo serves a LiveView page's JavaScript from the installed
# tree; uninstall takes away exactly that and the directories it made.
. "$(dirname "$0")/lib.sh"

BIN_DIR=$(dirname "$LVDEMO") # the programs make test built: bin or bin/asan
ROOT=$TRASH/root
export TMPDIR=$TRASH

[ -x "$BIN_DIR/lvtrace" ] && [ -x "$LVDEMO" ] || {
	echo "Bail out! build first: $BIN_DIR/lvdemo and lvtrace are not there"
	exit 1
}

# make_in_tree ARGS...: make in the tree the other suites use, with the flags
# and command-line variables of the make that runs the tests (MAKEFLAGS) but
# without its jobserver, which a make started from a test cannot reach; and
# the build under test's SANITIZE, for this suite run by hand.
make_in_tree() {
	local flags sanitize=
	flags=$(printf '%s' "${MAKEFLAGS:-}" | sed -E 's/(^| )--jobserver-(auth|fds)=[^ ]*//g')
	case $BUILD_DIR in */build/asan) sanitize=SANITIZE=1 ;; esac
	MAKEFLAGS=$flags make -C "$TEST_ROOT" --no-print-directory $sanitize "$@"
}

# what install must put there, "MODE PATH" under the root, from the tree
expected_files() {
	local f
	printf '755 usr/bin/%s\n' lvdemo lvtrace
	for f in "$TEST_ROOT"/docs/*.1; do
		[ -e "$f" ] && echo "644 usr/share/man/man1/${f##*/}"
	done
	for f in "$TEST_ROOT"/docs/*.5; do
		[ -e "$f" ] && echo "644 usr/share/man/man5/${f##*/}"
	done
	for f in "$TEST_ROOT"/scenarios/*.scenario; do
		echo "644 usr/share/lvtrace/scenarios/${f##*/}"
	done
	for f in "$TEST_ROOT"/build/assets/*; do
		echo "644 usr/share/lvdemo/assets/${f##*/}"
	done
}

# each installed file against the one it was installed from
same_as_tree() {
	local f bad=0
	for f in lvdemo lvtrace; do
		cmp "$BIN_DIR/$f" "$ROOT/usr/bin/$f" || bad=1
	done
	for f in "$TEST_ROOT"/docs/*.1; do
		[ ! -e "$f" ] || cmp "$f" "$ROOT/usr/share/man/man1/${f##*/}" || bad=1
	done
	for f in "$TEST_ROOT"/docs/*.5; do
		[ ! -e "$f" ] || cmp "$f" "$ROOT/usr/share/man/man5/${f##*/}" || bad=1
	done
	for f in "$TEST_ROOT"/scenarios/*.scenario; do
		cmp "$f" "$ROOT/usr/share/lvtrace/scenarios/${f##*/}" || bad=1
	done
	for f in "$TEST_ROOT"/build/assets/*; do
		cmp "$f" "$ROOT/usr/share/lvdemo/assets/${f##*/}" || bad=1
	done
	return $bad
}

# served_as_installed DIR: each /assets/NAME read from stdin is served, and is DIR/NAME
served_as_installed() {
	local path
	while read -r path; do
		http GET "$path" && test "$STATUS" = 200 && cmp "$TRASH/body" "$1/${path#/assets/}" || return 1
	done
}

test_expect_success 'make install DESTDIR=... PREFIX=/usr rebuilds nothing' '
	touch before &&
	{ make_in_tree install DESTDIR="$ROOT" PREFIX=/usr >install.log 2>&1 || { cat install.log; false; }; } &&
	! grep -i "warning" install.log &&
	# (build/fuzz left out: a make fuzz running beside the tests writes there)
	find "$TEST_ROOT/bin" "$TEST_ROOT/build" "$TEST_ROOT/node_modules/.package-lock.json" \
		-path "$TEST_ROOT/build/fuzz" -prune -o -newer before -print >rebuilt &&
	test_cmp /dev/null rebuilt
'

test_expect_success 'every file the tree has to install is there with its mode, and no other' '
	expected_files | sort -k 2 >expected &&
	grep -q " usr/share/man/man5/lvtrace-scenario.5$" expected &&
	grep -q " usr/share/lvtrace/scenarios/01-first-visit.scenario$" expected &&
	grep -q " usr/share/lvdemo/assets/phoenix_live_view.esm.js$" expected &&
	(cd "$ROOT" && find . ! -type d -printf "%m %P\n") | sort -k 2 >actual &&
	test_cmp expected actual &&
	(cd "$ROOT" && find . -type d ! -perm 755) >odd-dirs &&
	test_cmp /dev/null odd-dirs
'

test_expect_success 'the installed files are the tree'"'"'s' '
	same_as_tree
'

test_expect_success 'the installed lvtrace runs a bundled scenario by name, from a directory with none' '
	mkdir -p elsewhere && cd elsewhere &&
	test ! -e scenarios &&
	{ LVDEMO=$ROOT/usr/bin/lvdemo "$ROOT/usr/bin/lvtrace" run --no-tracer first-visit >summary 2>err ||
		{ cat summary err; false; }; } &&
	grep -q "^trace: 01-first-visit.trace.jsonl (28 expectations passed, 0 failed)$" summary &&
	installed=$(cd "$ROOT/usr/share/lvtrace/scenarios" && pwd -P) &&
	head -n 1 01-first-visit.trace.jsonl |
		jq -e --arg f "$installed/01-first-visit.scenario" ".event == \"trace.start\" and .scenario == \$f"
'

test_expect_success 'the installed lvdemo serves a LiveView page and its JavaScript from the installed tree' '
	assets=$ROOT/usr/share/lvdemo/assets &&
	# a line of our own in the installed copy: the build tree'"'"'s has none
	echo "// the installed copy" >>"$assets/phoenix_live_view.esm.js" &&
	LVDEMO=$ROOT/usr/bin/lvdemo && start_lvdemo &&
	register agent@example.com "correct horse battery" &&
	http GET /assign/mission && test "$STATUS" = 200 &&
	grep -q "<script type=\"module\" src=\"/assets/app.js\"></script>" body &&
	http GET /assets/app.js && test "$STATUS" = 200 &&
	cmp body "$assets/app.js" &&
	sed -n "s/^import .* from \"\(\/assets\/[^\"]*\)\"$/\1/p" "$assets/app.js" >imports &&
	test "$(wc -l <imports)" = 2 &&
	served_as_installed "$assets" <imports &&
	http GET /assets/phoenix_live_view.esm.js &&
	test "$(tail -n 1 body)" = "// the installed copy"
'

test_expect_success 'make uninstall removes what install put there, and nothing else' '
	echo "#!/bin/sh" >"$ROOT/usr/bin/other-tool" &&
	cp "$ROOT/usr/share/lvtrace/scenarios/01-first-visit.scenario" \
		"$ROOT/usr/share/lvtrace/scenarios/mine.scenario" &&
	{ make_in_tree uninstall DESTDIR="$ROOT" PREFIX=/usr >uninstall.log 2>&1 || { cat uninstall.log; false; }; } &&
	(cd "$ROOT" && find . ! -type d -printf "%P\n" | sort) >left &&
	printf "%s\n" usr/bin/other-tool usr/share/lvtrace/scenarios/mine.scenario >expected &&
	test_cmp expected left &&
	test ! -e "$ROOT/usr/share/lvdemo"
'

test_expect_success 'and the directories it made, once they are empty; twice is no error' '
	rm "$ROOT/usr/bin/other-tool" "$ROOT/usr/share/lvtrace/scenarios/mine.scenario" &&
	{ make_in_tree uninstall DESTDIR="$ROOT" PREFIX=/usr >uninstall.log 2>&1 || { cat uninstall.log; false; }; } &&
	(cd "$ROOT" && find . ! -type d) >left &&
	test_cmp /dev/null left &&
	test ! -e "$ROOT/usr/share/lvtrace" && test ! -e "$ROOT/usr/share/lvdemo"
'

test_done
