// `sockconf init` end to end (cli/src/init_command.cpp): it writes a new platform's folder,
// then the command it printed runs the whole suites against the stub, and no case may PASS:
// every one is UNIMPLEMENTED, FAIL or (ruled out by the profile, slow, no LAN peer) SKIP.
// For node through the Node runner; for browser through --iut-page in headless Chromium
// (skipped, saying why, without it). With the runner told to claim capabilities the stub
// lacks, the cases that reach it end ERROR "not implemented: wx.…", still never PASS. It
// refuses an existing folder and a bad name.
//
//   SOCKCONF_BIN=build/bin/sockconf node --test cli/test/init.test.mjs
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
const chromium = fs.existsSync(process.env.SOCKCONF_CHROMIUM || "/usr/bin/chromium");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-init-"));
after(() => { if (!process.env.SOCKCONF_KEEP) fs.rmSync(tmp, { recursive: true, force: true }); });

function init(...args) {
  const r = spawnSync(bin, ["init", ...args, "--home", root], { cwd: tmp, encoding: "utf8", timeout: 30000 });
  assert.equal(r.error, undefined, String(r.error));
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The command `init` printed (the indented line after "Run the suites"), run by a shell in `cwd`. */
function runPrinted(out, cwd, extra = "") {
  const command = /^Run the suites[^\n]*\n\n {2}(.+)$/m.exec(out)?.[1];
  assert.ok(command, `no command in:\n${out}`);
  assert.ok(command.startsWith(`${bin} run `) || command.startsWith("sockconf run "), command);
  fs.mkdirSync(cwd, { recursive: true });
  const r = spawnSync("sh", ["-c", command + extra], { cwd, encoding: "utf8", timeout: 240000 });
  assert.equal(r.error, undefined, `${command}: ${r.error}`);
  return { command, code: r.status, out: r.stdout, err: r.stderr };
}

function assertNothingPasses(r, cwd) {
  const file = path.join(cwd, "sockconf-report", "report.json");
  assert.ok(fs.existsSync(file), `no report:\n${r.out}\n${r.err}`);
  const report = JSON.parse(fs.readFileSync(file, "utf8"));
  const counts = {};
  for (const c of report.cases) counts[c.status] = (counts[c.status] ?? 0) + 1;
  const listed = spawnSync(bin, ["list", "--home", root], { encoding: "utf8", timeout: 30000 }).stdout;
  assert.equal(report.cases.length, Number(/(\d+) case\(s\)\s*$/.exec(listed)[1]), "every case ran");
  assert.deepEqual(Object.keys(counts).filter((s) => !["UNIMPLEMENTED", "FAIL", "SKIP"].includes(s)), [], JSON.stringify(counts));
  assert.ok(counts.UNIMPLEMENTED > 0, JSON.stringify(counts));
  for (const c of report.cases.filter((c) => c.status === "SKIP"))
    assert.match(c.message, /^not for profile |^slow case|^needs a TCP echo peer/, `${c.id}: ${c.message}`);
  assert.equal(r.code, 1, "without expectations an UNIMPLEMENTED case is unexpected");
  return counts;
}

test("init node: the printed command runs the suites on the stub, and nothing passes", { timeout: 300000 }, () => {
  const dir = path.join(tmp, "my-node");
  const r = init("node", "my-node", "--dir", dir);
  assert.equal(r.code, 0, r.out + r.err);
  assert.deepEqual(fs.readdirSync(dir).sort(), ["README.md", "profile.json", "wx.mjs"]);
  const profile = JSON.parse(fs.readFileSync(path.join(dir, "profile.json"), "utf8"));
  assert.equal(profile.id, "my-node");
  assert.ok(fs.readFileSync(path.join(dir, "README.md"), "utf8").includes(/ {2}(.+ run .+)$/m.exec(r.out)[1]), "README has the command");
  const ran = runPrinted(r.out, path.join(tmp, "node-run"));
  const counts = assertNothingPasses(ran, path.join(tmp, "node-run"));
  process.stdout.write(`# init node: ${JSON.stringify(counts)}\n`);
  assert.match(ran.out, /my-node/);
});

test("the stub's entries throw 'not implemented' when reached anyway (capabilities forced): never PASS", { timeout: 300000 }, () => {
  const dir = path.join(tmp, "forced");
  const r = init("node", "forced", "--dir", dir);
  assert.equal(r.code, 0, r.out + r.err);
  // --capabilities makes the runner claim what the stub lacks: its cases then call the stub.
  const ran = runPrinted(r.out.replace(/--name forced/, "--name forced --capabilities websocket,tcp"),
                         path.join(tmp, "forced-run"), " --filter 'ws.lifecycle.*,tcp.basic.*'");
  const report = JSON.parse(fs.readFileSync(path.join(tmp, "forced-run", "sockconf-report", "report.json"), "utf8"));
  assert.ok(report.cases.length > 0);
  // The adapter cannot look a stub entry up (reading it throws): ERROR, naming it.
  for (const c of report.cases) assert.ok(["ERROR", "FAIL", "SKIP"].includes(c.status), `${c.id}: ${c.status} ${c.message}`);
  assert.ok(report.cases.some((c) => c.status === "ERROR" && /not implemented: wx\.connectSocket/.test(c.message)), ran.out);
  assert.ok(report.cases.some((c) => c.status === "ERROR" && /not implemented: wx\.createTCPSocket/.test(c.message)), ran.out);
});

test("init browser: the folder works with --iut-page in Chromium, and nothing passes",
  { timeout: 300000, skip: !chromium && "Chromium not found (scripts/setup.sh installs Debian's chromium, or set SOCKCONF_CHROMIUM)" }, () => {
  const dir = path.join(tmp, "my-page");
  const r = init("browser", "my-page", "--dir", dir);
  assert.equal(r.code, 0, r.out + r.err);
  assert.deepEqual(fs.readdirSync(dir).sort(), ["README.md", "dist", "entry.mjs", "profile.json"]);
  assert.match(r.out, /--iut-page \S*my-page --browser chromium/);
  // Two pages are plenty for cases that never reach the IUT (and spare the shared CPUs).
  const ran = runPrinted(r.out, path.join(tmp, "page-run"), " --pages 2");
  const counts = assertNothingPasses(ran, path.join(tmp, "page-run"));
  process.stdout.write(`# init browser: ${JSON.stringify(counts)}\n`);
  const hello = JSON.parse(fs.readFileSync(path.join(tmp, "page-run", "sockconf-report", "report.json"), "utf8")).run.iut;
  assert.equal(hello.name, "my-page");
  assert.equal(hello.host, "browser");
  assert.deepEqual(hello.capabilities, ["bench"], "no capability of the suites");
});

test("init refuses an existing folder (E-INIT-EXISTS) and a bad name (E-INIT-NAME), writing nothing", () => {
  const dir = path.join(tmp, "taken");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "keep.txt"), "mine");
  const taken = init("node", "taken", "--dir", dir);
  assert.equal(taken.code, 2);
  assert.match(taken.err, /taken: already exists: .* \[E-INIT-EXISTS\]/);
  assert.deepEqual(fs.readdirSync(dir), ["keep.txt"]);
  for (const bad of ["My Platform", "_x", "a/b", "x".repeat(64), ""]) {
    const r = init("browser", bad, "--dir", path.join(tmp, "bad"));
    assert.equal(r.code, 2, bad);
    assert.match(r.err, /is not a platform name: .* \[E-INIT-NAME\]/, bad);
    assert.equal(fs.existsSync(path.join(tmp, "bad")), false);
  }
  assert.equal(init("deno", "x").code, 2, "node or browser only");
});
