#!/usr/bin/env node
// sockconf-node: puts a wx-style object from any ES module or CommonJS file behind the
// adapter protocol (specs/adapter-protocol.md) on stdin/stdout, through adapters/js/shim.mjs.
//
//   sockconf run --iut "node adapters/node/sockconf-node.mjs --module ./my-wx.mjs"
//
// stdout carries protocol messages only: console.* and process.stdout.write of the module
// under test go to stderr. hello says "host": "node" and lists in "adaptations" what the runner
// substitutes because Node stands in for the platform's runtime (the WebSocket global), plus
// the module's own export `adaptations` ([{what, why}]) if it has one. Exit status: 0 after
// "bye" or the end of stdin, 2 for bad arguments, 3 when the module cannot be loaded, has no
// wx-style export or exports malformed adaptations.
//
// The shim's "bench" command (adapters/js/bench-loop.mjs) gets Node's own sockets as the host
// baseline: the npm package "ws"'s WebSocket (hostWebSocket, whether or not it is also the
// WebSocket global), node:net (hostTcp) and process.cpuUsage() (cpuUsage).

import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";
import { format } from "node:util";

import { checkAdaptations, createShim } from "../js/shim.mjs";
import { parseCommandLine } from "./cli.mjs";

const VERSION = "0.1.0";

const USAGE = `usage: node adapters/node/sockconf-node.mjs --module FILE [options]

Loads FILE (an ES module or CommonJS file; relative to the current directory) and speaks
the sockconf adapter protocol v1 on stdin/stdout around its wx-style object.

  --module FILE            the module to load (required)
  --export NAME            the export holding the wx-style object
                           (default: "wx", else the default export)
  --name NAME              the IUT name in hello (default: the module's file name)
  --version V              the IUT version in hello (default: ${VERSION})
  --profile ID             the profile id the IUT claims to model (default: none, null)
  --capabilities a,b,...   override the detected capabilities
                           (detected: websocket, legacy-globals, tcp; never virtual-clock;
                           the shim always adds bench, its own load loop)
  --promise-timeout-ms N   how long a returned Promise may take to settle (default 5000)
  --no-websocket-global    do not provide globalThis.WebSocket from the npm package "ws"
  --help                   this text

Exit status: 0 after "bye" or the end of stdin; 2 bad arguments; 3 the module failed to
load, has no wx-style export, or exports malformed adaptations.`;

function usageError(message) {
  process.stderr.write(`sockconf-node: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const values = parseCommandLine(
    argv,
    {
      module: { type: "string" },
      export: { type: "string" },
      name: { type: "string" },
      version: { type: "string" },
      profile: { type: "string" },
      capabilities: { type: "string" },
      "promise-timeout-ms": { type: "string" },
      "no-websocket-global": { type: "boolean" },
    },
    { program: "sockconf-node", usage: USAGE },
  );
  const opts = {
    module: values.module,
    export: values.export,
    name: values.name,
    version: values.version,
    profile: values.profile,
    capabilities: values.capabilities,
    promiseTimeoutMs: values["promise-timeout-ms"] ?? 5000,
    websocketGlobal: !values["no-websocket-global"],
  };
  if (!opts.module) usageError("--module FILE is required");
  if (typeof opts.promiseTimeoutMs === "string") {
    const n = Number(opts.promiseTimeoutMs);
    if (!Number.isInteger(n) || n < 1) usageError("--promise-timeout-ms must be a positive integer");
    opts.promiseTimeoutMs = n;
  }
  if (typeof opts.capabilities === "string") {
    const known = ["websocket", "legacy-globals", "tcp"];
    opts.capabilities = opts.capabilities.split(",").map((s) => s.trim()).filter(Boolean);
    for (const c of opts.capabilities)
      if (!known.includes(c)) usageError(`unknown capability ${JSON.stringify(c)} (known: ${known.join(", ")})`);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

// --- stdout is the protocol's: everything else the process prints goes to stderr.
const protocolWrite = process.stdout.write.bind(process.stdout);
const toStderr = (...args) => {
  process.stderr.write(format(...args) + "\n");
};
for (const k of ["log", "info", "debug", "warn", "error", "trace", "dir", "table"]) console[k] = toStderr;
process.stdout.write = (chunk, encoding, cb) => process.stderr.write(chunk, encoding, cb);

let shim = null;
const sendLine = (msg) => {
  protocolWrite(JSON.stringify(msg) + "\n");
};

// Asynchronous failures of the module under test are reported, not fatal.
process.on("unhandledRejection", (reason) => {
  const text = `unhandled rejection in the IUT: ${reason instanceof Error ? reason.stack : format(reason)}`;
  process.stderr.write(text + "\n");
  if (shim) shim.log(text);
});
process.on("uncaughtException", (err) => {
  const text = `uncaught exception in the IUT: ${err instanceof Error ? err.stack : format(err)}`;
  process.stderr.write(text + "\n");
  if (shim) shim.log(text);
});

// What this runner substitutes because Node stands in for the platform's runtime (hello).
const adaptations = [];

// --- the npm package "ws": the host WebSocket of "bench", and the global below.
let wsClass;
let wsMissing = null;
try {
  wsClass = createRequire(import.meta.url)("ws");
} catch (e) {
  wsMissing = e;
}

// --- globalThis.WebSocket from "ws", for modules written for a browser.
if (opts.websocketGlobal && typeof globalThis.WebSocket === "undefined") {
  try {
    if (wsMissing) throw wsMissing;
    globalThis.WebSocket = wsClass;
    adaptations.push({
      what:
        'globalThis.WebSocket is the npm package "ws" (its WebSocket class): binary messages arrive as ' +
        'Node Buffers (binaryType "nodebuffer") unless the module sets binaryType, and events are ws\'s ' +
        "look-alikes of the DOM's",
      why:
        "Node 20 has no WebSocket global and a module written for a browser or a JS runtime expects one " +
        "(--no-websocket-global leaves it out)",
    });
  } catch (e) {
    process.stderr.write(`sockconf-node: no global WebSocket provided (the npm package "ws" is not installed: ${e.message})\n`);
  }
}

// --- load the module under test.
const file = path.resolve(process.cwd(), opts.module);
let mod;
try {
  mod = await import(pathToFileURL(file).href);
} catch (e) {
  process.stderr.write(`sockconf-node: cannot load ${file}:\n${e && e.stack ? e.stack : format(e)}\n`);
  process.exit(3);
}

function exportNames(m) {
  const names = Object.keys(m).filter((k) => k !== "default");
  const d = m.default;
  if (d !== null && (typeof d === "object" || typeof d === "function")) {
    names.push("default");
    for (const k of Object.keys(d)) if (!names.includes(k)) names.push(`default.${k}`);
  } else if ("default" in m) names.push("default");
  return names;
}

const isObj = (v) => v !== null && (typeof v === "object" || typeof v === "function");
let wx;
let from;
if (opts.export) {
  // Named export, or a property of a CommonJS module.exports (the default export).
  if (isObj(mod[opts.export])) [wx, from] = [mod[opts.export], `export "${opts.export}"`];
  else if (isObj(mod.default) && isObj(mod.default[opts.export]))
    [wx, from] = [mod.default[opts.export], `module.exports.${opts.export}`];
} else if (isObj(mod.wx)) [wx, from] = [mod.wx, 'export "wx"'];
else if (isObj(mod.default) && isObj(mod.default.wx)) [wx, from] = [mod.default.wx, "module.exports.wx"];
else if (isObj(mod.default)) [wx, from] = [mod.default, "the default export"];

if (!wx) {
  const names = exportNames(mod);
  const wanted = opts.export ? `export "${opts.export}"` : 'export "wx" and no default export';
  process.stderr.write(
    `sockconf-node: ${file} has no ${wanted} holding an object;` +
      ` its exports: ${names.length ? names.join(", ") : "(none)"}` +
      (opts.export ? "" : " (choose one with --export NAME)") +
      "\n",
  );
  process.exit(3);
}

// The module's own substitutions, if it states them: its export `adaptations` (for CommonJS,
// module.exports.adaptations).
const declared = "adaptations" in mod ? mod.adaptations : isObj(mod.default) ? mod.default.adaptations : undefined;
if (declared !== undefined) {
  try {
    adaptations.push(...checkAdaptations(declared));
  } catch (e) {
    process.stderr.write(`sockconf-node: ${file}: its export ${e.message}\n`);
    process.exit(3);
  }
}

// --- the host's own sockets and CPU time, for "bench" (adapters/js/bench-loop.mjs).

/** node:net as bench-loop.mjs's host TCP hook: Node's defaults (Nagle on, as net.connect gives). */
function hostTcp({ address, port }, h) {
  const sock = net.connect({ host: address, port });
  sock.on("connect", () => h.onConnect());
  sock.on("data", (chunk) => h.onData(chunk));
  sock.on("error", (e) => h.onError(e));
  sock.on("close", (hadError) => h.onClose({ hadError }));
  return {
    write: (data) => sock.write(typeof data === "string" ? data : new Uint8Array(data)),
    close: () => {
      sock.end(); // the echo server closes its side at our FIN; a peer that does not is cut off
      setTimeout(() => sock.destroy(), 1000).unref();
    },
  };
}

function cpuUsage() {
  const { user, system } = process.cpuUsage(); // microseconds
  return { user_s: user / 1e6, system_s: system / 1e6 };
}

const name = opts.name ?? path.basename(file);
shim = createShim(wx, {
  send: sendLine,
  capabilities: opts.capabilities,
  name,
  version: opts.version ?? VERSION,
  profile: opts.profile ?? null,
  host: "node",
  adaptations,
  promiseTimeoutMs: opts.promiseTimeoutMs,
  onBye: () => finish(0),
  hostWebSocket: wsClass,
  hostTcp,
  cpuUsage,
});
process.stderr.write(
  `sockconf-node: ${name} (${from}) capabilities: ${shim.capabilities.join(", ") || "(none)"}\n`,
);
shim.hello();

function finish(code) {
  // Let the last protocol lines out, then go.
  protocolWrite("", () => process.exit(code));
  setTimeout(() => process.exit(code), 500).unref();
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  if (line.trim() === "") return;
  shim.handle(line);
});
rl.on("close", () => {
  // The harness closed stdin: wait for what is in flight, then exit.
  shim.handle('{"type":"bye"}');
});
