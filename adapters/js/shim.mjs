// sockconf JS shim: the IUT side of the adapter protocol (specs/adapter-protocol.md, v1)
// around ANY wx-style object. Plain ES module, no Node-only APIs: it runs in Node (see
// adapters/node/sockconf-node.mjs) and in a browser page alike.
//
//   import { createShim } from "./shim.mjs";
//   const shim = createShim(wx, { send: (msg) => writeLine(JSON.stringify(msg)) });
//   shim.hello();                      // sends the hello message
//   onLine((line) => shim.handle(line)); // a string or an already parsed object
//
// `send` receives message OBJECTS (the caller serialises them), in protocol order.
//
// What the shim decides beyond the protocol text (see adapters/README.md):
// - A call whose return value is a thenable is awaited (bounded by promiseTimeoutMs, like
//   `await` in application code) and answered with its settled value and "promise": true on
//   the reply (or on the batch's inner reply); a rejection is "thrown" with "promise": true;
//   a thenable that does not settle in time is an "error" with "promise": true. In a batch,
//   the next command runs once the thenable settled (as `const t = await wx.connectSocket()`
//   followed by `t.onOpen(...)` would), so a batch is one synchronous block only up to a
//   returned thenable.
// - Objects returned by call/get become handles when they carry methods or are class
//   instances; the class is "SocketTask" (send + onOpen/onMessage), "TCPSocket" (write +
//   connect), else the constructor's name. The same object always gets the same handle.
// - Event arguments are converted structurally (no handles). DOM-like events
//   (Event, MessageEvent, CloseEvent, ErrorEvent; also the `ws` package's look-alikes) become
//   {"$class": <constructor name>, type, data, code, reason, wasClean, message, error, ...};
//   Error objects become {"$class": <name>, name, message, ...own fields}; a Promise becomes
//   {"$class": "Promise"} (with a rejection handler attached, so it never goes unhandled);
//   NaN/Infinity/-0 and bigint become {"$typeof":"number"|"bigint","text":...}.
// - Binary data goes as the platform delivered it, never as a tidier value: an ArrayBuffer is
//   {"$arraybuffer"}, a typed array or DataView (a Node Buffer too) is
//   {"$typedarray": <its class>, "base64": <the view's bytes>}, a Blob is {"$blob", "type"};
//   the harness tells them apart (a Buffer where an ArrayBuffer is documented fails).
// - Blobs are read asynchronously; every later message (event or reply) waits behind the
//   pending read, so order is kept.
// - "clock" is refused (no virtual clock); "virtual-clock" is never a capability.
// - reset: every harness-named function goes dead (a later call of it emits nothing), every
//   SocketTask/TCPSocket handle is closed, wx.closeSocket() is called when connectSocket was
//   used, the options.reset hook (if any) is awaited, then the reply is sent.
// - "bench" (capability "bench", always in hello: it is the shim's, not the platform's) runs
//   the in-runtime echo load loop of ./bench-loop.mjs through the platform's wx API or the
//   host's own sockets (options.hostWebSocket: a WebSocket constructor; options.hostTcp: a
//   connectTcp hook; options.cpuUsage: () => ({user_s, system_s})) and replies with its totals
//   and latency histogram only, never an event per message. Every field is checked first (an
//   "error" reply naming the field); an API the runtime lacks is a result with "unavailable".
//   It is one long command: later messages wait in the chain behind it, as behind any other.
//   Not inside a batch.

import { checkBenchParams, runBenchLoop } from "./bench-loop.mjs";

export const PROTOCOL = 1;

const DEFAULT_PROMISE_TIMEOUT_MS = 5000;
const MAX_DEPTH = 16;

// ---------------------------------------------------------------- base64, no Buffer

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

export function bytesToBase64(bytes) {
  if (typeof btoa === "function") {
    let bin = "";
    for (let i = 0; i < bytes.length; i += 0x8000)
      bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(bin);
  }
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64[n >> 18] + B64[(n >> 12) & 63] + "==";
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + "=";
  }
  return out;
}

/** Bytes of a base64 string; throws on anything that is not canonical base64. */
export function base64ToBytes(text) {
  if (typeof text !== "string" || text.length % 4 !== 0) throw new Error("not valid base64");
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      let v;
      if (c === 61 /* = */ && i + 4 === text.length && j >= 4 - pad) v = 0;
      else {
        v = c < 128 ? B64_INDEX[c] : -1;
        if (v < 0) throw new Error("not valid base64");
      }
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

// ---------------------------------------------------------------- value classification

const tag = (v) => Object.prototype.toString.call(v).slice(8, -1);

const isArrayBuffer = (v) =>
  v instanceof ArrayBuffer || tag(v) === "ArrayBuffer" || tag(v) === "SharedArrayBuffer";

const isBlob = (v) =>
  (typeof Blob !== "undefined" && v instanceof Blob) ||
  ((tag(v) === "Blob" || tag(v) === "File") && typeof v.arrayBuffer === "function");

const isThenable = (v) =>
  v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";

const ctorName = (v) => {
  try {
    const c = v.constructor;
    return typeof c === "function" && c.name ? c.name : "Object";
  } catch {
    return "Object";
  }
};

const isPlainObject = (v) => {
  const p = Object.getPrototypeOf(v);
  return p === null || p === Object.prototype || Object.getPrototypeOf(p) === null;
};

const EVENT_FIELDS = [
  "type", "data", "code", "reason", "wasClean", "message", "error",
  "origin", "lastEventId", "filename", "lineno", "colno",
];
const EVENT_SKIP = new Set([
  "target", "currentTarget", "srcElement", "source", "ports", "path", "composedPath",
  "view", "_target", "_listener",
]);

const isDomEvent = (v) => {
  if (typeof Event !== "undefined" && v instanceof Event) return true;
  const name = ctorName(v);
  if (/Event$/.test(name) && name !== "Object" && typeof v.type === "string") return true;
  return /Event$/.test(tag(v)) && tag(v) !== "Object";
};

const isError = (v) => v instanceof Error || tag(v) === "Error" || tag(v) === "DOMException";

function hasMethods(v) {
  for (let o = v; o && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
    for (const k of Object.getOwnPropertyNames(o)) {
      if (k === "constructor") continue;
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d && typeof d.value === "function") return true;
    }
  }
  return false;
}

/** The class a handle reports: the wx API classes by shape, else the constructor's name. */
export function handleClass(v) {
  const fn = (k) => {
    try {
      return typeof v[k] === "function";
    } catch {
      return false;
    }
  };
  if (fn("write") && fn("connect")) return "TCPSocket";
  if (fn("send") && (fn("onOpen") || fn("onMessage"))) return "SocketTask";
  return ctorName(v);
}

/** Should a call/get result be kept as a handle (rather than copied as data)? */
function wantsHandle(v) {
  if (v === null || (typeof v !== "object" && typeof v !== "function")) return false;
  if (typeof v === "function") return false;
  if (Array.isArray(v) || isArrayBuffer(v) || ArrayBuffer.isView(v) || isBlob(v)) return false;
  if (isError(v) || isThenable(v) || isDomEvent(v)) return false;
  return !isPlainObject(v) || hasMethods(v);
}

const viewBytes = (v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

// ---------------------------------------------------------------- the shim

/** The class a typed array or DataView reports: its constructor's name (Buffer, Uint8Array, …). */
export function viewClass(v) {
  const name = ctorName(v);
  return name === "Object" ? tag(v) : name;
}

/** A hello's adaptations checked (a list of {what, why}, both non-empty strings); throws a TypeError. */
export function checkAdaptations(list) {
  if (!Array.isArray(list)) throw new TypeError("adaptations must be an array of {what, why}, got " + brief(list));
  return list.map((a, i) => {
    if (a === null || typeof a !== "object" || typeof a.what !== "string" || !a.what || typeof a.why !== "string" || !a.why)
      throw new TypeError(`adaptations[${i}] must be {what: string, why: string}, got ${brief(a)}`);
    return { what: a.what, why: a.why };
  });
}

/**
 * @param wx       the wx-style object (wx.connectSocket, wx.createTCPSocket, ...)
 * @param options  {send(msgObject), capabilities?, name?, version?, profile?,
 *                  host?: "browser"|"node"|"native", adaptations?: [{what, why}],
 *                  promiseTimeoutMs?, reset?: async () => void, onBye?: () => void,
 *                  hostWebSocket?: WebSocket-like constructor, hostTcp?: connectTcp hook,
 *                  cpuUsage?: () => ({user_s, system_s})}   (the last three: "bench", bench-loop.mjs)
 *                 capabilities (given or detected) never carry "virtual-clock"; "bench" is always added.
 */
export function createShim(wx, options = {}) {
  if (wx === null || (typeof wx !== "object" && typeof wx !== "function"))
    throw new TypeError("createShim: the wx-style object must be an object, got " + typeof wx);
  const send = options.send;
  if (typeof send !== "function") throw new TypeError("createShim: options.send must be a function");
  const promiseTimeoutMs = options.promiseTimeoutMs ?? DEFAULT_PROMISE_TIMEOUT_MS;

  const capabilities = (options.capabilities ?? detectCapabilities(wx)).filter((c) => c !== "virtual-clock" && c !== "bench");
  capabilities.push("bench");
  for (const k of ["hostWebSocket", "hostTcp", "cpuUsage"])
    if (options[k] !== undefined && typeof options[k] !== "function")
      throw new TypeError(`createShim: options.${k} must be a function or undefined`);
  if (options.host !== undefined && (typeof options.host !== "string" || !options.host))
    throw new TypeError('createShim: options.host must be a string such as "browser" or "node"');
  const adaptations = options.adaptations === undefined ? undefined : checkAdaptations(options.adaptations);

  // --- outgoing queue: messages leave in creation order, each once its Blob reads are done.
  const queue = []; // {msg, pending: number}
  function enqueue(msg, pendings) {
    const entry = { msg, pending: pendings.length };
    queue.push(entry);
    if (entry.pending === 0) flush();
    for (const p of pendings)
      p.then(
        () => {},
        (e) => logLater("adapter: reading a Blob failed: " + describe(e)),
      ).finally(() => {
        entry.pending--;
        flush();
      });
  }
  function flush() {
    while (queue.length && queue[0].pending === 0) {
      const { msg } = queue.shift();
      try {
        send(msg);
      } catch (e) {
        // The transport is gone or broken: nothing more we can say on it.
        if (typeof console !== "undefined") console.error("sockconf shim: send failed:", e);
      }
    }
  }
  function logLater(text) {
    queue.push({ msg: { type: "log", text }, pending: 0 });
    flush();
  }
  function log(text) {
    enqueue({ type: "log", text }, []);
  }

  // --- state (forgotten on reset)
  let generation = 0;
  let depth = 0; // > 0 while a command's synchronous call runs: an invoke now is sync
  let fns = new Map(); // NAME -> function
  let handles = new Map(); // id -> object
  let handleIds = new Map(); // object -> id
  let refs = new Map(); // "as" name -> id
  let nextHandle = 1;
  let usedConnectSocket = false;

  // --- wire -> JS

  function harnessFn(name) {
    let f = fns.get(name);
    if (f) return f;
    const gen = generation;
    f = function () {
      if (gen !== generation) return undefined; // forgotten by a reset: silent
      const sync = depth > 0;
      const pendings = [];
      const args = Array.prototype.map.call(arguments, (a) => toWire(a, pendings, 0, new Set()));
      enqueue({ type: "event", op: "invoke", fn: name, args, sync }, pendings);
      return undefined;
    };
    fns.set(name, f);
    return f;
  }

  function objectOf(ref) {
    if (ref && typeof ref.$ref === "string") {
      const id = refs.get(ref.$ref);
      if (id === undefined) throw new BadCommand(`no object named "${ref.$ref}" (see "as")`);
      return handles.get(id);
    }
    if (ref && typeof ref.$handle === "string") {
      if (!handles.has(ref.$handle)) throw new BadCommand(`unknown handle "${ref.$handle}"`);
      return handles.get(ref.$handle);
    }
    throw new BadCommand(`"this" must be {"$handle":"<id>"} or {"$ref":"<name>"}, got ${brief(ref)}`);
  }

  function fromWire(v, d = 0) {
    if (d > MAX_DEPTH) throw new BadCommand("argument nested too deeply");
    if (Array.isArray(v)) return v.map((x) => fromWire(x, d + 1));
    if (v === null || typeof v !== "object") return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "$fn") {
      if (typeof v.$fn !== "string") throw new BadCommand('"$fn" must name a function with a string');
      return harnessFn(v.$fn);
    }
    if (keys.length === 1 && keys[0] === "$arraybuffer") {
      try {
        const b = base64ToBytes(v.$arraybuffer);
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
      } catch {
        throw new BadCommand("malformed argument: $arraybuffer is not valid base64");
      }
    }
    if ("$typedarray" in v)
      // The harness reads views from the IUT; it never hands one to the API (adapter-protocol.md).
      throw new BadCommand('{"$typedarray"} is a value the IUT delivers; the harness does not send one');
    if ("$blob" in v && keys.every((k) => k === "$blob" || k === "type")) {
      if (typeof Blob === "undefined") throw new BadCommand("this runtime has no Blob");
      let b;
      try {
        b = base64ToBytes(v.$blob);
      } catch {
        throw new BadCommand("malformed argument: $blob is not valid base64");
      }
      return new Blob([b], { type: v.type ?? "" });
    }
    if (keys.length === 1 && (keys[0] === "$handle" || keys[0] === "$ref")) return objectOf(v);
    if (keys.length === 1 && keys[0] === "$typeof") {
      if (v.$typeof === "undefined") return undefined;
      throw new BadCommand(`cannot make a value of {"$typeof":${JSON.stringify(v.$typeof)}}`);
    }
    const out = {};
    for (const k of keys) out[k] = fromWire(v[k], d + 1);
    return out;
  }

  // --- JS -> wire

  function handleOf(obj) {
    let id = handleIds.get(obj);
    if (id === undefined) {
      id = String(nextHandle++);
      handleIds.set(obj, id);
      handles.set(id, obj);
    }
    return { $handle: id, class: handleClass(obj) };
  }

  /** A value as a reply carries it: objects with methods become handles. */
  function resultToWire(v, pendings) {
    return wantsHandle(v) ? handleOf(v) : toWire(v, pendings, 0, new Set());
  }

  function numberToWire(n) {
    if (Number.isFinite(n) && !Object.is(n, -0)) return n;
    return { $typeof: "number", text: Object.is(n, -0) ? "-0" : String(n) };
  }

  function toWire(v, pendings, d, seen) {
    switch (typeof v) {
      case "undefined":
        return { $typeof: "undefined" };
      case "function":
        return { $typeof: "function" };
      case "number":
        return numberToWire(v);
      case "bigint":
        return { $typeof: "bigint", text: String(v) };
      case "symbol":
        return { $typeof: "symbol", text: String(v) };
      case "string":
      case "boolean":
        return v;
    }
    if (v === null) return null;
    if (seen.has(v)) return { $typeof: "object", circular: true };
    if (d > MAX_DEPTH) return { $typeof: "object", truncated: true };
    if (isArrayBuffer(v)) return { $arraybuffer: bytesToBase64(new Uint8Array(v)) };
    // A view is not an ArrayBuffer: its class goes with its bytes (the view's own bytes only,
    // not the rest of its buffer, e.g. the slab a pooled Node Buffer lives in).
    if (ArrayBuffer.isView(v)) return { $typedarray: viewClass(v), base64: bytesToBase64(viewBytes(v)) };
    if (isBlob(v)) {
      const out = { $blob: "", type: typeof v.type === "string" ? v.type : "" };
      pendings.push(
        Promise.resolve()
          .then(() => v.arrayBuffer())
          .then((ab) => {
            out.$blob = bytesToBase64(new Uint8Array(ab));
          }),
      );
      return out;
    }
    if (isThenable(v)) {
      try {
        Promise.resolve(v).catch(() => {});
      } catch {}
      return { $class: "Promise" };
    }
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map((x) => toWire(x, pendings, d + 1, seen));
      if (isDomEvent(v)) {
        const out = { $class: ctorName(v) === "Object" ? tag(v) : ctorName(v) };
        for (const k of EVENT_FIELDS) {
          let x;
          try {
            if (!(k in v)) continue;
            x = v[k];
          } catch {
            continue;
          }
          out[k] = toWire(x, pendings, d + 1, seen);
        }
        for (const k of Object.keys(v)) {
          if (k in out || EVENT_SKIP.has(k) || k.startsWith("_")) continue;
          out[k] = toWire(v[k], pendings, d + 1, seen);
        }
        return out;
      }
      if (isError(v)) {
        const out = { $class: ctorName(v), name: String(v.name), message: String(v.message) };
        for (const k of Object.keys(v)) if (!(k in out)) out[k] = toWire(v[k], pendings, d + 1, seen);
        return out;
      }
      const out = {};
      for (const k of Object.keys(v)) {
        let x;
        try {
          x = v[k];
        } catch (e) {
          x = { $typeof: "object", getterThrew: describe(e) };
          out[k] = x;
          continue;
        }
        out[k] = toWire(x, pendings, d + 1, seen);
      }
      return out;
    } finally {
      seen.delete(v);
    }
  }

  // --- commands

  function thrownOf(e) {
    if (e !== null && typeof e === "object" && typeof e.message === "string")
      return { name: typeof e.name === "string" ? e.name : ctorName(e), message: e.message };
    // Not an Error: say what was thrown instead of inventing one.
    return { name: `(a thrown ${e === null ? "null" : typeof e})`, message: describe(e) };
  }

  function resolveGlobal(path) {
    const parts = path.split(".");
    if (parts[0] === "wx" && parts.length > 1) parts.shift();
    let self = wx;
    let target = wx;
    for (const p of parts) {
      self = target;
      target = target == null ? undefined : target[p];
    }
    return { self, target };
  }

  /** Run one command synchronously; returns {reply} or {thenable, as, finish}. */
  function startOne(command) {
    if (command === null || typeof command !== "object" || Array.isArray(command))
      throw new BadCommand("a command must be an object, got " + brief(command));
    const op = command.op;
    if (typeof op !== "string") throw new BadCommand('"op" must be a string ("call", "get", "batch", "clock" or "bench")');
    if (op === "call") {
      if (typeof command.fn !== "string") throw new BadCommand('"call" needs "fn" as a string');
      const rawArgs = command.args ?? [];
      if (!Array.isArray(rawArgs)) throw new BadCommand('"args" must be an array, got ' + brief(rawArgs));
      let self, target, label;
      if ("this" in command) {
        self = objectOf(command.this);
        label = `${handleClass(self)}.${command.fn}`;
        try {
          target = self[command.fn];
        } catch (e) {
          return { reply: { ok: false, thrown: thrownOf(e) } };
        }
      } else {
        ({ self, target } = resolveGlobal(command.fn));
        label = command.fn;
      }
      const args = rawArgs.map((a) => fromWire(a));
      if (typeof target !== "function")
        return { reply: { ok: false, thrown: { name: "TypeError", message: `${label} is not a function` } } };
      if (!("this" in command) && /(^|\.)connectSocket$/.test(command.fn)) usedConnectSocket = true;
      let value;
      depth++;
      try {
        value = target.apply(self, args);
      } catch (e) {
        return { reply: { ok: false, thrown: thrownOf(e) } };
      } finally {
        depth--;
      }
      if (isThenable(value)) return { thenable: value, label };
      return { value };
    }
    if (op === "get") {
      if (!("this" in command)) throw new BadCommand('"get" needs "this"');
      if (typeof command.prop !== "string") throw new BadCommand('"get" needs "prop" as a string');
      const self = objectOf(command.this);
      depth++;
      try {
        return { value: self[command.prop], get: true };
      } catch (e) {
        return { reply: { ok: false, thrown: thrownOf(e) } };
      } finally {
        depth--;
      }
    }
    if (op === "clock")
      throw new BadCommand('"clock" is not supported: this adapter has no virtual clock (capability "virtual-clock")');
    if (op === "batch") throw new BadCommand('"batch" cannot be nested');
    if (op === "bench") throw new BadCommand('"bench" cannot run inside a batch');
    throw new BadCommand(`unknown op "${op}"`);
  }

  function settle(thenable) {
    return new Promise((resolve) => {
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        resolve({ timeout: true });
      }, promiseTimeoutMs);
      let p;
      try {
        p = Promise.resolve(thenable);
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(
        (value) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve({ value });
        },
        (error) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve({ error });
        },
      );
    });
  }

  /**
   * Run one command to its reply object ({ok, value} | {ok:false, thrown|error}): at once
   * (synchronously) unless the call returned a thenable; then a Promise of the reply.
   */
  function runOne(command, pendings) {
    let started;
    try {
      started = startOne(command);
    } catch (e) {
      if (e instanceof BadCommand) return { ok: false, error: e.message };
      return { ok: false, error: "adapter: " + describe(e) };
    }
    if (started.reply) return started.reply;
    if (!started.thenable) return finish(command, started.value, false, pendings);
    return settle(started.thenable).then((s) => {
      if (s.timeout)
        return {
          ok: false,
          error: `the value returned by ${started.label} is a Promise that did not settle within ${promiseTimeoutMs} ms`,
          promise: true,
        };
      if ("error" in s) return { ok: false, thrown: thrownOf(s.error), promise: true };
      return finish(command, s.value, true, pendings);
    });
  }

  function finish(command, value, promise, pendings) {
    let wire;
    try {
      wire = resultToWire(value, pendings);
    } catch (e) {
      return { ok: false, error: "adapter: cannot convert the result: " + describe(e) };
    }
    if (typeof command.as === "string" && wire && typeof wire.$handle === "string")
      refs.set(command.as, wire.$handle);
    return promise ? { ok: true, value: wire, promise: true } : { ok: true, value: wire };
  }

  /**
   * A command or a batch to its reply. Synchronous as long as no call returns a thenable:
   * no microtask of the IUT runs between a batch's commands or before the reply is queued,
   * as between consecutive lines of JS. A returned thenable is awaited before the batch goes on.
   */
  function runCommand(command, pendings) {
    if (command && typeof command === "object" && command.op === "bench") return runBench(command);
    if (!(command && typeof command === "object" && command.op === "batch")) return runOne(command, pendings);
    if (!Array.isArray(command.commands)) return { ok: false, error: '"batch" needs "commands" as an array' };
    const commands = command.commands;
    const replies = [];
    let i = 0;
    const step = () => {
      while (i < commands.length) {
        const r = runOne(commands[i++], pendings);
        if (r instanceof Promise)
          return r.then((reply) => {
            replies.push(reply);
            return step();
          });
        replies.push(r);
      }
      return { ok: true, value: replies };
    };
    return step();
  }

  /**
   * "bench": the load loop of bench-loop.mjs, in this runtime; a Promise of the reply, or an
   * error reply at once when a field is bad.
   */
  function runBench(command) {
    let params;
    try {
      params = checkBenchParams(command);
    } catch (e) {
      return { ok: false, error: e.message };
    }
    return runBenchLoop({
      ...params,
      wx,
      hostWebSocket: options.hostWebSocket,
      hostTcp: options.hostTcp,
      cpuUsage: options.cpuUsage,
    }).then(
      (value) => ({ ok: true, value }),
      (e) => ({ ok: false, error: "adapter: bench: " + describe(e) }),
    );
  }

  async function doReset() {
    generation++;
    const objects = [...handles.values()];
    const hadConnect = usedConnectSocket;
    fns = new Map();
    handles = new Map();
    handleIds = new Map();
    refs = new Map();
    usedConnectSocket = false;
    const problems = [];
    for (const o of objects) {
      const cls = handleClass(o);
      try {
        if (cls === "SocketTask") {
          const r = o.close({ code: 1000, reason: "sockconf reset" });
          if (isThenable(r)) Promise.resolve(r).catch(() => {});
        } else if (cls === "TCPSocket") {
          const r = o.close();
          if (isThenable(r)) Promise.resolve(r).catch(() => {});
        }
      } catch (e) {
        problems.push(`closing a ${cls} threw ${describe(e)}`);
      }
    }
    if (hadConnect && typeof wx.closeSocket === "function") {
      try {
        const r = wx.closeSocket({});
        if (isThenable(r)) Promise.resolve(r).catch(() => {});
      } catch (e) {
        problems.push(`wx.closeSocket threw ${describe(e)}`);
      }
    }
    if (typeof options.reset === "function") {
      try {
        await options.reset();
      } catch (e) {
        problems.push(`the reset hook threw ${describe(e)}`);
      }
    }
    for (const p of problems) log("adapter: reset: " + p);
  }

  let chain = Promise.resolve();

  /** Handle one message from the harness (a JSON line or a parsed object). */
  function handle(message) {
    const run = async () => {
      let m = message;
      if (typeof m === "string") {
        try {
          m = JSON.parse(m);
        } catch (e) {
          log("adapter: a line from the harness is not JSON: " + brief(message));
          return;
        }
      }
      if (m === null || typeof m !== "object") {
        log("adapter: a message from the harness is not an object: " + brief(m));
        return;
      }
      if (m.type === "command") {
        const pendings = [];
        let reply = runCommand(m.command, pendings);
        if (reply instanceof Promise) reply = await reply;
        enqueue({ type: "reply", id: m.id, ...reply }, pendings);
      } else if (m.type === "reset") {
        await doReset();
        enqueue({ type: "reply", id: m.id, ok: true, value: null }, []);
      } else if (m.type === "bye") {
        generation++;
        if (typeof options.onBye === "function") options.onBye();
      } else if (m.id !== undefined) {
        enqueue({ type: "reply", id: m.id, ok: false, error: `unknown message type ${brief(m.type)}` }, []);
      } else {
        log(`adapter: unknown message type ${brief(m.type)}`);
      }
    };
    const p = chain.then(run, run);
    chain = p.catch(() => {});
    return p;
  }

  function hello() {
    const msg = {
      type: "hello",
      protocol: PROTOCOL,
      name: options.name ?? "sockconf-js-shim",
      version: options.version ?? "0",
      profile: options.profile ?? null,
      capabilities,
    };
    if (options.host !== undefined) msg.host = options.host;
    if (adaptations !== undefined) msg.adaptations = adaptations;
    enqueue(msg, []);
    return msg;
  }

  return { hello, handle, capabilities, log };
}

/** What a wx-style object offers, by the functions it has ("virtual-clock" never). */
export function detectCapabilities(wx) {
  const has = (k) => {
    try {
      return typeof wx[k] === "function";
    } catch {
      return false;
    }
  };
  const caps = [];
  if (has("connectSocket")) caps.push("websocket");
  if (has("sendSocketMessage") && has("onSocketOpen")) caps.push("legacy-globals");
  if (has("createTCPSocket")) caps.push("tcp");
  return caps;
}

class BadCommand extends Error {}

function describe(e) {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  try {
    return typeof e === "string" ? e : JSON.stringify(e) ?? String(e);
  } catch {
    return String(e);
  }
}

function brief(v, max = 120) {
  let s;
  try {
    s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? s.slice(0, max) + "..." : s;
}
