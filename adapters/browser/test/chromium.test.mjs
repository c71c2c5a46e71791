// launchChromium (chromium.mjs), what launch.mjs and bench/iut_overhead.mjs start Chromium
// with, held to what they rely on: the version, the first tab and new ones, goto up to
// domcontentloaded, console messages with their location, page errors, Chromium's own
// message for a failed load (the 404 diagnostic without the Network domain), a crash event
// on the crashed page only, close() ending every process of the browser, and a browser that
// dies while starting named with its exit status and its stderr. And the reason it exists:
// WebSocket frames cost the driver nothing, as the DevTools Network domain is off (with it on,
// Chromium sends the driver an event with the payload for every frame).
//
//   node --test adapters/browser/test/chromium.test.mjs
//
// Skipped (with the reason) when Chromium cannot be found. Every wait is bounded.

import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

import { WebSocketServer } from "ws";

import { findChromiumBinary, launchChromium, resolveBinary } from "../chromium.mjs";
import { bounded } from "./bounded.mjs";

const T = { timeout: 60000 };
const WAIT_MS = 15000;
const LAUNCH_MS = 30000;

const chromiumPath = findChromiumBinary().path;
const skip = chromiumPath
  ? false
  : "Chromium not found (install Debian's chromium: scripts/setup.sh, or set SOCKCONF_CHROMIUM)";

// The page's script: console.error on its line 2 (0-based 1), an uncaught error on line 3.
const SCRIPT = 'window.loaded = true;\nconsole.error("sockconf test: hello from line 2");\nsetTimeout(() => { throw new Error("sockconf test: uncaught"); }, 0);\n';
const PAGE = '<!doctype html><title>sockconf chromium.mjs test</title><script src="/script.js"></script>';

let tmp;
let server;
let base;
let echo;
let echoUrl;
let browser;

/** `promise`, or a rejection naming `what` after WAIT_MS. */
const within = (promise, what) => bounded(promise, WAIT_MS, what);

/** The first `event` of `page` that `pred` accepts. */
const nextEvent = (page, event, pred, what) =>
  within(
    new Promise((resolve) => {
      const on = (x) => {
        if (!pred(x)) return;
        page.off(event, on);
        resolve(x);
      };
      page.on(event, on);
    }),
    what,
  );

/** PIDs whose command line holds `text`. */
function processesWith(text) {
  const pids = [];
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, "latin1").includes(text)) pids.push(Number(pid));
    } catch {}
  }
  return pids;
}

before(async () => {
  if (skip) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-chromium-test-"));
  server = http.createServer((req, res) => {
    const body = { "/": PAGE, "/script.js": SCRIPT }[req.url];
    res.statusCode = body === undefined ? 404 : 200;
    res.setHeader("content-type", req.url === "/script.js" ? "text/javascript" : "text/html");
    res.end(body ?? "not here");
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
  echo = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((r) => echo.on("listening", r));
  echoUrl = `ws://127.0.0.1:${echo.address().port}/`;
  echo.on("connection", (ws) => ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary })));
  const dir = fs.mkdtempSync(path.join(tmp, "profile-"));
  browser = await launchChromium({ executable: resolveBinary(chromiumPath), dir, timeoutMs: LAUNCH_MS });
});

after(async () => {
  if (browser) await browser.close();
  echo?.close();
  server?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test("the contract: version, the first tab, goto up to domcontentloaded, console with its location, page errors", { ...T, skip }, async () => {
  assert.match(browser.version, /^Chromium \d+\./);
  assert.equal(browser.crashEvent, "error");
  const pages = await browser.pages();
  assert.ok(pages.length >= 1, "the first tab is there to use");
  const page = pages[0];
  const consoled = nextEvent(page, "console", (m) => /hello from line 2/.test(m.text()), "the page's console.error");
  const thrown = nextEvent(page, "pageerror", (e) => /uncaught/.test(String(e && e.message)), "the page's uncaught error");
  await page.goto(`${base}/`, { timeout: WAIT_MS, waitUntil: "domcontentloaded" });
  assert.equal(await page.evaluate(() => window.loaded), true);
  const msg = await consoled;
  assert.equal(msg.type(), "error");
  assert.deepEqual({ url: msg.location().url, lineNumber: msg.location().lineNumber }, { url: `${base}/script.js`, lineNumber: 1 });
  assert.match(String((await thrown).message), /sockconf test: uncaught/);
});

test("a failed load is Chromium's own console error naming the status and the URL (no Network domain needed)", { ...T, skip }, async () => {
  const page = await browser.newPage();
  const failed = nextEvent(page, "console", (m) => /Failed to load resource/.test(m.text()), "Chromium's 404 message");
  await page.goto(`${base}/`, { timeout: WAIT_MS, waitUntil: "domcontentloaded" });
  await page.evaluate((u) => import(u).catch(() => {}), `${base}/missing/bundle.mjs`);
  const msg = await failed;
  assert.equal(msg.type(), "error");
  assert.match(msg.text(), /status of 404/);
  assert.equal(msg.location().url, `${base}/missing/bundle.mjs`);
  await page.close();
});

test("WebSocket frames cost the driver nothing: the Network domain is off", { ...T, skip }, async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/`, { timeout: WAIT_MS, waitUntil: "domcontentloaded" });
  const COUNT = 256;
  const SIZE = 4096;
  const before = browser.protocolBytes();
  const echoed = await page.evaluate(
    (url, count, size) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.binaryType = "arraybuffer";
        let got = 0;
        ws.onopen = () => {
          for (let i = 0; i < count; i++) ws.send(new Uint8Array(size).fill(i & 0xff));
        };
        ws.onmessage = (e) => {
          got += e.data.byteLength;
          if (got === count * size) {
            ws.close();
            resolve(got);
          }
        };
        ws.onerror = () => reject(new Error("the WebSocket failed"));
      }),
    echoUrl,
    COUNT,
    SIZE,
  );
  assert.equal(echoed, COUNT * SIZE);
  const heard = browser.protocolBytes() - before;
  // With the Network domain on, each of the 512 frames is an event carrying its payload
  // (base64): over 2.7 MB. Off, the driver hears the evaluate's answer and little else.
  assert.ok(heard < 64 * 1024, `the driver received ${heard} bytes over the DevTools pipe while the page exchanged ${2 * COUNT * SIZE} bytes of WebSocket payload`);
  await page.close();
});

test("a crashed page gets the crash event, the others and the browser go on", { ...T, skip }, async () => {
  const crashing = await browser.newPage();
  const other = await browser.newPage();
  let otherCrashed = false;
  other.on(browser.crashEvent, () => (otherCrashed = true));
  let gone = false;
  browser.onGone(() => (gone = true));
  const crashed = nextEvent(crashing, browser.crashEvent, () => true, "the crash event");
  crashing.goto("chrome://crash", { timeout: WAIT_MS }).catch(() => {});
  await crashed;
  await other.goto(`${base}/`, { timeout: WAIT_MS, waitUntil: "domcontentloaded" });
  assert.equal(await other.evaluate(() => window.loaded), true);
  const fresh = await browser.newPage();
  await fresh.goto(`${base}/`, { timeout: WAIT_MS, waitUntil: "domcontentloaded" });
  assert.equal(otherCrashed, false);
  assert.equal(gone, false);
  await Promise.all([crashing.close().catch(() => {}), other.close(), fresh.close()]);
});

test("close() tells onGone and leaves no process of the browser", { ...T, skip }, async () => {
  const dir = fs.mkdtempSync(path.join(tmp, "profile-"));
  const b = await launchChromium({ executable: resolveBinary(chromiumPath), dir, timeoutMs: LAUNCH_MS });
  const page = await b.newPage();
  await page.goto(`${base}/`, { timeout: WAIT_MS, waitUntil: "domcontentloaded" });
  assert.ok(processesWith(`--user-data-dir=${dir}`).length > 0, "the browser runs on its user data dir");
  const gone = within(new Promise((r) => b.onGone(r)), "onGone after close()");
  await within(b.close(), "close()");
  await gone;
  // Killed processes leave /proc once reaped: give that a bounded moment.
  const left = () => processesWith(`--user-data-dir=${dir}`);
  for (let i = 0; i < 50 && left().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(left(), []);
});

test("a browser that dies while starting: its exit status and its last words", { ...T, skip }, async () => {
  const fake = path.join(tmp, "fake-chromium");
  fs.writeFileSync(fake, '#!/bin/sh\n[ "$1" = --version ] && { echo "Chromium 1.0 fake"; exit 0; }\necho "fake: no display here" >&2\nexit 4\n', { mode: 0o755 });
  const dir = fs.mkdtempSync(path.join(tmp, "profile-"));
  await assert.rejects(launchChromium({ executable: fake, dir, timeoutMs: LAUNCH_MS }), (e) => {
    assert.equal(e.browserExit, "exitCode=4, signal=null");
    assert.match(e.message.split("\n")[0], /exited while starting: fake: no display here/);
    assert.match(e.message, /--remote-debugging-pipe/);
    return true;
  });
  await assert.rejects(launchChromium({ executable: "/bin/false", dir, timeoutMs: LAUNCH_MS }), (e) => {
    assert.equal(e.browserExit, "exitCode=1, signal=null");
    return true;
  });
});
