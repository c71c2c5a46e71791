// Firefox beside Chromium: launch.mjs --browser firefox starts Debian's firefox-esr headless
// through WebDriver BiDi (puppeteer-core) on the ws-browser page, and
//   - the page says hello over the control WebSocket, its User-Agent naming Firefox;
//   - the fresh profile trusts exactly the echo servers' CA: wss:// to the `sockconf serve`
//     whose CA was given opens and echoes, wss:// to a second `sockconf serve` (another
//     throwaway CA) fails and never opens (no accept-any-certificate);
//   - the profile is removed when launch.mjs's stdin ends;
//   - `sockconf run --browser firefox --iut-page adapters/browser/ws-browser` passes a handful
//     of cases (ws:// and wss://) and its report.json names the engine.
//
//   SOCKCONF_BIN=build/bin/sockconf node --test adapters/browser/test/firefox.test.mjs
//
// Skipped, saying why, only when firefox-esr cannot be found (scripts/setup.sh installs it).
// Every wait is bounded.

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";

import { findCertutil, findFirefoxBinary } from "../firefox.mjs";
import { root, startServer } from "../serve.mjs";
import { bounded } from "./bounded.mjs";

const launcher = path.join(root, "adapters/browser/launch.mjs");
const builder = path.join(root, "adapters/browser/build.mjs");
const bin = process.env.SOCKCONF_BIN ?? path.join(root, "build/bin/sockconf");
const WAIT_MS = 30000; // Firefox's first start on a loaded 2-core machine takes seconds
const T = { timeout: 90000 };
// The handful of cases the run takes, all PASS for ws-browser in both engines: ws:// and
// wss://, open, echo (text, binary, in order), a close of the client's and of the server's.
const CASES = ["ws.wss.echo-text", "ws.wss.echo-binary", "ws.wss.close-code-reason", "ws.wss.server-close-code-reason",
  "ws.connect.success-errmsg", "ws.events.push-text-is-string", "ws.events.echo-order"];

const firefox = findFirefoxBinary().path;
const skip = !firefox
  ? "firefox-esr not found (install Debian's firefox-esr: scripts/setup.sh, or set SOCKCONF_FIREFOX)"
  : !fs.existsSync(bin)
    ? `${bin} not built (cmake --build build --target sockconf)`
    : false;

/** `sockconf serve --json`: its announcement ({ws, wss, ca_pem}) and the process. */
async function serveEcho() {
  const child = spawn(bin, ["serve", "--json"], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await bounded(
    new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`sockconf serve exited ${code}`)));
    }),
    15000,
    "sockconf serve to announce its URLs",
  );
  return { child, ...JSON.parse(line) };
}

let tmp, server, trusted, other, launch, launchExit;
let stderr = "";
const controls = []; // {ws, req, messages: [], waiters: []}

/** The next message of `c` that `pred` accepts (bounded). */
function waitFor(c, pred, what, ms = WAIT_MS) {
  const hit = c.messages.find(pred);
  if (hit) return Promise.resolve(hit);
  return bounded(
    new Promise((resolve) => c.waiters.push({ pred, resolve })),
    ms,
    `${what}; so far:\n${c.messages.map((m) => JSON.stringify(m)).join("\n")}\nlaunch.mjs stderr:\n${stderr}`,
  );
}

let nextId = 1;
async function cmd(c, command) {
  const id = nextId++;
  c.ws.send(JSON.stringify({ type: "command", id, command }));
  return waitFor(c, (m) => m.type === "reply" && m.id === id, `the reply to command ${id}`);
}

before(async () => {
  if (skip) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-firefox-test-"));
  const b = spawnSync(process.execPath, [builder, "ws-browser"], { cwd: root, encoding: "utf8", timeout: 60000 });
  assert.equal(b.status, 0, `build.mjs ws-browser failed:\n${b.stdout}${b.stderr}`);
  [trusted, other] = await Promise.all([serveEcho(), serveEcho()]);
  assert.notEqual(trusted.ca_pem, other.ca_pem, "each sockconf serve makes its own CA");
  fs.writeFileSync(path.join(tmp, "ca.pem"), trusted.ca_pem);

  server = await startServer({
    onConnection: (ws, req) => {
      const c = { ws, req, messages: [], waiters: [] };
      ws.on("message", (data) => {
        const m = JSON.parse(String(data));
        c.messages.push(m);
        for (const w of [...c.waiters]) if (w.pred(m)) c.waiters.splice(c.waiters.indexOf(w), 1) && w.resolve(m);
      });
      controls.push(c);
    },
  });
  launch = spawn(process.execPath, [launcher, "--browser", "firefox", "--url", server.pageUrl("ws-browser"),
    "--trust-ca", path.join(tmp, "ca.pem")], { cwd: root, stdio: ["pipe", "ignore", "pipe"] });
  launch.stderr.setEncoding("utf8");
  launch.stderr.on("data", (d) => (stderr += d));
  launchExit = new Promise((resolve) => launch.on("exit", (code, signal) => resolve({ code, signal })));
});

after(async () => {
  if (launch && launch.exitCode === null && launch.signalCode === null) {
    launch.kill("SIGTERM");
    const t = setTimeout(() => launch.kill("SIGKILL"), 8000);
    await launchExit;
    clearTimeout(t);
  }
  if (server) await server.close();
  for (const s of [trusted, other]) if (s) s.child.kill("SIGTERM");
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

let page;

test("firefox-esr opens the page, which says hello; its User-Agent is Firefox's", { ...T, skip }, async () => {
  await bounded((async () => { while (!controls.length) await new Promise((r) => setTimeout(r, 50)); })(), WAIT_MS,
    `a control connection from Firefox; launch.mjs stderr:\n${stderr}`);
  page = controls[0];
  const hello = await waitFor(page, (m) => m.type === "hello", "hello");
  assert.equal(hello.name, "sockconf-ws-browser");
  assert.equal(hello.host, "browser");
  assert.match(page.req.headers["user-agent"], /Gecko\/\d+ Firefox\/\d+/);
  assert.match(stderr, /launch: Firefox \d+/);
});

test("the fresh profile holds the echo servers' CA, trusted for TLS servers only", { ...T, skip }, async () => {
  const dir = /user data in (\S+)/.exec(stderr)?.[1];
  assert.ok(dir && fs.existsSync(path.join(dir, "cert9.db")), `a profile with cert9.db:\n${stderr}`);
  const certutil = findCertutil();
  assert.ok(certutil, "certutil (libnss3-tools) is installed with firefox-esr by scripts/setup.sh");
  const list = spawnSync(certutil, ["-L", "-d", `sql:${dir}`], { encoding: "utf8", timeout: 15000 });
  assert.match(list.stdout, /sockconf echo servers CA\s+C,,/);
});

/** Opens `url` in the page's wx and reports what came first: "open" (then it checks an echo) or "err". */
async function tryWss(url) {
  const r = await cmd(page, {
    op: "batch",
    commands: [
      { op: "call", fn: "wx.connectSocket", args: [{ url }], as: "t" },
      { op: "call", this: { $ref: "t" }, fn: "onOpen", args: [{ $fn: "open" }] },
      { op: "call", this: { $ref: "t" }, fn: "onMessage", args: [{ $fn: "msg" }] },
      { op: "call", this: { $ref: "t" }, fn: "onError", args: [{ $fn: "err" }] },
    ],
  });
  assert.equal(r.ok, true, JSON.stringify(r));
  const first = await waitFor(page, (m) => m.type === "event" && (m.fn === "open" || m.fn === "err"), `open or error for ${url}`);
  if (first.fn === "open") {
    await cmd(page, { op: "call", this: { $ref: "t" }, fn: "send", args: [{ data: "over tls" }] });
    await waitFor(page, (m) => m.type === "event" && m.fn === "msg" && m.args[0].data === "over tls", "the echo");
  }
  // Forget the task (closed without events) and what came, for the next try.
  const id = nextId++;
  page.ws.send(JSON.stringify({ type: "reset", id }));
  await waitFor(page, (m) => m.type === "reply" && m.id === id, "the reply to reset");
  page.messages.length = 0;
  return first.fn;
}

test("wss:// to the trusted CA's server opens and echoes; to another CA's server it fails", { ...T, skip }, async () => {
  assert.equal(await tryWss(`${trusted.wss}/echo`), "open");
  // Not acceptInsecureCerts: a certificate the given CA did not sign is refused, as for a user.
  assert.equal(await tryWss(`${other.wss}/echo`), "err");
});

test("launch.mjs closes Firefox and removes the profile when stdin ends", { ...T, skip }, async () => {
  const dir = /user data in (\S+)/.exec(stderr)?.[1];
  launch.stdin.end();
  const { code } = await bounded(launchExit, 20000, "launch.mjs to exit after stdin closed");
  assert.equal(code, 0, stderr);
  assert.equal(fs.existsSync(dir), false, "the temporary profile is removed");
});

test("sockconf run --browser firefox: a handful of cases pass, and the report names the engine", { ...T, timeout: 240000, skip }, async () => {
  const out = path.join(tmp, "report");
  const child = spawn(bin, ["run", "--browser", "firefox", "--iut-page", "adapters/browser/ws-browser", "--pages", "2",
    "--filter", CASES.join(","), "--report-dir", out], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const killer = setTimeout(() => child.kill("SIGKILL"), 200000);
  const code = await new Promise((resolve) => child.on("exit", (c, s) => resolve(c ?? s)));
  clearTimeout(killer);
  const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"));
  assert.deepEqual(report.cases.map((c) => [c.id, c.status]).sort(), CASES.map((id) => [id, "PASS"]).sort(), log);
  assert.equal(code, 0, log);
  assert.equal(report.run.engine.name, "firefox");
  assert.match(report.run.engine.version, /^\d+$/);
  assert.match(report.run.engine.user_agent, /Firefox\//);
  assert.match(log, /against sockconf-ws-browser 0\.1\.0 in firefox \d+/);
});

test("launch.mjs --browser firefox: a missing Firefox is a clear error, exit 3; Chromium's --trust-spki is refused, exit 2", T, async () => {
  const run = (args) => spawnSync(process.execPath, [launcher, "--browser", "firefox", "--url", "http://127.0.0.1:9/x", ...args],
    { cwd: root, encoding: "utf8", timeout: 20000, input: "" });
  const missing = run(["--executable", "/nonexistent/firefox-esr"]);
  assert.equal(missing.status, 3, missing.stderr);
  assert.match(missing.stderr, /cannot find Firefox \(tried: \/nonexistent\/firefox-esr\)\. Install Debian's firefox-esr/);
  const spki = run(["--trust-spki", "AAAA"]);
  assert.equal(spki.status, 2, spki.stderr);
  assert.match(spki.stderr, /--trust-spki is Chromium's: give Firefox the CA itself \(--trust-ca FILE\)/);
});
