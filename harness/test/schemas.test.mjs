// The JSON Schemas of specs/schemas/ checked with ajv, a complete draft 2020-12
// validator, against the same files `sockconf lint` checks with its own validator
// (harness/include/sockconf/harness/json_schema.hpp): the schemas themselves (the
// meta-schema, ajv's strict mode), every case file, profile and expectations file of
// the tree, the platforms' report.json, and a report.json and expectations file a
// fresh `sockconf run` writes. Then both validators on the same broken files: each
// must reject every one, and lint must name the place.
//
// Run directly (not with --test): `node harness/test/schemas.test.mjs`. Exit 77 (ctest:
// skipped) with the reason when ajv is not installed (npm ci) or the binary is missing.
// SOCKCONF_BIN names the binary.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const bin = process.env.SOCKCONF_BIN ?? path.join(root, "build/bin/sockconf");

function skip(reason) {
  console.log(`skipped: ${reason}`);
  process.exit(77);
}
let Ajv2020;
try {
  // require(), so that NODE_PATH can point at an ajv outside the tree too.
  Ajv2020 = createRequire(import.meta.url)("ajv/dist/2020").default;
} catch {
  skip('the npm package "ajv" (a devDependency) is not installed: npm ci');
}
if (!fs.existsSync(bin)) skip(`no sockconf binary at ${bin} (build first, or set SOCKCONF_BIN)`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-schemas-"));
const read = (f) => JSON.parse(fs.readFileSync(f, "utf8"));
const rel = (f) => path.relative(root, f);
const jsonIn = (dir, name) =>
  fs.readdirSync(path.join(root, dir), { recursive: true })
    .filter((f) => (name ? path.basename(f) === name : f.endsWith(".json")))
    .map((f) => path.join(root, dir, f))
    .sort();

// strict: unknown keywords, types a keyword cannot apply to, tuples without a fixed length.
const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
const schemas = {};
for (const name of ["case", "profile", "expectations", "report", "settings"]) {
  const file = path.join(root, "specs/schemas", `${name}.schema.json`);
  schemas[name] = { file, validate: null, text: read(file) };
}

function valid(name, doc) {
  const v = schemas[name].validate;
  return v(doc) ? null : ajv.errorsText(v.errors, { separator: "\n  " });
}
function accepts(name, files) {
  assert.ok(files.length > 0, `no files for the ${name} schema`);
  for (const f of files) {
    const errors = valid(name, read(f));
    assert.equal(errors, null, `${rel(f)} against ${name}.schema.json:\n  ${errors}`);
  }
}

test("the schemas are valid draft 2020-12 and compile in ajv's strict mode", () => {
  for (const [name, s] of Object.entries(schemas)) {
    assert.equal(ajv.validateSchema(s.text), true, `${name}: ${ajv.errorsText(ajv.errors)}`);
    s.validate = ajv.compile(s.text);
    assert.equal(s.text.$schema, "https://json-schema.org/draft/2020-12/schema");
  }
});

test("every case file, profile and expectations file of the tree is valid", () => {
  const cases = jsonIn("suites");
  assert.ok(cases.length >= 28);
  accepts("case", cases);
  accepts("case", ["good_echo.json", "outcomes.json", "wrong_echo.json"].map((f) => path.join(here, "fixtures", f)));
  accepts("profile", [...jsonIn("specs/profiles"), ...jsonIn("harness/test/fixtures/profiles")]);
  accepts("expectations", jsonIn("reports/platforms", "expectations.json"));
  accepts("settings", [path.join(root, "specs/settings.json")]);
});

test("every case file and profile names its schema, relative to itself", () => {
  for (const [dir, name] of [["suites", "case"], ["specs/profiles", "profile"], ["harness/test/fixtures/profiles", "profile"]])
    for (const f of jsonIn(dir)) {
      const ref = read(f).$schema;
      assert.equal(typeof ref, "string", `${rel(f)} has no "$schema"`);
      assert.equal(path.resolve(path.dirname(f), ref), schemas[name].file, `${rel(f)}: "$schema": "${ref}"`);
    }
});

test("the platforms' reports and a fresh run's report.json and expectations file are valid", () => {
  accepts("report", [...jsonIn("reports/platforms", "report.json"), path.join(root, "reports/test/golden/report.json")]);
  // A run with a failure, allowed outcomes, a timeout, a skip and repeats: most of what a report holds.
  const out = path.join(tmp, "run");
  const fixture = (f) => ["--suites", path.join(here, "fixtures", f)];
  const r = spawnSync(bin, ["run", "--home", root, ...fixture("good_echo.json"), ...fixture("wrong_echo.json"),
    ...fixture("outcomes.json"), "--repeat", "2", "--report-dir", out,
    "--update-expectations", path.join(out, "expectations.json")], { cwd: root, encoding: "utf8", timeout: 120000 });
  assert.equal(r.error, undefined, String(r.error));
  assert.ok(r.status === 0 || r.status === 1, `sockconf run exited ${r.status}: ${r.stderr}`);
  const report = read(path.join(out, "report.json"));
  assert.ok(report.cases.some((c) => c.status === "FAIL") && report.deviations.length > 0, "the run has a failure");
  accepts("report", [path.join(out, "report.json")]);
  accepts("expectations", [path.join(out, "expectations.json")]);
});

/** The first case of a real case file, broken in one way; where lint must say it. */
function brokenCases() {
  const base = read(path.join(root, "suites/websocket/lifecycle.json"));
  const one = (edit) => {
    const doc = structuredClone(base);
    doc.cases = [doc.cases[0]];
    return edit(doc.cases[0], doc);
  };
  return [
    ["an unknown key in a step", "/cases/0/steps/0/argz", one((c, d) => ((c.steps[0].argz = {}), d))],
    ["a wrong type", "/cases/0/timeout_ms", one((c, d) => ((c.timeout_ms = "8000"), d))],
    ["a bad enum", "/cases/0/outcomes/0/grade", one((c, d) => ((c.outcomes = [{ name: "o", grade: "FAIL", expect: [] }]), d))],
    ["a missing member", "/cases/0", one((c, d) => (delete c.title, d))],
    ["a bad id", "/cases/0/id", one((c, d) => ((c.id = "Not.An.Id"), d))],
    ["an unknown matcher keyword", "/cases/0/expect", one((c, d) => ((c.expect = [{ event: "x", match: { data: { equal: 1 } } }]), d))],
    ["an unknown file member", "/casez", one((c, d) => ((d.casez = []), d))],
  ];
}

test("ajv and sockconf lint reject the same broken case files, lint naming the place", () => {
  const original = path.join(tmp, "original.json");
  fs.writeFileSync(original, JSON.stringify(read(path.join(root, "suites/websocket/lifecycle.json"))));
  const lint = (f) => spawnSync(bin, ["lint", "--home", root, f], { cwd: root, encoding: "utf8", timeout: 60000 });
  const ok = lint(original);
  assert.equal(ok.status, 0, ok.stderr);
  brokenCases().forEach(([what, pointer, doc], i) => {
    assert.notEqual(valid("case", doc), null, `ajv accepts ${what}`);
    const f = path.join(tmp, `broken-${i}.json`);
    fs.writeFileSync(f, JSON.stringify(doc, null, 2));
    const r = lint(f);
    assert.equal(r.status, 2, `lint of ${what}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${f.replaceAll(".", "\\.")}:${pointer}[/:].*\\[E-[A-Z-]+\\]`), `lint of ${what}`);
  });
});

test("lint prints every error of a file with three bad cases", () => {
  const f = path.join(here, "fixtures/lint/three-errors.json");
  assert.notEqual(valid("case", read(f)), null);
  const r = spawnSync(bin, ["lint", "--home", root, f], { cwd: root, encoding: "utf8", timeout: 60000 });
  assert.equal(r.status, 2);
  const lines = r.stderr.split("\n").filter((l) => l.startsWith("error: "));
  assert.deepEqual(lines.map((l) => l.replace(/^error: .*?\.json:(\S+): .*\[(E-[A-Z-]+)\]$/, "$1 $2")), [
    "/cases/0/steps/0/argz E-UNKNOWN-KEY",
    "/cases/1/timeout_ms E-TYPE",
    "/cases/2/outcomes/0/grade E-ENUM",
  ]);
});
