// report.html in headless chromium: the page html_report_page writes (the golden sample run, a
// benchmark block, and a failing case whose every string carries hostile HTML/JS) is opened from
// file:// and must load without a console error, a page error or a network request; the failing
// cases' diagrams are there; the hostile string shows as text and nothing of it runs or becomes
// an element; the status and area filters hide and show cases; a clause chip opens its case; the
// deviation list leads the page, its hostile deviation is text, and its links open their cases.
// Then the compatibility matrix of two committed platform reports: no error, and the switch
// "only rows that differ" and the suite filter work.
//
//   SOCKCONF_HTML_REPORT_PAGE=build/tests/html_report_page node --test reports/test/html_report.test.mjs
//
// Skipped (saying why) without chromium ($SOCKCONF_CHROMIUM, else /usr/bin/chromium) or the page
// program. Every wait is bounded.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

const LAUNCH_TIMEOUT_MS = 30000;
const PAGE_TIMEOUT_MS = 20000;
const T = { timeout: 60000 };

// What test/html_report_page.cpp puts in every string of the hostile case.
const HOSTILE = '</script><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><!-- <b id=pwned>bold</b>';

// CMake passes the chromium it found; by hand, Debian's.
const chromiumCandidate = process.env.SOCKCONF_CHROMIUM || "/usr/bin/chromium";
const chromiumPath = fs.existsSync(chromiumCandidate) ? chromiumCandidate : null;
const pageProgram = process.env.SOCKCONF_HTML_REPORT_PAGE ?? "build/tests/html_report_page";
const skip = !chromiumPath
  ? "Chromium not found (install Debian's chromium: scripts/setup.sh, or set SOCKCONF_CHROMIUM)"
  : !fs.existsSync(pageProgram)
    ? `${pageProgram} not built (cmake --build build --target html_report_page)`
    : false;

let tmp, context, page;
const consoleErrors = [];
const pageErrors = [];
const requests = [];

before(async () => {
  if (skip) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-html-test-"));
  const file = path.join(tmp, "report.html");
  const made = spawnSync(pageProgram, [file], { encoding: "utf8", timeout: 30000 });
  assert.equal(made.status, 0, `html_report_page failed: ${made.stderr}`);

  const { chromium } = await import("playwright-core");
  context = await chromium.launchPersistentContext(path.join(tmp, "user-data"), {
    executablePath: chromiumPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
    timeout: LAUNCH_TIMEOUT_MS,
  });
  context.setDefaultTimeout(PAGE_TIMEOUT_MS);
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => pageErrors.push(String(e && e.message ? e.message : e)));
  page.on("request", (r) => requests.push(r.url()));
  await page.goto("file://" + file, { waitUntil: "load", timeout: PAGE_TIMEOUT_MS });
});

after(async () => {
  if (context) await Promise.race([context.close(), new Promise((r) => setTimeout(r, 5000))]);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** The case entry of `id`, by the id in its own summary. */
const caseEntry = (id) =>
  page.locator("details.case").filter({ has: page.locator(":scope > summary > code", { hasText: id }) });
const hostileCase = () => caseEntry("ws.hostile.echo");

test("the page loads with no console error, no page error and no request but itself", { ...T, skip }, async () => {
  await page.waitForTimeout(200); // let late errors (a blocked inline handler, say) arrive
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(requests.filter((u) => !u.startsWith("file://")), []);
});

test("the hostile string is text: nothing of it ran or became an element", { ...T, skip }, async () => {
  assert.equal(await page.evaluate(() => typeof window.__pwned), "undefined");
  assert.equal(await page.locator("img").count(), 0);
  assert.equal(await page.locator("#pwned").count(), 0);
  assert.equal(await page.locator("script").count(), 1, "only the page's own script");
  const c = hostileCase();
  await c.locator(":scope > summary").click();
  const failure = c.locator("table.failure");
  assert.ok(await failure.isVisible());
  assert.ok((await failure.innerText()).includes(HOSTILE), "the actual value shows the string as typed");
  assert.ok((await c.locator(":scope > summary").innerText()).includes("hostile: " + HOSTILE));
  assert.ok((await page.title()).includes("<img src=x"), "the IUT's version in the title, as text");
});

test("the failing cases' sequence diagrams are there, with their failure and the server lane", { ...T, skip }, async () => {
  for (const id of ["ws.lifecycle.close-code", "ws.hostile.echo"]) {
    const c = caseEntry(id);
    assert.equal(await c.getAttribute("data-status"), "FAIL");
    assert.equal(await c.locator("svg.seq").count(), 1, `${id}: one diagram`);
    assert.equal(await c.locator("svg.seq rect.failbox").count(), 1, `${id}: the failure closes it`);
  }
  await hostileCase().evaluate((d) => (d.open = true));
  const svg = hostileCase().locator("svg.seq");
  await svg.scrollIntoViewIfNeeded();
  assert.ok(await svg.isVisible());
  const text = await svg.evaluate((s) => s.textContent);
  assert.ok(text.includes("wx.connectSocket("), "an API call");
  assert.ok(text.includes("threw"), "a throw on the way back");
  assert.ok(text.includes("ws /echo?"), "the wire record on the server lane");
  assert.ok(text.includes("close 1000"), "how the connection ended");
  assert.equal(await svg.locator("rect.hl").count(), 2, "the failing step (call and throw) highlighted");
});

test("status and area filters hide and show cases", { ...T, skip }, async () => {
  const visible = async () =>
    page.$$eval("details.case", (ds) => ds.filter((d) => !d.hidden).map((d) => d.querySelector("summary code").textContent));
  const all = await visible();
  assert.equal(all.length, 6);
  const fail = page.locator('input[data-filter-status][value="FAIL"]');
  await fail.uncheck();
  let shown = await visible();
  assert.ok(!shown.includes("ws.lifecycle.close-code") && !shown.includes("ws.hostile.echo"), shown.join());
  assert.equal(shown.length, 4);
  assert.equal(await page.locator("#filter-shown").innerText(), "4 of 6 shown");
  assert.ok(!(await page.locator('table.clauses a.chip[href="#case-1"]').first().isVisible()), "the clause matrix follows the status filter");
  await fail.check();
  assert.equal((await visible()).length, 6);

  await page.selectOption("#filter-area", { label: "suite: tcp" });
  shown = await visible();
  assert.deepEqual(shown.sort(), ["tcp.basic.refused", "tcp.basic.skipped"]);
  await page.selectOption("#filter-area", { label: "all" });
  assert.equal((await visible()).length, 6);
});

test("a case chip in the clause matrix opens its case", { ...T, skip }, async () => {
  const target = page.locator("#case-0");
  assert.equal(await target.evaluate((d) => d.open), false);
  await page.locator('table.clauses a.chip[href="#case-0"]').first().click();
  await page.waitForFunction(() => document.getElementById("case-0").open, null, { timeout: 5000 });
});

test("the deviations lead the page: ranked, the hostile one as text, each linking its cases", { ...T, skip }, async () => {
  const items = page.locator("#deviations ol.devs:not(.host) > li.dev");
  assert.equal(await items.count(), 3, "the invariant, the close code and the hostile check (the header is a limit of the host)");
  assert.equal(await page.locator("#deviations ol.devs.host > li.dev").count(), 1);
  const section = await page.locator("#deviations").boundingBox();
  const suites = await page.locator("table.suites").boundingBox();
  assert.ok(section.y < suites.y, "above the counts");
  assert.match(await page.locator("#deviations > h2").innerText(), /^3 failing cases, 3 deviations, and 1 limit of the host$/);
  // The hostile check's deviation: its headline and what was observed read as typed.
  const hostile = items.filter({ has: page.locator(":scope > strong.headline", { hasText: "hostile </script>" }) });
  assert.equal(await hostile.count(), 1);
  const headline = await hostile.locator("strong.headline").innerText();
  assert.ok(headline.startsWith("hostile " + HOSTILE + ": expected " + HOSTILE), headline);
  await hostile.locator(":scope > details").evaluate((d) => (d.open = true));
  assert.equal(await hostile.locator(".observed").innerText(), HOSTILE);
  assert.equal(await page.evaluate(() => typeof window.__pwned), "undefined");
  assert.equal(await page.locator("#deviations img, #deviations script, #deviations #pwned").count(), 0);
  // Its example links the case, which opens at its diagram.
  const hostileEntry = hostileCase();
  await hostileEntry.evaluate((d) => (d.open = false));
  await hostile.locator("a.example").click();
  await page.waitForFunction(() => location.hash.startsWith("#case-"), null, { timeout: 5000 });
  assert.equal(await hostileEntry.evaluate((d) => d.open), true);
  assert.ok(await hostileEntry.locator("svg.seq").isVisible());
  // And the case links back, with every check in its table, the hostile one as text.
  const checks = hostileEntry.locator("table.checks");
  assert.ok((await checks.locator("tr.failing").count()) >= 3);
  assert.ok((await checks.innerText()).includes(HOSTILE));
  assert.equal(await hostileEntry.locator("p.devlinks a").count(), 3, "the invariant, the header limit, its own");
  await hostileEntry.locator("p.devlinks a").nth(1).click();
  await page.waitForFunction(() => location.hash.startsWith("#dev-"), null, { timeout: 5000 });
});

test("the benchmark charts are drawn", { ...T, skip }, async () => {
  assert.ok((await page.locator("#bench svg.chart").count()) >= 4);
  assert.equal(await page.locator('#bench svg[aria-label="latency percentiles"]').count(), 1);
});

test("the compatibility matrix page: no error, its filters work", { ...T, skip }, async () => {
  const file = path.join(tmp, "matrix.html");
  const made = spawnSync(pageProgram, [file, "reports/platforms/reference/report.json", "reports/platforms/taro-h5/report.json"],
                         { encoding: "utf8", timeout: 30000 });
  assert.equal(made.status, 0, `html_report_page (matrix) failed: ${made.stderr}`);
  const before = consoleErrors.length + pageErrors.length;
  await page.goto("file://" + file, { waitUntil: "load", timeout: PAGE_TIMEOUT_MS });
  await page.waitForTimeout(200);
  assert.equal(consoleErrors.length + pageErrors.length, before, [...consoleErrors, ...pageErrors].join("\n"));
  const shown = () => page.$$eval("tr.case", (rs) => rs.filter((r) => !r.hidden).length);
  const total = await page.locator("tr.case").count();
  const differ = await shown();
  assert.ok(differ > 0 && differ < total, `${differ} of ${total} rows differ`);
  await page.locator("#filter-differ").uncheck();
  assert.equal(await shown(), total);
  await page.selectOption("#filter-area", { label: "tcp" });
  const tcp = await page.$$eval("tr.case", (rs) => rs.filter((r) => !r.hidden).map((r) => r.querySelector("code").textContent));
  assert.ok(tcp.length > 0 && tcp.every((id) => id.startsWith("tcp.")), tcp.join());
});
