#!/usr/bin/env bash
# LiveView's socket, message by message (Phoenix Channels V2): joins and
# their refusals (tampered tokens, a CSRF token that does not match, no
# session, another live_session), events, patches, stray messages, and the
# log-out broadcast closing every socket of the login.
. "$(dirname "$0")/lib.sh"
[ -x "$DRIVE" ] || { echo "Bail out! $DRIVE is not built (make test builds it)"; exit 1; }
start_lvdemo

PASSWORD="correct horse battery"

test_expect_success 'set-up: an agent registers' '
	request GET /users/register &&
	request POST /users/register "$(form "user[email]=agent@example.com" "user[password]=$PASSWORD")" &&
	test "$STATUS" = 302
'

test_expect_success 'a root join with the page tokens: ok, with a rendered tree' '
	page /assign_new/mission &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$(join_payload "$URL/assign_new/mission" "$SESSION" "$STATIC")" close &&
	reply_of 1 | grep -q "^reply ok {\"rendered\":{\"s\":\[" &&
	reply_of 1 | grep -q "agent@example.com"
'

flip() { # change the character at position 20 of $1
	local c=${1:20:1} r=A
	[ "$c" = A ] && r=B
	printf "%s%s%s" "${1:0:20}" "$r" "${1:21}"
}

test_expect_success 'a tampered session token: stale' '
	page /assign_new/mission &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$(join_payload "$URL/assign_new/mission" "$(flip "$SESSION")" "$STATIC")" close &&
	test "$(reply_of 1)" = "reply error {\"reason\":\"stale\"}"
'

test_expect_success 'a tampered static token: stale' '
	page /assign_new/mission &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$(join_payload "$URL/assign_new/mission" "$SESSION" "$(flip "$STATIC")")" close &&
	test "$(reply_of 1)" = "reply error {\"reason\":\"stale\"}"
'

test_expect_success 'a session token for another container id: stale' '
	page /assign_new/mission &&
	drive "$URL" ws "$SOCKET" push "lv:phx-someone-else" phx_join "$(join_payload "$URL/assign_new/mission" "$SESSION" "$STATIC")" close &&
	test "$(reply_of 1)" = "reply error {\"reason\":\"stale\"}"
'

test_expect_success 'a join URL that is only a scheme is refused, and lvdemo lives on' '
	page /assign_new/mission &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$(join_payload "http://" "$SESSION" "$STATIC")" \
		push "lv:$ID" phx_join "$(join_payload "https://" "$SESSION" "$STATIC")" heartbeat close &&
	test "$(reply_of 1)" = "reply error {\"reason\":\"stale\"}" &&
	test "$(reply_of 2)" = "reply error {\"reason\":\"stale\"}" &&
	test "$(reply_of 3)" = "reply ok {}"
'

test_expect_success 'a CSRF token that does not match the session: the socket has no session, stale' '
	page /assign_new/mission &&
	other=$(printf "%056d" 0 | tr 0 A) &&
	drive "$URL" ws "/live/websocket?vsn=2.0.0&_csrf_token=$other" push "lv:$ID" phx_join "$(join_payload "$URL/assign_new/mission" "$SESSION" "$STATIC")" close &&
	test "$(reply_of 1)" = "reply error {\"reason\":\"stale\"}"
'

test_expect_success 'no cookie at all: stale' '
	page /assign_new/mission &&
	cp jar jar.saved && : >jar &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$(join_payload "$URL/assign_new/mission" "$SESSION" "$STATIC")" close;
	status=$?; cp jar.saved jar; test $status = 0 &&
	test "$(reply_of 1)" = "reply error {\"reason\":\"stale\"}"
'

test_expect_success 'a socket opened without a CSRF token has no session: stale' '
	page /assign_new/mission &&
	drive "$URL" ws "/live/websocket?vsn=2.0.0" push "lv:$ID" phx_join "$(join_payload "$URL/assign_new/mission" "$SESSION" "$STATIC")" close &&
	test "$(reply_of 1)" = "reply error {\"reason\":\"stale\"}"
'

test_expect_success 'a page'"'"'s join with the URL of another variant'"'"'s page: stale' '
	page /assign_new/mission &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$(join_payload "$URL/assign/mission" "$SESSION" "$STATIC")" close &&
	test "$(reply_of 1)" = "reply error {\"reason\":\"stale\"}"
'

test_expect_success 'a root join carrying the child'"'"'s static token: stale' '
	page /assign_new/hq &&
	child_static=$(attr static 2) && test -n "$child_static" &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$(join_payload "$URL/assign_new/hq" "$SESSION" "$child_static")" close &&
	test "$(reply_of 1)" = "reply error {\"reason\":\"stale\"}"
'

test_expect_success 'a cross-origin socket is refused at the handshake with 403' '
	page /assign_new/mission &&
	drive_fails --origin http://evil.example "$URL" ws "$SOCKET" heartbeat &&
	grep -qx "refused 403" out
'

# upgrade_status URL [curl args]: the status line's code of a WebSocket upgrade of
# /live/websocket at URL (curl stops after the headers: --max-time)
upgrade_status() {
	local url=$1
	shift
	curl -s -i -N --max-time 2 -H "Connection: Upgrade" -H "Upgrade: websocket" \
		-H "Sec-WebSocket-Version: 13" -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" \
		"$@" "$url/live/websocket?vsn=2.0.0" 2>/dev/null | head -n 1 | cut -d" " -f2
}

test_expect_success 'the Origin is checked against lvdemo'"'"'s own address, not the request'"'"'s Host (DNS rebinding)' '
	port=${URL##*:} &&
	test "$(upgrade_status "$URL" -H "Host: evil.example" -H "Origin: http://evil.example")" = 403 &&
	test "$(upgrade_status "$URL" -H "Origin: http://127.0.0.1:$port")" = 101 &&
	# on loopback, the names of this machine a browser may use
	test "$(upgrade_status "$URL" -H "Origin: http://localhost:$port")" = 101 &&
	test "$(upgrade_status "$URL" -H "Origin: http://localhost:1$port")" = 403
'

test_expect_success '--url names the origin of the pages (a proxy, a name): that one only' '
	start_own_lvdemo url --db url.db --trace url.jsonl --url http://mission.example:8080 &&
	test_when_finished "kill $OWN_PID 2>/dev/null; wait $OWN_PID 2>/dev/null" && own=$OWN_URL &&
	test "$(upgrade_status "$own" -H "Origin: http://mission.example:8080")" = 101 &&
	test "$(upgrade_status "$own" -H "Origin: $own")" = 403 &&
	test_expect_code 2 "$LVDEMO" --url ftp://x >out 2>err && grep -q "url takes http://HOST" err
'

# ws_raw TEXT: one text frame (client frames are masked: a zero key leaves the bytes
# as they are; TEXT under 126 bytes) on a fresh socket; what came back in raw
ws_raw() {
	local hostport=${URL#http://} len
	exec 6<>"/dev/tcp/${hostport%:*}/${hostport#*:}" &&
	printf "GET /live/websocket?vsn=2.0.0 HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" "$hostport" >&6 &&
	IFS= read -r -t 5 line <&6 && test "${line%$(printf "\r")}" = "HTTP/1.1 101 Switching Protocols" &&
	len=$(printf "%s" "$1" | wc -c) && test "$len" -lt 126 &&
	printf "\201\\$(printf "%03o" $((128 + len)))\0\0\0\0%s" "$1" >&6 &&
	{ timeout 2 cat <&6 >raw || :; } &&
	exec 6<&-
}

test_expect_success 'a message with a lone surrogate escape gets an error reply, not silence' '
	trace_mark &&
	ws_raw "[\"1\",\"7\",\"lv:x\",\"event\",{\"value\":\"\\udc80\"}]" &&
	grep -a -q "\[\"1\",\"7\",\"lv:x\",\"phx_reply\",{\"status\":\"error\",\"response\":{\"reason\":\"malformed message: a lone surrogate escape\"}}\]" raw &&
	trace_since | jq -e -s "any(.event == \"socket.error\" and (.error | test(\"lone surrogate\")))" >/dev/null &&
	# a pair is no lone one: that message is answered as any other
	ws_raw "[\"1\",\"8\",\"phoenix\",\"heartbeat\",{\"x\":\"\\ud83d\\ude00\"}]" &&
	grep -a -q "\[null,\"8\",\"phoenix\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}\]" raw
'

test_expect_success 'no Origin (a non-browser client) is accepted' '
	page /assign_new/mission &&
	drive --no-origin "$URL" ws "$SOCKET" heartbeat close &&
	printf "%s\n" open "reply ok {}" "closed by us" >expected && test_cmp expected out
'

# keep_alive_upgrade: on one connection, a page, then the socket's upgrade
# and a heartbeat (a frame masked with zeros); prints both status lines and
# the reply's payload. Each read waits for its bytes, 5 s at most.
keep_alive_upgrade() {
	local hostport=${URL#http://} line len=0 h hb='[null,"1","phoenix","heartbeat",{}]'
	exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}" || return 1
	printf "GET /users/log_in HTTP/1.1\r\nHost: %s\r\n\r\n" "$hostport" >&3
	IFS= read -r -t 5 line <&3 && printf "%s\n" "${line%$'\r'}"
	while IFS= read -r -t 5 h <&3; do
		h=${h%$'\r'}
		[ -n "$h" ] || break
		case $h in content-length:*) len=${h#content-length: } ;; esac
	done
	head -c "$len" <&3 >/dev/null
	printf "GET /live/websocket?vsn=2.0.0 HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" "$hostport" >&3
	IFS= read -r -t 5 line <&3 && printf "%s\n" "${line%$'\r'}"
	while IFS= read -r -t 5 h <&3; do [ -n "${h%$'\r'}" ] || break; done
	printf "\x81\x$(printf %02x $((128 + ${#hb})))\0\0\0\0%s" "$hb" >&3
	len=$(head -c 2 <&3 | od -An -tu1 | awk "{print \$2}")
	head -c "$len" <&3 && echo
	exec 3>&-
}

test_expect_success 'an upgrade on a connection that served a page first is the live socket'"'"'s' '
	keep_alive_upgrade >out &&
	printf "%s\n" "HTTP/1.1 200 OK" "HTTP/1.1 101 Switching Protocols" \
		"[null,\"1\",\"phoenix\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}]" >expected &&
	test_cmp expected out
'

test_expect_success 'live navigation into the same live_session joins; into another is unauthorized' '
	page /assign_new/mission &&
	same=$(jq -cn --arg u "$URL/assign_new/dossier" --arg s "$SESSION" --arg t "$TOKEN" "{redirect: \$u, session: \$s, static: null, params: {_csrf_token: \$t}}") &&
	other=$(jq -cn --arg u "$URL/assign_new/archive" --arg s "$SESSION" --arg t "$TOKEN" "{redirect: \$u, session: \$s, static: null, params: {_csrf_token: \$t}}") &&
	third=$(jq -cn --arg u "$URL/assign/dossier" --arg s "$SESSION" --arg t "$TOKEN" "{redirect: \$u, session: \$s, static: null, params: {_csrf_token: \$t}}") &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$same" push "lv:$ID" phx_leave "{}" \
		push "lv:$ID" phx_join "$other" push "lv:$ID" phx_join "$third" close &&
	reply_of 1 | grep -q "^reply ok {\"rendered\":.*Dossier" &&
	test "$(reply_of 2)" = "reply ok {}" &&
	test "$(reply_of 3)" = "reply error {\"reason\":\"unauthorized\"}" &&
	test "$(reply_of 4)" = "reply error {\"reason\":\"unauthorized\"}" &&
	# and out of the archive into the mission: the other way round
	page /assign_new/archive &&
	back=$(jq -cn --arg u "$URL/assign_new/mission" --arg s "$SESSION" --arg t "$TOKEN" "{redirect: \$u, session: \$s, static: null, params: {_csrf_token: \$t}}") &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$back" close &&
	test "$(reply_of 1)" = "reply error {\"reason\":\"unauthorized\"}"
'

test_expect_success 'events and patches: diffs, link_redirect, errors for unknown ones' '
	page /assign_new/mission &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$(join_payload "$URL/assign_new/mission" "$SESSION" "$STATIC")" \
		push "lv:$ID" event "{\"type\":\"click\",\"event\":\"reveal\",\"value\":{}}" \
		push "lv:$ID" live_patch "{\"url\":\"$URL/assign_new/mission?clue=3\"}" \
		push "lv:$ID" live_patch "{\"url\":\"$URL/assign_new/mission?clue=3\"}" \
		push "lv:$ID" live_patch "{\"url\":\"$URL/assign_new/dossier\"}" \
		push "lv:$ID" event "{\"type\":\"click\",\"event\":\"self-destruct\",\"value\":{}}" \
		push "lv:nobody" event "{\"type\":\"click\",\"event\":\"reveal\",\"value\":{}}" close &&
	reply_of 2 | grep -q "^reply ok {\"diff\":{\"1\":\"1\"" &&
	reply_of 3 | grep -q "^reply ok {\"diff\":{\"1\":\"3\"" &&
	# a diff is against the last render sent: the same patch again changes nothing
	test "$(reply_of 4)" = "reply ok {\"diff\":{}}" &&
	test "$(reply_of 5)" = "reply ok {\"link_redirect\":true}" &&
	test "$(reply_of 6)" = "reply error {\"reason\":\"unknown event\"}" &&
	test "$(reply_of 7)" = "reply error {\"reason\":\"unmatched topic\"}"
'

test_expect_success 'a stray phx_leave on "lv:" is answered ok; the socket lives on' '
	page /assign_new/mission &&
	drive "$URL" ws "$SOCKET" push "lv:" phx_leave "{}" heartbeat close &&
	printf "%s\n" open "reply ok {}" "reply ok {}" "closed by us" >expected && test_cmp expected out
'

test_expect_success 'a nested child joins with its parent; without it, stale' '
	page /assign_new/hq &&
	child_session=$(attr session 2) && child_static=$(attr static 2) &&
	test -n "$child_session" &&
	child=$(jq -cn --arg s "$child_session" --arg st "$child_static" --arg t "$TOKEN" "{session: \$s, static: \$st, params: {_csrf_token: \$t}}") &&
	drive "$URL" ws "$SOCKET" push "lv:countdown" phx_join "$child" \
		push "lv:$ID" phx_join "$(join_payload "$URL/assign_new/hq" "$SESSION" "$STATIC")" close &&
	test "$(reply_of 1)" = "reply error {\"reason\":\"stale\"}" &&
	reply_of 2 | grep -q "data-phx-parent-id=.*$ID"
'

# panel_of FILE ROW: the count in the count panel's row ROW (plug, dead,
# connected) of the HTML in FILE, or of the JSON-escaped HTML of a reply
panel_of() {
	sed 's/\\"/"/g' "$1" | grep -o "<tr id=\"lvpanel-$2\">[^/]*</th><td class=\"n\">[^<]*" | sed 's/.*class="n">//'
}
# trace_hits CONN GROUP: the repo.query lines since the mark of connection
# CONN whose phase is in GROUP (plug, dead, connected), as the tracer counts
trace_hits() {
	local glob
	case "$2" in plug) glob='^plug:' ;; dead) glob='^mount:dead:' ;; *) glob='^mount:connected:' ;; esac
	trace_since | jq -s --arg c "$1" --arg g "$glob" \
		'map(select(.event == "repo.query" and .conn == $c and (.phase | test($g)))) | length'
}

for variant in assign assign_new on_mount on_mount_assign; do
test_expect_success "the count panel ($variant): the dead render shows what the trace has of its request, the join adds its mount" '
	trace_mark &&
	page /'$variant'/mission &&
	conn=$(trace_since | jq -r "select(.event == \"endpoint.start\" and .path == \"/'$variant'/mission\") | .conn" | tail -n 1) &&
	test "$(panel_of body plug)" = "$(trace_hits "$conn" plug)" &&
	test "$(panel_of body dead)" = "$(trace_hits "$conn" dead)" &&
	test "$(panel_of body connected)" = "&#8212;" &&
	grep -q "not connected yet" body &&
	grep -q "id=\"lvpanel-variant\">'$variant'<" body &&
	trace_mark &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$(join_payload "$URL/'$variant'/mission" "$SESSION" "$STATIC")" close &&
	reply_of 1 >reply &&
	ws=$(trace_since | jq -r "select(.event == \"channel.join\") | .conn" | tail -n 1) &&
	test "$(panel_of reply connected)" = "$(trace_hits "$ws" connected)" &&
	test "$(panel_of reply plug)" = "$(panel_of body plug)" &&
	test "$(panel_of reply dead)" = "$(panel_of body dead)" &&
	grep -q "this page load" reply
'
done

# why_of FILE ROW: what the panel says beside the count of ROW
why_of() {
	sed 's/\\"/"/g' "$1" | grep -o "<tr id=\"lvpanel-$2\">.*" | sed 's/<\/tr>.*//; s/.*<td class="why">//; s/<\/td>$//'
}
test_expect_success 'the count panel says what each mount did to load current_user, with its cost' '
	page /assign/mission && test "$(why_of body dead)" = "assign loaded current_user (a query)" &&
	page /assign_new/mission &&
	test "$(why_of body dead)" = "assign_new took current_user from conn.assigns (no query)" &&
	page /on_mount_assign/mission &&
	test "$(why_of body dead)" = "assign loaded current_user (a query) &#183; assign_new took current_user from conn.assigns (no query)" &&
	page /on_mount/mission &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$(join_payload "$URL/on_mount/mission" "$SESSION" "$STATIC")" close &&
	reply_of 1 >reply &&
	test "$(why_of reply connected)" = "assign_new ran its function (a query) &#183; assign_new took current_user from the socket'"'"'s assigns (no query)"
'

test_expect_success 'the count panel of a reconnect and of a live navigation: no HTTP request, the join alone' '
	page /assign/mission &&
	again=$(jq -c ".params._mounts = 1" <<<"$(join_payload "$URL/assign/mission" "$SESSION" "$STATIC")") &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$again" close &&
	reply_of 1 >reply && grep -q "this reconnect" reply &&
	test "$(panel_of reply plug)" = "&#8212;" && test "$(panel_of reply connected)" = 1 &&
	nav=$(jq -cn --arg s "$SESSION" --arg t "$TOKEN" --arg u "$URL/assign/dossier" "{redirect: \$u, session: \$s, params: {_csrf_token: \$t, _mounts: 0}}") &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$nav" close &&
	reply_of 1 >reply && grep -q "this live navigation" reply && grep -q "section class=..dossier" reply &&
	test "$(panel_of reply dead)" = "&#8212;" && test "$(panel_of reply connected)" = 1
'

test_expect_success 'the count panel of a page with a nested child: the child'"'"'s join reaches the parent'"'"'s panel in a pushed diff' '
	page /assign/hq &&
	test "$(panel_of body dead)" = 2 &&
	child_session=$(attr session 2) && child_static=$(attr static 2) &&
	child=$(jq -cn --arg s "$child_session" --arg st "$child_static" --arg t "$TOKEN" "{session: \$s, static: \$st, params: {_csrf_token: \$t}}") &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$(join_payload "$URL/assign/hq" "$SESSION" "$STATIC")" \
		push "lv:countdown" phx_join "$child" next-push 2000 close &&
	reply_of 1 >reply && test "$(panel_of reply connected)" = 1 &&
	grep "^push " out >pushed &&
	grep -q "\"diff\"" pushed && test "$(panel_of pushed connected)" = 2 &&
	sed "s/\\\\\"/\"/g" pushed | grep -q "lvpanel-total\">5<"
'

test_expect_success 'log out closes every socket of that login; their rejoin is refused' '
	page /assign_new/mission || exit 1
	payload=$(join_payload "$URL/assign_new/mission" "$SESSION" "$STATIC")
	cp jar jar.tab && mkfifo ready || exit 1
	{ "$DRIVE" --jar "$TRASH/jar.tab" "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$payload" await-close 10000 >tab.out 2>tab.err; echo $? >tab.status; } &
	# readiness: the trace shows the join (the tab is connected) before we log out
	for i in $(seq 200); do jq -e -s "map(select(.event == \"channel.join\" and .topic == \"lv:$ID\" and .result == \"ok\")) | length == 1" "$TRACE" >/dev/null && break; read -r -t 0.05 <> ready || :; done &&
	request GET / &&
	request POST /users/log_out "$(form _method=delete)" && test "$STATUS" = 302 &&
	wait &&
	test "$(cat tab.status)" = 0 &&
	grep -qx "closed 1000" tab.out &&
	jq -e -s "any(.event == \"broadcast\" and .message == \"disconnect\" and .sockets == 1)" "$TRACE" >/dev/null &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$payload" close &&
	test "$(reply_of 1)" = "reply error {\"reason\":\"stale\"}"
'

# wait_for_join ID: until the trace shows the join of lv:ID answered ok (5 s at most)
wait_for_join() {
	local i
	[ -p ready ] || mkfifo ready || return 1
	for i in $(seq 100); do
		jq -e -s "any(.event == \"channel.join\" and .topic == \"lv:$1\" and .result == \"ok\")" "$TRACE" >/dev/null && return 0
		read -r -t 0.05 <>ready || :
	done
	echo "no join of lv:$1 in the trace" >&2
	return 1
}

test_expect_success 'a log out closes only that login'"'"'s sockets, not another agent'"'"'s' '
	: >jar && request GET /users/register &&
	request POST /users/register "$(form "user[email]=bob@example.com" "user[password]=$PASSWORD")" &&
	test "$STATUS" = 302 &&
	page /assign_new/mission && cp jar jar.bob &&
	bob=$(join_payload "$URL/assign_new/mission" "$SESSION" "$STATIC") && bob_id=$ID &&
	{ "$DRIVE" --jar "$TRASH/jar.bob" "$URL" ws "$SOCKET" push "lv:$bob_id" phx_join "$bob" heartbeat await-close 20000 >bob.out 2>&1 & } &&
	test_when_finished "kill $! 2>/dev/null; wait" &&
	wait_for_join "$bob_id" &&
	: >jar && request GET /users/log_in &&
	request POST /users/log_in "$(form "user[email]=agent@example.com" "user[password]=$PASSWORD")" &&
	trace_mark &&
	request GET / && request POST /users/log_out "$(form _method=delete)" && test "$STATUS" = 302 &&
	trace_since | jq -e -s "[.[] | select(.event == \"broadcast\")] | length == 1 and .[0].sockets == 0" >/dev/null
'

test_expect_success 'a deleted login behind a valid cookie and token: the join redirects to log in' '
	request GET /users/log_in &&
	request POST /users/log_in "$(form "user[email]=agent@example.com" "user[password]=$PASSWORD")" &&
	page /assign_new/mission &&
	sqlite3 "$TRASH/lvdemo.db" "DELETE FROM users_tokens" &&
	drive "$URL" ws "$SOCKET" push "lv:$ID" phx_join "$(join_payload "$URL/assign_new/mission" "$SESSION" "$STATIC")" close &&
	test "$(reply_of 1)" = "reply error {\"redirect\":{\"to\":\"/users/log_in\"}}"
'

test_expect_success 'a malformed message gets no reply, a socket.error in the trace; the server lives on' '
	request GET /users/log_in &&
	request POST /users/log_in "$(form "user[email]=agent@example.com" "user[password]=$PASSWORD")" &&
	page /assign_new/mission &&
	trace_mark &&
	test_expect_code 1 drive --timeout 500 "$URL" ws "$SOCKET" push "lv:$ID" "phx_join" "[]" &&
	grep -qx "no reply (timeout)" out &&
	trace_since | jq -e -s "any(.event == \"socket.error\" and (.error | startswith(\"malformed message\")))" >/dev/null &&
	drive "$URL" ws "$SOCKET" heartbeat close && grep -qx "reply ok {}" out
'

test_done
