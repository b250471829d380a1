// Opens an lvtrace HTML report in headless Chromium with every network
// request refused, as from a USB stick: the page must need nothing but
// itself. Checks the chart (a bar per phase per variant) and the columns,
// and saves a screenshot. Usage: node report_page.mjs REPORT.html SHOT.png VARIANT...
// Prints what it found; exits non-zero at the first failure.
import {chromium} from "playwright-core"
import {pathToFileURL} from "node:url"

const [file, shot, ...variants] = process.argv.slice(2)
if (!file || !shot || variants.length === 0) {
  console.error("usage: node report_page.mjs REPORT.html SHOT.png VARIANT...")
  process.exit(2)
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
})
let status = 0
try {
  const context = await browser.newContext({offline: true, javaScriptEnabled: false})
  const page = await context.newPage()
  const fetched = []
  // anything but the page itself is a request the report should not make
  await page.route("**/*", route => {
    const url = route.request().url()
    if (url === pathToFileURL(file).href) return route.continue()
    fetched.push(url)
    return route.abort()
  })
  await page.goto(pathToFileURL(file).href)
  if (fetched.length) throw new Error(`the page asked for ${fetched.join(", ")}`)
  const bars = await page.locator("#chart svg rect.bar").count()
  if (bars !== 4 * variants.length) throw new Error(`${bars} bars, not ${4 * variants.length}`)
  const heads = await page.locator("#chart table.total th").allTextContents()
  for (const v of variants)
    if (!heads.includes(v)) throw new Error(`no column for ${v} in the totals: ${heads.join(", ")}`)
  const steps = await page.locator("section.step").count()
  if (steps === 0) throw new Error("no steps")
  const title = await page.title()
  console.log(`title: ${title}`)
  console.log(`bars: ${bars}`)
  console.log(`steps: ${steps}`)
  await page.screenshot({path: shot, fullPage: true})
  console.log(`screenshot: ${shot}`)
} catch (e) {
  console.error(`report_page: ${e.message}`)
  status = 1
} finally {
  await browser.close()
}
process.exit(status)
