#!/usr/bin/env bash
# The fuzzers' inputs, replayed: every harness of tests/fuzz/ (linked with
# tests/fuzz/replay_main.c instead of libFuzzer, built like the unit tests)
# runs its seeds (tests/fuzz/seeds/H) and the inputs that once crashed or
# hung (tests/fuzz/corpus/H); one that crashes, aborts, trips a sanitizer
# or runs past its time fails its harness's test.
. "$(dirname "$0")/lib.sh"

HARNESSES="fuzz_form fuzz_scenario fuzz_trace_line fuzz_session fuzz_model fuzz_channel fuzz_http fuzz_token fuzz_otlp"
FUZZ=$TEST_ROOT/tests/fuzz

test_expect_success 'every harness of tests/fuzz is replayed here, with seeds' '
	for c in "$FUZZ"/fuzz_*.c; do
		h=$(basename "$c" .c) &&
		case "$h" in fuzz_app) continue ;; esac &&
		case " $HARNESSES " in *" $h "*) ;; *) echo "$h is not replayed" >&2; exit 1 ;; esac &&
		test -n "$(ls "$FUZZ/seeds/$h")" || exit 1
	done
'

for h in $HARNESSES; do
	test_expect_success "$h: its seeds and past crashes replay cleanly" '
		replay=$BUILD_DIR/tests/fuzz/replay_'"$h"' &&
		test -x "$replay" &&
		dirs=$FUZZ/seeds/'"$h"' &&
		if [ -d "$FUZZ/corpus/'"$h"'" ]; then dirs="$dirs $FUZZ/corpus/'"$h"'"; fi &&
		REPLAY_TIMEOUT=60 timeout 300 "$replay" $dirs >out 2>err ||
		{ cat out; tail -n 30 err; exit 1; }
	'
done

test_done
