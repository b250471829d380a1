#!/usr/bin/env bash
# LiveView's own JavaScript client, in headless Chromium, against lvdemo:
# register, join, click, patch, navigate, nested child, reconnect, another
# live_session, log out elsewhere. Two variants.
. "$(dirname "$0")/lib.sh"
start_lvdemo

for variant in assign on_mount; do
	test_expect_success "the official client drives the $variant pages end to end" '
		cd "$TEST_ROOT" && node tests/browser/live_browser.mjs "$URL" '"$variant"'
	'
done

test_expect_success 'the browser session left the expected trace: joins ok, a refused join, a disconnect' '
	jq -s -e "
		any(.event == \"channel.join\" and .result == \"ok\" and .view == \"CountdownLive\") and
		any(.event == \"channel.join\" and .result == \"unauthorized\") and
		any(.event == \"broadcast\" and .sockets >= 1) and
		any(.event == \"socket.disconnect\" and .reason == \"disconnect\")" "$TRACE" >/dev/null
'

test_done
