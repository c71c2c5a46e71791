// Every platform bundle loads in headless Chromium and is reachable through the protocol:
// hello (name, version of the pinned package, capabilities), then connectSocket to a local
// `ws` echo server, onOpen, send, onMessage. This checks the pipeline around each platform,
// not its conformance (that is sockconf's job): whatever the platform's objects look like,
// a text message must come back somewhere in the onMessage listener's argument.
//
//   node --test adapters/browser/test/platforms.test.mjs
//
// Skipped (with the reason) when Chromium cannot be found. Every wait is bounded.

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { WebSocketServer } from "ws";

import { helloIdentity, loadPlatforms } from "../../platforms.mjs";
import { findChromiumBinary } from "../chromium.mjs";
import { root, startServer } from "../serve.mjs";

const WAIT_MS = 15000;

// The page platforms, from each folder's platform.json (adapters/README.md, "platform.json"):
// `hello.adaptations` is the start of each `what` the bundle lists in hello (what it substitutes
// because a browser stands in for the platform's host); `binary`, the wire form a binary echo
// comes back in (the field of onMessage's argument that holds it), where it is checked.
const PLATFORMS = Object.fromEntries(
  loadPlatforms()
    .filter((p) => p.run.page)
    .map((p) => [path.basename(p.run.page), p]),
);
const skip = findChromiumBinary().path
  ? false
  : "Chromium not found (install Debian's chromium: scripts/setup.sh, or set SOCKCONF_CHROMIUM)";

let server;
let echo;
let echoUrl;
let onControl = null;

before(async () => {
  if (skip) return;
  const b = spawnSync(process.execPath, [path.join(root, "adapters/browser/build.mjs"), ...Object.keys(PLATFORMS)], {
    cwd: root,
    encoding: "utf8",
    timeout: 120000,
  });
  assert.equal(b.status, 0, `build.mjs failed:\n${b.stdout}${b.stderr}`);
  echo = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => echo.on("listening", resolve));
  echoUrl = `ws://127.0.0.1:${echo.address().port}/echo`;
  echo.on("connection", (ws) => ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary })));
  server = await startServer({ onConnection: (ws) => onControl && onControl(ws) });
});

after(async () => {
  if (server) await server.close();
  if (echo) {
    for (const c of echo.clients) c.terminate();
    await new Promise((resolve) => echo.close(resolve));
  }
});

/** Opens one page of the platform, runs fn(instance), then stops launch.mjs. */
async function withPage(platform, fn) {
  const messages = [];
  const waiters = new Set();
  let ws;
  const connected = new Promise((resolve) => {
    onControl = (socket) => {
      ws = socket;
      socket.on("message", (d) => {
        messages.push(JSON.parse(String(d)));
        for (const w of waiters) w();
      });
      resolve();
    };
  });
  const child = spawn(
    process.execPath,
    [path.join(root, "adapters/browser/launch.mjs"), "--browser", "chromium", "--url", server.pageUrl(platform)],
    { cwd: root, stdio: ["pipe", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  const wait = (pred, what) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const m = messages.find(pred);
        if (!m) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(m);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${platform}: timed out waiting for ${what}; messages:\n${messages.map((m) => JSON.stringify(m)).join("\n")}\nlaunch.mjs:\n${stderr}`));
      }, WAIT_MS);
      waiters.add(check);
      check();
    });
  let id = 0;
  const cmd = (command) => {
    const my = ++id;
    ws.send(JSON.stringify({ type: "command", id: my, command }));
    return wait((m) => m.type === "reply" && m.id === my, `the reply to ${JSON.stringify(command).slice(0, 80)}`);
  };
  try {
    await Promise.race([
      connected,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`${platform}: no control connection; launch.mjs:\n${stderr}`)), WAIT_MS)),
    ]);
    await fn({ wait, cmd, messages });
  } finally {
    onControl = null;
    child.stdin.end();
    const t = setTimeout(() => child.kill("SIGKILL"), 10000);
    await exited;
    clearTimeout(t);
  }
}

const hasText = (v, text, d = 0) =>
  d < 4 && v !== null && typeof v === "object" ? Object.values(v).some((x) => hasText(x, text, d + 1)) : v === text;

for (const [platform, expect] of Object.entries(PLATFORMS)) {
  test(`${platform}: hello, connectSocket, onOpen, send, onMessage`, { timeout: 60000, skip }, async () => {
    await withPage(platform, async ({ wait, cmd }) => {
      const hello = await wait((m) => m.type === "hello", "hello");
      const { name, version } = helloIdentity(expect);
      const adaptations = expect.hello.adaptations ?? [];
      assert.equal(hello.protocol, 1);
      assert.equal(hello.name, name);
      assert.equal(hello.version, version);
      assert.deepEqual(hello.capabilities, expect.hello.capabilities);
      assert.equal(hello.host, expect.hello.host);
      assert.deepEqual(hello.adaptations.map((a, i) => a.what.slice(0, (adaptations[i] ?? "").length)), adaptations);
      for (const a of hello.adaptations) assert.ok(a.why.length > 0, JSON.stringify(a));

      // With a success callback every platform returns the task (uni returns a Promise of
      // {errMsg} without one); Taro returns a Promise of the task, which the shim awaits.
      const r = await cmd({
        op: "batch",
        commands: [
          { op: "call", fn: "wx.connectSocket", args: [{ url: echoUrl, success: { $fn: "ok" } }], as: "t" },
          { op: "call", this: { $ref: "t" }, fn: "onOpen", args: [{ $fn: "open" }] },
          { op: "call", this: { $ref: "t" }, fn: "onMessage", args: [{ $fn: "msg" }] },
        ],
      });
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.equal(r.value[0].ok, true, JSON.stringify(r.value[0]));
      assert.equal(r.value[0].value.class, "SocketTask", JSON.stringify(r.value[0]));
      await wait((m) => m.type === "event" && m.fn === "ok", "the success callback");
      await wait((m) => m.type === "event" && m.fn === "open", "onOpen");
      const s = await cmd({ op: "call", this: { $ref: "t" }, fn: "send", args: [{ data: `hello ${platform}` }] });
      assert.equal(s.ok, true, JSON.stringify(s));
      await wait((m) => m.type === "event" && m.fn === "msg" && hasText(m.args, `hello ${platform}`), "the echoed message");
      if (expect.binary) {
        await cmd({ op: "call", this: { $ref: "t" }, fn: "send", args: [{ data: { $arraybuffer: "AAEC/w==" } }] });
        const m = await wait((e) => e.type === "event" && e.fn === "msg" && typeof e.args[0].data === "object", "the echoed bytes");
        assert.deepEqual(Object.keys(m.args[0].data), [expect.binary], JSON.stringify(m.args[0]));
      }
    });
  });
}
