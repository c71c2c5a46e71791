// The shim's wire form of binary values in the browser itself (headless Chromium): what a
// platform delivers goes to the harness as it is. An ArrayBuffer is {"$arraybuffer"}; a typed
// array or DataView is {"$typedarray": <its class>, "base64"} (a "Buffer" too: in a browser, the
// npm `buffer` polyfill's, a Uint8Array whose class is Buffer); a Blob is {"$blob", "type"}.
// Each reaches the harness by every path: a listener's argument, a DOM event's data, a callback
// inside the call, a return value, a settled Promise, a property read.
//
//   node --test adapters/browser/test/values.test.mjs
//
// Skipped (with the reason) when Chromium cannot be found. Every wait is bounded.

import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

import { findChromiumBinary, launchChromium, resolveBinary } from "../chromium.mjs";
import { startServer } from "../serve.mjs";

const T = { timeout: 60000 };

const chromiumPath = findChromiumBinary().path;
const skip = chromiumPath
  ? false
  : "Chromium not found (install Debian's chromium: scripts/setup.sh, or set SOCKCONF_CHROMIUM)";

let server;
let browser;
let page;
let userDataDir;

before(async () => {
  if (skip) return;
  server = await startServer();
  // Started as sockconf starts it (launch.mjs), on a fresh user data dir.
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-values-test-"));
  browser = await launchChromium({ executable: resolveBinary(chromiumPath), dir: userDataDir, timeoutMs: 30000 });
  page = await browser.newPage();
  // Any page of the server: the shim is imported from the same origin, as page.mjs does.
  await page.goto(`http://127.0.0.1:${server.port}/adapters/browser/page.html`, { timeout: 20000 });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

test("binary data keeps its type in the browser: ArrayBuffer, Buffer, Uint8Array, DataView, Blob", { ...T, skip }, async () => {
  const got = await page.evaluate(async () => {
    const { createShim } = await import("/adapters/js/shim.mjs");
    // The npm `buffer` package's Buffer, as bundlers put it in mini-program frameworks: a
    // function whose prototype inherits Uint8Array's; its instances are Uint8Arrays re-classed.
    function Buffer() {}
    Object.setPrototypeOf(Buffer.prototype, Uint8Array.prototype);
    const backing = new Uint8Array([9, 8, 7, 6, 5]);
    const polyfilled = new Uint8Array([8, 7]);
    Object.setPrototypeOf(polyfilled, Buffer.prototype);
    const values = {
      ab: backing.buffer.slice(1, 3),
      buffer: polyfilled,
      u8: backing.subarray(1, 3),
      dv: new DataView(backing.buffer, 1, 2),
      blob: new Blob([new Uint8Array([8, 7])], { type: "application/octet-stream" }),
    };
    const listeners = [];
    const task = { send() {}, onMessage: (f) => listeners.push(f), ...values };
    const wx = {
      connectSocket: () => task,
      read: (k) => values[k],
      readAsync: (k) => Promise.resolve({ data: values[k] }),
      withCallback(o) {
        o.success({ data: values[o.k] });
      },
    };
    const out = [];
    const shim = createShim(wx, { send: (m) => out.push(m) });
    let id = 0;
    const cmd = async (command) => {
      const my = ++id;
      await shim.handle({ type: "command", id: my, command });
      for (let i = 0; i < 500 && !out.some((m) => m.type === "reply" && m.id === my); i++)
        await new Promise((r) => setTimeout(r, 2));
      return out.find((m) => m.type === "reply" && m.id === my);
    };
    await cmd({ op: "batch", commands: [
      { op: "call", fn: "wx.connectSocket", args: [{ url: "u" }], as: "t" },
      { op: "call", this: { $ref: "t" }, fn: "onMessage", args: [{ $fn: "msg" }] },
    ] });
    const result = {};
    for (const k of Object.keys(values)) {
      const r = {};
      r.returned = (await cmd({ op: "call", fn: "wx.read", args: [k] })).value;
      r.promised = (await cmd({ op: "call", fn: "wx.readAsync", args: [k] })).value.data;
      r.property = (await cmd({ op: "get", this: { $ref: "t" }, prop: k })).value;
      await cmd({ op: "call", fn: "wx.withCallback", args: [{ k, success: { $fn: `cb.${k}` } }] });
      r.callback = out.find((m) => m.type === "event" && m.fn === `cb.${k}`).args[0].data;
      const before = out.filter((m) => m.fn === "msg").length;
      for (const f of listeners) {
        f({ data: values[k] });
        f(new MessageEvent("message", { data: values[k] }));
      }
      for (let i = 0; i < 500 && out.filter((m) => m.fn === "msg").length < before + 2; i++)
        await new Promise((r) => setTimeout(r, 2));
      const [plain, dom] = out.filter((m) => m.fn === "msg").slice(before).map((m) => m.args[0]);
      r.listener = plain.data;
      r.domEvent = [dom.$class, dom.data];
      result[k] = r;
    }
    result.logs = out.filter((m) => m.type === "log").map((m) => m.text);
    return result;
  });
  const expected = {
    ab: { $arraybuffer: "CAc=" },
    buffer: { $typedarray: "Buffer", base64: "CAc=" },
    u8: { $typedarray: "Uint8Array", base64: "CAc=" },
    dv: { $typedarray: "DataView", base64: "CAc=" },
    blob: { $blob: "CAc=", type: "application/octet-stream" },
  };
  for (const [k, want] of Object.entries(expected))
    assert.deepEqual(got[k], {
      returned: want, promised: want, property: want, callback: want, listener: want, domEvent: ["MessageEvent", want],
    }, k);
  assert.deepEqual(got.logs, []);
});
