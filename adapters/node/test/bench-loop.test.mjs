// The in-runtime load loop of the "bench" command (adapters/js/bench-loop.mjs): its histogram
// buckets against latency_histogram's formula (bench/src/histogram.cpp), the loop end to end
// against sockconf's own echo servers (`build/bin/sockconf serve --json`) through the host's
// WebSocket (npm "ws"), a wx object (examples/wx-on-ws.mjs) and TCP, the paths that measure
// nothing (an API that is not there, connections that do not open), and the shim's "bench"
// command (its checks, its reply). Every wait is bounded; windows are 300 ms at most.
//
//   node --test adapters/node/test/bench-loop.test.mjs      # from the repository root
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import WebSocket from "ws";

import {
  BUCKET_COUNT,
  LatencyHistogram,
  bucketOf,
  checkBenchParams,
  latencyNs,
  makePayload,
  runBenchLoop,
} from "../../js/bench-loop.mjs";
import { createShim } from "../../js/shim.mjs";
import { wx as wxOnWs } from "../examples/wx-on-ws.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const sockconf = path.join(root, "build/bin/sockconf");
const runner = path.join(root, "adapters/node/sockconf-node.mjs");
const noServe = fs.existsSync(sockconf) ? false : `${sockconf} is not built (cmake --build --preset default)`;

const T = { timeout: 15000 };
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** `p`, or a rejection after `ms` saying what did not happen. */
function within(p, ms, what) {
  let timer;
  return Promise.race([
    p,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- the histogram's buckets

/** latency_histogram::bucket_of (bench/src/histogram.cpp) written out again with BigInt. */
function cppBucketOf(ns) {
  const n = BigInt(ns);
  if (n < 16n) return Number(n);
  const e = BigInt(n.toString(2).length - 1);
  const sub = (n >> (e - 3n)) & 7n;
  return Number(16n + (e - 4n) * 8n + sub);
}

test("bucketOf: latency_histogram's buckets, by hand at the boundaries", T, () => {
  // ns < 16: bucket ns. Else e = floor(log2 ns), sub = (ns >> (e-3)) & 7, 16 + (e-4)*8 + sub.
  const byHand = [
    [0, 0],
    [1, 1],
    [15, 15], // the last exact one
    [16, 16], // e 4, sub (16 >> 1) & 7 = 8 & 7 = 0
    [17, 16], // e 4, (17 >> 1) & 7 = 0: 16 and 17 share a bucket 2 ns wide
    [18, 17], // e 4, (18 >> 1) & 7 = 1
    [31, 23], // e 4, (31 >> 1) & 7 = 15 & 7 = 7
    [32, 24], // e 5, (32 >> 2) & 7 = 0: 16 + 8
    [1000, 63], // e 9 (512..1023), (1000 >> 6) & 7 = 15 & 7 = 7: 16 + 40 + 7
    [1024, 64], // e 10, sub 0: 16 + 48
    [1e6, 143], // e 19 (524288..1048575), (1e6 >> 16) & 7 = 15 & 7 = 7: 16 + 120 + 7
    [2 ** 40, 304], // e 40, sub 0: 16 + 36 * 8
    [2 ** 40 + 2 ** 37, 305], // e 40, sub 1
    [2 ** 41 - 1, 311], // e 40, sub 7
    [2 ** 53 - 1, 407], // e 52, sub 7: 16 + 48 * 8 + 7
    [2 ** 53, 408], // e 53, sub 0: 16 + 49 * 8
  ];
  for (const [ns, bucket] of byHand) {
    assert.equal(bucketOf(ns), bucket, `bucketOf(${ns})`);
    assert.equal(bucketOf(BigInt(ns)), bucket, `bucketOf(${ns}n)`);
    assert.equal(cppBucketOf(ns), bucket, `the formula at ${ns}`);
  }
  // The top of uint64: the last bucket, which record() also clamps anything larger to.
  assert.equal(BUCKET_COUNT, 496);
  assert.equal(bucketOf(2n ** 64n - 1n), 495);
  assert.equal(bucketOf(2n ** 64n), 495);
  assert.equal(bucketOf(2 ** 70), 495);
  assert.throws(() => bucketOf(-1), RangeError);
  assert.throws(() => bucketOf(1.5), RangeError);
});

test("bucketOf: contiguous, and the formula's for every octave and many values up to 2^53", T, () => {
  for (let n = 1; n < 70000; n++) {
    const d = bucketOf(n) - bucketOf(n - 1);
    assert.ok(d === 0 || d === 1, `bucket ${bucketOf(n - 1)} -> ${bucketOf(n)} at ${n}`);
  }
  let x = 0x9e3779b9; // xorshift: the same values on every run
  const rand = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  for (let e = 4; e <= 53; e++) {
    for (const ns of [2 ** e - 1, 2 ** e, 2 ** e + 1]) if (ns <= 2 ** 53) assert.equal(bucketOf(ns), cppBucketOf(ns), `at ${ns}`);
    for (let i = 0; i < 50; i++) {
      const ns = Math.min(2 ** 53, 2 ** e + Math.floor((rand() / 2 ** 32) * 2 ** e));
      assert.equal(bucketOf(ns), cppBucketOf(ns), `at ${ns}`);
    }
  }
});

test("the histogram: counts per bucket, ascending non-empty buckets, max_ns; latencies in integer ns", T, () => {
  const h = new LatencyHistogram();
  for (const ns of [1000, 17, 1000, 16, 2 ** 40]) h.record(ns);
  assert.deepEqual(h.toJSON(), { sub_buckets: 8, buckets: [[16, 2], [63, 2], [304, 1]], max_ns: 2 ** 40 });
  h.reset();
  assert.deepEqual(h.toJSON(), { sub_buckets: 8, buckets: [], max_ns: 0 });
  assert.equal(latencyNs(0.0012345), 1235); // ms -> ns, rounded
  assert.equal(latencyNs(-0.001), 0);
  assert.equal(makePayload("text", 30), "abcdefghijklmnopqrstuvwxyzabcd");
  const b = new Uint8Array(makePayload("binary", 300));
  assert.equal(b.length, 300);
  assert.deepEqual([b[0], b[1], b[255], b[256], b[299]], [0, 1, 255, 0, 43]);
});

// ---------------------------------------------------------------- against sockconf serve

let serve = null; // {child, ws, tcp: {host, port}}

before(async () => {
  if (noServe) return;
  const child = spawn(sockconf, ["serve", "--json"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  serve = { child, exited };
  const line = await within(
    new Promise((resolve, reject) => {
      readline.createInterface({ input: child.stdout }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`sockconf serve exited (${code}):\n${stderr}`)));
    }),
    10000,
    "sockconf serve --json's line",
  );
  const s = JSON.parse(line);
  serve.ws = s.ws;
  serve.tcp = s.tcp;
});

after(async () => {
  if (!serve) return;
  serve.child.kill("SIGTERM");
  const t = setTimeout(() => serve.child.kill("SIGKILL"), 3000);
  await serve.exited;
  clearTimeout(t);
});

const LOAD = { connections: 2, in_flight: 4, size: 100, warmup_ms: 50, window_ms: 250, connect_timeout_ms: 3000 };

/** A measured result: its shape, and that its counts agree with each other. */
function assertMeasured(r, { api, transport, connections, size, window_ms }) {
  assert.equal(r.api, api);
  assert.equal(r.transport, transport);
  assert.equal(r.unavailable, undefined, r.unavailable);
  assert.equal(r.error, undefined, r.error);
  assert.equal(r.connections_opened, connections);
  assert.ok(r.messages > 0, JSON.stringify(r));
  assert.equal(r.bytes, r.messages * size);
  assert.equal(r.errors, 0, r.first_error);
  assert.equal(r.first_error, null);
  // Timers may fire a little early on performance.now()'s clock; never much.
  assert.ok(r.window_ms >= window_ms * 0.9 && r.window_ms < window_ms + 5000, `window_ms ${r.window_ms}`);
  assert.equal(r.histogram.sub_buckets, 8);
  const { buckets } = r.histogram;
  assert.equal(buckets.reduce((n, [, c]) => n + c, 0), r.messages);
  for (let i = 0; i < buckets.length; i++) {
    const [index, count] = buckets[i];
    assert.ok(Number.isInteger(index) && index >= 0 && index < 496 && count > 0, JSON.stringify(buckets[i]));
    if (i > 0) assert.ok(index > buckets[i - 1][0], "ascending");
  }
  assert.ok(Number.isInteger(r.histogram.max_ns) && r.histogram.max_ns > 0);
  assert.equal(bucketOf(r.histogram.max_ns), buckets.at(-1)[0], "max_ns lies in the last bucket");
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, "JSON-safe");
}

const cpuUsage = () => {
  const { user, system } = process.cpuUsage();
  return { user_s: user / 1e6, system_s: system / 1e6 };
};

test("host ws: the npm ws WebSocket against sockconf's echo server, binary and text", { ...T, skip: noServe }, async () => {
  for (const payload of ["binary", "text"]) {
    const r = await within(
      runBenchLoop({ api: "host", transport: "ws", url: `${serve.ws}/echo`, payload, ...LOAD, hostWebSocket: WebSocket, cpuUsage }),
      10000,
      "the host ws loop",
    );
    assertMeasured(r, { api: "host", transport: "ws", ...LOAD });
    assert.ok(r.cpu && r.cpu.user_s >= 0 && r.cpu.system_s >= 0 && r.cpu.user_s + r.cpu.system_s > 0, JSON.stringify(r.cpu));
  }
});

test("platform ws: wx-on-ws's connectSocket (on ws), three connections; no cpu hook: cpu null", { ...T, skip: noServe }, async () => {
  const r = await within(
    runBenchLoop({ api: "platform", transport: "ws", url: `${serve.ws}/echo`, ...LOAD, connections: 3, payload: "binary", wx: wxOnWs }),
    10000,
    "the platform ws loop",
  );
  assertMeasured(r, { api: "platform", transport: "ws", ...LOAD, connections: 3 });
  assert.equal(r.cpu, null);
});

test("platform tcp: wx-on-ws's createTCPSocket; echoes in any chunks are counted as size bytes each", { ...T, skip: noServe }, async () => {
  for (const [payload, size] of [["binary", 1000], ["text", 37]]) {
    const r = await within(
      runBenchLoop({
        api: "platform", transport: "tcp", address: serve.tcp.host, port: serve.tcp.port, ...LOAD, size, payload, wx: wxOnWs,
      }),
      10000,
      "the platform tcp loop",
    );
    assertMeasured(r, { api: "platform", transport: "tcp", ...LOAD, size });
  }
});

test("the Node runner's bench: host tcp (node:net), host ws (npm ws) and the platform, with cpu", { ...T, skip: noServe }, async () => {
  const child = spawn(process.execPath, [runner, "--module", "adapters/node/examples/wx-on-ws.mjs"], {
    cwd: root, stdio: ["pipe", "pipe", "pipe"],
  });
  try {
    const lines = [];
    const waiters = new Set();
    readline.createInterface({ input: child.stdout }).on("line", (l) => {
      lines.push(JSON.parse(l));
      for (const w of waiters) w();
    });
    const waitFor = (pred, what) =>
      within(
        new Promise((resolve) => {
          const check = () => {
            const m = lines.find(pred);
            if (m) {
              waiters.delete(check);
              resolve(m);
            }
          };
          waiters.add(check);
          check();
        }),
        10000,
        what,
      );
    const hello = await waitFor((m) => m.type === "hello", "hello");
    assert.ok(hello.capabilities.includes("bench"));
    let id = 0;
    const bench = async (fields) => {
      const my = ++id;
      child.stdin.write(JSON.stringify({ type: "command", id: my, command: { op: "bench", ...LOAD, ...fields } }) + "\n");
      return waitFor((m) => m.type === "reply" && m.id === my, `the reply to bench ${JSON.stringify(fields)}`);
    };
    const tcp = { transport: "tcp", address: serve.tcp.host, port: serve.tcp.port };
    const ws = { transport: "ws", url: `${serve.ws}/echo` };
    for (const [api, where] of [["host", tcp], ["host", ws], ["platform", ws]]) {
      const reply = await bench({ api, ...where });
      assert.equal(reply.ok, true, JSON.stringify(reply));
      assertMeasured(reply.value, { api, transport: where.transport, ...LOAD });
      assert.ok(reply.value.cpu && typeof reply.value.cpu.user_s === "number", JSON.stringify(reply.value.cpu));
    }
    assert.deepEqual(lines.filter((m) => m.type === "event"), [], "the loop sends no events");
    const bad = await bench({ api: "host", ...ws, size: 0 });
    assert.deepEqual(bad, { type: "reply", id, ok: false, error: '"bench" needs "size" as an integer from 1 to 16777216, got 0' });
    child.stdin.write('{"type":"bye"}\n');
    assert.equal(await within(new Promise((r) => child.on("exit", r)), 5000, "the runner's exit"), 0);
  } finally {
    child.kill("SIGKILL");
  }
});

// ---------------------------------------------------------------- nothing to measure

test("an API the runtime lacks is a result that says so, at once", T, async () => {
  const base = { ...LOAD, window_ms: 100 };
  const ws = { transport: "ws", url: "ws://127.0.0.1:9/echo" };
  const tcp = { transport: "tcp", address: "127.0.0.1", port: 9 };
  const cases = [
    [{ api: "platform", ...ws, wx: { createTCPSocket() {} } }, /wx\.connectSocket is not a function/],
    [{ api: "platform", ...tcp, wx: { connectSocket() {} } }, /wx\.createTCPSocket is not a function/],
    [{ api: "platform", ...ws }, /wx\.connectSocket is not a function/],
    [{ api: "host", ...ws, hostWebSocket: undefined }, /no host WebSocket/],
    [{ api: "host", ...tcp }, /no host TCP/],
    // A stub (taro-h5's createTCPSocket returns nothing): nothing to load through either.
    [{ api: "platform", ...tcp, wx: { createTCPSocket() {} } }, /wx\.createTCPSocket returned no TCPSocket/],
    [{ api: "platform", ...ws, wx: { connectSocket() { return {}; } } }, /wx\.connectSocket returned no SocketTask/],
  ];
  for (const [o, why] of cases) {
    const r = await within(runBenchLoop({ ...base, ...o }), 1000, "an unavailable result");
    assert.deepEqual(Object.keys(r), ["api", "transport", "unavailable"]);
    assert.equal(r.api, o.api);
    assert.equal(r.transport, o.transport);
    assert.match(r.unavailable, why);
  }
});

test("some connections refused, the rest opened later: an error result at once, not at the timeout", T, async () => {
  // As taro-rn: a third task is refused at once ("同时最多发起 2 个 socket 请求"), the first two open later.
  let made = 0;
  const wx = {
    connectSocket({ fail }) {
      const index = made++;
      const task = { send() {}, close() {}, onMessage() {}, onError() {}, onClose() {}, onOpen(f) { if (index < 2) setTimeout(f, 50); } };
      if (index >= 2) fail({ errMsg: "at most 2 at once" });
      return task;
    },
  };
  const started = performance.now();
  const r = await within(runBenchLoop({ ...LOAD, api: "platform", transport: "ws", url: "ws://127.0.0.1:9/echo", connections: 4,
    connect_timeout_ms: 20000, wx }), 5000, "the error result");
  assert.equal(r.error, "2 of 4 connections opened; 2 failed");
  assert.match(r.first_error, /at most 2 at once/);
  assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
});

test("connections that never open: an error result within connect_timeout_ms, saying how many opened", T, async () => {
  // A TCP server that accepts and never answers the WebSocket upgrade.
  const silent = net.createServer(() => {});
  const held = new Set();
  silent.on("connection", (s) => {
    held.add(s);
    s.on("close", () => held.delete(s));
    s.on("error", () => {});
  });
  await new Promise((r) => silent.listen(0, "127.0.0.1", r));
  const url = `ws://127.0.0.1:${silent.address().port}/echo`;
  try {
    for (const [api, apis] of [["host", { hostWebSocket: WebSocket }], ["platform", { wx: wxOnWs }]]) {
      const started = performance.now();
      const r = await within(
        runBenchLoop({ api, transport: "ws", url, ...LOAD, connect_timeout_ms: 300, ...apis }),
        300 + 300 + 2000, // the connect timeout, closing (at most the connect timeout again), slack
        `the ${api} loop against a silent server`,
      );
      const took = performance.now() - started;
      assert.deepEqual(r, {
        api, transport: "ws", error: "0 of 2 connections opened within 300 ms", connections_opened: 0, errors: 0, first_error: null,
      });
      assert.ok(took >= 290, `resolved after ${took} ms, before the timeout`);
    }
  } finally {
    for (const s of held) s.destroy();
    await new Promise((r) => silent.close(r));
  }
});

test("connections that are refused: the error result comes as soon as all have failed", T, async () => {
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, "127.0.0.1", r));
  const port = probe.address().port;
  await new Promise((r) => probe.close(r)); // nothing listens there now
  const cases = [
    { api: "host", transport: "ws", url: `ws://127.0.0.1:${port}/echo`, hostWebSocket: WebSocket },
    { api: "platform", transport: "tcp", address: "127.0.0.1", port, wx: wxOnWs },
  ];
  for (const o of cases) {
    const started = performance.now();
    const r = await within(runBenchLoop({ ...LOAD, connect_timeout_ms: 5000, ...o }), 4000, `${o.api} ${o.transport} refused`);
    assert.ok(performance.now() - started < 4000);
    assert.equal(r.error, "0 of 2 connections opened; 2 failed");
    assert.equal(r.connections_opened, 0);
    assert.ok(r.errors >= 2, JSON.stringify(r));
    assert.match(r.first_error, /ECONNREFUSED/);
  }
});

// ---------------------------------------------------------------- fakes: thenables, chunks

/** A wx object whose SocketTask echoes on a later turn (connectSocket may return a Promise of it). */
function fakeWx({ promise = false } = {}) {
  const opened = [];
  return {
    opened,
    connectSocket({ url }) {
      const l = { open: [], message: [], close: [] };
      const task = {
        url,
        send({ data }) {
          setTimeout(() => l.message.forEach((f) => f({ data })), 0);
        },
        close() {
          setTimeout(() => l.close.forEach((f) => f({ code: 1000, reason: "" })), 0);
        },
        onOpen: (f) => l.open.push(f),
        onMessage: (f) => l.message.push(f),
        onClose: (f) => l.close.push(f),
        onError: () => {},
      };
      opened.push(task);
      setTimeout(() => l.open.forEach((f) => f({})), 1);
      return promise ? Promise.resolve(task) : task;
    },
    // TCP: echoes come back re-cut into 3-byte chunks and then one lump, as a stream may.
    createTCPSocket() {
      const l = { connect: [], message: [], close: [] };
      let backlog = [];
      const flush = () => {
        const all = backlog.flatMap((b) => [...b]);
        backlog = [];
        const cuts = [];
        for (let i = 0; i < all.length; ) {
          const n = cuts.length % 2 === 0 ? Math.min(3, all.length - i) : all.length - i;
          cuts.push(new Uint8Array(all.slice(i, i + n)).buffer);
          i += n;
        }
        for (const c of cuts) l.message.forEach((f) => f({ message: c }));
      };
      return {
        connect() {
          setTimeout(() => l.connect.forEach((f) => f({})), 1);
        },
        write(data) {
          const bytes = typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data);
          if (backlog.push(bytes) === 1) setTimeout(flush, 0);
        },
        close() {
          setTimeout(() => l.close.forEach((f) => f({})), 0);
        },
        onConnect: (f) => l.connect.push(f),
        onMessage: (f) => l.message.push(f),
        onClose: (f) => l.close.push(f),
        onError: () => {},
      };
    },
  };
}

test("a connectSocket that returns a Promise of the task (as Taro's) is awaited; TCP chunks are re-counted", T, async () => {
  const wx = fakeWx({ promise: true });
  const r = await within(runBenchLoop({ api: "platform", transport: "ws", url: "ws://fake/echo", ...LOAD, wx }), 5000, "fake ws");
  assertMeasured(r, { api: "platform", transport: "ws", ...LOAD });
  assert.equal(wx.opened.length, 2);
  const t = await within(
    runBenchLoop({ api: "platform", transport: "tcp", address: "fake", port: 1, ...LOAD, size: 10, payload: "text", wx }),
    5000,
    "fake tcp",
  );
  assertMeasured(t, { api: "platform", transport: "tcp", ...LOAD, size: 10 });
});

// ---------------------------------------------------------------- the shim's "bench" command

function shimHarness(wx, options = {}) {
  const out = [];
  const shim = createShim(wx, { send: (m) => out.push(m), ...options });
  let id = 0;
  const cmd = async (command) => {
    const my = ++id;
    await within(shim.handle({ type: "command", id: my, command }), 10000, `the reply to ${JSON.stringify(command)}`);
    return out.find((m) => m.type === "reply" && m.id === my);
  };
  return { shim, out, cmd };
}

test("the shim's bench: every field checked, the error naming it; not in a batch", T, async () => {
  const h = shimHarness(fakeWx());
  const good = { op: "bench", api: "platform", transport: "ws", url: "ws://fake/echo", connections: 1, in_flight: 1, size: 8, window_ms: 50 };
  const tcp = { ...good, transport: "tcp", url: undefined, address: "127.0.0.1", port: 7 };
  delete tcp.url;
  const refusals = [
    [{ ...good, api: "browser" }, '"bench" needs "api" as "platform" or "host", got "browser"'],
    [{ ...good, api: undefined }, '"bench" needs "api" as "platform" or "host", got null'],
    [{ ...good, transport: "udp" }, '"bench" needs "transport" as "ws" or "tcp", got "udp"'],
    [{ ...good, url: "http://x/" }, '"bench" needs "url" as a ws:// or wss:// URL, got "http://x/"'],
    [{ ...good, url: 7 }, '"bench" needs "url" as a ws:// or wss:// URL, got 7'],
    [{ ...good, port: 80 }, '"bench" takes "port" with transport "tcp" only (transport "ws" takes "url")'],
    [{ ...tcp, address: "" }, '"bench" needs "address" as a host name or IP address, got ""'],
    [{ ...tcp, port: 70000 }, '"bench" needs "port" as an integer from 1 to 65535, got 70000'],
    [{ ...tcp, port: undefined }, '"bench" needs "port" as an integer from 1 to 65535, got null'],
    [{ ...tcp, url: "ws://x/" }, '"bench" takes "url" with transport "ws" only (transport "tcp" takes "address" and "port")'],
    [{ ...good, connections: 0 }, '"bench" needs "connections" as an integer from 1 to 1024, got 0'],
    [{ ...good, connections: undefined }, '"bench" needs "connections" as an integer from 1 to 1024, got null'],
    [{ ...good, in_flight: 1.5 }, '"bench" needs "in_flight" as an integer from 1 to 4096, got 1.5'],
    [{ ...good, size: "8" }, '"bench" needs "size" as an integer from 1 to 16777216, got "8"'],
    [{ ...good, payload: "utf8" }, '"bench" needs "payload" as "binary" or "text", got "utf8"'],
    [{ ...good, warmup_ms: -1 }, '"bench" needs "warmup_ms" as an integer from 0 to 600000, got -1'],
    [{ ...good, window_ms: 0 }, '"bench" needs "window_ms" as an integer from 1 to 600000, got 0'],
    [{ ...good, window_ms: undefined }, '"bench" needs "window_ms" as an integer from 1 to 600000, got null'],
    [{ ...good, connect_timeout_ms: 0 }, '"bench" needs "connect_timeout_ms" as an integer from 1 to 600000, got 0'],
    [{ ...good, inflight: 4 }, /^"bench" has an unknown field "inflight" \(known: api, transport, url/],
    [{ ...good, wx: {} }, /^"bench" has an unknown field "wx"/],
  ];
  for (const [command, error] of refusals) {
    const wire = JSON.parse(JSON.stringify(command)); // as the harness sends it: no undefined fields
    const r = await h.cmd(wire);
    assert.equal(r.ok, false, JSON.stringify(wire));
    if (typeof error === "string") assert.equal(r.error, error);
    else assert.match(r.error, error);
    assert.throws(() => checkBenchParams(wire), (e) => e.message === r.error);
  }
  const batch = await h.cmd({ op: "batch", commands: [good] });
  assert.deepEqual(batch.value, [{ ok: false, error: '"bench" cannot run inside a batch' }]);
  // The defaults: binary payload, no warm-up, a 5 s connect timeout.
  assert.deepEqual(checkBenchParams(good), {
    api: "platform", transport: "ws", url: "ws://fake/echo", connections: 1, in_flight: 1, size: 8,
    payload: "binary", warmup_ms: 0, window_ms: 50, connect_timeout_ms: 5000,
  });
  assert.ok(h.shim.capabilities.includes("bench"));
  assert.throws(() => createShim({}, { send() {}, hostWebSocket: "WebSocket" }), /options\.hostWebSocket must be a function/);
});

test("the shim's bench: one reply with the result, no events; the host APIs it was given; unavailable ones", T, async () => {
  let cpuCalls = 0;
  const h = shimHarness(fakeWx(), {
    hostWebSocket: undefined,
    cpuUsage: () => {
      cpuCalls++;
      return { user_s: cpuCalls, system_s: 0.5 * cpuCalls };
    },
  });
  const load = { connections: 2, in_flight: 3, size: 16, warmup_ms: 20, window_ms: 150, connect_timeout_ms: 1000 };
  const r = await h.cmd({ op: "bench", api: "platform", transport: "ws", url: "ws://fake/echo", payload: "text", ...load });
  assert.equal(r.ok, true, JSON.stringify(r));
  assertMeasured(r.value, { api: "platform", transport: "ws", ...load });
  assert.deepEqual(r.value.cpu, { user_s: 1, system_s: 0.5 }); // the hook's difference over the window
  assert.deepEqual(h.out.map((m) => m.type), ["reply"], "only the reply: no event per message");
  const host = await h.cmd({ op: "bench", api: "host", transport: "ws", url: "ws://fake/echo", ...load });
  assert.deepEqual(host, {
    type: "reply", id: 2, ok: true,
    value: { api: "host", transport: "ws", unavailable: "no host WebSocket (this runtime gives the loop none)" },
  });
  const hostTcp = await h.cmd({ op: "bench", api: "host", transport: "tcp", address: "127.0.0.1", port: 9, ...load });
  assert.match(hostTcp.value.unavailable, /no host TCP/);
});
