// Ctrl-C: SIGINT or SIGTERM stops `sockconf run`, `bench` and `serve` within 2 s, even with a
// 60 s case (or a 60 s benchmark window, or a connection the server delays for 10 minutes) in
// flight; run and bench still write what they have. (The first stop takes tens of ms, too quick
// for a second signal to land in it: that one is cli/test/interrupt_test.cpp's.)
//
//   SOCKCONF_BIN=build/bin/sockconf node --test cli/test/interrupt.test.mjs
//
// Each test prints the time it measured from the signal to the exit. Every wait is bounded.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const bin = process.env.SOCKCONF_BIN ?? path.join(root, "build/bin/sockconf");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-interrupt-"));
const T = { timeout: 90000 };
const BOUND_MS = 2000;
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Start `sockconf ARGS`; resolves its output once `ready` matches it (or rejects after 30 s). */
function start(args, ready) {
  const child = spawn(bin, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, at: performance.now() })));
  const up = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 30 s: ${out}`)), 30000);
    const look = (d) => {
      out += d;
      if (ready.test(out)) { clearTimeout(timer); resolve(); }
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
    exited.then(() => { clearTimeout(timer); reject(new Error(`exited before ready: ${out}`)); });
  });
  return { child, up, exited, output: () => out };
}

/** Send `signals` (50 ms apart) after `delayMs`; the time from the first to the exit. */
async function interrupt(p, signals, delayMs) {
  await new Promise((r) => setTimeout(r, delayMs));
  const sent = performance.now();
  for (const [i, s] of signals.entries()) {
    if (i) await new Promise((r) => setTimeout(r, 50));
    p.child.kill(s);
  }
  const killer = setTimeout(() => p.child.kill("SIGKILL"), 20000);
  const e = await p.exited;
  clearTimeout(killer);
  return { ...e, ms: e.at - sent };
}

const slowRun = (dir) => ["run", "--home", root, "--slow", "--filter", "ws.timeout-default.60s,ws.lifecycle.echo-text", "--report-dir", dir];

for (const signal of ["SIGINT", "SIGTERM"]) {
  test(`run: ${signal} with a 60 s case in flight stops within 2 s, records it as interrupted and writes the report`, T, async () => {
    const dir = path.join(tmp, "run-" + signal);
    const p = start(slowRun(dir), /\[1\/2\]/); // the short case is done, the 60 s one runs
    await p.up;
    const e = await interrupt(p, [signal], 1000);
    console.log(`run: ${signal} -> exit in ${e.ms.toFixed(0)} ms`);
    assert.ok(e.ms < BOUND_MS, `exit took ${e.ms.toFixed(0)} ms:\n${p.output()}`);
    assert.equal(e.signal, null, "it exited on its own, not by the signal");
    const report = JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8"));
    assert.equal(report.run.interrupted, true);
    const slow = report.cases.find((c) => c.id === "ws.timeout-default.60s");
    assert.equal(slow.status, "SKIP");
    assert.match(slow.message, /interrupted/);
    assert.equal(report.cases.find((c) => c.id === "ws.lifecycle.echo-text").status, "PASS", "what ran before is kept");
    assert.ok(fs.existsSync(path.join(dir, "report.html")) && fs.existsSync(path.join(dir, "junit.xml")));
  });
}

test("run: SIGINT while the IUT withholds a reply (a program) stops within 2 s", T, async () => {
  const dir = path.join(tmp, "run-silent");
  const iut = `node ${path.join(root, "harness/test/hostile/iut.mjs")} silent`;
  // The silent IUT withholds its reply to ws.send.success-errmsg's send: the case waits for it.
  const p = start(["run", "--home", root, "--iut", iut, "--filter", "ws.send.success-errmsg", "--report-dir", dir],
    /sockconf \S+: 1 case/);
  await p.up;
  const e = await interrupt(p, ["SIGINT"], 1500);
  console.log(`run --iut (silent): SIGINT -> exit in ${e.ms.toFixed(0)} ms`);
  assert.ok(e.ms < BOUND_MS, `exit took ${e.ms.toFixed(0)} ms:\n${p.output()}`);
  const report = JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8"));
  assert.equal(report.cases[0].status, "SKIP");
  assert.match(report.cases[0].message, /interrupted/);
});

test("bench: SIGINT in a 60 s window stops within 2 s and writes the results so far, marked interrupted", T, async () => {
  const out = path.join(tmp, "bench.json");
  const p = start(["bench", "--home", root, "--scenario", "echo", "--transport", "ws", "--payload", "binary",
    "--size", "16", "--size", "1024", "--handshake-concurrency", "1", "--seconds", "60", "--warmup", "0",
    "--client-cpu", "-1", "--server-cpu", "-1", "--out", out], /measur|msgs\/s|server/i);
  await p.up;
  const e = await interrupt(p, ["SIGINT"], 1500);
  console.log(`bench: SIGINT -> exit in ${e.ms.toFixed(0)} ms`);
  assert.ok(e.ms < BOUND_MS, `exit took ${e.ms.toFixed(0)} ms:\n${p.output()}`);
  const doc = JSON.parse(fs.readFileSync(out, "utf8"));
  assert.equal(doc.interrupted, true);
  assert.match(p.output(), /interrupted/);
});

test("bench: SIGINT while an IUT runs its own 60 s loop (the bench command) stops within 2 s", T, async () => {
  const out = path.join(tmp, "bench-iut.json");
  const iut = `node ${path.join(root, "adapters/node/sockconf-node.mjs")} --module ${path.join(root, "adapters/node/examples/wx-on-ws.mjs")}`;
  const p = start(["bench", "--home", root, "--scenario", "iut", "--iut", iut, "--transport", "ws", "--payload", "binary",
    "--size", "16", "--seconds", "60", "--warmup", "0", "--client-cpu", "-1", "--server-cpu", "-1", "--out", out],
    /sockconf bench: server/);
  await p.up;
  const e = await interrupt(p, ["SIGINT"], 2500); // the IUT has said hello and is inside its window
  console.log(`bench --iut (own loop): SIGINT -> exit in ${e.ms.toFixed(0)} ms`);
  assert.ok(e.ms < BOUND_MS, `exit took ${e.ms.toFixed(0)} ms:\n${p.output()}`);
  assert.equal(JSON.parse(fs.readFileSync(out, "utf8")).interrupted, true);
});

test("serve: SIGINT with a connection the server delays for 10 minutes stops within 2 s", T, async () => {
  const p = start(["serve", "--json"], /"ws":"ws:\/\/[^"]+"/);
  await p.up;
  const { port } = new URL(JSON.parse(p.output().split("\n")[0]).ws);
  const sock = net.connect(Number(port), "127.0.0.1");
  await new Promise((r, j) => { sock.once("connect", r); sock.once("error", j); });
  sock.write("GET /delay?ms=600000 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  sock.on("error", () => {});
  const e = await interrupt(p, ["SIGINT"], 300);
  sock.destroy();
  console.log(`serve: SIGINT -> exit in ${e.ms.toFixed(0)} ms`);
  assert.ok(e.ms < BOUND_MS, `exit took ${e.ms.toFixed(0)} ms`);
  assert.equal(e.code, 0);
});
