// GitHub Actions reporting end to end (cli/include/sockconf/cli/github.hpp, docs/ci.md): a
// real run of a few fast cases against the built-in reference, in a folder whose name holds
// ',' and ':' (annotation properties must escape them), with an expectations file that
// accepts one deviating case and omits two others (one new deviation, expecting a value with
// '%', CR, LF, ',' and ':', seen in both). Then:
//   - with GITHUB_ACTIONS=true and GITHUB_STEP_SUMMARY: the summary is appended to that file
//     (what was there stays), and stdout has exactly one ::error per new deviation, escaped so
//     that it stays one line;
//   - without them: no annotation and no summary; --no-github turns both off in GitHub; with
//     GITHUB_STEP_SUMMARY alone (a local run): the summary, no annotation;
//   - shards run with --no-github and merged in GitHub say what the full run says.
//
//   SOCKCONF_BIN=build/bin/sockconf node --test cli/test/github.test.mjs
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const bin = path.resolve(process.env.SOCKCONF_BIN ?? path.join(root, "build/bin/sockconf"));
const T = { timeout: 120000 };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-github-"));
after(() => { if (!process.env.SOCKCONF_KEEP) fs.rmSync(tmp, { recursive: true, force: true }); });

// The cases: the harness's fixtures, one passing, three deviating.
const suites = path.join(tmp, "suites, 100% odd: dir\r\nnext");
fs.mkdirSync(suites);
const fixture = (f) => JSON.parse(fs.readFileSync(path.join(root, "harness/test/fixtures", f), "utf8"));
const wrong = fixture("wrong_echo.json");
const HOSTILE = "50% off\r\nnext: a, b";
// wrong_echo waiting for HOSTILE instead of "goodbye": another deviation.
const waitingFor = (data) => wrong.steps.map((s) => (typeof s.wait === "object" ? { wait: { ...s.wait, match: { data } } } : s));
const cases = {
  "good.json": fixture("good_echo.json"),
  "known.json": { ...wrong, id: "fixture.known-wrong" },
  "new.json": { ...wrong, id: "fixture.new-wrong", steps: waitingFor(HOSTILE) },
  "new-again.json": { ...wrong, id: "fixture.new-wrong-again", steps: waitingFor(HOSTILE) },
};
for (const [f, c] of Object.entries(cases)) fs.writeFileSync(path.join(suites, f), JSON.stringify(c, null, 2));
const expectations = path.join(tmp, "expectations.json");
fs.writeFileSync(expectations, JSON.stringify({
  format: "sockconf-expectations", version: 1, cases: { "fixture.known-wrong": { status: "FAIL", reason: "says goodbye" } },
}));

/** `sockconf ARGS` with exactly the GitHub variables in `github` (none of the caller's). */
function sockconf(args, github = {}) {
  const env = { ...process.env };
  for (const k of ["GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"]) delete env[k];
  const r = spawnSync(bin, args, { cwd: tmp, encoding: "utf8", timeout: 90000, env: { ...env, ...github } });
  assert.equal(r.error, undefined, `sockconf ${args.join(" ")}: ${r.error}`);
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const run = (dir, extra = [], github = {}) =>
  sockconf(["run", "--home", root, "--suites", suites, "--expectations", expectations, "--jobs", "4",
            "--report-dir", path.join(tmp, dir), ...extra], github);
const annotations = (out) => out.split("\n").filter((l) => l.startsWith("::"));
const report = (dir) => JSON.parse(fs.readFileSync(path.join(tmp, dir, "report.json"), "utf8"));

test("in GitHub: the summary is appended to GITHUB_STEP_SUMMARY, one ::error per new deviation, escaped", T, () => {
  const summary = path.join(tmp, "step-summary.md");
  fs.writeFileSync(summary, "an earlier step's summary\n");
  const r = run("gh", [], { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary });
  assert.equal(r.code, 1, r.out + r.err);
  const devs = report("gh").deviations;
  const byCase = (id) => devs.find((d) => d.cases.includes(id));
  const fresh = byCase("fixture.new-wrong");
  assert.ok(fresh && byCase("fixture.known-wrong") && fresh !== byCase("fixture.known-wrong"), JSON.stringify(devs));
  assert.deepEqual(fresh.cases.sort(), ["fixture.new-wrong", "fixture.new-wrong-again"], "one deviation, two cases");

  const lines = annotations(r.out);
  assert.deepEqual(lines.filter((l) => l.startsWith("::error ")).length, 1, r.out);
  assert.deepEqual(lines.filter((l) => !l.startsWith("::error ")), [], "nothing else is unexpected");
  const [error] = lines;
  assert.ok(error.startsWith(`::error title=sockconf ${fresh.id} (MUST),file=`), error);
  // Properties: ',' ':' '%' CR LF escaped; the message: '%', CR and LF escaped, the rest as it is.
  assert.match(error, /,file=[^:,]*suites%2C 100%25 odd%3A dir%0D%0Anext\/new(-again)?\.json::/);
  assert.ok(error.includes('data "50%25 off\\r\\nnext: a, b"'), error); // JSON in the headline: CR LF as \r\n
  assert.ok(error.includes("%0Aexample: fixture.new-wrong at " + tmp + "/suites, 100%25 odd: dir%0D%0Anext/new.json#/steps/5/wait"), error);
  assert.ok(error.includes("%0Adecided 2 unexpected result(s): fixture.new-wrong, fixture.new-wrong-again"), error);
  assert.ok(!/[\r]/.test(error));

  const md = fs.readFileSync(summary, "utf8");
  assert.ok(md.startsWith("an earlier step's summary\n\n## sockconf: sockconf-reference "), md.slice(0, 200));
  assert.match(md, /: 2 unexpected result\(s\)\n/);
  assert.match(md, /\| PASS \| FAIL \|\n\| ---: \| ---: \|\n\| 1 \| 3 \|/);
  assert.match(md, /### New deviations \(1\)\n\nEach decided a case whose result the expectations did not foresee/);
  assert.ok(md.includes(`\`${fresh.id}\``), "the new deviation, in full");
  assert.match(md, new RegExp(`### Other deviations \\(1\\)[\\s\\S]*\\| \`${byCase("fixture.known-wrong").id}\` \\| MUST \\| 1 \\|`));
  assert.equal(md, fs.readFileSync(summary, "utf8"));
  // The report directory has the same summary as summary.md.
  assert.ok(md.endsWith(fs.readFileSync(path.join(tmp, "gh", "summary.md"), "utf8")));
});

test("not in GitHub: no annotation, no summary; --no-github in GitHub: neither; GITHUB_STEP_SUMMARY alone: the summary", T, () => {
  const plain = run("plain");
  assert.equal(plain.code, 1);
  assert.deepEqual(annotations(plain.out), []);

  const summary = path.join(tmp, "off.md");
  const off = run("off", ["--no-github"], { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary });
  assert.equal(off.code, 1);
  assert.deepEqual(annotations(off.out), []);
  assert.equal(fs.existsSync(summary), false);

  const local = path.join(tmp, "local.md");
  const l = run("local", [], { GITHUB_STEP_SUMMARY: local });
  assert.equal(l.code, 1);
  assert.deepEqual(annotations(l.out), []);
  assert.match(fs.readFileSync(local, "utf8"), /### New deviations \(1\)/);

  const forced = run("forced", ["--github"]);
  assert.equal(annotations(forced.out).length, 1, forced.out);
  assert.match(forced.err, /GITHUB_STEP_SUMMARY is not set/);
});

test("shards with --no-github, merged in GitHub: the full run's annotations and summary", T, () => {
  const gh = (f) => ({ GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: path.join(tmp, f) });
  const full = run("full", [], gh("full.md"));
  for (const i of [1, 2]) assert.equal(annotations(run(`shard${i}`, ["--shard", `${i}/2`, "--no-github"], gh("shard.md")).out).length, 0);
  assert.equal(fs.existsSync(path.join(tmp, "shard.md")), false);
  const merged = sockconf(["report", "merge", ...[1, 2].map((i) => path.join(tmp, `shard${i}`, "report.json")),
                           "--report-dir", path.join(tmp, "merged")], gh("merged.md"));
  assert.equal(merged.code, 1, merged.out + merged.err);
  assert.deepEqual(annotations(merged.out), annotations(full.out));
  const body = (f) => fs.readFileSync(path.join(tmp, f), "utf8").replace(/\b[0-9.]+ (m?s)\b/g, "N $1");
  assert.equal(body("merged.md"), body("full.md"));
});
