// Reports are safe against the strings an IUT hands back. A real run through the Node runner of
// a wx module that appends HOSTILE (markup, script, Markdown table breakers, XML breakers,
// control characters) to every errMsg and text message it delivers (adapters/node/fixtures/
// hostile-strings.mjs), with HOSTILE as the IUT's name and version and as the reason of its
// platform expectations. Then:
//   - report.html and the matrix HTML of that run open in headless chromium with nothing of the
//     string run or become an element, and the string is there as text;
//   - junit.xml is well-formed and valid against the JUnit schema (reports/test/junit.xsd);
//   - every table of report.md and of the matrix's Markdown keeps its column count, and no raw tag reaches its Markdown outside
//     a fenced code block.
//
//   SOCKCONF_BIN=build/bin/sockconf node --test cli/test/hostile_strings.test.mjs
//
// Skipped (saying why) without chromium ($SOCKCONF_CHROMIUM, else /usr/bin/chromium) or xmllint
// for the parts that need them. Every wait is bounded.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import { HOSTILE } from "../../adapters/node/fixtures/hostile-strings.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const bin = process.env.SOCKCONF_BIN ?? path.join(root, "build/bin/sockconf");
const chromiumCandidate = process.env.SOCKCONF_CHROMIUM || "/usr/bin/chromium";
const chromiumPath = fs.existsSync(chromiumCandidate) ? chromiumCandidate : null;
const hasXmllint = spawnSync("xmllint", ["--version"]).status === 0;
const T = { timeout: 120000 };
const CASES = ["ws.lifecycle.echo-text", "ws.send.success-errmsg", "ws.send.before-open-fails", "ws.send.after-close-fails"];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-hostile-"));
const out = path.join(tmp, "run");
const shellQuote = (s) => "'" + s.replaceAll("'", "'\\''") + "'";

before(() => {
  const expectations = {
    format: "sockconf-expectations", version: 1, iut: HOSTILE,
    cases: Object.fromEntries(CASES.map((id) => [id, { status: "FAIL", reason: HOSTILE, link: "https://example.invalid/?" + HOSTILE }])),
  };
  fs.writeFileSync(path.join(tmp, "expectations.json"), JSON.stringify(expectations));
  const iut = ["node", path.join(root, "adapters/node/sockconf-node.mjs"),
    "--module", path.join(root, "adapters/node/fixtures/hostile-strings.mjs"),
    "--name", HOSTILE, "--version", HOSTILE].map(shellQuote).join(" ");
  const r = spawnSync(bin, ["run", "--home", root, "--iut", iut, "--filter", CASES.join(","),
    "--expectations", path.join(tmp, "expectations.json"), "--report-dir", out], { encoding: "utf8", timeout: 90000 });
  assert.equal(r.error, undefined, String(r.error));
  assert.ok(fs.existsSync(path.join(out, "report.json")), `no report.json:\n${r.stdout}\n${r.stderr}`);
  const m = spawnSync(bin, ["report", "matrix", "--format", "html", "-o", path.join(tmp, "matrix.html"),
    path.join(out, "report.json"), path.join(root, "reports/platforms/reference/report.json")], { encoding: "utf8", timeout: 30000 });
  assert.equal(m.status, 0, m.stderr);
  const md = spawnSync(bin, ["report", "matrix", "--format", "md", "-o", path.join(tmp, "matrix.md"),
    path.join(out, "report.json"), path.join(root, "reports/platforms/reference/report.json")], { encoding: "utf8", timeout: 30000 });
  assert.equal(md.status, 0, md.stderr);
});

after(() => { if (!process.env.SOCKCONF_KEEP) fs.rmSync(tmp, { recursive: true, force: true }); });

test("the run carried the hostile strings into its report", T, () => {
  const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"));
  assert.equal(report.run.iut.name, HOSTILE);
  assert.equal(report.run.iut.version, HOSTILE);
  const text = JSON.stringify(report.cases);
  assert.ok(text.includes(JSON.stringify(HOSTILE).slice(1, -1)), "an errMsg or message with the string, as delivered");
  assert.ok(report.cases.some((c) => c.expected_reason === HOSTILE || JSON.stringify(c).includes("onerror")),
    "the expectations' reason is in the report");
});

const chromiumSkip = !chromiumPath && "Chromium not found (scripts/setup.sh installs Debian's chromium, or set SOCKCONF_CHROMIUM)";

for (const page of ["run/report.html", "matrix.html"]) {
  test(`${page}: nothing of the hostile string runs or becomes an element, and it shows as text`, { ...T, skip: chromiumSkip }, async () => {
    const { chromium } = await import("playwright-core");
    const context = await chromium.launchPersistentContext(path.join(tmp, "user-data-" + path.basename(page)), {
      executablePath: chromiumPath, headless: true, timeout: 30000,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
    });
    try {
      context.setDefaultTimeout(20000);
      const p = context.pages()[0] ?? (await context.newPage());
      const errors = [];
      const dialogs = [];
      p.on("pageerror", (e) => errors.push(String(e && e.message ? e.message : e)));
      p.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
      p.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
      await p.goto("file://" + path.join(tmp, page), { waitUntil: "load", timeout: 20000 });
      // Open every case and details so that lazily built parts (diagrams) are built too.
      await p.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
      await p.waitForTimeout(300);
      assert.equal(await p.evaluate(() => typeof window.__pwned), "undefined", "a script or handler of the string ran");
      assert.deepEqual(errors, []);
      assert.deepEqual(dialogs, []);
      assert.equal(await p.locator("img").count(), 0, "an <img> of the string became an element");
      assert.equal(await p.locator("script").count(), 1, "only the page's own script");
      const body = await p.evaluate(() => document.body.textContent);
      assert.ok(body.includes('<img src=x onerror="window.__pwned=1">'), "the string shows as text");
    } finally {
      await Promise.race([context.close(), new Promise((r) => setTimeout(r, 5000))]);
    }
  });
}

test("junit.xml is well-formed and valid against the JUnit schema, with the string kept as text", { ...T, skip: !hasXmllint && "xmllint not found (libxml2-utils)" }, () => {
  const file = path.join(out, "junit.xml");
  const r = spawnSync("xmllint", ["--noout", "--schema", path.join(root, "reports/test/junit.xsd"), file], { encoding: "utf8", timeout: 30000 });
  assert.equal(r.status, 0, r.stderr);
  const xml = fs.readFileSync(file, "utf8");
  assert.ok(xml.includes("onerror=&quot;window.__pwned=1&quot;") || xml.includes('onerror="window.__pwned=1"'), "the string, escaped");
  assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml), "no control character XML 1.0 forbids");
});

for (const file of ["run/report.md", "matrix.md"])
test(`${file}: every table keeps its column count, and no raw tag of the string`, T, () => {
  const md = fs.readFileSync(path.join(tmp, file), "utf8");
  // GitHub splits a row at every | that is not escaped, inside a code span too.
  const cells = (line) => line.replace(/\\\|/g, "").split("|").length;
  const lines = md.split("\n");
  let tables = 0;
  for (let i = 0; i < lines.length; ++i) {
    if (!lines[i].startsWith("|") || !/^\|[\s:|-]+\|$/.test(lines[i + 1] ?? "")) continue;
    ++tables;
    const width = cells(lines[i]);
    for (let j = i + 1; j < lines.length && lines[j].startsWith("|"); ++j)
      assert.equal(cells(lines[j]), width, `report.md line ${j + 1} breaks its table:\n${lines[j]}`);
  }
  assert.ok(tables > 0, "report.md has tables");
  // Fenced blocks (the traces) are literal text: the string may stand there as it came, as long
  // as no line of it can close the fence. Everywhere else a raw tag would render on GitHub.
  const fences = lines.filter((l) => /^\s*```/.test(l));
  assert.equal(fences.length % 2, 0, "every fenced block is closed");
  const prose = md.replace(/^(\s*)```[^\n]*\n[\s\S]*?^\1```$/gm, "");
  assert.ok(!prose.includes("<img src=x"), "a raw <img> outside a code block would render on GitHub");
  assert.ok(!prose.includes("<script>"), "a raw <script> outside a code block");
  assert.ok(prose.includes("onerror"), "the string is there, escaped");
});
