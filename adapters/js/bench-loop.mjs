// sockconf bench loop: an echo load loop that runs INSIDE the runtime under test (a browser
// page, the Node runner), so that a benchmark measures the platform and not the adapter
// protocol's JSON pipe (issue 16). The harness sends one "bench" command
// (specs/adapter-protocol.md, "The bench command"; adapters/js/shim.mjs runs it), the loop
// runs here, and only totals and a latency histogram go back.
//
// Plain ES module without Node APIs: it runs in Node and in a browser page alike. Timers are
// setTimeout; the clock is performance.now() (Date.now() where a runtime has none).
// performance.now() is coarsened by browsers: Chromium rounds it to 100 µs without
// cross-origin isolation (5 µs with it), Firefox to 1 ms or more with resistFingerprinting.
// A latency histogram measured in a page is good to that grain and no better; Node's is
// sub-microsecond.
//
//   import { runBenchLoop } from "./bench-loop.mjs";
//   const result = await runBenchLoop({
//     api: "platform", transport: "ws", url: "ws://127.0.0.1:PORT/echo",
//     connections: 4, in_flight: 8, size: 64, payload: "binary",
//     warmup_ms: 200, window_ms: 1000, connect_timeout_ms: 5000,
//     wx,                      // api "platform": the wx-style object
//     hostWebSocket,           // api "host", transport "ws": a WebSocket-like constructor
//     hostTcp,                 // api "host", transport "tcp": connectTcp({address, port}, handlers)
//     cpuUsage,                // optional: () => ({user_s, system_s}) of this process
//   });
//
// The APIs it loads through:
//   platform ws   wx.connectSocket({url, fail}) -> SocketTask (or a thenable of one, as Taro's):
//                 onOpen/onMessage/onError/onClose, send({data, fail}), close({code: 1000})
//   host ws       new hostWebSocket(url), binaryType = "arraybuffer", onopen/onmessage/onerror/
//                 onclose, send(data), close(1000): the browser's WebSocket, Node's npm "ws"
//   platform tcp  wx.createTCPSocket() -> TCPSocket: onConnect/onMessage/onError/onClose,
//                 connect({address, port}), write(data), close()
//   host tcp      hostTcp({address, port}, {onConnect, onData(chunk), onError(e), onClose(e)})
//                 -> {write(data), close()}: a hook the Node runner makes from node:net; a
//                 browser has none
// An API the runtime lacks resolves {"api", "transport", "unavailable": WHY}: a result, not a
// failure (a browser has no host TCP; mpx has no createTCPSocket; taro-h5's createTCPSocket
// is a stub that returns no socket).
//
// The loop: open `connections` at once; each, once open, sends `in_flight` messages of `size`
// bytes (binary: an ArrayBuffer whose byte i is i % 256; text: "abc…z" repeated to `size`
// characters), and sends one more for each echo. Echoes come back in order on a connection,
// so the send times wait in a ring per connection and an echo's latency is now minus the
// oldest. Over TCP echoed bytes arrive in chunks of any size: `size` received bytes are one
// message. When every connection is open the warmup runs `warmup_ms`; then the counters are
// reset and `window_ms` is measured; then every connection is closed (close events awaited
// at most CLOSE_WAIT_MS and at most `connect_timeout_ms`) and the promise resolves. Every wait
// is bounded: connections not all open within `connect_timeout_ms` (or all failed sooner)
// resolve an error result saying how many opened. The whole run takes at most
// warmup_ms + window_ms + 2 * connect_timeout_ms (and timer lateness).
//
// The result (JSON-safe, snake_case):
//   {"api", "transport", "connections_opened", "messages", "bytes", "window_ms", "errors",
//    "first_error", "histogram": {"sub_buckets": 8, "buckets": [[index, count], ...], "max_ns"},
//    "cpu": {"user_s", "system_s"} | null}
// messages, bytes (= messages * size), the histogram and cpu cover the window only; errors and
// first_error the whole run (connecting and warmup too: an error is never reset away).
// Histogram buckets are those of bench/src/histogram.cpp's latency_histogram (bucketOf).
// A connect failure: {"api", "transport", "error", "connections_opened", "errors", "first_error"}.

export const SUB_BUCKETS = 8;
/** latency_histogram's bucket count (bench/include/sockconf/bench/histogram.hpp): 16 + 60 * 8. */
export const BUCKET_COUNT = 2 * SUB_BUCKETS + 60 * SUB_BUCKETS;
/**
 * How long the loop waits for the close events of its connections before it resolves anyway
 * (at most connect_timeout_ms too, so that the whole run stays within
 * warmup_ms + window_ms + 2 * connect_timeout_ms, the bound specs/adapter-protocol.md gives).
 */
export const CLOSE_WAIT_MS = 1000;

const SUB_BITS = 3; // log2(SUB_BUCKETS)
const TWO_32 = 2 ** 32;

/**
 * The latency_histogram bucket of `ns` nanoseconds (a non-negative integer Number or a BigInt),
 * as bench/src/histogram.cpp computes it: ns < 16 is bucket ns; else, with e = floor(log2(ns))
 * and sub = (ns >> (e - 3)) & 7, bucket 16 + (e - 4) * 8 + sub. Exact for every integer Number
 * (dividing by a power of two and flooring are exact in floating point) and every BigInt below
 * 2^64; larger values go to the last bucket, as record() clamps them.
 */
export function bucketOf(ns) {
  if (typeof ns === "bigint") {
    if (ns < 0n) throw new RangeError("bucketOf: a negative latency");
    if (ns >= 1n << 64n) return BUCKET_COUNT - 1;
    if (ns < 2n * BigInt(SUB_BUCKETS)) return Number(ns);
    const e = ns.toString(2).length - 1;
    const sub = Number((ns >> BigInt(e - SUB_BITS)) & 7n);
    return 2 * SUB_BUCKETS + (e - (SUB_BITS + 1)) * SUB_BUCKETS + sub;
  }
  if (!Number.isInteger(ns) || ns < 0) throw new RangeError(`bucketOf: not a non-negative integer: ${ns}`);
  if (ns >= 2 ** 64) return BUCKET_COUNT - 1;
  if (ns < 2 * SUB_BUCKETS) return ns;
  const hi = Math.floor(ns / TWO_32);
  const e = hi > 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(ns);
  const sub = Math.floor(ns / 2 ** (e - SUB_BITS)) & 7; // in [8, 16): & 7 drops the leading one
  return 2 * SUB_BUCKETS + (e - (SUB_BITS + 1)) * SUB_BUCKETS + sub;
}

/** latency_histogram in JS: record(ns), reset(), toJSON() -> {sub_buckets, buckets, max_ns}. */
export class LatencyHistogram {
  constructor() {
    this.reset();
  }
  reset() {
    this.counts = new Float64Array(BUCKET_COUNT); // doubles: exact counts up to 2^53
    this.count = 0;
    this.maxNs = 0;
  }
  record(ns) {
    this.counts[bucketOf(ns)]++;
    this.count++;
    if (ns > this.maxNs) this.maxNs = ns;
  }
  toJSON() {
    const buckets = [];
    for (let i = 0; i < BUCKET_COUNT; i++) if (this.counts[i] !== 0) buckets.push([i, this.counts[i]]);
    return { sub_buckets: SUB_BUCKETS, buckets, max_ns: this.maxNs };
  }
}

/** A latency in integer nanoseconds from a difference of two clock readings in ms. */
export const latencyNs = (ms) => Math.max(0, Math.round(ms * 1e6));

// ---------------------------------------------------------------- parameters

const LIMITS = {
  port: [1, 65535],
  connections: [1, 1024],
  in_flight: [1, 4096],
  size: [1, 16 * 1024 * 1024],
  warmup_ms: [0, 600000],
  window_ms: [1, 600000],
  connect_timeout_ms: [1, 600000],
};
const DEFAULTS = { payload: "binary", warmup_ms: 0, connect_timeout_ms: 5000 };
/** The fields of a bench command besides "op" (specs/adapter-protocol.md). */
export const BENCH_FIELDS = [
  "api", "transport", "url", "address", "port", "connections", "in_flight", "size", "payload",
  "warmup_ms", "window_ms", "connect_timeout_ms",
];
const HOOKS = ["wx", "hostWebSocket", "hostTcp", "cpuUsage"];

/** A bench parameter that is missing, of the wrong type or out of range; the message names it. */
export class BenchParamError extends TypeError {}

function brief(v) {
  let s;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? s.slice(0, 80) + "..." : s;
}

/**
 * The bench parameters checked and completed with their defaults (payload "binary",
 * warmup_ms 0, connect_timeout_ms 5000); throws a BenchParamError naming the first bad field.
 * `extra` lists keys besides the wire fields that may be present (runBenchLoop's hooks).
 */
export function checkBenchParams(p, extra = []) {
  const bad = (field, what, got) =>
    new BenchParamError(`"bench" needs "${field}" ${what}` + (got === undefined ? "" : `, got ${brief(got)}`));
  if (p === null || typeof p !== "object" || Array.isArray(p)) throw new BenchParamError('"bench" needs an object of parameters');
  for (const k of Object.keys(p))
    if (k !== "op" && !BENCH_FIELDS.includes(k) && !extra.includes(k))
      throw new BenchParamError(`"bench" has an unknown field "${k}" (known: ${BENCH_FIELDS.join(", ")})`);
  const out = {};
  if (p.api !== "platform" && p.api !== "host") throw bad("api", 'as "platform" or "host"', p.api ?? null);
  if (p.transport !== "ws" && p.transport !== "tcp") throw bad("transport", 'as "ws" or "tcp"', p.transport ?? null);
  out.api = p.api;
  out.transport = p.transport;
  const int = (field) => {
    const v = p[field] === undefined ? DEFAULTS[field] : p[field];
    const [lo, hi] = LIMITS[field];
    if (!Number.isInteger(v) || v < lo || v > hi) throw bad(field, `as an integer from ${lo} to ${hi}`, v ?? null);
    out[field] = v;
  };
  if (p.transport === "ws") {
    if (typeof p.url !== "string" || !/^wss?:\/\/[^\s]+$/.test(p.url)) throw bad("url", "as a ws:// or wss:// URL", p.url ?? null);
    for (const k of ["address", "port"])
      if (k in p) throw new BenchParamError(`"bench" takes "${k}" with transport "tcp" only (transport "ws" takes "url")`);
    out.url = p.url;
  } else {
    if (typeof p.address !== "string" || p.address === "") throw bad("address", "as a host name or IP address", p.address ?? null);
    if (p.port === undefined) throw bad("port", "as an integer from 1 to 65535", null);
    int("port");
    if ("url" in p) throw new BenchParamError('"bench" takes "url" with transport "ws" only (transport "tcp" takes "address" and "port")');
    out.address = p.address;
  }
  for (const f of ["connections", "in_flight", "size"]) {
    if (p[f] === undefined) throw bad(f, `as an integer from ${LIMITS[f][0]} to ${LIMITS[f][1]}`, null);
    int(f);
  }
  const payload = p.payload === undefined ? DEFAULTS.payload : p.payload;
  if (payload !== "binary" && payload !== "text") throw bad("payload", 'as "binary" or "text"', payload);
  out.payload = payload;
  int("warmup_ms");
  if (p.window_ms === undefined) throw bad("window_ms", "as an integer from 1 to 600000", null);
  int("window_ms");
  int("connect_timeout_ms");
  return out;
}

/** The payload of one message: binary, an ArrayBuffer with byte i = i % 256; text, "abc…z" repeated. */
export function makePayload(kind, size) {
  if (kind === "text") {
    const alphabet = "abcdefghijklmnopqrstuvwxyz";
    return alphabet.repeat(Math.ceil(size / alphabet.length)).slice(0, size);
  }
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = i & 255;
  return bytes.buffer;
}

// ---------------------------------------------------------------- the APIs

const isThenable = (v) =>
  v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";

/** A short text for whatever an API hands to an error listener or fail callback. */
export function describeError(e) {
  if (e === null || e === undefined) return String(e);
  if (typeof e === "string") return e;
  if (typeof e !== "object") return String(e);
  if (typeof e.errMsg === "string") return e.errMsg + (e.errCode !== undefined ? ` (errCode ${e.errCode})` : "");
  if (e instanceof Error || (typeof e.message === "string" && typeof e.name === "string" && !("type" in e)))
    return `${e.name}: ${e.message}` + (e.code !== undefined ? ` (${e.code})` : "");
  if (typeof e.type === "string") {
    // A DOM event (or ws's look-alike): a browser's error event says nothing more.
    const inner = e.error ? describeError(e.error) : typeof e.message === "string" && e.message ? e.message : "";
    if (e.type === "close") return `close event (code ${e.code}${e.reason ? `, ${e.reason}` : ""})`;
    return `${e.type} event` + (inner ? `: ${inner}` : " (no detail)");
  }
  try {
    return JSON.stringify(e).slice(0, 200);
  } catch {
    return String(e);
  }
}

/** Bytes in what a TCP onMessage / onData delivers (ArrayBuffer, view, Blob, string); -1: unknown. */
function byteCount(v) {
  if (v === null || v === undefined) return -1;
  if (typeof v === "string") return v.length; // the payloads are ASCII: a character is a byte
  if (typeof v.byteLength === "number") return v.byteLength; // ArrayBuffer, typed array, DataView, Buffer
  if (typeof v.size === "number") return v.size; // Blob
  return -1;
}

/** What `open` does with a value that may be a thenable (Taro's connectSocket returns one). */
function whenSettled(value, onValue, onError) {
  if (!isThenable(value)) return onValue(value);
  Promise.resolve(value).then(onValue, onError);
}

/**
 * A connector for the API asked: {open(h) -> link} or {unavailable: WHY}. `h` receives
 * open(), message(units) (one WebSocket message: units 1; TCP: the chunk's byte count),
 * error(e), close(e); a link has send(data) and close().
 */
function connectorFor(p, o) {
  if (p.api === "platform" && p.transport === "ws") {
    const wx = o.wx;
    if (!wx || typeof wx.connectSocket !== "function") return { unavailable: "wx.connectSocket is not a function" };
    return {
      open(h) {
        let task = null;
        let closeWanted = false;
        const attach = (t) => {
          if (!t || typeof t.send !== "function" || typeof t.onOpen !== "function" || typeof t.onMessage !== "function")
            return h.unavailable("wx.connectSocket returned no SocketTask (no send/onOpen/onMessage)");
          task = t;
          t.onOpen(() => h.open());
          t.onMessage(() => h.message(1));
          if (typeof t.onError === "function") t.onError((e) => h.error(e));
          if (typeof t.onClose === "function") t.onClose((e) => h.close(e));
          if (closeWanted) t.close({ code: 1000 });
        };
        whenSettled(
          wx.connectSocket({ url: p.url, fail: (res) => h.error(res) }),
          attach,
          (e) => h.fail(e),
        );
        return {
          send: (data) => task.send({ data, fail: (res) => h.error(res) }),
          close: () => (task ? task.close({ code: 1000 }) : (closeWanted = true)),
        };
      },
    };
  }
  if (p.api === "host" && p.transport === "ws") {
    const WS = o.hostWebSocket;
    if (typeof WS !== "function") return { unavailable: "no host WebSocket (this runtime gives the loop none)" };
    return {
      open(h) {
        const ws = new WS(p.url);
        ws.binaryType = "arraybuffer";
        ws.onopen = () => h.open();
        ws.onmessage = () => h.message(1);
        ws.onerror = (e) => h.error(e);
        ws.onclose = (e) => h.close(e);
        return { send: (data) => ws.send(data), close: () => ws.close(1000) };
      },
    };
  }
  if (p.api === "platform" && p.transport === "tcp") {
    const wx = o.wx;
    if (!wx || typeof wx.createTCPSocket !== "function") return { unavailable: "wx.createTCPSocket is not a function" };
    return {
      open(h) {
        let sock = null;
        let closeWanted = false;
        const attach = (s) => {
          if (!s || typeof s.write !== "function" || typeof s.connect !== "function" || typeof s.onMessage !== "function")
            return h.unavailable("wx.createTCPSocket returned no TCPSocket (no write/connect/onMessage)");
          sock = s;
          if (typeof s.onConnect === "function") s.onConnect(() => h.open());
          else return h.fail(new Error("the TCPSocket has no onConnect"));
          s.onMessage((res) => h.message(byteCount(res && typeof res === "object" ? res.message : res)));
          if (typeof s.onError === "function") s.onError((e) => h.error(e));
          if (typeof s.onClose === "function") s.onClose((e) => h.close(e));
          if (closeWanted) return s.close();
          whenSettled(s.connect({ address: p.address, port: p.port }), () => {}, (e) => h.fail(e));
        };
        whenSettled(wx.createTCPSocket(), attach, (e) => h.fail(e));
        return {
          send: (data) => sock.write(data),
          close: () => (sock ? sock.close() : (closeWanted = true)),
        };
      },
    };
  }
  // host tcp
  const connectTcp = o.hostTcp;
  if (typeof connectTcp !== "function") return { unavailable: "no host TCP (a browser has no raw TCP socket)" };
  return {
    open(h) {
      const sock = connectTcp(
        { address: p.address, port: p.port },
        {
          onConnect: () => h.open(),
          onData: (chunk) => h.message(byteCount(chunk)),
          onError: (e) => h.error(e),
          onClose: (e) => h.close(e),
        },
      );
      if (!sock || typeof sock.write !== "function" || typeof sock.close !== "function")
        throw new Error("the host TCP hook returned no {write, close}");
      return { send: (data) => sock.write(data), close: () => sock.close() };
    },
  };
}

// ---------------------------------------------------------------- the loop

const clock =
  typeof performance !== "undefined" && performance && typeof performance.now === "function"
    ? () => performance.now()
    : () => Date.now();

function readCpu(cpuUsage) {
  if (typeof cpuUsage !== "function") return null;
  try {
    const c = cpuUsage();
    return c && Number.isFinite(c.user_s) && Number.isFinite(c.system_s) ? c : null;
  } catch {
    return null;
  }
}

/**
 * Run the load loop; a Promise of the result (see the top of this file). Rejects only on bad
 * parameters (a BenchParamError); everything the API does is in the result.
 */
export function runBenchLoop(options) {
  let p;
  try {
    p = checkBenchParams(options, HOOKS);
  } catch (e) {
    return Promise.reject(e);
  }
  const head = { api: p.api, transport: p.transport };
  let connector;
  try {
    connector = connectorFor(p, options);
  } catch (e) {
    return Promise.resolve({ ...head, unavailable: describeError(e) });
  }
  if (connector.unavailable) return Promise.resolve({ ...head, unavailable: connector.unavailable });
  return new Promise((resolve) => runLoop(p, connector, options, head, resolve));
}

function runLoop(p, connector, options, head, resolve) {
  const N = p.connections;
  const K = p.in_flight;
  const size = p.size;
  const tcp = p.transport === "tcp";
  const payload = makePayload(p.payload, size);

  // connecting -> warmup -> window -> closing (-> resolved)
  let phase = "connecting";
  let opened = 0;
  let failed = 0;
  let errors = 0;
  let firstError = null;
  let messages = 0;
  let bytes = 0;
  const histogram = new LatencyHistogram();
  let windowStart = 0;
  let cpuStart = null;
  let timer = null;
  const conns = [];

  const noteError = (text) => {
    errors++;
    if (firstError === null) firstError = text;
  };
  const sending = () => phase === "connecting" || phase === "warmup" || phase === "window";

  function send(c) {
    // The send time goes in first: an API that echoes inside send() finds it.
    if (c.count === c.times.length) {
      const bigger = new Float64Array(c.times.length * 2);
      for (let i = 0; i < c.count; i++) bigger[i] = c.times[(c.head + i) % c.times.length];
      c.times = bigger;
      c.head = 0;
    }
    c.times[(c.head + c.count) % c.times.length] = clock();
    c.count++;
    try {
      const r = c.link.send(payload);
      if (isThenable(r)) Promise.resolve(r).catch((e) => noteError("send: " + describeError(e)));
    } catch (e) {
      c.count--; // never sent: no echo will come for it
      noteError("send threw " + describeError(e));
    }
  }

  function echoed(c, t) {
    if (c.count === 0) {
      noteError(`connection ${c.index}: an echo for no message sent`);
      return;
    }
    const t0 = c.times[c.head];
    c.head = (c.head + 1) % c.times.length;
    c.count--;
    if (phase === "window") {
      messages++;
      bytes += size;
      histogram.record(latencyNs(t - t0));
    }
    if (sending()) send(c);
  }

  function connectFailed(c) {
    if (c.opened || c.failed) return;
    c.failed = true;
    failed++;
    if (phase === "connecting" && opened + failed === N) giveUp(`${opened} of ${N} connections opened; ${failed} failed`);
  }

  function giveUp(why) {
    if (phase !== "connecting") return;
    clearTimeout(timer);
    closeAll(() =>
      resolve({ ...head, error: why, connections_opened: opened, errors, first_error: firstError }),
    );
  }

  function startWindow() {
    messages = 0;
    bytes = 0;
    histogram.reset();
    cpuStart = readCpu(options.cpuUsage);
    windowStart = clock();
    phase = "window";
    timer = setTimeout(endWindow, p.window_ms);
  }

  function endWindow() {
    const windowMs = clock() - windowStart;
    const cpuEnd = cpuStart ? readCpu(options.cpuUsage) : null;
    const result = {
      ...head,
      connections_opened: opened,
      messages,
      bytes,
      window_ms: windowMs,
      errors,
      first_error: firstError,
      histogram: histogram.toJSON(),
      cpu:
        cpuStart && cpuEnd
          ? { user_s: Math.max(0, cpuEnd.user_s - cpuStart.user_s), system_s: Math.max(0, cpuEnd.system_s - cpuStart.system_s) }
          : null,
    };
    closeAll(() => resolve(result));
  }

  /** Close every connection; `done` once all have closed, or after CLOSE_WAIT_MS. */
  function closeAll(done) {
    phase = "closing";
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(closeTimer);
      phase = "resolved";
      done();
    };
    const closeTimer = setTimeout(finish, Math.min(CLOSE_WAIT_MS, p.connect_timeout_ms));
    closeCheck = () => {
      if (conns.every((c) => c.closed)) finish();
    };
    for (const c of conns) {
      if (c.closed) continue;
      if (!c.link || c.failed) {
        c.closed = true; // nothing open to wait for
        try {
          if (c.link) c.link.close();
        } catch {}
        continue;
      }
      try {
        const r = c.link.close();
        if (isThenable(r)) Promise.resolve(r).catch(() => {});
      } catch (e) {
        c.closed = true;
      }
    }
    closeCheck();
  }
  let closeCheck = () => {};

  for (let i = 0; i < N; i++) {
    const c = { index: i, link: null, opened: false, failed: false, closed: false, lost: false, times: new Float64Array(K), head: 0, count: 0, pending: 0 };
    conns.push(c);
    const h = {
      open() {
        if (c.opened || c.failed || c.closed) return;
        if (!sending()) return; // opened after the loop gave up: closeAll closes it
        c.opened = true;
        opened++;
        if (failed > 0 && opened + failed === N) {
          // The last to settle opened, but others had failed: nothing more will open.
          giveUp(`${opened} of ${N} connections opened; ${failed} failed`);
          return;
        }
        for (let k = 0; k < K; k++) send(c);
        if (opened === N && phase === "connecting") {
          clearTimeout(timer);
          phase = "warmup";
          if (p.warmup_ms > 0) timer = setTimeout(startWindow, p.warmup_ms);
          else startWindow();
        }
      },
      message(units) {
        if (!sending()) return;
        const t = clock();
        if (!tcp) return echoed(c, t);
        if (units < 0) {
          if (!c.lost) noteError(`connection ${i}: onMessage gave no bytes to count`);
          c.lost = true;
          return;
        }
        c.pending += units;
        while (c.pending >= size) {
          c.pending -= size;
          echoed(c, t);
        }
      },
      error(e) {
        if (phase === "closing" || phase === "resolved") return; // what closing costs is no error of the run
        noteError(`connection ${i}: ${describeError(e)}`);
        if (!c.opened) connectFailed(c);
      },
      fail(e) {
        // The API could not even make the connection (a throw, a rejected thenable).
        h.error(e);
        connectFailed(c);
      },
      unavailable(why) {
        // The API is there but gives nothing to load through (a stub): the runtime cannot
        // run the loop on it, which is a result, as a missing function is, not a failure.
        if (phase !== "connecting") return;
        clearTimeout(timer);
        closeAll(() => resolve({ ...head, unavailable: why }));
      },
      close(e) {
        const wasClosed = c.closed;
        c.closed = true;
        if (phase === "closing") return closeCheck();
        if (phase === "resolved" || wasClosed) return;
        if (!c.opened) {
          if (!c.failed) noteError(`connection ${i} closed before it opened: ${describeError(e)}`);
          connectFailed(c);
        } else noteError(`connection ${i} closed during the run: ${describeError(e)}`);
      },
    };
    try {
      c.link = connector.open(h);
    } catch (e) {
      h.fail(e);
    }
  }
  if (phase === "connecting")
    timer = setTimeout(
      () => giveUp(`${opened} of ${N} connections opened within ${p.connect_timeout_ms} ms`),
      p.connect_timeout_ms,
    );
}
