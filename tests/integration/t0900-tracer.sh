#!/usr/bin/env bash
# The ncurses tracer as a user sees it, driven in tmux (a private server,
# killed on exit): keys are sent, the pane is captured and compared. The
# first-visit lesson: stepping to the dead mount, the avoided query beside
# the query, the counters ending at 3 and 2, search, help, the code pane, a
# resize to a tiny terminal and back, and the terminal restored after q and
# after SIGTERM. Screens are compared with tests/golden/*.screen
# (UPDATE_GOLDEN=1 rewrites them after a reviewed change).
. "$(dirname "$0")/lib.sh"

export LVDEMO TMPDIR=$TRASH
command -v tmux >/dev/null || { echo "Bail out! tmux is not installed (scripts/ensure-deps test)"; exit 1; }

SOCK=$TRASH/tmux.sock
tm() { tmux -S "$SOCK" -f /dev/null "$@"; }
stop_tmux() { tm kill-server 2>/dev/null; return 0; }
trap 'stop_tmux; cleanup' EXIT

# capture: the pane's text now, into ./screen (after the tracer exits: its history too)
capture() { tm capture-pane -p -t lv >"$TRASH/screen"; }
capture_all() { tm capture-pane -p -S - -t lv >"$TRASH/screen"; }
# wait_for PATTERN [SECONDS]: until the pane shows PATTERN (a grep -E regex)
wait_for() {
	local i limit=$(( ${2:-10} * 20 ))
	for ((i = 0; i < limit; i++)); do
		capture
		grep -qE -- "$1" "$TRASH/screen" && return 0
		sleep 0.05
	done
	echo "the pane never showed /$1/; it shows:" >&2
	cat "$TRASH/screen" >&2
	return 1
}
# keys KEY...: send them, then wait until the pane has settled on its new frame
keys() {
	tm send-keys -t lv "$@"
	settle
}
settle() {
	local before="" i
	for ((i = 0; i < 100; i++)); do
		capture
		[ "$(cat "$TRASH/screen")" = "$before" ] && [ $i -gt 1 ] && return 0
		before=$(cat "$TRASH/screen")
		sleep 0.03
	done
}
# open_tracer [ARGS...]: the tracer on the lesson's trace in a 120x40 pane that
# stays after it exits, with its exit status and terminal modes printed then
open_tracer() {
	tm kill-session -t lv 2>/dev/null
	tm new-session -d -s lv -x 120 -y 40 \
		"env LANG=C.UTF-8 NO_COLOR=1 '$LVTRACE' replay $* '$TRASH/lesson.jsonl';
		 echo \"EXITED \$?\"; stty -a | tr ' ;' '\n\n' | grep -E '^-?(icanon|echo)\$' | tr '\n' ' '; echo; echo DONE" &&
	tm set-option -t lv remain-on-exit on >/dev/null &&
	wait_for "step 1 / 15"
}
screen_is() {
	sed 's/[[:space:]]*$//' "$TRASH/screen" >"$TRASH/screen.trim"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$TRASH/screen.trim" "$TEST_ROOT/tests/golden/$1.screen"; fi
	test_cmp "$TEST_ROOT/tests/golden/$1.screen" "$TRASH/screen.trim"
}

test_expect_success 'set-up: the lesson is run once for its trace' '
	(cd "$TEST_ROOT" && "$LVTRACE" run --no-tracer -o "$TRASH/lesson.jsonl" scenarios/01-first-visit.scenario >/dev/null)
'

test_expect_success 'it opens paused at the first step, assign beside assign_new' '
	open_tracer &&
	grep -q "paused 1x" screen &&
	grep -qE "^  assign +│ assign_new" screen &&
	screen_is tracer-start
'

test_expect_success 'stepping to the dead mount: the avoided query sits beside the query' '
	keys "}" &&
	grep -q "step 2 / 15  mark" screen &&
	keys "]" "]" "]" &&
	grep -q "step 5 / 15  visit /mission" screen &&
	grep -q "^ note:  The HTTP GET runs the router.s plugs" screen &&
	grep -q "Then the dead (disconnected) mount" screen &&
	grep -q "● users_tokens: SELECT ... FROM users_toke.*│ *○ no query: current_user from conn.assigns" screen &&
	grep -q "mount (dead) MissionLive" screen &&
	grep -q "assign_new: 1 fewer than assign" screen &&
	screen_is tracer-dead-mount
'

test_expect_success 'at the end the counters read 3 and 2, split by phase' '
	keys G &&
	grep -q "step 15 / 15" screen &&
	grep -q "plug 1  dead mount 1  connected mount 1 *plug 1  dead mount 0  connected mount 1" screen &&
	screen_is tracer-end
'

test_expect_success 'search: / finds a phase, n the next hit, Esc clears it' '
	keys g / h a n d l e _ p a r a m s Enter &&
	grep -q "search \"handle_params\": n next" screen &&
	grep -q "step 5 / 15" screen &&
	grep -qE "^▸ +handle_params \(dead\)" screen &&
	keys n &&
	grep -q "step 11 / 15" screen &&
	keys Escape &&
	test_must_fail grep -q "search \"handle_params\"" screen
'

test_expect_success 'help lists every key; any key closes it' '
	keys "?" &&
	grep -q "keys (any key closes this)" screen &&
	grep -q "search what the rows say, SQL, phases" screen &&
	grep -q "the lesson.s pair / all the variants" screen &&
	keys x &&
	test_must_fail grep -q "keys (any key closes this)" screen
'

test_expect_success 'the code pane shows each variant'"'"'s mount; a is all the variants' '
	keys c &&
	grep -q "def mount(_params, session, socket) do *def mount(_params, session, socket) do" screen &&
	grep -q "^    {:ok, assign(socket, :current_user, user)}" screen &&
	grep -q " {:ok, assign_new(socket, :current_user, fn ->$" screen &&
	keys c a &&
	grep -qE "^  assign +│ assign_new +│ on_mount +│ on_mount_assign" screen &&
	keys a &&
	grep -qE "^  assign +│ assign_new +2 of 4 variants" screen
'

test_expect_success 'with every variant, the code pane shows the on_mount hook of the two that have one' '
	test_when_finished "keys c a" &&
	keys a c &&
	grep -qE "^  assign +│ assign_new +│ on_mount +│ on_mount_assign" screen &&
	test "$(grep -o "def on_mount(:mount_curren" screen | wc -l)" -eq 2 &&
	test "$(grep -o "def fetch_current_user(con" screen | wc -l)" -eq 4
'

test_expect_success 'the detail pane shows the selected query in full' '
	keys g "}" n Enter &&
	grep -q "detail (Enter closes" screen &&
	grep -q "sql: SELECT u.id, u.email" screen &&
	grep -q "caller: accounts.c:[0-9]* accounts_get_user_by_session_token" screen &&
	grep -q "phase: plug:fetch_current_user" screen &&
	keys Enter
'

test_expect_success 'a terminal too small says so, and the screen comes back' '
	tm resize-window -t lv -x 50 -y 12 &&
	wait_for "terminal too small \(need 60x[0-9]+\)" &&
	grep -q "this one is 50x12; q quits" screen &&
	tm resize-window -t lv -x 120 -y 40 &&
	wait_for "step 5 / 15" &&
	# wide enough but too short: the height alone says so too
	tm resize-window -t lv -x 120 -y 12 &&
	wait_for "terminal too small \(need 120x[0-9]+\)" &&
	grep -q "this one is 120x12; q quits" screen &&
	tm resize-window -t lv -x 120 -y 40 &&
	wait_for "step 5 / 15"
'

test_expect_success 'q quits and restores the terminal' '
	keys q &&
	wait_for "^DONE" && capture_all &&
	grep -q "^EXITED 0$" screen &&
	test "$(tm display -p -t lv "#{alternate_on}")" = 0 &&
	grep -q "^icanon echo *$" screen
'

test_expect_success 'SIGTERM ends it with the terminal restored (status 143)' '
	open_tracer &&
	keys "]" &&
	pid=$(pgrep -P "$(tm display -p -t lv "#{pane_pid}")" -f "lvtrace replay") &&
	kill -TERM "$pid" &&
	wait_for "^DONE" && capture_all &&
	grep -q "^EXITED 143$" screen &&
	test "$(tm display -p -t lv "#{alternate_on}")" = 0 &&
	grep -q "^icanon echo *$" screen
'

test_expect_success 'a trace rewritten while it is open: the tracer keeps what it read' '
	cp "$TRASH/lesson.jsonl" "$TRASH/rewritten.jsonl" &&
	tm kill-session -t lv 2>/dev/null
	tm new-session -d -s lv -x 120 -y 40 "env LANG=C.UTF-8 NO_COLOR=1 '"'$LVTRACE'"' replay '"'$TRASH/rewritten.jsonl'"'; echo \"EXITED \$?\"; echo DONE" &&
	tm set-option -t lv remain-on-exit on >/dev/null &&
	wait_for "step 1 / 15" &&
	: >"$TRASH/rewritten.jsonl" &&
	keys G &&
	grep -q "step 15 / 15" screen &&
	grep -q "3 queries, as expected" screen &&
	keys q && wait_for "^DONE" && capture_all &&
	grep -q "^EXITED 0$" screen
'

test_expect_success 'a trace from a pipe that has not ended: the screen and the keys do not wait' '
	tm kill-session -t lv 2>/dev/null
	mkfifo "$TRASH/feed" &&
	tm new-session -d -s lv -x 120 -y 40 "env LANG=C.UTF-8 NO_COLOR=1 '"'$LVTRACE'"' replay '"'$TRASH/feed'"'; echo \"EXITED \$?\"; echo DONE" &&
	tm set-option -t lv remain-on-exit on >/dev/null &&
	exec 7>"$TRASH/feed" &&
	head -n 300 "$TRASH/lesson.jsonl" >&7 &&
	wait_for "step 1 / [0-9]+\+" &&
	grep -q "reading\.\.\." screen &&
	keys q && wait_for "^DONE" && capture_all &&
	exec 7>&- &&
	grep -q "^EXITED 0$" screen
'

test_expect_success 'playing advances by itself and pauses at the mark' '
	open_tracer &&
	tm send-keys -t lv + + + + + + " " &&
	wait_for "a mark: paused" &&
	grep -q "step 2 / 15" screen &&
	keys q
'

test_expect_success 'lvtrace run on a terminal opens the tracer on its trace, paused; q prints where it is' '
	tm kill-session -t lv 2>/dev/null
	tm new-session -d -s lv -x 120 -y 40 -c "$TEST_ROOT" \
		"env LANG=C.UTF-8 NO_COLOR=1 TMPDIR=$TRASH '"'$LVTRACE'"' run --variants assign_new,assign -o '"'$TRASH/run.jsonl'"' scenarios/01-first-visit.scenario; echo \"EXITED \$?\"; echo DONE" &&
	tm set-option -t lv remain-on-exit on >/dev/null &&
	wait_for "step 1 / 15" 30 &&
	grep -q "paused 1x" screen &&
	grep -qE "^  assign_new +│ assign " screen &&
	keys q &&
	wait_for "^DONE" && capture_all &&
	grep -q "^trace: .*run.jsonl (28 expectations passed, 0 failed)$" screen &&
	grep -q "^EXITED 0$" screen
'

test_expect_success 'lvtrace live on a terminal: the tracer follows the newest row of lvdemo'"'"'s feed' '
	start_lvdemo &&
	tm kill-session -t lv 2>/dev/null
	tm new-session -d -s lv -x 120 -y 40 \
		"env LANG=C.UTF-8 NO_COLOR=1 '"'$LVTRACE'"' live $URL; echo \"EXITED \$?\"; echo DONE" &&
	tm set-option -t lv remain-on-exit on >/dev/null &&
	wait_for "● live" &&
	curl -s "$URL/users/log_in" >/dev/null &&
	wait_for "step 1 / 1\+? +GET /users/log_in" &&
	curl -s "$URL/users/register" >/dev/null &&
	wait_for "step 2 / 2\+? +GET /users/register" &&
	grep -q "controller UserRegistration.new" screen &&
	# moved away from the end, it stays where the user put it
	keys g &&
	curl -s "$URL/" >/dev/null &&
	wait_for "step 1 / 3" &&
	keys G && wait_for "step 3 / 3\+? +GET /" &&
	# a page load in each variant: each column counts its own, as the page panel does
	register agent@example.com "correct horse battery" && test "$STATUS" = 302 &&
	http GET /assign/mission && test "$STATUS" = 200 &&
	http GET /assign_new/mission && test "$STATUS" = 200 &&
	wait_for "step 7 / 7\+? +GET /assign_new/mission" &&
	grep -q "database hits of each column.s page load" screen &&
	grep -qE "^  assign +/mission \(step 6\) +assign_new +/mission \(step 7\)" screen &&
	grep -qE "^  plug 1  dead mount 1  connected mount 0 +plug 1  dead mount 0  connected mount 0" screen &&
	grep -q "assign_new: 1 fewer than assign" screen &&
	# a request that serves every variant (its plug queries) is no column'"'"'s page load
	http GET / && wait_for "step 8 / 8\+? +GET /$" &&
	grep -qE "^  plug 1  dead mount 1  connected mount 0 +plug 1  dead mount 0  connected mount 0" screen &&
	# lvdemo goes away: the title says so, and the news stays long enough to be read
	stop_lvdemo &&
	wait_for "○ reconnecting" && wait_for "lost the feed" &&
	{ [ -p tick ] || mkfifo tick; } && read -r -t 2 <>tick; capture &&
	grep -q "lost the feed" screen &&
	keys q &&
	wait_for "^DONE" && capture_all && grep -q "^EXITED 0$" screen
'

stop_tmux
test_done
