// lvdemo's app script: starts LiveView's own JavaScript client, unmodified,
// as a Phoenix app's assets/js/app.js does. No bundler: the packages'
// ES module builds are served as they come from npm.
import {Socket} from "/assets/phoenix.mjs"
import {LiveSocket} from "/assets/phoenix_live_view.esm.js"

const csrfToken = document.querySelector("meta[name='csrf-token']").getAttribute("content")
const liveSocket = new LiveSocket("/live", Socket, {params: {_csrf_token: csrfToken}})
liveSocket.connect()

// for the browser console and the browser tests: liveSocket.disconnect(), ...
window.liveSocket = liveSocket
