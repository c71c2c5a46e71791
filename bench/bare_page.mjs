#!/usr/bin/env node
// The standalone side of bench/iut_overhead.mjs for a page: adapters/js/bench-loop.mjs in a
// bare page (no platform, no shim, no control channel), in the browser launch.mjs would start,
// started the same way (chromium.mjs's launchChromium, firefox.mjs's launchFirefox: the same
// flags, the same DevTools or BiDi connection, a fresh profile). Run it under `taskset -c 0`:
// through `sockconf bench`, launch.mjs and its browser are on the CPU sockconf is pinned to,
// and so are this driver and its browser.
//
//   node bench/bare_page.mjs chromium|firefox 'LOOP_OPTIONS_JSON'
//
// LOOP_OPTIONS_JSON: runBenchLoop's options (bench-loop.mjs) without hostWebSocket, which is
// the page's WebSocket. Prints the loop's result as one JSON line. Exit: 0, 2 bad arguments,
// 3 the browser or the loop failed.

import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { findChromiumBinary, launchChromium, resolveBinary } from "../adapters/browser/chromium.mjs";
import { findFirefoxBinary, launchFirefox } from "../adapters/browser/firefox.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const LAUNCH_TIMEOUT_MS = 30000; // launch.mjs's
const GOTO_TIMEOUT_MS = 20000;
const LOOP_MARGIN_MS = 30000; // past the loop's own bounds: closing its connections, the answer
const ENGINES = {
  chromium: { find: findChromiumBinary, resolve: resolveBinary, launch: launchChromium },
  firefox: { find: findFirefoxBinary, resolve: (exe) => exe, launch: launchFirefox },
};
const PAGE = "<!doctype html><title>sockconf bench loop, standalone</title>";

const [name, optionsJson] = process.argv.slice(2);
const engine = ENGINES[name];
let loopOptions;
try {
  loopOptions = JSON.parse(optionsJson);
} catch {}
if (!engine || !loopOptions || typeof loopOptions !== "object") {
  process.stderr.write("usage: node bench/bare_page.mjs chromium|firefox 'LOOP_OPTIONS_JSON'\n");
  process.exit(2);
}

const found = engine.find();
if (!found.path) {
  process.stderr.write(`bare_page: no ${name} (tried ${found.tried})\n`);
  process.exit(3);
}

const server = http.createServer((req, res) => {
  if (req.url === "/bench-loop.mjs") {
    res.setHeader("content-type", "text/javascript");
    return res.end(fs.readFileSync(path.join(root, "adapters/js/bench-loop.mjs")));
  }
  res.statusCode = req.url === "/" ? 200 : 404;
  res.setHeader("content-type", req.url === "/" ? "text/html" : "text/plain");
  res.end(req.url === "/" ? PAGE : "");
});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sockconf-bare-${name}-`));
let browser;
let code = 0;
try {
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  // timeoutMs bounds every protocol call too, the evaluate that runs the whole loop among them.
  const loopMs = (loopOptions.warmup_ms ?? 0) + (loopOptions.window_ms ?? 0) + (loopOptions.connect_timeout_ms ?? 0);
  const timeoutMs = Math.max(LAUNCH_TIMEOUT_MS, loopMs + LOOP_MARGIN_MS);
  browser = await engine.launch({ executable: engine.resolve(found.path), dir, timeoutMs });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`, { timeout: GOTO_TIMEOUT_MS, waitUntil: "domcontentloaded" });
  // Bounded by the loop itself (its warm-up, its window, its connect timeout) and timeoutMs.
  const result = await page.evaluate(async (opts) => {
    const m = await import("/bench-loop.mjs");
    return m.runBenchLoop({ ...opts, hostWebSocket: WebSocket });
  }, loopOptions);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (e) {
  process.stderr.write(`bare_page: ${name}: ${e && e.message ? e.message.split("\n")[0] : e}\n`);
  code = 3;
} finally {
  if (browser) await browser.close().catch(() => {});
  server.close();
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
}
process.exit(code);
