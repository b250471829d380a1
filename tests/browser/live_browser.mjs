// Drives lvdemo's pages with LiveView's own JavaScript client in headless
// Chromium (Debian's, through playwright-core): register, wait for
// phx-connected, click, patch, navigate, open the nested child, lose the
// socket and rejoin, log out elsewhere. Usage: node live_browser.mjs URL VARIANT
// Prints one line per step; exits non-zero at the first failure.
import {chromium} from "playwright-core"

const [base, variant] = process.argv.slice(2)
if (!base || !variant) {
  console.error("usage: node live_browser.mjs URL VARIANT")
  process.exit(2)
}
const email = `agent-${variant}-${process.pid}@example.com`
// What the page's count panel must say, per variant: docs/lifecycle.md's table
// (first visit: plug + dead mount + connected mount; a live navigation and a
// reconnect have no HTTP request; headquarters adds its nested child's mounts;
// a reconnect at least the table's count: LiveView's client rejoins the child
// without the static token of the dead render, so its assign_new may query)
const counts = {
  assign:          {plug: 1, dead: 1, connected: 1, navigation: 1, hq: 5, hqReconnect: 2},
  assign_new:      {plug: 1, dead: 0, connected: 1, navigation: 1, hq: 2, hqReconnect: 1},
  on_mount:        {plug: 1, dead: 0, connected: 1, navigation: 1, hq: 2, hqReconnect: 1},
  on_mount_assign: {plug: 1, dead: 1, connected: 2, navigation: 2, hq: 6, hqReconnect: 3},
}[variant]
const password = "correct horse battery"
const timeout = 10000

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
})
const errors = []
let step = "start"
function ok(what) { console.log(`step ok: ${what}`) }

async function connected(page) {
  await page.waitForSelector("[data-phx-main].phx-connected", {timeout})
}
async function text(page, sel) {
  return (await page.textContent(sel, {timeout})).trim()
}
// the panel's row ROW ("plug", "dead", "connected", "total") reads WANT
async function panel(page, row, want) {
  const sel = row === "total" ? "#lvpanel-total" : `#lvpanel-${row} td.n`
  try {
    await waitText(page, sel, String(want))
  } catch (e) {
    throw new Error(`the count panel's ${row} is not ${want}: ${await page.textContent("#lvpanel")}`)
  }
}
async function waitText(page, sel, want) {
  await page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent.trim() === w,
                             [sel, want], {timeout})
}

try {
  const context = await browser.newContext()
  const page = await context.newPage()
  page.on("pageerror", e => errors.push(String(e)))

  step = "register"
  await page.goto(`${base}/users/register`)
  await page.fill("#user_email", email)
  await page.fill("#user_password", password)
  await Promise.all([page.waitForURL(`${base}/`, {timeout}), page.click("button[type=submit]")])
  if (!(await page.content()).includes(email)) throw new Error("not logged in after registering")
  ok("registered and redirected to / as logged in")

  step = "mission"
  await page.goto(`${base}/${variant}/mission`)
  await connected(page)
  if ((await text(page, ".mission strong")) !== email) throw new Error("mission does not greet the agent")
  ok("mission page joined: phx-connected")

  step = "count panel"
  // the connected render (LiveView's diff, applied by the client) completes the dead one's count
  await panel(page, "plug", counts.plug)
  await panel(page, "dead", counts.dead)
  await panel(page, "connected", counts.connected)
  await panel(page, "total", counts.plug + counts.dead + counts.connected)
  if ((await text(page, "#lvpanel-variant")) !== variant) throw new Error("the panel names another variant")
  if (!(await text(page, "#lvpanel h2")).includes("this page load")) throw new Error("not a page load")
  const others = await page.$$eval("#lvpanel a", as => as.map(a => a.getAttribute("href")))
  if (others.length !== 3 || others.some(h => !/^\/[a-z_]+\/mission$/.test(h) || h === `/${variant}/mission`))
    throw new Error(`the links to the other variants are ${others}`)
  ok(`count panel: plug ${counts.plug} + dead mount ${counts.dead} + connected mount ${counts.connected}`)

  step = "click"
  await page.click("#reveal")
  await waitText(page, "#clue-number", "1")
  ok("phx-click reveal: handle_event, diff applied")

  step = "patch"
  await page.click("#patch-3")
  await waitText(page, "#clue-number", "3")
  if (!page.url().endsWith(`/${variant}/mission?clue=3`)) throw new Error(`patch URL is ${page.url()}`)
  ok("live_patch to ?clue=3: handle_params, URL pushed")

  step = "navigate"
  await page.click("text=Open your dossier")
  await page.waitForSelector("section.dossier", {timeout})
  await connected(page)
  if (!page.url().endsWith(`/${variant}/dossier`)) throw new Error(`navigate URL is ${page.url()}`)
  await panel(page, "total", counts.navigation)
  if (!(await text(page, "#lvpanel h2")).includes("this live navigation")) throw new Error("not a live navigation")
  ok("live navigation to the dossier: a new join on the same socket, counted alone")

  step = "hq"
  await page.goto(`${base}/${variant}/hq`)
  await connected(page)
  await page.waitForSelector("#countdown.phx-connected, #countdown [id=seconds]", {timeout})
  await page.click("#tick")
  await waitText(page, "#seconds", "4")
  // the child's connected mount reaches the parent's panel in a pushed diff
  await panel(page, "total", counts.hq)
  ok("headquarters with its nested CountdownLive: the child joined and handles events")

  step = "reconnect"
  await page.evaluate(() => window.liveSocket.disconnect())
  await page.waitForSelector("[data-phx-main]:not(.phx-connected)", {timeout})
  await page.evaluate(() => window.liveSocket.connect())
  await connected(page)
  await page.click("#tick")
  await waitText(page, "#seconds", "4")
  // a reconnect has no HTTP request: the panel counts the joins alone (the parent's and the child's)
  await page.waitForFunction(() => document.querySelector("#lvpanel h2")?.textContent.includes("this reconnect"),
                             null, {timeout})
  if ((await text(page, "#lvpanel-plug td.n")) !== "\u2014" || (await text(page, "#lvpanel-dead td.n")) !== "\u2014")
    throw new Error(`a reconnect with plug or dead-mount counts: ${await page.textContent("#lvpanel")}`)
  const joined = Number(await text(page, "#lvpanel-connected td.n"))
  if (!(joined >= counts.hqReconnect) || Number(await text(page, "#lvpanel-total")) !== joined)
    throw new Error(`the reconnect's count: ${await page.textContent("#lvpanel")}`)
  ok("socket dropped and rejoined: a fresh connected mount (the countdown restarted)")

  step = "archive"
  await page.goto(`${base}/${variant}/mission`)
  await connected(page)
  await Promise.all([
    page.waitForURL(`${base}/${variant}/archive`, {timeout}),
    page.click("text=Search the archive"),
  ])
  await page.waitForSelector("section.archive", {timeout})
  await connected(page)
  ok("navigation into another live_session: refused, then a full page load")

  step = "log out elsewhere"
  const other = await context.newPage()
  await other.goto(`${base}/`)
  await Promise.all([other.waitForURL(`${base}/`, {timeout}), other.click("text=Log out")])
  // the agent goes back to the first tab. Its socket was closed by the
  // server; LiveView's client reloads the page after its reload jitter
  // (5 to 10 s by default), and the reload is sent to log in
  await page.bringToFront()
  if (!page.url().endsWith("/users/log_in"))
    await page.waitForURL("**/users/log_in", {timeout: 20000, waitUntil: "commit"})
  await page.waitForSelector("#user_email", {timeout})
  ok("logged out in another tab: this tab's socket closed; back on it, the rejoin is refused and it is sent to log in")

  step = "log in again"
  await page.fill("#user_email", email)
  await page.fill("#user_password", password)
  await Promise.all([page.waitForURL(`${base}/${variant}/archive`, {timeout}), page.click("button[type=submit]")])
  await connected(page)
  ok("logged in again: back to the page that asked (user_return_to), connected")

  if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`)
  await browser.close()
} catch (e) {
  console.log(`step failed: ${step}: ${e.message.split("\n")[0]}`)
  await browser.close()
  process.exit(1)
}
