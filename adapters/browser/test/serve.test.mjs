// serve.mjs's control WebSocket is locked as sockconf's own is (specs/adapter-protocol.md):
// a client without this server's secret, with another secret, or from another Origin gets 403
// and a logged refusal; only the page URL's own control URL, from the server's Origin, gets in.
// (pipeline.test.mjs drives real pages through pageUrl(): those pass the lock.)
//
//   node --test adapters/browser/test/serve.test.mjs

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import WebSocket from "ws";

import { startServer } from "../serve.mjs";

let server;
const connected = [];
const refused = [];

before(async () => {
  server = await startServer({ onConnection: (ws) => connected.push(ws), onRefusal: (line) => refused.push(line) });
});
after(async () => server?.close());

/** Opens a WebSocket; resolves "open", or the HTTP status of a refused upgrade. Bounded: 5 s. */
function attempt(url, origin) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    const timer = setTimeout(() => (ws.terminate(), reject(new Error(`no answer from ${url} within 5 s`))), 5000);
    ws.on("open", () => (clearTimeout(timer), ws.close(), resolve("open")));
    ws.on("unexpected-response", (_req, res) => (clearTimeout(timer), ws.terminate(), resolve(res.statusCode)));
    ws.on("error", (e) => (clearTimeout(timer), reject(e)));
  });
}

const origin = () => `http://127.0.0.1:${server.port}`;
const base = () => `ws://127.0.0.1:${server.port}/control`;

test("the page URL carries the control URL with this server's secret", () => {
  const page = new URL(server.pageUrl("ws-browser"));
  assert.equal(page.origin, origin());
  const control = new URL(page.searchParams.get("control"));
  assert.equal(control.searchParams.get("key"), server.secret);
  assert.match(server.secret, /^[0-9a-f]{32}$/);
});

test("the control URL from the server's own origin gets in", async () => {
  const before = connected.length;
  assert.equal(await attempt(server.controlUrl, origin()), "open");
  assert.equal(connected.length, before + 1);
});

for (const [name, url, from, why] of [
  ["no secret", () => base(), origin, /no secret: the URL has no key=/],
  ["a wrong secret", () => `${base()}?key=${"0".repeat(32)}`, origin, /wrong secret/],
  ["a secret one character short", () => server.controlUrl.slice(0, -1), origin, /wrong secret/],
  ["another origin", () => server.controlUrl, () => "http://evil.example", /wrong origin: Origin "http:\/\/evil.example"/],
  ["no Origin header", () => server.controlUrl, () => undefined, /wrong origin: no Origin header/],
]) {
  test(`a client with ${name} is refused with 403, and the refusal is logged`, async () => {
    const before = { connected: connected.length, refused: refused.length };
    assert.equal(await attempt(url(), from()), 403);
    assert.equal(connected.length, before.connected, "the refused client reached onConnection");
    assert.equal(refused.length, before.refused + 1);
    assert.match(refused.at(-1), why);
    assert.match(refused.at(-1), /^refused a control connection from 127\.0\.0\.1:\d+: .*\[E-ADAPTER-REFUSED\]$/);
  });
}
