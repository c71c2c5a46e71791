// sockconf-node.mjs end to end: spawned as the harness would, against examples/wx-on-ws.mjs,
// a local WebSocket echo server (npm "ws") and a node:net echo server.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import { WebSocketServer } from "ws";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const runner = path.join(root, "adapters/node/sockconf-node.mjs");
const example = "adapters/node/examples/wx-on-ws.mjs"; // relative to root: the runner resolves it from the cwd
const fixture = (f) => path.join(here, "..", "fixtures", f);

const T = { timeout: 15000 };

// Every runner started, so that a test failing before bye leaves none behind (a live child
// would keep `node --test` from ending).
const children = new Set();

/** The runner as a child process, spoken to as the harness would. */
function start(args, { cwd = root } = {}) {
  const child = spawn(process.execPath, [runner, ...args], { cwd, stdio: ["pipe", "pipe", "pipe"] });
  children.add(child);
  child.on("exit", () => children.delete(child));
  const lines = [];
  const waiters = [];
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => (stderr += d));
  readline.createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    for (const w of [...waiters]) w();
  });
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  const messages = () => lines.map((l) => JSON.parse(l));
  const waitFor = (pred, ms = 5000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const m = messages().find(pred);
        if (m) {
          waiters.splice(waiters.indexOf(check), 1);
          clearTimeout(timer);
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(check), 1);
        reject(new Error(`timed out; stdout so far:\n${lines.join("\n")}\nstderr:\n${stderr}`));
      }, ms);
      waiters.push(check);
      check();
    });
  let id = 0;
  const send = (m) => child.stdin.write(JSON.stringify(m) + "\n");
  const cmd = (command) => {
    const myId = ++id;
    send({ type: "command", id: myId, command });
    return waitFor((m) => m.type === "reply" && m.id === myId);
  };
  const reset = () => {
    const myId = ++id;
    send({ type: "reset", id: myId });
    return waitFor((m) => m.type === "reply" && m.id === myId);
  };
  const event = (fn, n = 1) =>
    waitFor(() => messages().filter((m) => m.type === "event" && m.fn === fn).length >= n).then(() =>
      messages().filter((m) => m.type === "event" && m.fn === fn),
    );
  const bye = async () => {
    send({ type: "bye" });
    const code = await exited;
    return code;
  };
  return { child, lines, messages, waitFor, cmd, reset, event, bye, exited, stderr: () => stderr };
}

let wss;
let wsUrl;
let tcp;
let tcpPort;

before(async () => {
  wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((r) => wss.on("listening", r));
  wss.on("connection", (c) => c.on("message", (data, isBinary) => c.send(data, { binary: isBinary })));
  wsUrl = `ws://127.0.0.1:${wss.address().port}`;
  tcp = net.createServer((s) => s.pipe(s));
  await new Promise((r) => tcp.listen(0, "127.0.0.1", r));
  tcpPort = tcp.address().port;
});

after(async () => {
  for (const child of children) child.kill("SIGKILL");
  for (const c of wss.clients) c.terminate();
  await new Promise((r) => wss.close(r));
  await new Promise((r) => tcp.close(r));
});

const call = (fn, args = [], extra = {}) => ({ op: "call", fn, args, ...extra });
const on = (ref, method, name) => ({ op: "call", this: { $ref: ref }, fn: method, args: [{ $fn: name }] });

test("hello first, then a SocketTask echoes text and bytes, closes once; bye exits 0", T, async () => {
  const iut = start(["--module", example]);
  const hello = await iut.waitFor(() => true);
  assert.deepEqual({ ...hello, adaptations: undefined }, {
    type: "hello", protocol: 1, name: "wx-on-ws.mjs", version: "0.1.0", profile: null,
    capabilities: ["websocket", "legacy-globals", "tcp", "bench"], host: "node", adaptations: undefined,
  });
  // Node 20 has no WebSocket global: the runner provides one, and says so.
  assert.equal(hello.adaptations.length, 1);
  assert.match(hello.adaptations[0].what, /^globalThis\.WebSocket is the npm package "ws"/);
  assert.match(hello.adaptations[0].why, /no WebSocket global/);
  const r = await iut.cmd({ op: "batch", commands: [
    call("wx.connectSocket", [{ url: `${wsUrl}/echo`, success: { $fn: "task.success" }, complete: { $fn: "task.complete" } }], { as: "task" }),
    on("task", "onOpen", "open"),
    on("task", "onMessage", "msg"),
    on("task", "onClose", "closed"),
    { op: "get", this: { $ref: "task" }, prop: "readyState" },
  ] });
  assert.deepEqual(r.value[0], { ok: true, value: { $handle: "1", class: "SocketTask" } });
  assert.deepEqual(r.value[4], { ok: true, value: 0 });
  await iut.event("open");
  await iut.cmd({ op: "call", this: { $ref: "task" }, fn: "send", args: [{ data: "hello" }] });
  await iut.cmd({ op: "call", this: { $ref: "task" }, fn: "send", args: [{ data: { $arraybuffer: "AAEC//4=" } }] });
  const msgs = await iut.event("msg", 2);
  assert.deepEqual(msgs.map((m) => m.args), [[{ data: "hello" }], [{ data: { $arraybuffer: "AAEC//4=" } }]]);
  await iut.cmd({ op: "call", this: { $ref: "task" }, fn: "close", args: [{}] });
  const [closed] = await iut.event("closed");
  assert.deepEqual(closed.args, [{ code: 1000, reason: "" }]);
  const evs = iut.messages().filter((m) => m.type === "event");
  assert.ok(evs.every((e) => e.sync === false), "wx-on-ws runs no callback inside a call");
  assert.deepEqual(evs.map((e) => e.fn).slice(0, 3), ["task.success", "task.complete", "open"]);
  assert.equal(await iut.bye(), 0);
});

test("legacy globals act on the latest task", T, async () => {
  const iut = start(["--module", example]);
  await iut.waitFor((m) => m.type === "hello");
  await iut.cmd({ op: "batch", commands: [
    call("wx.connectSocket", [{ url: `${wsUrl}/legacy` }]),
    call("wx.onSocketOpen", [{ $fn: "gopen" }]),
    call("wx.onSocketMessage", [{ $fn: "gmsg" }]),
  ] });
  await iut.event("gopen");
  await iut.cmd(call("wx.sendSocketMessage", [{ data: "legacy", success: { $fn: "s.success" } }]));
  const [m] = await iut.event("gmsg");
  assert.deepEqual(m.args, [{ data: "legacy" }]);
  await iut.event("s.success");
  assert.equal(await iut.bye(), 0);
});

test("a TCPSocket connects, echoes an ArrayBuffer with remoteInfo/localInfo, closes", T, async () => {
  const iut = start(["--module", example]);
  await iut.waitFor((m) => m.type === "hello");
  const r = await iut.cmd({ op: "batch", commands: [
    call("wx.createTCPSocket", [], { as: "sock" }),
    on("sock", "onConnect", "conn"),
    on("sock", "onMessage", "tmsg"),
    on("sock", "onClose", "tclosed"),
    { op: "call", this: { $ref: "sock" }, fn: "connect", args: [{ address: "127.0.0.1", port: tcpPort }] },
  ] });
  assert.deepEqual(r.value[0], { ok: true, value: { $handle: "1", class: "TCPSocket" } });
  await iut.event("conn");
  await iut.cmd({ op: "call", this: { $ref: "sock" }, fn: "write", args: ["hello tcp"] });
  const [m] = await iut.event("tmsg");
  assert.deepEqual(m.args[0].message, { $arraybuffer: "aGVsbG8gdGNw" });
  assert.equal(m.args[0].remoteInfo.port, tcpPort);
  assert.equal(m.args[0].remoteInfo.family, "IPv4");
  await iut.cmd({ op: "call", this: { $ref: "sock" }, fn: "close", args: [] });
  await iut.event("tclosed");
  assert.equal(await iut.bye(), 0);
});

test("reset closes the connection without events; the IUT is fresh afterwards", T, async () => {
  const iut = start(["--module", example]);
  await iut.waitFor((m) => m.type === "hello");
  await iut.cmd({ op: "batch", commands: [
    call("wx.connectSocket", [{ url: `${wsUrl}/reset` }], { as: "task" }),
    on("task", "onOpen", "open"),
    on("task", "onClose", "closed"),
  ] });
  await iut.event("open");
  const before = wss.clients.size;
  assert.ok(before >= 1);
  assert.deepEqual(await iut.reset(), { type: "reply", id: 2, ok: true, value: null });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(iut.messages().filter((m) => m.fn === "closed").length, 0);
  assert.ok(wss.clients.size < before, "the reset closed the connection");
  const g = await iut.cmd({ op: "get", this: { $ref: "task" }, prop: "readyState" });
  assert.match(g.error, /no object named "task"/);
  assert.equal(await iut.bye(), 0);
});

test("the end of stdin ends the runner with status 0", T, async () => {
  const iut = start(["--module", example]);
  await iut.waitFor((m) => m.type === "hello");
  iut.child.stdin.end();
  assert.equal(await iut.exited, 0);
});

test("stdout carries protocol only: the module's console.log and stdout writes go to stderr (CommonJS, module.exports.wx)", T, async () => {
  const iut = start(["--module", path.relative(root, fixture("noisy.cjs"))]);
  const hello = await iut.waitFor(() => true);
  assert.equal(hello.type, "hello");
  assert.deepEqual(hello.capabilities, ["websocket", "bench"]);
  const r = await iut.cmd(call("wx.connectSocket", [{ url: "ws://x" }]));
  assert.equal(r.ok, true);
  assert.equal(await iut.bye(), 0);
  for (const line of iut.lines) JSON.parse(line);
  assert.match(iut.stderr(), /noisy: loading/);
  assert.match(iut.stderr(), /noisy: raw stdout write/);
  assert.match(iut.stderr(), /noisy: connectSocket ws:\/\/x/);
});

test("a default export holding a Promise-returning connectSocket: promise: true; an unhandled rejection in the IUT is logged, not fatal", T, async () => {
  const iut = start(["--module", fixture("promise-wx.mjs"), "--name", "taro-like", "--profile", "taro"]);
  const hello = await iut.waitFor(() => true);
  assert.equal(hello.name, "taro-like");
  assert.equal(hello.profile, "taro");
  const r = await iut.cmd(call("wx.connectSocket", [{ url: "ws://x" }], { as: "task" }));
  assert.deepEqual(r, { type: "reply", id: 1, ok: true, value: { $handle: "1", class: "SocketTask" }, promise: true });
  const f = await iut.cmd(call("wx.connectSocket", [{}]));
  assert.deepEqual(f.thrown, { name: "Error", message: "url required" });
  await iut.cmd(call("wx.later"));
  const log = await iut.waitFor((m) => m.type === "log");
  assert.match(log.text, /unhandled rejection in the IUT: Error: fixture: nobody awaits me/);
  assert.equal(await iut.bye(), 0);
});

test("a module written for a browser gets a global WebSocket from \"ws\"; its binary messages arrive as Buffers, and say so", T, async () => {
  const iut = start(["--module", fixture("global-websocket.mjs")]);
  const hello = await iut.waitFor((m) => m.type === "hello");
  assert.equal(hello.host, "node");
  assert.deepEqual(hello.adaptations.map((a) => a.what.slice(0, 30)), [
    'globalThis.WebSocket is the np', // the runner's, first
    "fixture: timers are Node's", // then the module's own export
  ]);
  await iut.cmd({ op: "batch", commands: [
    call("wx.connectSocket", [{ url: `${wsUrl}/global` }], { as: "task" }),
    on("task", "onOpen", "open"),
    on("task", "onMessage", "msg"),
  ] });
  await iut.event("open");
  await iut.cmd({ op: "call", this: { $ref: "task" }, fn: "send", args: [{ data: "dom" }] });
  const [m] = await iut.event("msg");
  assert.equal(m.args[0].$class, "MessageEvent");
  assert.equal(m.args[0].data, "dom");
  assert.equal(m.args[0].type, "message");
  await iut.cmd({ op: "call", this: { $ref: "task" }, fn: "send", args: [{ data: { $arraybuffer: "AAEC//4=" } }] });
  const [, b] = await iut.event("msg", 2);
  assert.deepEqual(b.args[0].data, { $typedarray: "Buffer", base64: "AAEC//4=" });
  assert.equal(await iut.bye(), 0);
});

test("with --no-websocket-global nothing is provided, nor listed; a malformed adaptations export: exit 3", T, async () => {
  const iut = start(["--module", example, "--no-websocket-global"]);
  const hello = await iut.waitFor(() => true);
  assert.equal(hello.host, "node");
  assert.deepEqual(hello.adaptations, []);
  assert.equal(await iut.bye(), 0);
  const bad = start(["--module", fixture("bad-adaptations.mjs")]);
  assert.equal(await bad.exited, 3);
  assert.equal(bad.lines.length, 0);
  assert.match(bad.stderr(), /bad-adaptations\.mjs: its export adaptations\[0\] must be \{what: string, why: string\}/);
});

test("bad arguments: usage on stderr, exit 2; --help: exit 0", T, async () => {
  for (const args of [[], ["--module"], ["--frobnicate"], ["--module", "x.mjs", "--capabilities", "telepathy"], ["--module", "x.mjs", "--promise-timeout-ms", "-1"]]) {
    const iut = start(args);
    assert.equal(await iut.exited, 2, `args ${JSON.stringify(args)}`);
    assert.equal(iut.lines.length, 0);
    assert.match(iut.stderr(), /usage: node adapters\/node\/sockconf-node\.mjs --module FILE/);
  }
  const help = start(["--help"]);
  assert.equal(await help.exited, 0);
  assert.match(help.lines.join("\n"), /--export NAME/);
});

test("a module that fails to load: nothing on stdout, the error on stderr, exit 3", T, async () => {
  const iut = start(["--module", fixture("throws.mjs")]);
  assert.equal(await iut.exited, 3);
  assert.equal(iut.lines.length, 0);
  assert.match(iut.stderr(), /cannot load .*throws\.mjs[\s\S]*fixture: this module fails to load/);
  const missing = start(["--module", "no/such/module.mjs"]);
  assert.equal(await missing.exited, 3);
  assert.equal(missing.lines.length, 0);
  assert.match(missing.stderr(), /cannot load .*no\/such\/module\.mjs/);
});

test("a missing export names the exports that exist, exit 3", T, async () => {
  const iut = start(["--module", fixture("no-wx.mjs")]);
  assert.equal(await iut.exited, 3);
  assert.equal(iut.lines.length, 0);
  assert.match(iut.stderr(), /has no export "wx" and no default export holding an object/);
  assert.match(iut.stderr(), /its exports: answer, helpers/);
  const named = start(["--module", example, "--export", "wechat"]);
  assert.equal(await named.exited, 3);
  assert.match(named.stderr(), /has no export "wechat" holding an object; its exports: wx, default/);
});

test("relative --module paths resolve against the working directory", T, async () => {
  const iut = start(["--module", "./examples/wx-on-ws.mjs"], { cwd: path.join(root, "adapters/node") });
  const hello = await iut.waitFor(() => true);
  assert.equal(hello.type, "hello");
  assert.equal(await iut.bye(), 0);
});
