// The shim against fake wx objects: what it sends for each kind of platform behaviour.
import assert from "node:assert/strict";
import { test } from "node:test";

import { base64ToBytes, bytesToBase64, createShim, detectCapabilities } from "../../js/shim.mjs";

const T = { timeout: 5000 };
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** A shim around `wx` whose sent messages collect in `out`; cmd() runs one command. */
function harness(wx, options = {}) {
  const out = [];
  const shim = createShim(wx, { send: (m) => out.push(m), ...options });
  let id = 0;
  const cmd = async (command) => {
    const myId = ++id;
    await shim.handle(JSON.stringify({ type: "command", id: myId, command }));
    await until(() => out.some((m) => m.type === "reply" && m.id === myId));
    return out.find((m) => m.type === "reply" && m.id === myId);
  };
  const reset = async () => {
    const myId = ++id;
    await shim.handle({ type: "reset", id: myId });
    return out.find((m) => m.type === "reply" && m.id === myId);
  };
  const events = (fn) => out.filter((m) => m.type === "event" && (fn === undefined || m.fn === fn));
  return { shim, out, cmd, reset, events };
}

async function until(pred, ms = 2000) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await tick(2);
  }
}

const call = (fn, args = [], extra = {}) => ({ op: "call", fn, args, ...extra });
const on = (ref, method, name) => ({ op: "call", this: { $ref: ref }, fn: method, args: [{ $fn: name }] });

function fakeTask() {
  const l = { open: [], message: [], close: [] };
  return {
    l,
    send() {},
    close() {
      this.closed = (this.closed ?? 0) + 1;
    },
    onOpen(f) { l.open.push(f); },
    onMessage(f) { l.message.push(f); },
    onClose(f) { l.close.push(f); },
    offMessage(f) { l.message = l.message.filter((x) => x !== f); },
    fire(kind, ...a) { for (const f of l[kind]) f(...a); },
  };
}

test("base64 round trip, and refusal of what is not base64", T, () => {
  for (const n of [0, 1, 2, 3, 4, 5, 255]) {
    const b = new Uint8Array(n).map((_, i) => (i * 37) & 255);
    assert.deepEqual(base64ToBytes(bytesToBase64(b)), b);
    assert.equal(bytesToBase64(b), Buffer.from(b).toString("base64"));
  }
  const saved = globalThis.btoa; // the fallback for runtimes without btoa
  try {
    delete globalThis.btoa;
    for (const n of [0, 1, 2, 3, 4, 5, 255]) {
      const b = new Uint8Array(n).map((_, i) => (i * 91) & 255);
      assert.equal(bytesToBase64(b), Buffer.from(b).toString("base64"));
    }
  } finally {
    globalThis.btoa = saved;
  }
  assert.throws(() => base64ToBytes("abc"));
  assert.throws(() => base64ToBytes("a=bc"));
  assert.throws(() => base64ToBytes("ab!c"));
});

test("hello: detected capabilities, never virtual-clock, always bench (the shim's own)", T, () => {
  const out = [];
  const wx = { connectSocket() {}, sendSocketMessage() {}, onSocketOpen() {}, createTCPSocket() {} };
  const shim = createShim(wx, { send: (m) => out.push(m), name: "fake", version: "1", profile: "wechat" });
  shim.hello();
  assert.deepEqual(out, [
    { type: "hello", protocol: 1, name: "fake", version: "1", profile: "wechat", capabilities: ["websocket", "legacy-globals", "tcp", "bench"] },
  ]);
  assert.deepEqual(detectCapabilities({ sendSocketMessage() {} }), []);
  const s2 = createShim({}, { send: () => {}, capabilities: ["tcp", "virtual-clock"] });
  assert.deepEqual(s2.capabilities, ["tcp", "bench"]);
  const s3 = createShim({}, { send: () => {}, capabilities: ["bench", "websocket"] });
  assert.deepEqual(s3.capabilities, ["websocket", "bench"]);
});

test("a task gets a handle, as-names resolve, the same object keeps its handle", T, async () => {
  const task = fakeTask();
  const h = harness({ connectSocket: () => task, again: () => task });
  const r = await h.cmd({ op: "batch", commands: [call("wx.connectSocket", [{ url: "u" }], { as: "task" }), call("wx.again", [], { as: "t2" })] });
  assert.deepEqual(r.value, [
    { ok: true, value: { $handle: "1", class: "SocketTask" } },
    { ok: true, value: { $handle: "1", class: "SocketTask" } },
  ]);
  const g = await h.cmd({ op: "batch", commands: [
    { op: "get", this: { $ref: "task" }, prop: "send" },
    { op: "get", this: { $handle: "1" }, prop: "nothing" },
    { op: "get", this: { $ref: "nobody" }, prop: "send" },
    { op: "call", this: { $ref: "task" }, fn: "offOpen", args: [] },
    { op: "clock", advance_ms: 10 },
  ] });
  assert.deepEqual(g.value[0], { ok: true, value: { $typeof: "function" } });
  assert.deepEqual(g.value[1], { ok: true, value: { $typeof: "undefined" } });
  assert.equal(g.value[2].ok, false);
  assert.match(g.value[2].error, /no object named "nobody"/);
  assert.deepEqual(g.value[3], { ok: false, thrown: { name: "TypeError", message: "SocketTask.offOpen is not a function" } });
  assert.match(g.value[4].error, /virtual clock/);
  const u = await h.cmd(call("wx.createTCPSocket"));
  assert.deepEqual(u, { type: "reply", id: 3, ok: false, thrown: { name: "TypeError", message: "wx.createTCPSocket is not a function" } });
});

test("the same $fn name is the same function: off* removes what on* added", T, async () => {
  const task = fakeTask();
  const h = harness({ connectSocket: () => task });
  await h.cmd({ op: "batch", commands: [call("wx.connectSocket", [{ url: "u" }], { as: "task" }), on("task", "onMessage", "msg"), on("task", "onMessage", "other")] });
  await h.cmd(on("task", "offMessage", "msg"));
  task.fire("message", { data: "x" });
  await tick(5);
  assert.deepEqual(h.events().map((e) => e.fn), ["other"]);
});

test("single-listener platform: onMessage replaces the previous listener; the shim just calls through", T, async () => {
  let listener = null;
  const task = { send() {}, onOpen() {}, onMessage(f) { listener = f; } };
  const h = harness({ connectSocket: () => task });
  await h.cmd({ op: "batch", commands: [call("wx.connectSocket", [{ url: "u" }], { as: "task" }), on("task", "onMessage", "first"), on("task", "onMessage", "second")] });
  listener({ data: "hi" });
  await tick(5);
  assert.deepEqual(h.events(), [{ type: "event", op: "invoke", fn: "second", args: [{ data: "hi" }], sync: false }]);
});

test("callbacks run inside the call are sync: true and come before the reply", T, async () => {
  const wx = {
    connectSocket(o) {
      o.success({ errMsg: "connectSocket:ok" });
      o.complete({ errMsg: "connectSocket:ok" });
      setTimeout(() => o.complete({ errMsg: "late" }), 1);
      return fakeTask();
    },
  };
  const h = harness(wx);
  await h.cmd(call("wx.connectSocket", [{ url: "u", success: { $fn: "c.success" }, complete: { $fn: "c.complete" } }]));
  await until(() => h.events().length === 3);
  assert.deepEqual(h.out.map((m) => [m.type, m.fn, m.sync]), [
    ["event", "c.success", true],
    ["event", "c.complete", true],
    ["reply", undefined, undefined],
    ["event", "c.complete", false],
  ]);
});

test("a callback queued as a microtask runs after the whole batch and after the reply: sync: false", T, async () => {
  let ran = false;
  const task = { send() {}, onOpen() {}, get ran() { return ran; } };
  const wx = {
    connectSocket(o) {
      queueMicrotask(() => { ran = true; o.success({ errMsg: "connectSocket:ok" }); });
      return task;
    },
  };
  const h = harness(wx);
  const r = await h.cmd({ op: "batch", commands: [
    call("wx.connectSocket", [{ url: "u", success: { $fn: "c.success" } }], { as: "task" }),
    { op: "get", this: { $ref: "task" }, prop: "ran" },
  ] });
  assert.deepEqual(r.value[1], { ok: true, value: false });
  await until(() => h.events().length === 1);
  assert.deepEqual(h.out.map((m) => [m.type, m.sync]), [["reply", undefined], ["event", false]]);
});

test("a returned Promise is awaited: its value with promise: true, and the batch goes on with it", T, async () => {
  const task = fakeTask();
  const wx = { connectSocket: () => Promise.resolve(task) };
  const h = harness(wx);
  const r = await h.cmd({ op: "batch", commands: [
    call("wx.connectSocket", [{ url: "u" }], { as: "task" }),
    on("task", "onOpen", "open"),
    { op: "get", this: { $ref: "task" }, prop: "closed" },
  ] });
  assert.deepEqual(r.value, [
    { ok: true, value: { $handle: "1", class: "SocketTask" }, promise: true },
    { ok: true, value: { $typeof: "undefined" } },
    { ok: true, value: { $typeof: "undefined" } },
  ]);
  task.fire("open", { header: {} });
  await tick(5);
  assert.deepEqual(h.events("open")[0].args, [{ header: {} }]);
});

test("a rejected Promise is thrown with promise: true and never unhandled; a pending one is an error", T, async () => {
  const unhandled = [];
  const spy = (r) => unhandled.push(r);
  process.on("unhandledRejection", spy);
  try {
    const wx = {
      connectSocket: () => Promise.reject(new TypeError("url required")),
      closeSocket: () => Promise.reject("just a string"),
      hang: () => new Promise(() => {}),
      data: () => ({ p: Promise.reject(new Error("inside")) }),
    };
    const h = harness(wx, { promiseTimeoutMs: 50 });
    assert.deepEqual(await h.cmd(call("wx.connectSocket", [{}])), {
      type: "reply", id: 1, ok: false, thrown: { name: "TypeError", message: "url required" }, promise: true,
    });
    const s = await h.cmd(call("wx.closeSocket"));
    assert.deepEqual(s.thrown, { name: "(a thrown string)", message: "just a string" });
    const p = await h.cmd(call("wx.hang"));
    assert.equal(p.ok, false);
    assert.equal(p.promise, true);
    assert.match(p.error, /wx\.hang is a Promise that did not settle within 50 ms/);
    const d = await h.cmd(call("wx.data"));
    assert.deepEqual(d.value, { p: { $class: "Promise" } });
    await tick(20);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off("unhandledRejection", spy);
  }
});

test("a Blob payload is read without reordering: later events wait behind it", T, async () => {
  const task = fakeTask();
  const h = harness({ connectSocket: () => task });
  await h.cmd({ op: "batch", commands: [call("wx.connectSocket", [{ url: "u" }], { as: "task" }), on("task", "onMessage", "msg")] });
  task.fire("message", { data: new Blob([new Uint8Array([0, 1, 2, 255])], { type: "application/octet-stream" }) });
  task.fire("message", { data: "after" });
  task.fire("message", new Blob(["text"], { type: "text/plain" }));
  await until(() => h.events().length === 3);
  assert.deepEqual(h.events().map((e) => e.args[0]), [
    { data: { $blob: "AAEC/w==", type: "application/octet-stream" } },
    { data: "after" },
    { $blob: "dGV4dA==", type: "text/plain" },
  ]);
});

test("a Blob sent in a sync callback keeps the reply behind it", T, async () => {
  const wx = { connectSocket(o) { o.success(new Blob(["x"])); return fakeTask(); } };
  const h = harness(wx);
  await h.cmd(call("wx.connectSocket", [{ url: "u", success: { $fn: "s" } }]));
  assert.deepEqual(h.out.map((m) => m.type), ["event", "reply"]);
  assert.deepEqual(h.out[0].args, [{ $blob: "eA==", type: "" }]);
});

test("DOM-like events become {$class, ...fields}; Errors become {$class, name, message, ...}", T, async () => {
  class CloseEvent extends Event {
    constructor(init) {
      super("close");
      this._init = init;
    }
    get code() { return this._init.code; }
    get reason() { return this._init.reason; }
    get wasClean() { return true; }
  }
  class WsLikeMessageEvent { // the npm "ws" package's look-alike: not a DOM Event
    constructor(data, target) {
      this.type = "message";
      this.data = data;
      this.target = target;
    }
  }
  const task = fakeTask();
  const h = harness({ connectSocket: () => task });
  await h.cmd({ op: "batch", commands: [call("wx.connectSocket", [{ url: "u" }], { as: "task" }), on("task", "onMessage", "msg"), on("task", "onClose", "closed")] });
  task.fire("message", new MessageEvent("message", { data: new Uint8Array([1, 2]).buffer }));
  task.fire("message", new WsLikeMessageEvent("hi", { huge: "socket" }));
  task.fire("close", new CloseEvent({ code: 1006, reason: "" }));
  const err = new Error("boom");
  err.errCode = 5;
  task.fire("close", err);
  await until(() => h.events().length === 4);
  const [m1, m2, c1, c2] = h.events().map((e) => e.args[0]);
  assert.equal(m1.$class, "MessageEvent");
  assert.equal(m1.type, "message");
  assert.deepEqual(m1.data, { $arraybuffer: "AQI=" });
  assert.deepEqual(m2, { $class: "WsLikeMessageEvent", type: "message", data: "hi" });
  assert.deepEqual({ ...c1, $class: c1.$class }, { $class: "CloseEvent", type: "close", code: 1006, reason: "", wasClean: true });
  assert.deepEqual(c2, { $class: "Error", name: "Error", message: "boom", errCode: 5 });
});

test("values JSON cannot hold are tagged", T, async () => {
  const task = fakeTask();
  const h = harness({ connectSocket: () => task });
  await h.cmd({ op: "batch", commands: [call("wx.connectSocket", [{ url: "u" }], { as: "task" }), on("task", "onMessage", "msg")] });
  task.fire("message", { f() {}, u: undefined, n: NaN, z: -0, b: 10n }, undefined);
  await until(() => h.events().length === 1);
  assert.deepEqual(h.events()[0].args, [
    { f: { $typeof: "function" }, u: { $typeof: "undefined" }, n: { $typeof: "number", text: "NaN" }, z: { $typeof: "number", text: "-0" }, b: { $typeof: "bigint", text: "10" } },
    { $typeof: "undefined" },
  ]);
});

// What a platform delivers goes to the harness as it is: an ArrayBuffer, a view of one (its own
// class: a Node Buffer is not an ArrayBuffer), a Blob. Every path a value takes is covered.
test("binary data keeps its type: ArrayBuffer, Buffer, Uint8Array, DataView, Blob; only the view's bytes", T, async () => {
  const backing = new Uint8Array([9, 8, 7, 6, 5]);
  const values = {
    ab: backing.buffer.slice(1, 3), // ArrayBuffer [8, 7]
    buffer: Buffer.from([8, 7]), // pooled: its buffer holds far more than 2 bytes
    u8: backing.subarray(1, 3),
    dv: new DataView(backing.buffer, 1, 2),
    f32: new Float32Array([1]),
    blob: new Blob([new Uint8Array([8, 7])]),
  };
  assert.ok(values.buffer.buffer.byteLength > 2, "the Buffer lives in a larger pool");
  const expected = {
    ab: { $arraybuffer: "CAc=" },
    buffer: { $typedarray: "Buffer", base64: "CAc=" },
    u8: { $typedarray: "Uint8Array", base64: "CAc=" },
    dv: { $typedarray: "DataView", base64: "CAc=" },
    f32: { $typedarray: "Float32Array", base64: "AACAPw==" },
    blob: { $blob: "CAc=", type: "" },
  };
  const task = fakeTask();
  const wx = {
    connectSocket: () => task,
    read: (k) => values[k], // a return value
    readAsync: (k) => Promise.resolve({ data: values[k] }), // a settled Promise's nested field
    nested: (k) => ({ res: { data: [values[k]] } }),
    withCallback(o) {
      o.success({ data: values[o.k] }); // a callback argument, inside the call
      return undefined;
    },
  };
  for (const k of Object.keys(values)) task[k] = values[k]; // a property read with "get"
  const h = harness(wx);
  await h.cmd({ op: "batch", commands: [call("wx.connectSocket", [{ url: "u" }], { as: "task" }), on("task", "onMessage", "msg")] });
  for (const [k, want] of Object.entries(expected)) {
    assert.deepEqual((await h.cmd(call("wx.read", [k]))).value, want, `return value: ${k}`);
    const p = await h.cmd(call("wx.readAsync", [k]));
    assert.deepEqual([p.promise, p.value], [true, { data: want }], `Promise value: ${k}`);
    assert.deepEqual((await h.cmd(call("wx.nested", [k]))).value, { res: { data: [want] } }, `nested: ${k}`);
    assert.deepEqual((await h.cmd({ op: "get", this: { $ref: "task" }, prop: k })).value, want, `get: ${k}`);
    await h.cmd(call("wx.withCallback", [{ k, success: { $fn: `cb.${k}` } }]));
    assert.deepEqual(h.events(`cb.${k}`)[0].args, [{ data: want }], `callback argument: ${k}`);
    task.fire("message", { data: values[k] }); // a listener argument, later
    task.fire("message", new MessageEvent("message", { data: values[k] })); // a DOM event's data
  }
  const n = Object.keys(values).length;
  await until(() => h.events("msg").length === 2 * n);
  const got = h.events("msg").map((e) => e.args[0].data);
  assert.deepEqual(got, Object.values(expected).flatMap((w) => [w, w]));
  // Nothing is smoothed over, so nothing needs a log note.
  assert.deepEqual(h.out.filter((m) => m.type === "log"), []);
});

test("a typed array from the harness is refused: the harness reads views, it never sends one", T, async () => {
  const seen = [];
  const h = harness({ take: (x) => seen.push(x) });
  const r = await h.cmd(call("wx.take", [{ data: { $typedarray: "Uint8Array", base64: "AQI=" } }]));
  assert.match(r.error, /\$typedarray.*the harness does not send one/);
  assert.deepEqual(seen, []);
});

test("hello: host and adaptations when given, checked; absent when not", T, () => {
  const out = [];
  const adaptations = [{ what: "WebSocket is the browser's", why: "the platform's runtime cannot run here" }];
  createShim({}, { send: (m) => out.push(m), name: "x", host: "browser", adaptations }).hello();
  createShim({}, { send: (m) => out.push(m), name: "y" }).hello();
  assert.equal(out[0].host, "browser");
  assert.deepEqual(out[0].adaptations, adaptations);
  assert.equal("host" in out[1], false);
  assert.equal("adaptations" in out[1], false);
  assert.throws(() => createShim({}, { send: () => {}, adaptations: [{ what: "x" }] }), /adaptations\[0\] must be \{what: string, why: string\}/);
  assert.throws(() => createShim({}, { send: () => {}, adaptations: "none" }), /adaptations must be an array/);
  assert.throws(() => createShim({}, { send: () => {}, host: "" }), /host must be a string/);
});

test("arguments from wire form: $arraybuffer is an ArrayBuffer, $blob a Blob, $handle the object", T, async () => {
  const seen = [];
  const task = fakeTask();
  task.send = (o) => seen.push(o);
  const h = harness({ connectSocket: () => task, take: (x) => seen.push(x) });
  await h.cmd(call("wx.connectSocket", [{ url: "u" }], { as: "task" }));
  const r = await h.cmd({ op: "batch", commands: [
    { op: "call", this: { $ref: "task" }, fn: "send", args: [{ data: { $arraybuffer: "AAEC" } }] },
    call("wx.take", [{ $blob: "eA==", type: "text/plain" }]),
    call("wx.take", [{ $handle: "1" }]),
    call("wx.take", [{ $arraybuffer: "!!" }]),
  ] });
  assert.ok(seen[0].data instanceof ArrayBuffer);
  assert.deepEqual([...new Uint8Array(seen[0].data)], [0, 1, 2]);
  assert.ok(seen[1] instanceof Blob);
  assert.equal(seen[1].type, "text/plain");
  assert.equal(seen[2], task);
  assert.match(r.value[3].error, /malformed argument/);
});

test("a throw in the call is thrown (name, message); a bad command is an error", T, async () => {
  const h = harness({ connectSocket() { throw new RangeError("too many"); } });
  assert.deepEqual((await h.cmd(call("wx.connectSocket", [{}]))).thrown, { name: "RangeError", message: "too many" });
  assert.match((await h.cmd({ op: "get", this: { $handle: "7" }, prop: "x" })).error, /unknown handle "7"/);
  assert.match((await h.cmd({ op: "jump" })).error, /unknown op "jump"/);
  assert.match((await h.cmd({ op: "call", fn: "wx.connectSocket", args: {} })).error, /"args" must be an array/);
});

test("reset: closes tasks and sockets, names are forgotten, old functions go silent", T, async () => {
  const task = fakeTask();
  const sock = { connect() {}, write() {}, close() { this.closed = true; }, onMessage(f) { this.f = f; } };
  let legacyClosed = 0;
  const wx = { connectSocket: () => task, createTCPSocket: () => sock, closeSocket() { legacyClosed++; } };
  const h = harness(wx);
  await h.cmd({ op: "batch", commands: [
    call("wx.connectSocket", [{ url: "u" }], { as: "task" }), on("task", "onMessage", "msg"),
    call("wx.createTCPSocket", [], { as: "sock" }), on("sock", "onMessage", "tmsg"),
  ] });
  assert.deepEqual(await h.reset(), { type: "reply", id: 2, ok: true, value: null });
  assert.equal(task.closed, 1);
  assert.equal(sock.closed, true);
  assert.equal(legacyClosed, 1);
  task.fire("message", { data: "late" });
  sock.f({ message: new ArrayBuffer(1) });
  await tick(5);
  assert.deepEqual(h.events(), []);
  const r = await h.cmd({ op: "get", this: { $ref: "task" }, prop: "x" });
  assert.match(r.error, /no object named "task"/);
  const r2 = await h.cmd(call("wx.connectSocket", [{ url: "u" }]));
  // Handle ids are never reused, not even across a reset: a stale one is "unknown".
  assert.deepEqual(r2.value, { $handle: "3", class: "SocketTask" });
  assert.match((await h.cmd({ op: "get", this: { $handle: "1" }, prop: "x" })).error, /unknown handle "1"/);
});

test("bye calls onBye; unknown messages are answered or logged", T, async () => {
  let bye = 0;
  const out = [];
  const shim = createShim({}, { send: (m) => out.push(m), onBye: () => bye++ });
  await shim.handle('{"type":"bye"}');
  await shim.handle('{"type":"dance","id":4}');
  await shim.handle("not json");
  assert.equal(bye, 1);
  assert.deepEqual(out[0], { type: "reply", id: 4, ok: false, error: 'unknown message type "dance"' });
  assert.equal(out[1].type, "log");
});
