#!/usr/bin/env bash
# lvtrace import --otlp: OpenTelemetry spans (tests/fixtures/otlp, made by
# its make-fixtures from the span and attribute names of the
# instrumentation libraries) into a trace: one page load whose per-phase
# counts (plug 1, dead mount 1, connected mount 1) the plain view and
# lvtrace expect read back; --variant in every event; an unknown span kept
# as a span event; db.statement as well as db.query.text; malformed input
# refused with its line, and no output written.
. "$(dirname "$0")/lib.sh"

export TMPDIR=$TRASH LANG=C.UTF-8 LC_ALL=C.UTF-8 COLUMNS=100
FIX=$TEST_ROOT/tests/fixtures/otlp

test_expect_success 'a page load imports; the plain view counts plug 1, dead 1, connected 1' '
	"$LVTRACE" import --otlp "$FIX/page-load.json" -o mine.jsonl --variant mine 2>err &&
	grep -q "^lvtrace: .*page-load.json: 10 spans: 1 request, 5 LiveView callbacks, 3 queries, 1 other into mine.jsonl$" err &&
	"$LVTRACE" replay --plain mine.jsonl >plain 2>err &&
	test ! -s err &&
	grep -q "^== step 1/2: GET /mission$" plain &&
	grep -q "^GET /mission?tab=briefing -> 200$" plain &&
	grep -q "^  mount (dead) MissionLive$" plain &&
	grep -q "^   hits: mine 2: plug 1, dead mount 1$" plain &&
	grep -q "^  mount (connected) MissionLive$" plain &&
	grep -q "^   hits: mine 1: connected mount 1$" plain &&
	grep -q "^  handle_event \"accept\" (MissionLive)$" plain
'

test_expect_success 'the phases are lvdemo'"'"'s, and lvtrace expect holds the page load to them' '
	grep "\"event\":\"repo.query\"" mine.jsonl >queries &&
	test "$(wc -l <queries)" = 3 &&
	sed -n 1p queries | grep -q "\"source\":\"users_tokens\",\"total_us\":200,\"phase\":\"plug:pipeline\"}$" &&
	sed -n 2p queries | grep -q "\"phase\":\"mount:dead:MissionLive\"}$" &&
	sed -n 3p queries | grep -q "\"phase\":\"mount:connected:MissionLive\"}$" &&
	"$LVTRACE" expect mine.jsonl --page /mission "queries phase=plug:* 1" "queries phase=mount:dead* 1" \
		"queries phase=mount:connected* 1" "queries 3" >out &&
	test "$(tail -n 1 out)" = "4 passed, 0 failed"
'

test_expect_success '--variant lands in every event and in trace.start; without it, no line has one' '
	grep -q "^{\"seq\":1,.*\"event\":\"trace.start\",.*\"app\":\"lvtrace import\",.*\"variants\":\[\"mine\"\]}$" mine.jsonl &&
	test "$(grep -c "\"conn\":\"http:1\",\"variant\":\"mine\"," mine.jsonl)" = 10 &&
	test "$(grep -c "\"conn\":\"ws:1\",\"variant\":\"mine\"," mine.jsonl)" = 6 &&
	test "$(grep -vc "\"variant\":\"mine\"" mine.jsonl)" = 2 &&
	"$LVTRACE" import --otlp "$FIX/page-load.json" >plain.jsonl 2>/dev/null &&
	test_must_fail grep -q "\"variant\":" plain.jsonl &&
	test_expect_code 2 "$LVTRACE" import --otlp "$FIX/page-load.json" --variant "a b" 2>err &&
	grep -q "^lvtrace: --variant takes a word" err
'

test_expect_success 'a span lvtrace has no event for is a span event, in the phase around it' '
	grep "\"event\":\"span\"" mine.jsonl >spans &&
	test "$(wc -l <spans)" = 1 &&
	grep -q "\"conn\":\"ws:1\",\"variant\":\"mine\",\"name\":\"GET\",\"kind\":\"client\",\"duration_us\":300,\"phase\":\"mount:connected:MissionLive\",\"attributes\":{\"http.request.method\":\"GET\",\"url.full\":\"https://api.example.com/briefing\"" spans &&
	grep -q "^    span GET$" plain
'

test_expect_success 'db.statement, http.target and enum kinds (older conventions) give the same counts' '
	"$LVTRACE" import --otlp "$FIX/page-load-db-statement.json" -o old.jsonl --variant old 2>/dev/null &&
	test "$(grep -c "\"event\":\"repo.query\".*\"sql\":\"SELECT u1" old.jsonl)" = 3 &&
	grep -q "\"event\":\"endpoint.start\",\"conn\":\"http:1\",\"variant\":\"old\",\"method\":\"GET\",\"path\":\"/mission\",\"query\":\"tab=briefing\"}$" old.jsonl &&
	"$LVTRACE" replay --plain old.jsonl >oldplain &&
	grep -q "^   hits: old 2: plug 1, dead mount 1$" oldplain &&
	grep -q "^   hits: old 1: connected mount 1$" oldplain
'

test_expect_success 'a malformed line: its line (and column), exit 2, and no output, not even in part' '
	{ sed -n 1p "$FIX/page-load.json" && echo "{\"resourceSpans\": [" && sed -n 2p "$FIX/page-load.json"; } >bad.json &&
	echo keep >out.jsonl &&
	test_expect_code 2 "$LVTRACE" import --otlp bad.json -o out.jsonl 2>err &&
	grep -q "^lvtrace: bad.json:2:[0-9][0-9]*: not JSON" err &&
	test "$(cat out.jsonl)" = keep &&
	test_must_fail ls out.jsonl.* 2>/dev/null &&
	test_expect_code 2 "$LVTRACE" import --otlp bad.json 2>err >stdout &&
	test ! -s stdout &&
	sed "s/\"spanId\":\"53995c3f42cd8ad8\"/\"spanId\":\"xyz\"/" "$FIX/page-load.json" >badid.json &&
	test_expect_code 2 "$LVTRACE" import --otlp badid.json -o new.jsonl 2>err &&
	grep -q "^lvtrace: badid.json:1: resourceSpans\[0\].scopeSpans\[1\].spans\[0\]: spanId is not 16 hex digits$" err &&
	test ! -e new.jsonl &&
	echo "[1, 2]" >nototlp.json &&
	test_expect_code 2 "$LVTRACE" import --otlp nototlp.json 2>err &&
	grep -q "^lvtrace: nototlp.json:1: not an ExportTraceServiceRequest object$" err
'

test_expect_success 'spans whose parents loop are refused, not followed' '
	span() { printf "{\"traceId\":\"%s\",\"spanId\":\"%s\",\"parentSpanId\":\"%s\",\"name\":\"x\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\"}" \
		0af7651916cd43dd8448eb211c80319c "$1" "$2"; } &&
	echo "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[$(span 00f067aa0ba902b7 53995c3f42cd8ad8),$(span 53995c3f42cd8ad8 00f067aa0ba902b7)]}]}]}" >loop.json &&
	test_expect_code 2 "$LVTRACE" import --otlp loop.json 2>err &&
	grep -q "^lvtrace: loop.json:1: span 00f067aa0ba902b7: its parents loop" err
'

test_expect_success 'the requests bandit traces besides the page (a static file, the socket upgrade) are no page loads' '
	"$LVTRACE" import --otlp "$FIX/page-load-bandit.json" -o bandit.jsonl --variant mine 2>err &&
	"$LVTRACE" replay --plain bandit.jsonl >plain &&
	grep "^== step" plain >steps &&
	printf "%s\n" "== step 1/2: GET /mission" "== step 2/2: join MissionLive" >expected &&
	test_cmp expected steps &&
	grep -q "^   hits: mine 1: connected mount 1$" plain &&
	grep -q "\"event\":\"span\",.*\"name\":\"GET /live/websocket\"" bandit.jsonl &&
	"$LVTRACE" expect bandit.jsonl --page /mission "queries 3" "queries phase=mount:connected* 1" >out &&
	test "$(tail -n 1 out)" = "2 passed, 0 failed"
'

test_expect_success 'lvtrace expect names the trace'"'"'s own variant in V=N counts, and suggests it' '
	"$LVTRACE" expect mine.jsonl --page /mission "queries mine=3" "queries phase=mount:dead* mine=1" >out &&
	test "$(tail -n 1 out)" = "2 passed, 0 failed" &&
	test_expect_code 1 "$LVTRACE" expect mine.jsonl "queries mine=2" >out &&
	grep -q "^  variant mine: expected 2 queries, got 3$" out &&
	test_expect_code 2 "$LVTRACE" expect mine.jsonl "queries mime=3" 2>err &&
	grep -q "unknown option or variant .mime." err &&
	grep -q "did you mean .mine=3.?" err
'

test_expect_success 'usage: no input, a missing file' '
	test_expect_code 2 "$LVTRACE" import 2>err &&
	grep -q "import needs its input: --otlp FILE.json" err &&
	test_expect_code 2 "$LVTRACE" import --otlp "$TRASH/nope.json" 2>err &&
	grep -q "^lvtrace: cannot open .$TRASH/nope.json.: No such file or directory$" err
'

test_done
