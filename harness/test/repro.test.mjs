// `sockconf repro` end to end: a generated script, run through the Node example IUT
// (adapters/node/examples/wx-on-ws.mjs as the global wx) against `sockconf serve
// --control`, gives the same verdict (and the same allowed outcome) as `sockconf run
// --iut "node adapters/node/sockconf-node.mjs --module …wx-on-ws.mjs" --filter ID` gives
// that case; `sockconf run` writes one repro per deviation; a bad case id exits 2.
//
// Run directly (not with --test): `node harness/test/repro.test.mjs`. Exit 77 (ctest: skipped)
// with the reason when this Node cannot run it. SOCKCONF_BIN names the binary.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const bin = process.env.SOCKCONF_BIN ?? path.join(root, "build/bin/sockconf");
const example = path.join(root, "adapters/node/examples/wx-on-ws.mjs");

function skip(reason) {
  console.log(`skipped: ${reason}`);
  process.exit(77);
}
if (typeof fetch !== "function") skip(`Node ${process.version} has no fetch (the scripts read the wire log with it): Node 18 or later`);
try {
  await import("ws");
} catch {
  skip("the npm package \"ws\" (used by the example IUT) is not installed: npm ci");
}
if (!fs.existsSync(bin)) skip(`no sockconf binary at ${bin} (build first, or set SOCKCONF_BIN)`);

// Picked from a run of every suite through the example IUT (see harness/README.md), among
// the cases whose result did not change over `--repeat 6`: one that passes; one that fails
// (a `listen` step's listener, may_throw, ${profile.*} values); one that fails with no
// allowed outcome holding (the wire log); one graded NON-STRICT by the allowed outcome that
// held; one NON-STRICT with a closed port (${tcp.closed_port}). Not
// tcp.close.peer-rst-right-behind-data: the example IUT reports a reset by onError only
// sometimes (libuv takes a RST read in the same poll as the echo for an EOF), so two runs
// of it may differ.
const CASES = {
  "ws.lifecycle.echo-text": "PASS",
  "tcp.create.limit-over-refused": "FAIL",
  "ws.options.referer-not-sent": "FAIL",
  "ws.events.drop-error-then-close": "NON-STRICT",
  "tcp.connect.refused-errno-errnum": "NON-STRICT",
};
const IUT = `node adapters/node/sockconf-node.mjs --module adapters/node/examples/wx-on-ws.mjs`;
const T = { timeout: 180000 };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-repro-"));

function sockconf(...args) {
  const r = spawnSync(bin, args, { cwd: root, encoding: "utf8", timeout: 150000 });
  assert.equal(r.error, undefined, `sockconf ${args.join(" ")}: ${r.error}`);
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// ---------------------------------------------------------------- sockconf serve --control

let serve; // the child process
let serveLine; // its JSON line: ws, wss, tcp, ca_pem, control

before(async () => {
  serve = spawn(bin, ["serve", "--control", "--json"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  serveLine = await new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error("sockconf serve printed no line within 10 s")), 10000);
    serve.stdout.on("data", (d) => {
      text += d;
      const nl = text.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(text.slice(0, nl)));
      }
    });
    serve.on("exit", (code) => reject(new Error(`sockconf serve exited with ${code}`)));
  });
  fs.writeFileSync(path.join(tmp, "ca.pem"), serveLine.ca_pem);
});

after(() => {
  serve?.kill("SIGTERM");
  fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * Run a repro script as a platform engineer would: a fresh Node process whose global wx is
 * the example IUT, SOCKCONF_SERVE set, the file evaluated as a script. Returns the value it
 * resolves to ({verdict, outcome, checks}) and what it printed.
 */
function runScript(file, { promiseConnect = false } = {}) {
  const runner = `
    import fs from "node:fs";
    import vm from "node:vm";
    const mod = await import(${JSON.stringify("file://" + example)});
    globalThis.wx = mod.wx ?? mod.default;
    if (${promiseConnect}) {
      // As Taro: connectSocket returns a Promise of the SocketTask.
      const plain = globalThis.wx;
      globalThis.wx = { ...plain, connectSocket: (o) => Promise.resolve(plain.connectSocket(o)) };
    }
    globalThis.SOCKCONF_SERVE = JSON.parse(process.env.SERVE_LINE);
    const r = await vm.runInThisContext(fs.readFileSync(${JSON.stringify(file)}, "utf8"), { filename: ${JSON.stringify(file)} });
    console.log("RESULT " + JSON.stringify({ verdict: r.verdict, outcome: r.outcome, failed: r.checks.filter((k) => k.status === "FAIL" && k.counts).map((k) => k.at) }));
    process.exit(0); // whatever the IUT still holds open`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", runner], {
    cwd: root,
    encoding: "utf8",
    timeout: 60000,
    // wss:// cases: the example IUT trusts Node's CA store plus this (as sockconf run sets it).
    env: { ...process.env, SERVE_LINE: JSON.stringify(serveLine), NODE_EXTRA_CA_CERTS: path.join(tmp, "ca.pem") },
  });
  assert.equal(r.error, undefined, `running ${file}: ${r.error}`);
  const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  assert.ok(line, `${file} ended without a result (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return { ...JSON.parse(line.slice(7)), printed: r.stdout };
}

// ---------------------------------------------------------------- the tests

let run; // sockconf run of CASES through the example IUT: {status, outcome} by id, and its report dir

before(() => {
  const dir = path.join(tmp, "run");
  const r = sockconf("run", "--home", root, "-j", "4", "--iut", IUT, "--filter", Object.keys(CASES).join(","), "--report-dir", dir);
  assert.ok(r.code === 0 || r.code === 1, `sockconf run: exit ${r.code}\n${r.err}`);
  const report = JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8"));
  run = { dir, out: r.out, cases: Object.fromEntries(report.cases.map((c) => [c.id, c])) };
});

test("the cases chosen still show a pass, a failure and an outcome on the example IUT", () => {
  // If the example IUT changes, pick other cases (harness/README.md says how).
  for (const [id, status] of Object.entries(CASES)) assert.equal(run.cases[id]?.status, status, id);
  assert.ok(run.cases["ws.events.drop-error-then-close"].outcome, "decided by an allowed outcome");
});

for (const id of Object.keys(CASES)) {
  test(`the repro of ${id} gives sockconf run's verdict`, T, () => {
    const file = path.join(tmp, `${id}.js`);
    const gen = sockconf("repro", id, "--home", root, "-o", file);
    assert.equal(gen.code, 0, gen.err);
    const got = runScript(file);
    const want = run.cases[id];
    assert.equal(got.verdict, want.status, `${id}: the script said ${got.verdict}, sockconf run ${want.status}\n${got.printed}`);
    assert.equal(got.outcome ?? "", want.outcome ?? "", `${id}: the outcome that held\n${got.printed}`);
    // A failure is shown where sockconf run found it.
    if (want.status === "FAIL") {
      const where = want.checks.find((k) => k.result === "fail" && k.counts !== false)?.where ?? "";
      assert.ok(got.failed.some((at) => where.endsWith(at)), `${id}: sockconf run failed at ${where}; the script at ${got.failed}\n${got.printed}`);
    }
    assert.match(got.printed, new RegExp(`^VERDICT ${id.replaceAll(".", "\\.")}: ${want.status}`, "m"));
  });
}

test("sockconf run writes one repro per deviation, lists them, and each shows its deviation", T, () => {
  const files = fs.readdirSync(path.join(run.dir, "repro")).filter((f) => f.endsWith(".js"));
  const report = JSON.parse(fs.readFileSync(path.join(run.dir, "report.json"), "utf8"));
  assert.deepEqual(files.sort(), report.deviations.map((d) => `${d.id}.js`).sort());
  assert.ok(files.length >= 2, files.join(", "));
  assert.match(run.out, new RegExp(`wrote ${files.length} repro script\\(s\\)`));
  for (const d of report.deviations) {
    const file = path.join(run.dir, "repro", `${d.id}.js`);
    assert.ok(run.out.includes(file), `${file} listed`);
    const text = fs.readFileSync(file, "utf8");
    assert.match(text, new RegExp(`^// Deviation ${d.id}: `, "m"));
    assert.ok(text.includes(`// sockconf repro: ${d.example.case}\n`), `${d.id}: its example case`);
    const got = runScript(file);
    assert.equal(got.verdict, run.cases[d.example.case].status, `${d.id} (${d.example.case})\n${got.printed}`);
  }
});

test("a connectSocket that returns a Promise of the SocketTask (Taro) is awaited, and the case still passes", T, () => {
  const file = path.join(tmp, "promise.js");
  assert.equal(sockconf("repro", "ws.lifecycle.echo-text", "--home", root, "-o", file).code, 0);
  const got = runScript(file, { promiseConnect: true });
  assert.equal(got.verdict, "PASS", got.printed);
  assert.match(got.printed, /NOTE {2}wx\.connectSocket returned a Promise: awaited before the next line/);
});

test("the repro of every case of every suite compiles as a script", T, () => {
  // Text that only some cases produce (a wait with its own clauses, an outcome's
  // clauses) is checked here, not only in the five cases that run.
  const ids = sockconf("list", "--home", root).out.split("\n").map((l) => /^([a-z][\w-]*\.\S+)\s/.exec(l)?.[1]).filter(Boolean);
  assert.ok(ids.length > 150, `${ids.length} case ids`);
  const dir = fs.mkdtempSync(path.join(tmp, "all-"));
  for (const id of ids) {
    const file = path.join(dir, `${id}.js`);
    const gen = sockconf("repro", id, "--home", root, "-o", file);
    assert.equal(gen.code, 0, `sockconf repro ${id}: ${gen.err}`);
    assert.doesNotThrow(() => new vm.Script(fs.readFileSync(file, "utf8"), { filename: file }), `${id}`);
  }
});

test("a case id that does not exist: a clear error and exit 2", () => {
  const r = sockconf("repro", "ws.lifecycle.no-such-case", "--home", root);
  assert.equal(r.code, 2);
  assert.match(r.err, /no case with id "ws\.lifecycle\.no-such-case" \(similar: ws\.lifecycle\./);
  assert.equal(r.out, "");
});

test("without SERVE filled in, the script stops and says what to start", () => {
  const file = path.join(tmp, "no-serve.js");
  assert.equal(sockconf("repro", "ws.lifecycle.echo-text", "--home", root, "-o", file).code, 0);
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", `
    import fs from "node:fs"; import vm from "node:vm";
    globalThis.wx = (await import(${JSON.stringify("file://" + example)})).wx;
    const r = await vm.runInThisContext(fs.readFileSync(${JSON.stringify(file)}, "utf8"));
    console.log("RESULT " + r.verdict);`], { encoding: "utf8", timeout: 30000 });
  assert.match(r.stdout, /^VERDICT ws\.lifecycle\.echo-text: SKIP - SERVE lacks the ws address\(es\): start `sockconf serve --control --json`/m);
});
