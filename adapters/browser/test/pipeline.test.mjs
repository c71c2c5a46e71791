// The browser pipeline end to end, without the C++ side: a small Node server does what
// sockconf's remote driver will do (serve /adapters and /node_modules, accept /control),
// launch.mjs opens headless Chromium pages of the ws-browser platform, and the test speaks the
// adapter protocol to them: hello, commands against a local `ws` echo server, events, reset,
// the in-page load loop ("bench"), bye -> a fresh instance, a dropped connection -> a
// reconnect, and launch.mjs's own exits.
//
//   node --test adapters/browser/test/pipeline.test.mjs
//
// Skipped (with the reason) when Chromium cannot be found: Debian's chromium on PATH, or
// $SOCKCONF_CHROMIUM. Every wait is bounded.

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { WebSocketServer } from "ws";

import { findChromiumBinary } from "../chromium.mjs";
import { root, startServer } from "../serve.mjs";
import { bounded } from "./bounded.mjs";

const launcher = path.join(root, "adapters/browser/launch.mjs");
const builder = path.join(root, "adapters/browser/build.mjs");
const WAIT_MS = 15000;
const T = { timeout: 60000 };

const chromiumPath = findChromiumBinary().path;
const skip = chromiumPath
  ? false
  : "Chromium not found (install Debian's chromium: scripts/setup.sh, or set SOCKCONF_CHROMIUM)";

// ---------------------------------------------------------------- waiting

/** A list that can be waited on: push() wakes the waiters whose predicate now holds. */
class Log {
  constructor(label) {
    this.label = label;
    this.items = [];
    this.waiters = [];
  }
  push(x) {
    this.items.push(x);
    for (const w of [...this.waiters]) w.check();
  }
  wait(pred, what, ms = WAIT_MS) {
    return new Promise((resolve, reject) => {
      const w = {
        check: () => {
          const hit = this.items.find(pred);
          if (hit === undefined) return;
          clearTimeout(w.timer);
          this.waiters.splice(this.waiters.indexOf(w), 1);
          resolve(hit);
        },
      };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(
          new Error(
            `${this.label}: timed out after ${ms} ms waiting for ${what}; so far:\n` +
              this.items.map((x) => JSON.stringify(x)).join("\n") +
              `\nlaunch.mjs stderr:\n${launchStderr}`,
          ),
        );
      }, ms);
      this.waiters.push(w);
      w.check();
    });
  }
}

// ---------------------------------------------------------------- the control side

let nextInstance = 1;
const instances = new Log("control connections"); // {n, ws, messages: Log, closed}

function onControl(ws) {
  const inst = { n: nextInstance++, ws, messages: null, closed: null, nextId: 1 };
  inst.messages = new Log(`instance ${inst.n}`);
  inst.closed = new Promise((resolve) => ws.on("close", (code) => resolve(code)));
  ws.on("message", (data, isBinary) => {
    assert.equal(isBinary, false, "protocol messages are text frames");
    inst.messages.push(JSON.parse(String(data)));
  });
  inst.send = (m) => ws.send(JSON.stringify(m));
  inst.cmd = (command) => {
    const id = inst.nextId++;
    inst.send({ type: "command", id, command });
    return inst.messages.wait((m) => m.type === "reply" && m.id === id, `the reply to command ${id}`);
  };
  inst.reset = () => {
    const id = inst.nextId++;
    inst.send({ type: "reset", id });
    return inst.messages.wait((m) => m.type === "reply" && m.id === id, `the reply to reset ${id}`);
  };
  inst.event = (fn, pred = () => true) =>
    inst.messages.wait((m) => m.type === "event" && m.fn === fn && pred(m), `an event of "${fn}"`);
  instances.push(inst);
}

/** The next instance (after those already seen) that says hello. */
async function nextHello(after = 0) {
  const inst = await instances.wait((i) => i.n > after, `control connection #${after + 1}`);
  await inst.messages.wait((m) => m.type === "hello", "hello");
  return inst;
}

// ---------------------------------------------------------------- fixtures

let server;
let echo;
let echoUrl;
const echoSockets = new Log("echo connections"); // {ws, closed: bool}
let launch;
let launchExit;
let launchStderr = "";

function startLaunch(args) {
  const child = spawn(process.execPath, [launcher, ...args], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => {
    stderr += d;
    if (child === launch) launchStderr += d;
  });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

before(async () => {
  if (skip) return;
  const b = spawnSync(process.execPath, [builder, "ws-browser"], { cwd: root, encoding: "utf8", timeout: 60000 });
  assert.equal(b.status, 0, `build.mjs ws-browser failed:\n${b.stdout}${b.stderr}`);

  echo = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => echo.on("listening", resolve));
  echoUrl = `ws://127.0.0.1:${echo.address().port}/echo`;
  echo.on("connection", (ws) => {
    const entry = { ws, closed: false };
    ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on("close", () => {
      entry.closed = true;
      echoSockets.push({ closedEntry: entry });
    });
    echoSockets.push(entry);
  });

  server = await startServer({ onConnection: onControl });
  const l = startLaunch(["--browser", "chromium", "--url", server.pageUrl("ws-browser"), "--pages", "2"]);
  launch = l.child;
  launchStderr = l.stderr();
  launchExit = l.exited;
});

after(async () => {
  if (launch && launch.exitCode === null && launch.signalCode === null) {
    launch.kill("SIGTERM");
    const t = setTimeout(() => launch.kill("SIGKILL"), 8000);
    await launchExit;
    clearTimeout(t);
  }
  if (server) await server.close();
  if (echo) {
    for (const c of echo.clients) c.terminate();
    await new Promise((resolve) => echo.close(resolve));
  }
});

// ---------------------------------------------------------------- tests

let first;
let second;

test("every page connects and says hello", { ...T, skip }, async () => {
  first = await nextHello(0);
  second = await nextHello(first.n);
  const hello = first.messages.items[0];
  assert.equal(hello.type, "hello", "hello is the first message");
  assert.equal(hello.protocol, 1);
  assert.equal(hello.name, "sockconf-ws-browser");
  assert.equal(hello.version, "0.1.0");
  assert.equal(hello.profile, null);
  assert.deepEqual(hello.capabilities, ["websocket", "legacy-globals", "bench"]);
  assert.equal(hello.host, "browser");
  assert.deepEqual(hello.adaptations, [], "ws-browser is written for the browser: nothing stands in for anything");
  assert.deepEqual(second.messages.items[0], hello);
});

test("commands run on the page and its events come back", { ...T, skip }, async () => {
  const inst = first;
  const r = await inst.cmd({
    op: "batch",
    commands: [
      { op: "call", fn: "wx.connectSocket", args: [{ url: echoUrl, success: { $fn: "ok" } }], as: "t" },
      { op: "call", this: { $ref: "t" }, fn: "onOpen", args: [{ $fn: "open" }] },
      { op: "call", this: { $ref: "t" }, fn: "onMessage", args: [{ $fn: "msg" }] },
      { op: "call", this: { $ref: "t" }, fn: "onClose", args: [{ $fn: "close" }] },
    ],
  });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.value.length, 4);
  assert.deepEqual(r.value[0], { ok: true, value: { $handle: "1", class: "SocketTask" } });
  for (const x of r.value.slice(1)) assert.deepEqual(x, { ok: true, value: { $typeof: "undefined" } });

  const ok = await inst.event("ok");
  assert.equal(ok.sync, false);
  assert.equal(ok.args[0].errMsg, "connectSocket:ok");
  const open = await inst.event("open");
  assert.equal(open.sync, false);

  const state = await inst.cmd({ op: "get", this: { $ref: "t" }, prop: "readyState" });
  assert.deepEqual(state, { type: "reply", id: state.id, ok: true, value: 1 });

  await inst.cmd({ op: "call", this: { $ref: "t" }, fn: "send", args: [{ data: "hello, page" }] });
  const text = await inst.event("msg", (m) => m.args[0].data === "hello, page");
  assert.equal(text.sync, false);

  const bytes = Buffer.from([0, 1, 2, 250, 255]).toString("base64");
  await inst.cmd({ op: "call", this: { $ref: "t" }, fn: "send", args: [{ data: { $arraybuffer: bytes } }] });
  await inst.event("msg", (m) => m.args[0].data && m.args[0].data.$arraybuffer === bytes);

  const missing = await inst.cmd({ op: "call", fn: "wx.createTCPSocket", args: [] });
  assert.deepEqual(missing.thrown, { name: "TypeError", message: "wx.createTCPSocket is not a function" });

  const bad = await inst.cmd({ op: "call", this: { $handle: "99" }, fn: "send", args: [] });
  assert.match(bad.error, /unknown handle/);
});

test("reset closes the connections without events, and the instance goes on", { ...T, skip }, async () => {
  const inst = first;
  const open = echoSockets.items.filter((e) => e.ws && !e.closed);
  assert.equal(open.length, 1, "one echo connection is open before the reset");
  const r = await inst.reset();
  assert.equal(r.ok, true);
  assert.equal(r.value, null);
  await echoSockets.wait((e) => e.closedEntry === open[0], "the echo connection to close");
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(inst.messages.items.filter((m) => m.type === "event" && m.fn === "close").length, 0, "no close event after reset");

  const again = await inst.cmd({ op: "call", fn: "wx.connectSocket", args: [{ url: echoUrl }], as: "t" });
  assert.equal(again.ok, true);
  assert.equal(again.value.class, "SocketTask");
  assert.notEqual(again.value.$handle, "1", "handle ids are not reused after a reset");
  await inst.reset();
});

test("bench: the loop runs in the page, through the platform and the browser's own WebSocket; no host TCP, no cpu", { ...T, skip }, async () => {
  // An echo server of its own, so that the other tests' count of echo connections stays theirs.
  const benchEcho = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => benchEcho.on("listening", resolve));
  benchEcho.on("connection", (ws) => ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary })));
  try {
    const inst = first;
    const events = () => inst.messages.items.filter((m) => m.type === "event").length;
    const eventsBefore = events();
    const load = { connections: 2, in_flight: 4, size: 64, warmup_ms: 50, window_ms: 250, connect_timeout_ms: 5000 };
    const url = `ws://127.0.0.1:${benchEcho.address().port}/echo`;
    for (const api of ["host", "platform"]) {
      const r = await inst.cmd({ op: "bench", api, transport: "ws", url, payload: "binary", ...load });
      assert.equal(r.ok, true, JSON.stringify(r));
      const v = r.value;
      assert.equal(v.api, api);
      assert.equal(v.connections_opened, 2, JSON.stringify(v));
      assert.ok(v.messages > 0, JSON.stringify(v));
      assert.equal(v.bytes, v.messages * 64);
      assert.equal(v.errors, 0, v.first_error);
      assert.equal(v.histogram.buckets.reduce((n, [, c]) => n + c, 0), v.messages);
      assert.equal(v.cpu, null, "a page cannot read its CPU time");
    }
    const tcp = { transport: "tcp", address: "127.0.0.1", port: 9, ...load };
    const hostTcp = await inst.cmd({ op: "bench", api: "host", ...tcp });
    assert.deepEqual(hostTcp.value, { api: "host", transport: "tcp", unavailable: "no host TCP (a browser has no raw TCP socket)" });
    const platformTcp = await inst.cmd({ op: "bench", api: "platform", ...tcp });
    assert.deepEqual(platformTcp.value, { api: "platform", transport: "tcp", unavailable: "wx.createTCPSocket is not a function" });
    assert.equal(events(), eventsBefore, "the loop sends no events");
  } finally {
    for (const c of benchEcho.clients) c.terminate();
    await new Promise((resolve) => benchEcho.close(resolve));
  }
});

test("bye: the page closes the connection, reloads and says hello again", { ...T, skip }, async () => {
  const before = nextInstance - 1;
  first.send({ type: "bye" });
  await bounded(first.closed, WAIT_MS, "the control connection to close after bye");
  const fresh = await nextHello(before);
  const r = await fresh.cmd({ op: "call", fn: "wx.connectSocket", args: [{ url: echoUrl }], as: "t" });
  assert.deepEqual(r.value, { $handle: "1", class: "SocketTask" }, "a fresh instance: handles start again");
  await fresh.reset();
});

test("a dropped control connection: the page reconnects as a new instance", { ...T, skip }, async () => {
  const before = nextInstance - 1;
  const r = await second.cmd({
    op: "batch",
    commands: [
      { op: "call", fn: "wx.connectSocket", args: [{ url: echoUrl }], as: "t" },
      { op: "call", this: { $ref: "t" }, fn: "onOpen", args: [{ $fn: "open" }] },
      { op: "call", this: { $ref: "t" }, fn: "onClose", args: [{ $fn: "close" }] },
    ],
  });
  assert.equal(r.ok, true);
  await second.event("open");
  const echoBefore = echoSockets.items.filter((e) => e.ws).length;
  second.ws.terminate();
  const fresh = await nextHello(before);
  assert.equal(fresh.messages.items[0].type, "hello");
  // The old instance's connections were closed on the drop.
  const mine = echoSockets.items.filter((e) => e.ws)[echoBefore - 1];
  await echoSockets.wait((e) => e.closedEntry === mine, "the dropped instance's echo connection to close");
});

test("launch.mjs closes the browser and removes its profile when stdin ends", { ...T, skip }, async () => {
  const m = /user data in (\S+)/.exec(launchStderr);
  assert.ok(m, `launch.mjs names its user data dir:\n${launchStderr}`);
  assert.ok(fs.existsSync(m[1]));
  launch.stdin.end();
  const { code } = await bounded(launchExit, 15000, "launch.mjs to exit after stdin closed");
  assert.equal(code, 0, launchStderr);
  assert.equal(fs.existsSync(m[1]), false, "the temporary user data dir is removed");
  assert.match(launchStderr, /stdin closed/);
});

test("launch.mjs: a missing Chromium is a clear error, exit 3", T, async () => {
  const l = startLaunch(["--browser", "chromium", "--url", "http://127.0.0.1:9/x", "--executable", "/nonexistent/chromium"]);
  const { code } = await bounded(l.exited, 15000, "launch.mjs to exit");
  assert.equal(code, 3);
  assert.match(l.stderr(), /cannot find Chromium \(tried: \/nonexistent\/chromium\)/);
});

test("launch.mjs: a browser that does not start is a clear error, exit 3", T, async () => {
  const l = startLaunch(["--browser", "chromium", "--url", "http://127.0.0.1:9/x", "--executable", "/bin/false", "--ignore-stdin"]);
  const { code } = await bounded(l.exited, 40000, "launch.mjs to exit");
  assert.equal(code, 3, l.stderr());
  assert.match(l.stderr(), /cannot launch Chromium \(\/bin\/false\).*the browser exited: exitCode=1/);
});

test("launch.mjs: bad arguments, exit 2", T, async () => {
  for (const args of [
    ["--browser", "webkit", "--url", "http://127.0.0.1:9/x"],
    ["--browser", "chromium"],
    ["--browser", "chromium", "--url", "http://127.0.0.1:9/x", "--pages", "0"],
  ]) {
    const l = startLaunch(args);
    const { code } = await bounded(l.exited, 15000, "launch.mjs to exit");
    assert.equal(code, 2, `${args.join(" ")}:\n${l.stderr()}`);
    assert.match(l.stderr(), /usage:/);
  }
});

test("launch.mjs: a page whose bundle is missing says so on stderr, naming the 404 and its URL", { ...T, skip }, async () => {
  const l = startLaunch(["--browser", "chromium", "--url", server.pageUrl("no-such-platform"), "--ignore-stdin"]);
  try {
    const bundle = `http://127.0.0.1:${server.port}/adapters/browser/no-such-platform/dist/bundle.mjs`;
    const want = `page 1: console.error: Failed to load resource: the server responded with a status of 404 (Not Found) (${bundle})\n`;
    const page = /page 1: console\.error: sockconf page: cannot load the bundle of platform "no-such-platform"/;
    // Two console messages, each reported when it comes: wait for both (bounded).
    const deadline = Date.now() + WAIT_MS;
    while (!(l.stderr().includes(want) && page.test(l.stderr())) && Date.now() < deadline && l.child.exitCode === null)
      await new Promise((r) => setTimeout(r, 100));
    assert.ok(l.stderr().includes(want), `launch.mjs's stderr has ${JSON.stringify(want)}:\n${l.stderr()}`);
    assert.match(l.stderr(), page);
  } finally {
    l.child.kill("SIGTERM");
    await bounded(l.exited, 15000, "launch.mjs to exit on SIGTERM");
  }
});
