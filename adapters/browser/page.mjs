// sockconf browser IUT page (adapters/browser/page.html): puts the wx-style object of a
// platform bundle behind the adapter protocol (specs/adapter-protocol.md, v1), on a control
// WebSocket instead of stdin/stdout. Query:
//
//   platform=NAME          loads ./NAME/dist/bundle.mjs (built by adapters/browser/build.mjs);
//                          its export `wx` (else its default export) is the wx-style object,
//                          its exports `name`, `version`, `profile`, `capabilities` and
//                          `adaptations` ([{what, why}]: what the bundle substitutes because a
//                          browser stands in for the platform's host) go in hello, with
//                          "host": "browser"
//   control=ws://…/control?key=SECRET
//                          the harness's control WebSocket, used as given: sockconf puts its
//                          per-run secret in it and refuses a connection without it, or from
//                          another Origin than its own page server (specs/adapter-protocol.md)
//   promise_timeout_ms=N   optional: how long the shim awaits a returned Promise (default 5000)
//
// Each control connection is one IUT instance: hello first, then every frame from the harness
// goes to the shim and every message of the shim goes back as one text frame. On "bye" the
// page closes the connection and reloads itself (a fresh instance connects and says hello).
// If the connection drops otherwise, the instance's state is reset (its handles closed, its
// harness-named functions dead) and the page reconnects with a new shim and a new hello,
// within bounded retries. Uncaught errors and unhandled rejections are sent as "log" messages
// (buffered until the next hello while no connection is up) and printed with console.error,
// which adapters/browser/launch.mjs forwards to its stderr.
//
// The shim's "bench" command (adapters/js/bench-loop.mjs) gets the browser's own WebSocket as
// the host baseline, taken before the bundle loads (a bundle that wraps or replaces the global
// does not change it); a page has no raw TCP (hostTcp) and cannot read its CPU time (cpuUsage).
//
// A bundle that fails to load is not an IUT: the page shows the error and prints it with
// console.error, and never connects (the harness then sees no hello; launch.mjs's stderr
// says why).

import { checkAdaptations, createShim } from "../js/shim.mjs";

// The browser's WebSocket, before any bundle runs: the host baseline of "bench".
const HostWebSocket = typeof globalThis.WebSocket === "function" ? globalThis.WebSocket : undefined;

const MAX_FAILED_CONNECTS = 30; // consecutive attempts that never got a frame from the harness
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 2000;
const BYE_CLOSE_WAIT_MS = 500; // how long to wait for the close handshake before reloading
const MAX_BUFFERED_LOGS = 50;

// ---------------------------------------------------------------- state shown on the page

const state = {
  platform: null,
  control: null,
  package: null, // "name version" of the bundle
  capabilities: null,
  status: "loading",
  instances: 0, // hellos sent by this page load
  received: 0, // frames from the harness on the current connection
  sent: 0, // frames to the harness on the current connection
  failedConnects: 0,
  errors: [], // uncaught errors and unhandled rejections, newest last
};
globalThis.__sockconf = state; // for debugging from devtools or a test

const $ = (id) => document.getElementById(id);
const EVENT_LINES = 200;
const eventLines = [];

function note(text) {
  const line = `${new Date().toISOString().slice(11, 23)} ${text}`;
  eventLines.push(line);
  if (eventLines.length > EVENT_LINES) eventLines.shift();
  const pre = $("events");
  if (pre) pre.textContent = eventLines.join("\n");
}

let renderQueued = false;
function render() {
  if (renderQueued) return;
  renderQueued = true;
  setTimeout(() => {
    renderQueued = false;
    const s = $("status");
    if (s) {
      s.textContent = state.status;
      s.className = /^(connected|said hello)/.test(state.status)
        ? "ok"
        : /fail|error|gave up|cannot|bad/.test(state.status)
          ? "bad"
          : "";
    }
    const rows = [
      ["platform", state.platform],
      ["package", state.package],
      ["capabilities", state.capabilities && (state.capabilities.join(", ") || "(none)")],
      ["control", state.control],
      ["instances (hellos)", state.instances],
      ["frames in / out", `${state.received} / ${state.sent}`],
      ["failed connects", state.failedConnects],
      ["errors", state.errors.length],
    ];
    const t = $("facts");
    if (t) {
      t.textContent = "";
      for (const [k, v] of rows) {
        const tr = document.createElement("tr");
        const a = document.createElement("td");
        const b = document.createElement("td");
        a.textContent = k;
        b.textContent = v == null ? "—" : String(v);
        tr.append(a, b);
        t.append(tr);
      }
    }
    document.title = `sockconf ${state.platform ?? "?"}: ${state.status}`;
  }, 0);
}

function setStatus(text) {
  state.status = text;
  note(text);
  render();
}

function describe(e) {
  if (e instanceof Error) return e.stack && e.stack.includes(e.message) ? e.stack : `${e.name}: ${e.message}`;
  try {
    return typeof e === "string" ? e : (JSON.stringify(e) ?? String(e));
  } catch {
    return String(e);
  }
}

function fatal(text) {
  setStatus(text);
  console.error("sockconf page: " + text);
}

// ---------------------------------------------------------------- uncaught errors -> log

let currentShim = null; // the shim of the connection that said hello, if any
const bufferedLogs = [];

function report(text) {
  state.errors.push(text);
  if (state.errors.length > 20) state.errors.shift();
  note(text);
  render();
  // No console.error here: launch.mjs forwards page errors (uncaught and unhandled) itself.
  if (currentShim) currentShim.log(text);
  else if (bufferedLogs.length < MAX_BUFFERED_LOGS) bufferedLogs.push(text);
}

addEventListener("error", (e) => {
  // A failing <script>/resource load is an Event without .error; a thrown error has it.
  const hasStack = e.error instanceof Error && typeof e.error.stack === "string";
  const where = e.filename && !hasStack ? ` (${e.filename}:${e.lineno}:${e.colno})` : "";
  report(`uncaught exception in the IUT page: ${e.error !== undefined ? describe(e.error) : e.message}${where}`);
});
addEventListener("unhandledrejection", (e) => {
  report(`unhandled rejection in the IUT page: ${describe(e.reason)}`);
});

// ---------------------------------------------------------------- query and bundle

const params = new URLSearchParams(location.search);
const platform = params.get("platform");
const control = params.get("control");
const promiseTimeoutMs = params.has("promise_timeout_ms") ? Number(params.get("promise_timeout_ms")) : undefined;
state.platform = platform;
state.control = control;

const isObj = (v) => v !== null && (typeof v === "object" || typeof v === "function");

async function main() {
  if (!platform || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(platform))
    return fatal(`bad query: platform=${JSON.stringify(platform)} (a folder name under adapters/browser/)`);
  if (!control || !/^wss?:\/\//.test(control))
    return fatal(`bad query: control=${JSON.stringify(control)} (a ws:// or wss:// URL)`);
  if (promiseTimeoutMs !== undefined && !(Number.isInteger(promiseTimeoutMs) && promiseTimeoutMs > 0))
    return fatal(`bad query: promise_timeout_ms=${params.get("promise_timeout_ms")} (a positive integer)`);

  const bundleUrl = new URL(`./${platform}/dist/bundle.mjs`, import.meta.url).href;
  setStatus(`loading ${bundleUrl}`);
  let mod;
  try {
    mod = await import(bundleUrl);
  } catch (e) {
    return fatal(
      `cannot load the bundle of platform "${platform}" (${bundleUrl}): ${describe(e)}` +
        ` — build it with: node adapters/browser/build.mjs ${platform}`,
    );
  }
  const wx = isObj(mod.wx) ? mod.wx : isObj(mod.default) ? mod.default : null;
  if (!wx)
    return fatal(
      `the bundle of platform "${platform}" has no export "wx" or default export holding an object;` +
        ` its exports: ${Object.keys(mod).join(", ") || "(none)"}`,
    );
  const info = {
    name: typeof mod.name === "string" ? mod.name : platform,
    version: typeof mod.version === "string" ? mod.version : "0",
    profile: typeof mod.profile === "string" ? mod.profile : null,
    capabilities: Array.isArray(mod.capabilities) ? mod.capabilities : undefined,
    adaptations: [],
  };
  try {
    if (mod.adaptations !== undefined) info.adaptations = checkAdaptations(mod.adaptations);
  } catch (e) {
    return fatal(`the bundle of platform "${platform}" exports malformed adaptations: ${e.message}`);
  }
  state.package = `${info.name} ${info.version}`;
  connect(wx, info);
}

// ---------------------------------------------------------------- the control connection

let leaving = false; // after "bye": no reconnecting

function connect(wx, info) {
  if (leaving) return;
  state.received = 0;
  state.sent = 0;
  setStatus(`connecting to ${control}` + (state.failedConnects ? ` (retry ${state.failedConnects})` : ""));
  let ws;
  try {
    ws = new WebSocket(control);
  } catch (e) {
    fatal(`cannot open the control WebSocket: ${describe(e)}`);
    return;
  }
  let shim = null;
  let gotFrame = false;

  const send = (msg) => {
    if (ws.readyState !== WebSocket.OPEN) return; // the connection is gone: nothing to say on it
    ws.send(JSON.stringify(msg));
    state.sent++;
    render();
  };

  ws.onopen = () => {
    shim = createShim(wx, {
      send,
      name: info.name,
      version: info.version,
      profile: info.profile,
      capabilities: info.capabilities,
      host: "browser",
      adaptations: info.adaptations,
      promiseTimeoutMs,
      onBye: () => bye(ws),
      hostWebSocket: HostWebSocket,
    });
    state.capabilities = shim.capabilities;
    currentShim = shim;
    shim.hello();
    state.instances++;
    setStatus(`said hello (instance ${state.instances}) as ${info.name} ${info.version}`);
    for (const text of bufferedLogs.splice(0)) shim.log(text);
  };

  ws.onmessage = (e) => {
    gotFrame = true;
    state.failedConnects = 0;
    state.received++;
    render();
    if (typeof e.data !== "string") {
      shim.log("adapter: a binary frame from the harness was ignored (protocol messages are text frames)");
      return;
    }
    shim.handle(e.data);
  };

  ws.onclose = (e) => {
    if (currentShim === shim) currentShim = null;
    if (shim) {
      // Whatever the instance had open is closed, its harness-named functions go dead: the
      // next connection is a fresh instance. The reply of this reset goes nowhere.
      shim.handle({ type: "reset", id: 0 });
    }
    if (leaving) return;
    if (!gotFrame) state.failedConnects++;
    if (state.failedConnects >= MAX_FAILED_CONNECTS) {
      fatal(
        `gave up: ${state.failedConnects} connections to ${control} in a row failed or were closed` +
          ` before the harness sent anything (last close code ${e.code})`,
      );
      return;
    }
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, state.failedConnects - 1));
    setStatus(`control connection closed (code ${e.code}${e.reason ? `, ${e.reason}` : ""}); reconnecting in ${delay} ms`);
    setTimeout(() => connect(wx, info), delay);
  };

  ws.onerror = () => {
    // Always followed by close; the browser gives no detail here.
    note("control WebSocket error");
  };
}

function bye(ws) {
  leaving = true;
  setStatus("bye: closing and reloading");
  let reloaded = false;
  const reload = () => {
    if (reloaded) return;
    reloaded = true;
    location.reload();
  };
  ws.addEventListener("close", reload);
  setTimeout(reload, BYE_CLOSE_WAIT_MS);
  try {
    ws.close(1000, "bye");
  } catch {
    reload();
  }
}

main().catch((e) => fatal(`page failed: ${describe(e)}`));
