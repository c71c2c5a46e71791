#!/usr/bin/env node
// What running the bench loop through sockconf costs: the host's raw WebSocket loop of
// adapters/js/bench-loop.mjs, once through `sockconf bench --scenario iut` (the `host` row:
// the runtime with sockconf's adapter around it) and once standalone in the same runtime,
// interleaved, each against its own `sockconf serve` pinned as sockconf bench pins it (server
// on CPU 1, the loop on CPU 0). The check passes when the median through sockconf is at least
// --min (0.9) of the median standalone. The runtimes:
//   node      the Node runner (its shim, the adapter protocol on stdio) against the same
//             module imported by a bare Node process;
//   chromium  the ws-browser page (its shim, the control WebSocket) against the same module
//   firefox   in a bare page (bench/bare_page.mjs: no shim, no channel) of the same browser,
//             launched as launch.mjs launches it (chromium.mjs, firefox.mjs: the same flags
//             and driver connection), driver and browser on CPU 0 as sockconf's are.
//
//   node bench/iut_overhead.mjs [--runtime node|chromium|firefox] [--rounds 3] [--seconds 2]
//                               [--warmup 0.5] [--size 1024] [--connections 5] [--in-flight 16]
//                               [--min 0.9]
//
// A benchmark, not a unit test (speed goals live here and in BENCHMARKS.md): `make
// bench-overhead` runs it. Exit: 0 within the bound, 1 below it, 2 bad arguments, 3 a run failed.

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { parseCommandLine } from "../adapters/node/cli.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = process.env.SOCKCONF_BIN ?? path.join(root, "build/bin/sockconf");
const runner = `node ${path.join(root, "adapters/node/sockconf-node.mjs")} --module ${path.join(root, "adapters/node/examples/wx-on-ws.mjs")}`;
const RUN_TIMEOUT_MS = 120000;
const RUNTIMES = ["node", "chromium", "firefox"];

const USAGE = `usage: node bench/iut_overhead.mjs [--runtime node|chromium|firefox] [--rounds N] [--seconds S]
                                 [--warmup S] [--size B] [--connections N] [--in-flight K] [--min R]`;

function parseArgs(argv) {
  const names = ["runtime", "rounds", "seconds", "warmup", "size", "connections", "in-flight", "min"];
  const v = parseCommandLine(argv, Object.fromEntries(names.map((n) => [n, { type: "string" }])),
    { program: "iut_overhead", usage: USAGE });
  const num = (k, d, lo, hi) => {
    const x = v[k] === undefined ? d : Number(v[k]);
    if (!Number.isFinite(x) || x < lo || x > hi) {
      process.stderr.write(`iut_overhead: --${k} must be a number from ${lo} to ${hi}, got ${v[k]}\n\n${USAGE}\n`);
      process.exit(2);
    }
    return x;
  };
  const runtime = v.runtime ?? "node";
  if (!RUNTIMES.includes(runtime)) {
    process.stderr.write(`iut_overhead: --runtime must be ${RUNTIMES.join(", ")}, got ${runtime}\n\n${USAGE}\n`);
    process.exit(2);
  }
  return {
    runtime,
    rounds: num("rounds", 3, 1, 15), seconds: num("seconds", 2, 0.1, 60), warmup: num("warmup", 0.5, 0, 10),
    size: num("size", 1024, 1, 1 << 20), connections: num("connections", 5, 1, 64),
    inFlight: num("in-flight", 16, 1, 1024), min: num("min", 0.9, 0, 10),
  };
}

const o = parseArgs(process.argv.slice(2));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-overhead-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

/** Run to its end, at most RUN_TIMEOUT_MS; {code, out, err}. */
function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", timeout: RUN_TIMEOUT_MS, maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")}: ${r.error?.message ?? "exit " + r.status}\n${(r.stderr ?? "").slice(-2000)}`);
  return r.stdout;
}

/** The host row of one `sockconf bench --scenario iut` run: msgs/s. */
function throughSockconf(round) {
  const out = path.join(tmp, `through-${round}.json`);
  const iut = o.runtime === "node" ? ["--iut", runner] : ["--iut-page", path.join(root, "adapters/browser/ws-browser"), "--browser", o.runtime];
  run(bin, ["bench", "--home", root, "--scenario", "iut", ...iut, "--transport", "ws", "--payload", "binary",
    "--size", String(o.size), "--connections", String(o.connections), "--in-flight", String(o.inFlight),
    "--seconds", String(o.seconds), "--warmup", String(o.warmup), "--out", out]);
  const doc = JSON.parse(fs.readFileSync(out, "utf8"));
  const host = doc.results.find((r) => r.scenario === "iut" && r.api === "host" && r.kind === "throughput");
  if (!host) throw new Error(`no host row in ${out}: ${JSON.stringify(doc.results.map((r) => r.target))}`);
  return host.msgs_per_s;
}

/** The loop's options as runBenchLoop takes them, against `url`. */
const loopOptions = (url) => ({ api: "host", transport: "ws", url, connections: o.connections, in_flight: o.inFlight,
  size: o.size, payload: "binary", warmup_ms: Math.round(o.warmup * 1000), window_ms: Math.round(o.seconds * 1000),
  connect_timeout_ms: 5000 });

/**
 * The same loop in a bare page of the runtime's browser (bench/bare_page.mjs): started as
 * launch.mjs starts it, its driver and browser on CPU 0 as `sockconf bench` has launch.mjs
 * and its browser. The result.
 */
function inBarePage(url) {
  const out = run("taskset", ["-c", "0", "node", path.join(root, "bench/bare_page.mjs"), o.runtime, JSON.stringify(loopOptions(url))]);
  return JSON.parse(out);
}

/** The same loop in a bare Node process on CPU 0: the result. */
function inBareNode(url) {
  const loop = path.join(root, "adapters/js/bench-loop.mjs");
  const script = `
    import { createRequire } from "node:module";
    import { runBenchLoop } from ${JSON.stringify(loop)};
    const WS = createRequire(${JSON.stringify(path.join(root, "package.json"))})("ws");
    const r = await runBenchLoop({ ...${JSON.stringify(loopOptions(url))}, hostWebSocket: WS });
    process.stdout.write(JSON.stringify(r));`;
  return JSON.parse(run("taskset", ["-c", "0", "node", "--input-type=module", "-e", script]));
}

/** The same loop standalone, against a `sockconf serve` on CPU 1: msgs/s. */
async function standalone() {
  const server = spawn("taskset", ["-c", "1", bin, "serve", "--json"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const line = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("sockconf serve said nothing in 10 s")), 10000);
      readline.createInterface({ input: server.stdout }).once("line", (l) => { clearTimeout(timer); resolve(l); });
      server.once("exit", (c) => { clearTimeout(timer); reject(new Error(`sockconf serve exited (${c})`)); });
    });
    const url = JSON.parse(line).ws + "/echo";
    const r = o.runtime === "node" ? inBareNode(url) : inBarePage(url);
    if (!(r.messages > 0)) throw new Error(`the standalone loop measured nothing: ${JSON.stringify(r)}`);
    return r.messages / (r.window_ms / 1000);
  } finally {
    server.kill("SIGTERM");
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const through = [];
const alone = [];
try {
  for (let i = 0; i < o.rounds; i++) {
    through.push(throughSockconf(i));
    alone.push(await standalone());
    process.stdout.write(`round ${i + 1}/${o.rounds}: through sockconf ${through[i].toFixed(0)} msgs/s, standalone ${alone[i].toFixed(0)} msgs/s\n`);
  }
} catch (e) {
  process.stderr.write(`iut_overhead: ${e.message}\n`);
  process.exit(3);
}
const ratio = median(through) / median(alone);
process.stdout.write(
  `${o.runtime}: host ws binary ${o.size} B, ${o.connections} x ${o.inFlight} in flight: through sockconf ${median(through).toFixed(0)} msgs/s, ` +
    `standalone ${median(alone).toFixed(0)} msgs/s (medians of ${o.rounds}): ${ratio.toFixed(2)}x (bound ${o.min}x)\n`,
);
process.exit(ratio >= o.min ? 0 : 1);
