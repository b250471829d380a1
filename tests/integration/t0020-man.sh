#!/usr/bin/env bash
# The manual pages: each renders without a warning, and they agree with the
# programs: every option that lvtrace --help and lvdemo --help print is an
# entry of its page, every command of lvtrace --help a section of
# lvtrace(1), every key of the tracer's help screen (tracer/tui_help.c) an
# entry of its KEYS, and every event name of the trace library
# (tracer/trace.h and the headers it includes) an entry of lvtrace-trace(5).
# An entry is what a .TP tag or a .SS heading says once groff has rendered
# it, so that fonts and escapes do not matter.
. "$(dirname "$0")/lib.sh"

DOCS=$TEST_ROOT/docs
for tool in man groff; do
	command -v "$tool" >/dev/null ||
		{ echo "Bail out! $tool is not installed (scripts/ensure-deps test)"; exit 1; }
done

# render_lines: roff lines on stdin, each ".PP" paragraph rendered as plain
# ASCII text on one line (no fonts, no hyphenation, 250 columns), each line
# of output prefixed by the marker the paragraph starts with.
render_lines() {
	{ printf '.TH T 1\n.nh\n.ad l\n.SH S\n'; cat; } |
		groff -man -Tascii -P-cbu -rLL=250n 2>/dev/null |
		sed -n 's/^ *@@entry@@ //p'
}

# tags PAGE [SECTION]: the rendered tag of every .TP of PAGE (in SECTION
# only, its .SH heading, when given), one per line.
tags() {
	awk -v section="${2:-}" '
		/^\.SH/ { sh = $0; sub(/^\.SH +"?/, "", sh); sub(/"$/, "", sh) }
		section != "" && sh != section { prev = ""; next }
		prev ~ /^\.TP/ { print ".PP"; print "@@entry@@"; print }
		{ prev = $0 }
	' "$1" | render_lines
}

# headings PAGE: every .SS heading of PAGE, rendered, one per line.
headings() {
	sed -n 's/^\.SS \(.*\)/.PP\n@@entry@@\n.B \1/p' "$1" | render_lines
}

# words: the words of stdin (split at blanks and commas), one per line.
words() {
	tr -s ' \t,' '\n\n\n' | sed '/^$/d' | sort -u
}

# all_in WANTED HAVE WHAT: every line of file WANTED is a line of file HAVE;
# else name each one missing. WANTED must not be empty: a list that came
# out empty is a broken extraction, not a pass.
all_in() {
	local missing
	if [ ! -s "$1" ]; then
		echo "all_in: no $3 found at all (the extraction is broken)" >&2
		return 1
	fi
	missing=$(sort -u "$1" | comm -23 - <(sort -u "$2"))
	if [ -n "$missing" ]; then
		echo "$3 not documented:" $missing >&2
		return 1
	fi
}

# options HELP: the long and short options HELP (a --help output) prints.
options() {
	grep -oE -- '--[a-z][a-z0-9-]*' "$1"
	grep -oE -- '(^|[^A-Za-z0-9-])-[A-Za-z]([^A-Za-z0-9-]|$)' "$1" | grep -oE -- '-[A-Za-z]'
}

# help_keys SRC: the first cell of every row of the key table of the
# tracer's help screen in SRC, {"KEYS", "what they do"}, as the user reads
# it ("] [", "Tab S-Tab"). The table is read as C: string literals with
# their escapes, braces outside strings and comments. Fails unless there is
# one such table and every row of it has a first cell.
help_keys() {
	[ "$(grep -c 'keys\[\]\[2\] *= *{' "$1")" = 1 ] ||
		{ echo "help_keys: no single key table in $1" >&2; return 1; }
	# the table: from its opening to the "};" that closes it
	sed -n '/keys\[\]\[2\] *= *{/,/^};/p' "$1" | awk '
		{ text = text $0 "\n" }
		END {
			n = length(text); depth = 0; rows = 0; cells = 0
			for (i = 1; i <= n; i++) {
				c = substr(text, i, 1)
				if (c == "/" && substr(text, i + 1, 1) == "*") {
					j = index(substr(text, i + 2), "*/")
					i = j ? i + j + 2 : n
				} else if (c == "\"") {
					str = ""
					for (i++; i <= n && (c = substr(text, i, 1)) != "\""; i++) {
						if (c == "\\") c = substr(text, ++i, 1)
						str = str c
					}
					if (want) { print str; cells++; want = 0 }
				} else if (c == "{") {
					if (++depth == 2) { rows++; want = 1 }
				} else if (c == "}") {
					depth--
				}
			}
			if (rows < 10 || cells != rows || depth != 0) {
				printf "help_keys: %d rows, %d first cells, braces %d\n", rows, cells, depth >"/dev/stderr"
				exit 1
			}
		}'
}

test_expect_success 'each manual page renders without a warning' '
	for page in lvtrace.1 lvdemo.1 lvtrace-scenario.5 lvtrace-trace.5; do
		test -f "$DOCS/$page" || { echo "docs/$page is missing"; exit 1; }
	done &&
	for page in "$DOCS"/*.[1-9]; do
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>warnings >rendered &&
		test -s rendered &&
		if test -s warnings; then
			echo "$(basename "$page"):"; cat warnings; exit 1
		fi || exit 1
	done
'

test_expect_success 'every option of lvtrace --help is an entry of lvtrace(1)' '
	"$LVTRACE" --help >help &&
	options help | sort -u >wanted &&
	grep -qx -- --help wanted && grep -qx -- -o wanted &&
	tags "$DOCS/lvtrace.1" | words >have &&
	all_in wanted have "lvtrace options"
'

test_expect_success 'every option of lvdemo --help is an entry of lvdemo(1)' '
	"$LVDEMO" --help >help &&
	options help | sort -u >wanted &&
	grep -qx -- --trace-feed-from wanted &&
	tags "$DOCS/lvdemo.1" | words >have &&
	all_in wanted have "lvdemo options"
'

test_expect_success 'every command of lvtrace --help is a section of lvtrace(1)' '
	"$LVTRACE" --help >help &&
	{
		# the usage lines, and the list of commands with their summaries
		sed -n "s/^\(usage:\)\{0,1\} *lvtrace \([a-z][a-z]*\) .*/lvtrace \2/p" help
		sed -n "s/^  \([a-z][a-z]*\)  *[^ -].*/lvtrace \1/p" help
		# the forms the text names, as `lvtrace TRACE.jsonl`
		grep -o "\`lvtrace [A-Z][A-Za-z.]*\`" help | tr -d "\`"
	} | sort -u >wanted &&
	test "$(grep -c . wanted)" -ge 7 &&
	headings "$DOCS/lvtrace.1" | awk "{ print \$1, \$2 }" | sort -u >have &&
	all_in wanted have "lvtrace commands"
'

test_expect_success 'every key of the tracer'"'"'s help screen is an entry of KEYS in lvtrace(1)' '
	help_keys "$TEST_ROOT/tracer/tui_help.c" >rows &&
	words <rows >wanted &&
	grep -qx "S-Tab" wanted && grep -qx "?" wanted && grep -qx "space" wanted &&
	tags "$DOCS/lvtrace.1" KEYS | words >have &&
	all_in wanted have "tracer keys"
'

test_expect_success 'every event name of the trace library is an entry of lvtrace-trace(5)' '
	hdr=$TEST_ROOT/tracer/trace.h &&
	# trace.h and the project headers it includes (trace_events.h has the names)
	{
		echo "$hdr"
		sed -n "s/^#include \"\([^\"]*\)\".*/\1/p" "$hdr" | while read -r inc; do
			test -f "$TEST_ROOT/tracer/$inc" && echo "$TEST_ROOT/tracer/$inc"
		done
	} >headers &&
	grep -q trace_events.h headers &&
	{
		xargs sed -n "s/^#define TRACE_EV_[A-Z0-9_]*[ \t][ \t]*\"\([^\"]*\)\".*/\1/p" <headers
		# a span prefix is two events, PREFIX.start and PREFIX.stop
		xargs sed -n "s/^#define TRACE_SPAN_[A-Z0-9_]*[ \t][ \t]*\"\([^\"]*\)\".*/\1.start\n\1.stop/p" <headers
	} | sort -u >wanted &&
	grep -qx feed.dropped wanted && grep -qx live_view.mount.stop wanted &&
	test "$(grep -c . wanted)" -ge 30 &&
	tags "$DOCS/lvtrace-trace.5" | words >have &&
	all_in wanted have "trace events"
'

test_done
