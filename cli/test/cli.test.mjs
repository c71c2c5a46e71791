// The `sockconf` command line end to end: selection and sharding, merge equal to
// a full run, expectations, repeats and retries, exit codes, and approval of a
// real run's report files (volatile fields normalised). SOCKCONF_BIN names the
// binary; SOCKCONF_UPDATE_GOLDEN=1 rewrites the golden files.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const bin = process.env.SOCKCONF_BIN ?? path.join(root, "build/bin/sockconf");
const fixture = (f) => path.join(root, "harness/test/fixtures", f); // the harness's fixture cases
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-cli-"));
const T = { timeout: 120000 };

/** Run `sockconf CMD ...` (run gets --home); every run is bounded. */
const run = (...args) => sockconf2("run", ...args);
function sockconf2(cmd, ...args) {
  const r = spawnSync(bin, [cmd, ...(cmd === "run" ? ["--home", root] : []), ...args], {
    cwd: root, encoding: "utf8", timeout: 90000,
  });
  assert.equal(r.error, undefined, `sockconf ${cmd} ${args.join(" ")}: ${r.error}`);
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const report = (dir) => JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8"));
const dir = (name) => path.join(tmp, name);
const fixtures = ["--suites", fixture("good_echo.json"), "--suites", fixture("wrong_echo.json")];

/** What must be equal between two runs of the same cases: no times, ports or tags. */
function normalise(value, key = "") {
  if (Array.isArray(value)) return value.map((v) => normalise(v, key));
  if (value && typeof value === "object") {
    const out = {};
    for (const k of Object.keys(value).sort()) {
      if (/(^|_)ms$|^started_at$|^shard$|^jobs$|^duration/.test(k)) continue;
      if (/port$/.test(k) && typeof value[k] === "number") { out[k] = "PORT"; continue; }
      if (k === "id" && typeof value[k] === "number") { out[k] = "N"; continue; } // a wire record's connection
      if (/^sec-websocket-(accept|key)$/i.test(k)) { out[k] = "KEY"; continue; }
      out[k] = normalise(value[k], k);
    }
    return out;
  }
  if (typeof value === "string") return normaliseText(value);
  return value;
}
function normaliseText(s) {
  return s
    .replaceAll(root, "ROOT")
    .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT")
    .replace(/\bport \d+/g, "port PORT")
    .replace(/\b([a-z][a-z0-9.-]*[a-z0-9])-\d+-\d+\b/g, "$1-N-N") // tags: <case id>-<pid>-<n>
    .replace(/("sec-websocket-(?:accept|key)":")[^"]*"/gi, '$1KEY"')
    .replace(/(sec-websocket-(?:accept|key)&quot;:&quot;)[^&]*&quot;/gi, "$1KEY&quot;")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, "TIME")
    .replace(/\b\d+(\.\d+)? (ms|s)\b/g, "N $2")
    .replace(/time="[0-9.]+"/g, 'time="N"')
    .replace(/sockconf \d+\.\d+\.\d+/g, "sockconf X.Y.Z")
    .replace(/\(\d+\.\d+x\)|\d+\.\d+x/g, "N.NNx");
}
function expectGolden(name, actual) {
  const file = path.join(here, "golden", name);
  if (process.env.SOCKCONF_UPDATE_GOLDEN) fs.writeFileSync(file, actual);
  assert.equal(actual, fs.readFileSync(file, "utf8"), `differs from ${file} (SOCKCONF_UPDATE_GOLDEN=1 rewrites it)`);
}

test("shards 1/3, 2/3, 3/3 merged equal a full run", T, () => {
  const full = run("--report-dir", dir("full"));
  assert.equal(full.code, 0, full.out + full.err);
  assert.match(full.out, /critical path [0-9.]+ s \(longest case [a-z0-9.-]+\): [0-9.]+x/);
  const shards = [1, 2, 3].map((i) => {
    const r = run("--shard", `${i}/3`, "--report-dir", dir(`shard${i}`));
    assert.equal(r.code, 0, r.out + r.err);
    return report(dir(`shard${i}`));
  });
  const ids = shards.map((s) => s.cases.map((c) => c.id));
  assert.equal(new Set(ids.flat()).size, ids.flat().length, "shards overlap");
  const merged = sockconf2("report", "merge", ...[1, 2, 3].map((i) => path.join(dir(`shard${i}`), "report.json")),
                           "--report-dir", dir("merged"));
  assert.equal(merged.code, 0, merged.out + merged.err);
  // The same results: every field but traces and wire records, whose timing
  // (how many bytes a pushing server got out before the close) varies run to run,
  // and so the trace entries a check points at (seqs) and a deviation's excerpt.
  const results = (r) => normalise({
    ...r,
    cases: r.cases.map(({ trace, wire, checks, ...rest }) => ({
      ...rest, checks: (checks ?? []).map(({ seqs, ...k }) => k),
    })),
    deviations: (r.deviations ?? []).map(({ example, ...d }) => ({ ...d, example: { ...example, trace: [] } })),
  });
  assert.deepEqual(results(report(dir("merged"))), results(report(dir("full"))));
  const diff = sockconf2("report", "diff", path.join(dir("full"), "report.json"), path.join(dir("merged"), "report.json"));
  assert.equal(diff.code, 0, diff.out);
  assert.match(diff.out, /0 new failure\(s\), 0 fixed, 0 changed, 0 added, 0 removed, \d+ unchanged/);
});

test("GoogleTest's shard variables shard a run; an incomplete merge is refused", T, () => {
  const env = { ...process.env, GTEST_SHARD_INDEX: "1", GTEST_TOTAL_SHARDS: "3" };
  const listed = spawnSync(bin, ["run", "--home", root, "--list"], { cwd: root, encoding: "utf8", env, timeout: 30000 });
  const flag = run("--list", "--shard", "2/3");
  assert.equal(listed.status, 0);
  assert.equal(listed.stdout, flag.out);
  for (const i of [1, 2]) run("--shard", `${i}/2`, "--filter", "ws.lifecycle.*", "--report-dir", dir(`half${i}`));
  const half = sockconf2("report", "merge", path.join(dir("half1"), "report.json"), "--report-dir", dir("halfmerged"));
  assert.equal(half.code, 2);
  assert.match(half.err, /E-MERGE-SHARDS/);
  const twice = sockconf2("report", "merge", path.join(dir("half1"), "report.json"), path.join(dir("half1"), "report.json"),
                          "--report-dir", dir("twice"));
  assert.equal(twice.code, 2);
  assert.match(twice.err, /E-MERGE-/);
});

test("more shards than cases: the empty shards merge too; nothing to rerun leaves the report alone", T, () => {
  const parts = [1, 2, 3, 4, 5, 6].map((i) => {
    const r = run("--shard", `${i}/6`, "--filter", "ws.lifecycle.*", "--report-dir", dir(`six${i}`));
    assert.equal(r.code, 0, r.out + r.err);
    return path.join(dir(`six${i}`), "report.json");
  });
  const cases = parts.map((p) => report(path.dirname(p)).cases.length);
  assert.ok(cases.includes(0), `some shard is empty: ${cases}`);
  const merged = sockconf2("report", "merge", ...parts, "--report-dir", dir("sixmerged"));
  assert.equal(merged.code, 0, merged.out + merged.err);
  assert.equal(report(dir("sixmerged")).cases.length, cases.reduce((a, b) => a + b));
  assert.equal(report(dir("sixmerged")).run.iut.name, "sockconf-reference");
  assert.equal(report(dir("sixmerged")).run.iut.host, "native"); // the in-process reference's hello

  const before = fs.readFileSync(parts[0], "utf8");
  const none = run("--rerun-failed", parts[0], "--report-dir", dir("six1"));
  assert.equal(none.code, 0);
  assert.match(none.out, /nothing to rerun/);
  assert.equal(fs.readFileSync(parts[0], "utf8"), before);
});

test("an expectations file that lists a passing case as FAIL: exit 1, named as an unexpected pass", T, () => {
  const file = path.join(tmp, "expect-fail.json");
  fs.writeFileSync(file, JSON.stringify({
    format: "sockconf-expectations", version: 1,
    cases: { "fixture.good-echo": { status: "FAIL", reason: "believed broken" }, "fixture.wrong-echo": "FAIL" },
  }));
  const r = run(...fixtures, "--expectations", file, "--report-dir", dir("expect"));
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /unexpected pass: fixture\.good-echo \(expected FAIL: believed broken\)/);
  assert.match(r.out, /1 unexpected result\(s\) against /);
  const cases = report(dir("expect")).cases;
  assert.equal(cases.find((c) => c.id === "fixture.good-echo").unexpected, true);
  assert.equal(cases.find((c) => c.id === "fixture.wrong-echo").unexpected, false);
  const junit = fs.readFileSync(path.join(dir("expect"), "junit.xml"), "utf8");
  assert.match(junit, /<failure message="unexpected PASS: expected FAIL \(believed broken\)" type="UNEXPECTED-PASS">/);
  assert.match(junit, /name="fixture.wrong-echo" time="[0-9.]+">\n      <skipped message="expected FAIL: /);
});

test("--rerun-failed runs only the unexpected cases of a report; --repeat and --retry-unexpected record attempts", T, () => {
  const first = run(...fixtures, "--report-dir", dir("first"));
  assert.equal(first.code, 1);
  const again = run(...fixtures, "--rerun-failed", path.join(dir("first"), "report.json"),
                    "--retry-unexpected", "1", "--report-dir", dir("rerun"));
  assert.equal(again.code, 1, again.out);
  const cases = report(dir("rerun")).cases;
  assert.deepEqual(cases.map((c) => c.id), ["fixture.wrong-echo"]);
  assert.deepEqual(cases[0].attempts, ["FAIL", "FAIL"]);
  assert.match(again.out, /-- retry 1\/1: 1 case\(s\)/);

  const repeated = run(...fixtures, "--filter", "fixture.good-*", "--repeat", "3", "--report-dir", dir("repeat"));
  assert.equal(repeated.code, 0, repeated.out);
  const good = report(dir("repeat")).cases[0];
  assert.deepEqual(good.attempts, ["PASS", "PASS", "PASS"]);
  assert.equal(good.flaky, false);
});

test("--filter, --exclude and --tag select; --list and --dry-run start nothing", T, () => {
  const all = run("--list").out.trim().split("\n");
  const count = (r) => Number(/^(\d+) case\(s\)$/m.exec(r.out)[1]);
  const tcp = run("--list", "--tag", "tcp");
  const ws = run("--list", "--tag", "websocket");
  assert.equal(count(tcp) + count(ws), all.length - 1);
  const excluded = run("--list", "--filter", "ws.lifecycle.*", "--exclude", "ws.lifecycle.echo*");
  assert.ok(!/echo/.test(excluded.out.split("\n").slice(0, -2).join("\n")));
  const dry = run("--dry-run", "--filter", "ws.lifecycle.*", "--report-dir", dir("dry"));
  assert.equal(dry.code, 0, dry.err);
  assert.match(dry.out, /^would run \d+ case\(s\) against the built-in reference/);
  assert.equal(fs.existsSync(dir("dry")), false);
});

test("exit codes: 2 for usage and spec errors, 3 for infrastructure, 1 for a diff with a new failure", T, () => {
  assert.equal(run("--no-such-flag").code, 2);
  assert.equal(run("--shard", "0/3").code, 2);
  assert.equal(run("--filter", "no.such.case").code, 2);
  assert.equal(run("--suites", fixture("bad/syntax.json")).code, 2);
  const noiut = run("--filter", "ws.lifecycle.echo-text", "--iut", "/nonexistent/iut", "--report-dir", dir("noiut"));
  assert.equal(noiut.code, 3, noiut.out + noiut.err);
  const blocked = path.join(tmp, "a-file");
  fs.writeFileSync(blocked, "");
  const unwritable = run("--filter", "ws.lifecycle.echo-text", "--report-dir", path.join(blocked, "sub"));
  assert.equal(unwritable.code, 3, unwritable.out + unwritable.err);
  const diff = sockconf2("report", "diff", path.join(dir("full"), "report.json"), path.join(dir("first"), "report.json"));
  assert.equal(diff.code, 1);
  assert.match(diff.out, /## New failures\n\n\| case \| before \| after \| message \|\n\|---\|---\|---\|---\|\n\| fixture\.wrong-echo \| — \| FAIL \|/);
});

test("--format chooses the report files (report.json always); an unknown format is exit 2 naming the formats", T, () => {
  const old = dir("formats");
  fs.mkdirSync(old, { recursive: true });
  fs.writeFileSync(path.join(old, "report.html"), "an earlier run's");
  const r = run(...fixtures, "--format", "md,junit", "--report-dir", old);
  assert.equal(r.code, 1, r.out + r.err);
  assert.deepEqual(fs.readdirSync(old).filter((f) => f !== "repro").sort(), ["junit.xml", "report.json", "report.md"]);
  assert.match(r.out, /^wrote .*report\.json\nwrote .*junit\.xml\nwrote .*report\.md$/m);
  const bad = run(...fixtures, "--format", "md,xml", "--report-dir", dir("badformat"));
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown report format "xml" in --format: the formats are json, junit, md, html, summary \[E-FORMAT\]/);
  assert.equal(fs.existsSync(dir("badformat")), false);
  assert.match(run("--help").out, /--format .*json = report\.json, .*junit = junit\.xml, .*md = report\.md, .*html = report\.html, /);
});

test("a real run's report files match their golden copies (times, ports, keys normalised)", T, () => {
  const r = run(...fixtures, "--jobs", "2", "--report-dir", dir("approval"));
  assert.equal(r.code, 1);
  const json = normalise(report(dir("approval")));
  expectGolden("run-report.json", JSON.stringify(json, null, 2) + "\n");
  for (const f of ["junit.xml", "report.md"])
    expectGolden(`run-${f}`, normaliseText(fs.readFileSync(path.join(dir("approval"), f), "utf8")));
});

test("report matrix and report html render written reports; a bad report.json is a usage error", T, () => {
  const a = path.join(dir("full"), "report.json"), b = path.join(dir("first"), "report.json");
  const md = sockconf2("report", "matrix", a, b, "--links", "full/report.md", "first/report.md");
  assert.equal(md.code, 0, md.err);
  assert.match(md.out, /^# Compatibility matrix/);
  assert.match(md.out, /\[sockconf-reference [^\]]+\]\(full\/report\.md\)/);
  const page = path.join(tmp, "matrix.html");
  assert.equal(sockconf2("report", "matrix", a, b, "--format", "html", "-o", page).code, 0);
  assert.match(fs.readFileSync(page, "utf8"), /^<!DOCTYPE html>/i);
  const html = sockconf2("report", "html", b);
  assert.equal(html.code, 0, html.err);
  assert.match(html.out, /fixture\.wrong-echo/);
  assert.equal(sockconf2("report", "matrix", a, b, "--links", "one").code, 2);
  const notReport = path.join(tmp, "not-a-report.json");
  fs.writeFileSync(notReport, '{"format": "something-else"}');
  const bad = sockconf2("report", "html", notReport);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /E-REPORT-FORMAT/);
});

test("harness settings: --settings replaces specs/settings.json; a bad file, or a profile giving a harness timing, exits 2", T, () => {
  // A case that waits for a close that never comes: it ends at the settings' case timeout.
  const never = path.join(tmp, "never-closed.json");
  fs.writeFileSync(never, JSON.stringify({
    id: "fixture.never-closed", title: "waits for a close nobody asks for", clauses: ["WS-ONMESSAGE-TEXT-IS-STRING"],
    requires: ["websocket"],
    steps: [
      { call: "wx.connectSocket", args: { url: "${ws}/echo?tag=${tag}" }, as: "task" },
      { call: "task.onClose", listener: "closed" },
      { wait: { for: "closed", timeout_ms: 60000 } },
    ],
  }));
  const settings = path.join(tmp, "settings.json");
  fs.writeFileSync(settings, JSON.stringify({ case_timeout_ms: 700, wait_timeout_ms: 5000, settle_ms: 0, adapter_message_max_bytes: 16777216, adapter_case_events_max: 10000 }));
  const r = run("--suites", never, "--settings", settings, "--report-dir", dir("settings"));
  assert.equal(r.code, 1, r.out + r.err);
  const c = report(dir("settings")).cases[0];
  assert.match(c.message, /timed out \(700 ms\)/, c.message);
  assert.ok(c.duration_ms < 5000, String(c.duration_ms));
  // A repro waits as the run would.
  const js = sockconf2("repro", "fixture.never-closed", "--home", root, "--suites", never, "--settings", settings);
  assert.equal(js.code, 0, js.err);
  assert.match(js.out, /caseTimeoutMs: 700,/);
  assert.match(js.out, /settleMs: 0,/);

  fs.writeFileSync(settings, JSON.stringify({ case_timeout_ms: 700, wait_timeout_ms: "5 s", settle_ms: 0, adapter_message_max_bytes: 16777216, adapter_case_events_max: 10000 }));
  const bad = run("--suites", never, "--settings", settings, "--list");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /settings\.json:\/wait_timeout_ms: .*\[E-TYPE\]/);
  const missing = run("--suites", never, "--settings", path.join(tmp, "no-such-settings.json"), "--list");
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no-such-settings\.json: .*\[E-FILE-READ\]/);

  const prof = JSON.parse(fs.readFileSync(path.join(root, "specs/profiles/wechat.json"), "utf8"));
  prof.timings.settle_ms = 30;
  const old = path.join(tmp, "old-profile.json");
  fs.writeFileSync(old, JSON.stringify(prof));
  const moved = run("--profile", old, "--list");
  assert.equal(moved.code, 2);
  assert.match(moved.err, /old-profile\.json:\/timings\/settle_ms: .*moved to specs\/settings\.json.*\[E-PROFILE-HARNESS-TIMING\]/);
});

test("bench --render merges results files into one document and page, measuring nothing; a file that is not one is exit 2", T, () => {
  const results = (target, rate) => ({
    format: "sockconf-bench", version: 1, command: "x", started_at: "2026-12-05T00:00:00Z", machine: {},
    results: ["platform", "host"].map((api, i) => ({
      kind: "throughput", scenario: "iut", target: `${target} ${api}`, api, transport: "ws", payload: "binary",
      size: 16, msgs_per_s: rate * (i + 1), latency_us: { p50: 100, p99: 200 }, cpu: { client: null, server: null },
    })),
  });
  const a = path.join(tmp, "bench-a.json"), b = path.join(tmp, "bench-b.json");
  fs.writeFileSync(a, JSON.stringify(results("uni-h5", 1000)));
  fs.writeFileSync(b, JSON.stringify(results("mpx", 500)));
  const out = path.join(tmp, "bench-all.json"), page = path.join(tmp, "bench-all.html");
  const r = sockconf2("bench", "--render", a, b, "--out", out, "--html", page);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /4 results from 2 files/);
  const merged = JSON.parse(fs.readFileSync(out, "utf8"));
  assert.deepEqual(merged.results.map((x) => x.target), ["uni-h5 platform", "uni-h5 host", "mpx platform", "mpx host"]);
  const html = fs.readFileSync(page, "utf8");
  assert.match(html, /<td>uni-h5<\/td><td>ws binary 16 B<\/td>.*0\.50×/);
  assert.match(html, /<td>mpx<\/td>/);
  const notResults = path.join(tmp, "not-results.json");
  fs.writeFileSync(notResults, '{"format": "sockconf-report"}');
  const bad = sockconf2("bench", "--render", a, notResults, "--out", path.join(tmp, "never.json"));
  assert.equal(bad.code, 2);
  assert.match(bad.err, /not a sockconf bench results file/);
  assert.equal(fs.existsSync(path.join(tmp, "never.json")), false); // nothing half-merged is written
});
