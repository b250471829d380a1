#!/usr/bin/env bash
# The layers of docs/architecture.md, checked by scripts/check-layers: the
# tree keeps them, and the check finds an include that goes up a layer,
# one into the other program, and a file in no layer.
. "$(dirname "$0")/lib.sh"

CHECK=$TEST_ROOT/scripts/check-layers

# a copy of the sources to break
copy_tree() {
	rm -rf tree && mkdir tree &&
	cp -r "$TEST_ROOT/demo_app" "$TEST_ROOT/tracer" "$TEST_ROOT/common" tree/
}

test_expect_success 'the tree keeps its layers' '
	"$CHECK" "$TEST_ROOT" >out &&
	test ! -s out
'

test_expect_success 'a view including the router is found, with its file and line' '
	copy_tree &&
	sed -i "0,/^#include \"views.h\"/s//#include \"views.h\"\n#include \"router.h\"/" tree/demo_app/views.c &&
	line=$(grep -n "^#include \"router.h\"" tree/demo_app/views.c | cut -d: -f1) &&
	test -n "$line" &&
	test_expect_code 1 "$CHECK" tree >out &&
	grep -q "^demo_app/views.c:$line: the views (layer 6) includes router.h of the router (layer 3)" out &&
	test "$(wc -l <out)" -eq 1
'

test_expect_success 'the domain including the LiveView engine is found' '
	copy_tree &&
	printf "#include \"live_view.h\"\n" >>tree/demo_app/session.c &&
	test_expect_code 1 "$CHECK" tree >out &&
	grep -q "^demo_app/session.c:[0-9]*: the request and the domain (layer 7) includes live_view.h" out
'

test_expect_success 'the trace library including the model is found' '
	copy_tree &&
	printf "#include \"model.h\"\n" >>tree/tracer/trace_read.c &&
	test_expect_code 1 "$CHECK" tree >out &&
	grep -q "^tracer/trace_read.c:[0-9]*: the trace library (shared) (layer 8) includes model.h of the model" out
'

test_expect_success 'lvtrace including a file of lvdemo is found' '
	copy_tree &&
	printf "#include \"accounts.h\"\n" >>tree/tracer/cmd_check.c &&
	test_expect_code 1 "$CHECK" tree >out &&
	grep -q "^tracer/cmd_check.c:[0-9]*: tracer includes demo_app/accounts.h, a file of demo_app" out
'

test_expect_success 'a new file in no layer is found' '
	copy_tree &&
	printf "int lonely;\n" >tree/demo_app/lonely.c &&
	test_expect_code 1 "$CHECK" tree >out &&
	grep -q "^demo_app/lonely.c: in no layer" out
'

test_done
