// The wire records of the real echo servers against a real browser: headless Chromium
// (Debian's) opens WebSockets on ws:// and wss:// to the echo_wire fixture, closes them or
// is closed by the server, and the test checks what the page saw against the server's wire
// record of the same connection: the close frames both ways, how the connection ended, and
// on wss whether the browser sent a TLS close_notify (Chromium ends TCP without one).
//
//   SOCKCONF_ECHO_WIRE=build/tests/echo_wire node --test echo-servers/test/wire_chromium.test.mjs
//
// Skipped (saying why) without chromium ($SOCKCONF_CHROMIUM, else /usr/bin/chromium) or the
// fixture. Every wait is bounded. Each record is printed as a test diagnostic.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";

const LAUNCH_TIMEOUT_MS = 30000;
const STEP_TIMEOUT_MS = 5000;
const T = { timeout: 30000 };

const chromiumCandidate = process.env.SOCKCONF_CHROMIUM || "/usr/bin/chromium";
const chromiumPath = fs.existsSync(chromiumCandidate) ? chromiumCandidate : null;
const fixturePath = process.env.SOCKCONF_ECHO_WIRE ?? "build/tests/echo_wire";
const skip = !chromiumPath
  ? "Chromium not found (install Debian's chromium: scripts/setup.sh, or set SOCKCONF_CHROMIUM)"
  : !fs.existsSync(fixturePath)
    ? `${fixturePath} not built (cmake --build build --target echo_wire)`
    : false;

function withTimeout(promise, what, ms = STEP_TIMEOUT_MS) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- the fixture

let fixture, lines, announced, tmp, context, page;
const pendingLines = [];
const lineWaiters = [];

function nextLine(what) {
  if (pendingLines.length) return Promise.resolve(pendingLines.shift());
  return withTimeout(new Promise((resolve) => lineWaiters.push(resolve)), what);
}

/** The fixture's wire log now (one request line, one answer line). */
async function records() {
  fixture.stdin.write("\n");
  return JSON.parse(await nextLine("wire log from the fixture"));
}

/**
 * The one record with `tag` once `done(record)` holds; fails after the step timeout with
 * the record as it last was.
 */
async function recordWhen(tag, done) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let last;
  for (;;) {
    const mine = (await records()).filter((r) => r.tag === tag);
    last = mine;
    if (mine.length === 1 && done(mine[0])) return mine[0];
    if (Date.now() > deadline)
      throw new Error(`no finished record for ${tag} within ${STEP_TIMEOUT_MS} ms: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Ended, and on wss the TLS teardown has been seen to its end. */
const settled = (r) => r.end !== "open" && (!r.tls || r.tls_close_notify !== null);

/** base64 SHA-256 of the certificate's SubjectPublicKeyInfo (what Chromium's SPKI list takes). */
function spkiHash(pem) {
  const der = new crypto.X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return crypto.createHash("sha256").update(der).digest("base64");
}

before(async () => {
  if (skip) return;
  fixture = spawn(fixturePath, [], { stdio: ["pipe", "pipe", "inherit"] });
  fixture.once("error", (e) => lineWaiters.splice(0).forEach((w) => w(JSON.stringify({ error: e.message }))));
  lines = createInterface({ input: fixture.stdout });
  lines.on("line", (line) => {
    const w = lineWaiters.shift();
    if (w) w(line);
    else pendingLines.push(line);
  });
  announced = JSON.parse(await nextLine("fixture announcement"));
  assert.ok(String(announced.wss).startsWith("wss://127.0.0.1:"), `announcement: ${JSON.stringify(announced)}`);

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-wire-chromium-"));
  const { chromium } = await import("playwright-core");
  context = await chromium.launchPersistentContext(path.join(tmp, "user-data"), {
    executablePath: chromiumPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
           // wss:// to the fixture: trust its throwaway CA's key, and nothing else.
           `--ignore-certificate-errors-spki-list=${spkiHash(announced.ca_pem)}`],
    timeout: LAUNCH_TIMEOUT_MS,
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  page = context.pages()[0] ?? (await context.newPage());
});

after(async () => {
  if (context) await Promise.race([context.close(), new Promise((r) => setTimeout(r, 5000))]);
  if (fixture) {
    fixture.stdin.end();
    await Promise.race([new Promise((r) => fixture.once("exit", r)), new Promise((r) => setTimeout(r, 5000))]);
    fixture.kill("SIGKILL");
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------- in the page

/**
 * In the page: open `url`, optionally send `send` and wait for its echo, then close with
 * `close` ({code, reason}; {} for close() without arguments) unless `close` is null (the
 * server closes). Returns what the page saw: the echo and the close event.
 */
function session(url, { send = null, close = {} } = {}) {
  return page.evaluate(
    async ({ url, send, close, ms }) => {
      const limit = (p, what) =>
        Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error(`page: timeout: ${what}`)), ms))]);
      const ws = new WebSocket(url);
      const closed = new Promise((resolve) => {
        ws.onclose = (e) => resolve({ code: e.code, reason: e.reason, wasClean: e.wasClean });
      });
      const seen = { echo: null };
      if (close !== null) {
        await limit(new Promise((resolve, reject) => {
          ws.onopen = resolve;
          ws.onerror = () => reject(new Error("page: error before open"));
        }), "open");
        if (send !== null) {
          const echoed = new Promise((resolve) => { ws.onmessage = (e) => resolve(e.data); });
          ws.send(send);
          seen.echo = await limit(echoed, "echo");
        }
        if (close.code === undefined) ws.close();
        else ws.close(close.code, close.reason);
      }
      seen.close = await limit(closed, "close event");
      return seen;
    },
    { url, send, close, ms: STEP_TIMEOUT_MS },
  );
}

/** The record of `tag` once settled, printed as a diagnostic. */
async function settledRecord(t, tag) {
  const r = await recordWhen(tag, settled);
  t.diagnostic(`wire record ${tag}: ${JSON.stringify(r)}`);
  return r;
}

// ---------------------------------------------------------------- the cases

test("wss, the page closes with 4000 'bye': the record holds the close frames and ends client_closed", { ...T, skip }, async (t) => {
  const tag = "chromium-wss-client-close";
  const seen = await session(`${announced.wss}/echo?tag=${tag}`, { send: "over tls", close: { code: 4000, reason: "bye" } });
  assert.equal(seen.echo, "over tls");
  assert.deepEqual(seen.close, { code: 4000, reason: "", wasClean: true }); // the server's answer has no reason
  const r = await settledRecord(t, tag);
  assert.equal(r.tls, true);
  assert.equal(r.end, "client_closed");
  assert.equal(r.error, "");
  assert.equal(r.close_received, true);
  assert.equal(r.close_code, 4000);
  assert.equal(r.close_reason, "bye");
  assert.equal(r.close_sent, true);
  assert.equal(r.sent_close_code, 4000);
  assert.equal(typeof r.tls_close_notify, "boolean");
});

test("wss, the server closes 4001 'x': the record holds the page's answer and ends server_closed", { ...T, skip }, async (t) => {
  const tag = "chromium-wss-server-close";
  const seen = await session(`${announced.wss}/close?code=4001&reason=x&tag=${tag}`, { close: null });
  assert.deepEqual(seen.close, { code: 4001, reason: "x", wasClean: true });
  const r = await settledRecord(t, tag);
  assert.equal(r.tls, true);
  assert.equal(r.end, "server_closed");
  assert.equal(r.error, "");
  assert.equal(r.close_sent, true);
  assert.equal(r.sent_close_code, 4001);
  assert.equal(r.close_received, true);
  assert.equal(typeof r.close_code, "number"); // what Chromium answers with is Chromium's choice
  assert.equal(typeof r.tls_close_notify, "boolean");
});

for (const [scheme, path] of [["ws", "/echo"], ["wss", "/echo"], ["ws", "/handshake"]]) {
  test(`${scheme} ${path}, close() without a code: the server answers without one, the page sees 1005`, { ...T, skip }, async (t) => {
    const tag = `chromium-${scheme}-${path.slice(1)}-no-code`;
    const seen = await session(`${announced[scheme]}${path}?tag=${tag}`, { close: {} });
    assert.deepEqual(seen.close, { code: 1005, reason: "", wasClean: true });
    const r = await settledRecord(t, tag);
    assert.equal(r.end, "client_closed");
    assert.equal(r.error, "");
    assert.equal(r.close_received, true);
    assert.equal(r.close_code, null);
    assert.equal(r.close_reason, "");
    assert.equal(r.close_sent, true);
    assert.equal(r.sent_close_code, null);
  });
}

test("ws, the server closes without a code (/close?code=0): the page sees 1005", { ...T, skip }, async (t) => {
  const tag = "chromium-ws-server-close-no-code";
  const seen = await session(`${announced.ws}/close?code=0&tag=${tag}`, { close: null });
  assert.deepEqual(seen.close, { code: 1005, reason: "", wasClean: true });
  const r = await settledRecord(t, tag);
  assert.equal(r.end, "server_closed");
  assert.equal(r.close_sent, true);
  assert.equal(r.sent_close_code, null);
  assert.equal(r.close_received, true);
});
