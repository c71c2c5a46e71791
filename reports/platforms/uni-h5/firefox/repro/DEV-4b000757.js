// sockconf repro: ws.callbacks.after-the-call
// success, fail and complete of connectSocket, send and close, and the onOpen, onMessage and onClose listeners, run after the call that caused them has returned
//
// Deviation DEV-4b000757: success/fail/complete called synchronously, inside the call (INV-CALLBACK-ASYNC, WS-CALLBACKS-ASYNC)
//   breaks: WS-CALLBACKS-ASYNC (SHOULD); invariant INV-CALLBACK-ASYNC
//   expected: success, fail and complete run after the call that was given them has returned, never inside it.
//   observed: wx.connectSocket success
//   observed: wx.connectSocket complete
//   observed: SocketTask.send success
//   observed: SocketTask.send complete
//   observed: SocketTask.close success
//   observed: SocketTask.close complete
//   observed: SocketTask.close fail
//   observed: wx.sendSocketMessage success
//   it decided: ws.callbacks.after-the-call
//   also seen in: ws.callbacks.exactly-once, ws.close.already-closed, ws.close.default-code-1000, ws.close.explicit-code-reason, ws.close.invalid-code-closes-nothing, ws.close.invalid-code-rejected, ws.close.nothing-after-close, ws.close.reason-123-bytes-accepted, ws.close.reason-over-123-bytes-rejected, ws.close.success-errmsg, ws.connect.returns-task-success-and-open, ws.connect.success-errmsg, ws.connect.success-sockettaskid, ws.events.drop-error-then-close, ws.events.echo-order, ws.events.empty-messages-keep-type, ws.events.listeners-multiple, ws.events.no-message-after-close, ws.events.no-message-before-open, ws.events.onclose-payload-client-close, ws.events.onclose-payload-server-1000-no-reason, ws.events.onclose-payload-server-no-reason, ws.events.onopen-once, ws.events.push-50-each-once, ws.events.push-binary-is-arraybuffer, ws.events.push-text-is-string, ws.events.types-kept-both-directions, ws.globals.callbacks-exactly-once, ws.globals.callbacks-optional, ws.globals.close-before-open, ws.globals.close-code-reason-sent, ws.globals.close-default-code, ws.globals.close-invalid-code-closes-nothing, ws.globals.close-invalid-code-rejected, ws.globals.close-no-args, ws.globals.close-reason-123-bytes-accepted, ws.globals.close-reason-over-123-bytes-rejected, ws.globals.multi-connection-binding, ws.globals.onsocketclose-once-client-close, ws.globals.onsocketclose-once-server-close, ws.globals.onsocketclose-server-code-reason, ws.globals.onsocketerror-handshake-rejected, ws.globals.onsocketmessage-push-once-each, ws.globals.onsocketmessage-server-push, ws.globals.onsocketopen-header, ws.globals.queue-until-open-flush, ws.globals.send-after-close-fails, ws.globals.send-arraybuffer, ws.globals.send-data-required, ws.globals.send-data-type, ws.globals.send-no-connection-fails, ws.globals.send-order-burst, ws.globals.send-string, ws.globals.send-while-connecting-fails, ws.handshake.header-sent, ws.handshake.protocols-offered, ws.handshake.rejected-403, ws.legacy.data-ignored, ws.legacy.method-connect-ignored, ws.legacy.method-delete-ignored, ws.legacy.method-get-ignored, ws.legacy.method-head-ignored, ws.legacy.method-options-ignored, ws.legacy.method-post-ignored, ws.legacy.method-put-ignored, ws.legacy.method-trace-ignored, ws.legacy.multi-connections-coexist, ws.lifecycle.echo-binary, ws.lifecycle.echo-text, ws.lifecycle.echo-utf8-text, ws.lifecycle.onopen-header, ws.lifecycle.onopen-header-response-fields, ws.limits.max-open-then-extra-refused, ws.limits.slot-freed-by-close, ws.limits.slot-freed-by-rejected-handshake-no-listeners, ws.limits.slot-freed-by-server-close, ws.limits.slot-freed-by-server-close-no-listeners, ws.limits.slot-freed-by-server-close-no-listeners-one-at-a-time, ws.options.header-optional, ws.options.protocols-array-offered-and-selected, ws.options.protocols-optional, ws.options.protocols-single-selected, ws.options.referer-lowercase-not-sent, ws.options.referer-not-sent, ws.options.tcpnodelay-false, ws.options.tcpnodelay-true, ws.options.timeout-ms-hang, ws.options.timeout-ms-slow-handshake-succeeds, ws.options.unknown-keys-ignored, ws.options.url-missing, ws.options.url-not-a-string, ws.readystate.client-close, ws.readystate.closing-until-onclose, ws.readystate.constants, ws.readystate.handshake-failed, ws.readystate.server-close, ws.send.after-close-fails, ws.send.before-open-fails, ws.send.order-burst, ws.send.success-errmsg, ws.server-close.after-messages, ws.server-close.code-and-reason, ws.taro.errmsg-property, ws.taro.methods-present, ws.taro.no-off-methods, ws.taro.no-ws-outside-h5, ws.task.close-during-connecting, ws.task.close-during-connecting-ok-takes-effect, ws.task.close-no-args, ws.task.close-reason-123-bytes-4-byte-mix-accepted, ws.task.close-reason-124-bytes-multibyte-rejected, ws.task.close-then-onclose, ws.task.send-data-required, ws.task.send-data-type, ws.tasks.close-one-other-keeps-working, ws.tasks.events-reach-only-their-task, ws.url.http-refused, ws.url.https-refused, ws.url.relative-path-refused, ws.url.scheme-relative-refused, ws.wss.close-code-reason, ws.wss.close-default-code-1000, ws.wss.close-reason-124-bytes-rejected, ws.wss.drop-error-then-close, ws.wss.echo-binary, ws.wss.echo-text, ws.wss.header-and-referer-on-wire, ws.wss.limits-max-open-then-extra-refused, ws.wss.protocols-on-wire, ws.wss.push-binary-and-text, ws.wss.server-close-code-reason, ws.wss.timeout-ms-hang, ws.wss.ws-accepted-when-not-wss-only
//   shown by the case below, at INV-CALLBACK-ASYNC
//
// The case: ./suites/websocket/connect.json#/cases/3 (suites/README.md: the format)
// Clauses:
//   WS-CALLBACKS-ASYNC (SHOULD): success, fail and complete of connectSocket, SocketTask.send, SocketTask.close, wx.sendSocketMessage and wx.closeSocket run after the call that was given them has returned, never inside it.
//   WS-LISTENERS-ASYNC (MUST): No SocketTask listener and no wx.onSocket* listener is called inside the call that caused its event: events are delivered after the call returns, so a listener registered right after the call (as the documents' samples do) is called.
// Profile: uni-h5 (uni-app H5 (@dcloudio/uni-h5 3.x): uni.connectSocket / SocketTask in a browser); its values are filled in below (timeouts, limits, ${profile.*}).
// Generated by sockconf 0.1.0: sockconf repro ws.callbacks.after-the-call --profile uni-h5
//
// How to run it
//   1. Start the echo servers:  sockconf serve --control --json
//      It prints one line: {"ws":"ws://127.0.0.1:P","tcp":{"host":"127.0.0.1","port":P},
//      "wss":"wss://127.0.0.1:P","ca_pem":"...","control":"http://127.0.0.1:P"}.
//   2. Put its addresses into SERVE below, or set globalThis.SOCKCONF_SERVE to that object first.
//   3. Run this file where `wx` is a global (on Taro: globalThis.wx = Taro): paste it into the devtools
//      console, or evaluate it in your runtime. It prints a line per check (PASS, or FAIL with what was
//      expected and what was observed) and ends with "VERDICT ws.callbacks.after-the-call: ...", graded as sockconf run
//      grades the case. Its value is a Promise of {verdict, outcome, checks, calls}.
//
// The server behaviours it uses (echo-servers/README.md):
//   ${ws}/echo?tag=${tag}  echo every message
//
// Reading the code: callbacks(NAME, API) are the success/fail/complete functions, recorded as NAME.success,
// NAME.fail, NAME.complete; listener(NAME, ...) is the listener recorded as NAME (the same name is the same
// function). A callback or listener called between beginBlock() and endBlock() ran inside a call. The helpers
// are at the bottom of the file. A Promise returned by a call whose value the case does not keep is not
// awaited here (sockconf run's adapter awaits it before the block goes on).
(async function sockconfRepro() {
  "use strict";

  // ---- Where sockconf serve is: edit, or set globalThis.SOCKCONF_SERVE before running ----
  const SERVE = globalThis.SOCKCONF_SERVE ?? {
    ws: "ws://127.0.0.1:PORT", // "ws" of `sockconf serve --control --json`
    wss: "wss://127.0.0.1:PORT", // "wss" (the runtime must trust its "ca_pem")
    tcp: { host: "127.0.0.1", port: "PORT" }, // "tcp"
    control: "http://127.0.0.1:PORT", // "control": TCP listeners, the wire log
  };

  // ---- What sockconf knows about the case (from specs/ and the profile), to judge it ----
  const FACTS = {
    id: "ws.callbacks.after-the-call",
    title: "success, fail and complete of connectSocket, send and close, and the onOpen, onMessage and onClose listeners, run after the call that caused them has returned",
    profile: "uni-h5",
    clauses: ["WS-CALLBACKS-ASYNC","WS-LISTENERS-ASYNC"], // the clauses the case cites: a failing check counts for these
    levels: {"TCP-LISTENERS-ASYNC":"MUST","WS-CALLBACKS-ASYNC":"SHOULD","WS-CALLBACKS-ONE-RESULT-AND-COMPLETE":"MUST","WS-GLOBAL-CALLBACKS-ONE-RESULT-AND-COMPLETE":"MUST","WS-LISTENERS-ASYNC":"MUST","WS-ONCLOSE-LAST":"MUST","WS-ONOPEN-ONCE":"MUST","WS-TASK-READYSTATE-MONOTONIC":"SHOULD"}, // MUST -> FAIL, SHOULD/MAY -> NON-STRICT, INFO -> INFORMATIONAL
    requires: ["websocket"],
    uses: ["ws"], // what SERVE must give (wire: the wire log, when SERVE has "control")
    notFor: "",
    waitTimeoutMs: 5000, // a wait's default timeout
    settleMs: 30, // quiet time after the steps, before the checks
    caseTimeoutMs: 10000, // the whole case
    promiseTimeoutMs: 5000, // a returned Promise (as the adapter shim)
    events: {"SocketTask.onClose":"close","SocketTask.onMessage":"message","SocketTask.onOpen":"open"}, // listener APIs -> their event
    closeSocket: true, // at the end, wx.closeSocket() too (as sockconf's adapter resets)
    lifecycle: {"SocketTask":{"close":"close","open":"open"}},
    invariants: [
      {"clauses":{"SocketTask":"WS-CALLBACKS-ONE-RESULT-AND-COMPLETE","wx.closeSocket":"WS-GLOBAL-CALLBACKS-ONE-RESULT-AND-COMPLETE","wx.connectSocket":"WS-CALLBACKS-ONE-RESULT-AND-COMPLETE","wx.sendSocketMessage":"WS-GLOBAL-CALLBACKS-ONE-RESULT-AND-COMPLETE"},"id":"INV-CALLBACK-ONE-RESULT","rule":"A call given callbacks gets exactly one of success or fail."},
      {"clauses":{"SocketTask":"WS-CALLBACKS-ONE-RESULT-AND-COMPLETE","wx.closeSocket":"WS-GLOBAL-CALLBACKS-ONE-RESULT-AND-COMPLETE","wx.connectSocket":"WS-CALLBACKS-ONE-RESULT-AND-COMPLETE","wx.sendSocketMessage":"WS-GLOBAL-CALLBACKS-ONE-RESULT-AND-COMPLETE"},"id":"INV-CALLBACK-COMPLETE","rule":"A call given callbacks gets exactly one complete, after its success or fail."},
      {"clauses":{"SocketTask":"WS-CALLBACKS-ASYNC","wx":"WS-CALLBACKS-ASYNC"},"id":"INV-CALLBACK-ASYNC","rule":"success, fail and complete run after the call that was given them has returned, never inside it."},
      {"clauses":{"SocketTask":"WS-LISTENERS-ASYNC","TCPSocket":"TCP-LISTENERS-ASYNC","wx":"WS-LISTENERS-ASYNC"},"id":"INV-LISTENER-ASYNC","rule":"No listener is called inside the call that caused its event."},
      {"clauses":{"SocketTask":"WS-ONOPEN-ONCE"},"id":"INV-TASK-OPEN-ONCE","rule":"A SocketTask's onOpen listener is called at most once."},
      {"clauses":{"SocketTask":"WS-ONCLOSE-LAST"},"id":"INV-TASK-CLOSE-ONCE","rule":"A SocketTask's onClose listener is called at most once."},
      {"clauses":{"SocketTask":"WS-ONCLOSE-LAST"},"id":"INV-TASK-NOTHING-AFTER-CLOSE","rule":"No listener of a SocketTask is called after its onClose."},
      {"clauses":{"SocketTask":"WS-TASK-READYSTATE-MONOTONIC"},"id":"INV-READYSTATE-MONOTONIC","rule":"Every read of a SocketTask's readyState is at least the read of the same task before it."},
    ],
  };
  const {
    TAG, beginBlock, callbacks, endBlock, expect, finish, invariants, isThenable, listener, mustReturn, once, settle, settled, start, stepsStopped, until,
  } = sockconfRuntime(FACTS, SERVE);
  let task; // what the case creates (and ports)

  if (start()) {
    // ---- The steps -------------------------------------------------------------
    try {
      // /steps/0 to /steps/3: one synchronous block (no await: no callback or event can run in between)
      beginBlock();
      task = wx.connectSocket({ url: `${SERVE.ws}/echo?tag=${TAG}`, ...callbacks("task", "wx.connectSocket") });  // /steps/0
      if (isThenable(task)) { endBlock(); task = await settled(task, "wx.connectSocket"); beginBlock(); } // a Promise (Taro): awaited, as sockconf's adapter shim does; the block goes on after it
      mustReturn("/steps/0", "wx.connectSocket", task, "SocketTask");
      task.onOpen(listener("open", task, "SocketTask.onOpen"));  // /steps/1
      task.onMessage(listener("msg", task, "SocketTask.onMessage"));  // /steps/2
      task.onClose(listener("closed", task, "SocketTask.onClose"));  // /steps/3
      endBlock();
      await until("/steps/4/wait", "open", { timeoutMs: 5000 });
      // /steps/5: one synchronous block (no await: no callback or event can run in between)
      beginBlock();
      task.send({ data: "later", ...callbacks("send", "SocketTask.send") });  // /steps/5
      endBlock();
      await until("/steps/6/wait", "msg", { timeoutMs: 5000 });
      // /steps/7: one synchronous block (no await: no callback or event can run in between)
      beginBlock();
      task.close({ ...callbacks("close", "SocketTask.close") });  // /steps/7
      endBlock();
      await until("/steps/8/wait", "closed", { timeoutMs: 5000 });
    } catch (e) {
      stepsStopped(e); // a wait or a wire step failed, time ran out, or a call threw
    }
    // ---- What to look for (checked after the settle time, 30 ms) ----
    if (await settle()) {
      await expect("/expect/0", once("task.complete"));
      await expect("/expect/1", once("send.complete"));
      await expect("/expect/2", once("close.complete"));
      invariants(); // the global invariants sockconf checks on every case (specs/invariants.json)
    }
  }
  return finish([task]); // the verdict; then what is still open is closed

  // ======================================================================================
  // The helpers below are the same in every sockconf repro script. They record what the
  // callbacks and listeners receive and judge it as `sockconf run` does (suites/README.md):
  // values are compared in the form the adapter shim (adapters/js/shim.mjs) reports them
  // (an ArrayBuffer as its bytes, undefined as {"$typeof":"undefined"}, a DOM event by its
  // fields), waits are bounded, the case has an overall deadline, the global invariants
  // are checked, and the verdict is graded from the levels of the clauses (MUST -> FAIL,
  // SHOULD/MAY -> NON-STRICT, INFO -> INFORMATIONAL).
  // ======================================================================================
  function sockconfRuntime(FACTS, SERVE) {
    const print = (line) => console.log(line);
    // The platform's wx, as the case's code sees it (a global variable, not necessarily a property of globalThis).
    const platform = () => (typeof wx !== "undefined" ? wx : undefined);
    const started = Date.now();
    const deadline = started + FACTS.caseTimeoutMs;
    const calls = []; // every call of a callback or listener: {seq, fn, arg, sync}
    const fns = new Map(); // name -> the one function of that name
    const made = new Map(); // callback base -> {n: calls given these callbacks, api}
    const registrations = []; // listeners added with on*: {fn, handle, cls, event, api}
    const handles = new Map(); // object -> id, to tell SocketTasks apart
    const checks = []; // every check judged, in order
    const bound = {}; // ${bound.NAME} of a wait's "bind"
    const listeners = {}; // "listen" steps: name -> {port, tag}
    const openedPorts = []; // listeners opened on sockconf serve, closed at the end: "port" or "port&family=F"
    const seen = new Set(); // notes printed once
    let seq = 0;
    let depth = 0; // > 0 inside a synchronous block: a callback or listener called now is "sync"
    let stopped = ""; // why the steps ended early: failed, timeout, error, skip
    let skipMessage = "";

    class Stop extends Error {} // ends the steps (the check that says why is already recorded)
    class Cannot extends Error {} // something this script needs from sockconf serve is missing

    // ---------------------------------------------------------------- values as the shim reports them

    const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    function toBase64(bytes) {
      let out = "";
      let i = 0;
      for (; i + 2 < bytes.length; i += 3) {
        const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
        out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
      }
      if (bytes.length - i === 1) {
        const n = bytes[i] << 16;
        out += B64[n >> 18] + B64[(n >> 12) & 63] + "==";
      } else if (bytes.length - i === 2) {
        const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
        out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + "=";
      }
      return out;
    }
    function fromBase64(text) {
      const clean = String(text).replace(/=+$/, "");
      const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
      let bits = 0;
      let value = 0;
      let o = 0;
      for (const ch of clean) {
        const v = B64.indexOf(ch);
        if (v < 0) throw new Error("not valid base64: " + text);
        value = (value << 6) | v;
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          out[o++] = (value >> bits) & 255;
        }
      }
      return out.subarray(0, o);
    }
    function utf8Bytes(text) {
      const out = [];
      for (const ch of String(text)) {
        const c = ch.codePointAt(0);
        if (c < 0x80) out.push(c);
        else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
        else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      }
      return new Uint8Array(out);
    }
    /** An ArrayBuffer of these base64 bytes ({"$arraybuffer": ...} in the case). */
    function arrayBuffer(base64) {
      const b = fromBase64(base64);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    }
    /** An ArrayBuffer of the UTF-8 bytes of `text` ({"$arraybuffer_text": ...} in the case). */
    function utf8(text) {
      const b = utf8Bytes(text);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    }

    const tagOf = (v) => Object.prototype.toString.call(v).slice(8, -1);
    const isArrayBuffer = (v) => v instanceof ArrayBuffer || tagOf(v) === "ArrayBuffer";
    const isBlob = (v) => (typeof Blob !== "undefined" && v instanceof Blob) || tagOf(v) === "Blob";
    const isThenable = (v) =>
      v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";
    const ctorName = (v) => {
      try {
        return (typeof v.constructor === "function" && v.constructor.name) || "Object";
      } catch {
        return "Object";
      }
    };
    const isEvent = (v) =>
      (typeof Event !== "undefined" && v instanceof Event) ||
      (/Event$/.test(ctorName(v)) && ctorName(v) !== "Object" && typeof v.type === "string");
    const EVENT_FIELDS = ["type", "data", "code", "reason", "wasClean", "message", "error"];

    /** A value as the adapter shim reports it (see adapters/js/shim.mjs, toWire). */
    function toWire(v, depthLeft = 16, seenObjects = new Set()) {
      switch (typeof v) {
        case "undefined":
          return { $typeof: "undefined" };
        case "function":
          return { $typeof: "function" };
        case "number":
          return Number.isFinite(v) && !Object.is(v, -0) ? v : { $typeof: "number", text: Object.is(v, -0) ? "-0" : String(v) };
        case "bigint":
          return { $typeof: "bigint", text: String(v) };
        case "symbol":
          return { $typeof: "symbol", text: String(v) };
        case "string":
        case "boolean":
          return v;
      }
      if (v === null) return null;
      if (isArrayBuffer(v)) return { $arraybuffer: toBase64(new Uint8Array(v)) };
      if (ArrayBuffer.isView(v)) {
        note(`a value was a ${ctorName(v)}, not an ArrayBuffer: compared as the ArrayBuffer of its bytes (as sockconf run does)`);
        return { $arraybuffer: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
      }
      if (isBlob(v)) return { $blob: "", type: typeof v.type === "string" ? v.type : "" };
      if (isThenable(v)) return { $class: "Promise" };
      if (seenObjects.has(v)) return { $typeof: "object", circular: true };
      if (depthLeft <= 0) return { $typeof: "object", truncated: true };
      seenObjects.add(v);
      try {
        const inner = (x) => toWire(x, depthLeft - 1, seenObjects);
        if (Array.isArray(v)) return v.map(inner);
        if (isEvent(v)) {
          const out = { $class: ctorName(v) };
          for (const k of EVENT_FIELDS) if (k in v) out[k] = inner(v[k]);
          for (const k of Object.keys(v)) if (!(k in out) && !k.startsWith("_") && k !== "target") out[k] = inner(v[k]);
          return out;
        }
        if (v instanceof Error) {
          const out = { $class: ctorName(v), name: String(v.name), message: String(v.message) };
          for (const k of Object.keys(v)) if (!(k in out)) out[k] = inner(v[k]);
          return out;
        }
        const out = {};
        for (const k of Object.keys(v)) {
          try {
            out[k] = inner(v[k]);
          } catch (e) {
            out[k] = { $typeof: "object", getterThrew: String(e) };
          }
        }
        return out;
      } finally {
        seenObjects.delete(v);
      }
    }

    const isWireBytes = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "$arraybuffer" in v;

    /** The type name a matcher's "type" compares with. */
    function typeName(v) {
      if (v === null) return "null";
      if (Array.isArray(v)) return "array";
      if (typeof v === "object") {
        const keys = Object.keys(v);
        if (keys.length === 1 && typeof v.$typeof === "string") return v.$typeof;
        if ("$blob" in v) return "blob";
        if (isWireBytes(v)) return "arraybuffer";
        return "object";
      }
      return typeof v; // string, number, boolean
    }

    function sameValue(a, b) {
      if (isWireBytes(a) && isWireBytes(b)) return toBase64(fromBase64(a.$arraybuffer)) === toBase64(fromBase64(b.$arraybuffer));
      if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
      if (Array.isArray(a) !== Array.isArray(b)) return false;
      if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
      const ka = Object.keys(a);
      const kb = Object.keys(b);
      return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue(a[k], b[k]));
    }

    function brief(v, max = 120) {
      if (v === undefined) return "(absent)";
      let s;
      try {
        s = JSON.stringify(toWire(v));
      } catch {
        s = String(v);
      }
      return s.length > max ? s.slice(0, max) + "..." : s;
    }

    /** The value at a dotted path ("code", "header.upgrade", "messages.0.head"); undefined when absent. */
    function lookup(value, path) {
      let cur = value;
      for (const key of path === "" ? [] : path.split(".")) {
        if (Array.isArray(cur)) {
          if (!/^[0-9]+$/.test(key) || Number(key) >= cur.length) return undefined;
          cur = cur[Number(key)];
        } else if (cur !== null && typeof cur === "object" && !isWireBytes(cur)) {
          if (!Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
          cur = cur[key];
        } else {
          return undefined;
        }
      }
      return cur;
    }

    // ---------------------------------------------------------------- matchers (suites/README.md)

    const isPlainMatcher = (m) =>
      m === null || typeof m !== "object" || Array.isArray(m) || isArrayBuffer(m) || ArrayBuffer.isView(m) ||
      Object.keys(m).length === 0 || Object.keys(m)[0].startsWith("$");
    const miss = (expected, value) => ({ expected, observed: brief(value) });
    const byteLength = (v) =>
      typeof v === "string" ? utf8Bytes(v).length : isWireBytes(v) ? fromBase64(v.$arraybuffer).length : undefined;

    /** null when `value` (undefined: absent; else as toWire gives it) satisfies matcher `m`; else why not. */
    function checkMatcher(m, value) {
      if (isPlainMatcher(m)) return value !== undefined && sameValue(value, toWire(m)) ? null : miss(brief(m), value);
      const keys = Object.keys(m);
      if (m.any_of) {
        let ok = false;
        const whys = [];
        for (const alt of m.any_of) {
          const why = checkMatcher(alt, value);
          if (why) whys.push(why.expected);
          else ok = true;
        }
        if (!ok) return miss("any of [" + whys.join("; ") + "]", value);
        if (keys.length === 1) return null;
      }
      const undef = value === undefined || typeName(value) === "undefined";
      if ("present" in m) {
        if (m.present === undef) return miss(m.present ? "present" : "absent", value);
        if (undef) return null;
      }
      if (undef) {
        if (m.type === "undefined" && keys.length === (m.any_of ? 2 : 1)) return null;
        return miss("a value matching " + brief(m), value);
      }
      if ("equals" in m && !sameValue(value, toWire(m.equals))) return miss(brief(m.equals), value);
      for (const [kind, holds] of [
        ["prefix", (s, w) => s.startsWith(w)],
        ["contains", (s, w) => s.includes(w)],
      ]) {
        if (!(kind in m)) continue;
        if (typeof value !== "string") return miss(`a string (${kind} ${brief(m[kind])})`, value);
        if (!holds(value, String(m[kind]))) return miss(`a string with ${kind} ${brief(m[kind])}`, value);
      }
      if ("regex" in m) {
        if (typeof value !== "string") return miss(`a string (regex ${brief(m.regex)})`, value);
        if (!new RegExp(m.regex).test(value)) return miss(`a string with regex ${brief(m.regex)}`, value);
      }
      if ("type" in m && typeName(value) !== m.type)
        return { expected: "type " + m.type, observed: typeName(value) + " " + brief(value) };
      if ("byte_length" in m) {
        const n = byteLength(value);
        if (n !== m.byte_length)
          return { expected: m.byte_length + " bytes", observed: (n === undefined ? typeName(value) : n + " bytes") + " " + brief(value) };
      }
      if ("one_of" in m && !m.one_of.some((o) => sameValue(value, toWire(o))))
        return miss("one of " + brief(m.one_of), value);
      for (const bound of ["min", "max"]) {
        if (!(bound in m)) continue;
        if (typeof value !== "number") return miss(`a number (${bound} ${m[bound]})`, value);
        if (bound === "min" ? !(value >= m.min) : !(value <= m.max)) return miss((bound === "min" ? ">= " : "<= ") + m[bound], value);
      }
      return null;
    }

    /** null when every path of the pattern holds; else the first miss, with its path. */
    function checkPattern(pattern, value) {
      for (const [path, m] of Object.entries(pattern)) {
        const why = checkMatcher(m, lookup(value, path));
        if (why) return { ...why, path, text: `${path}: expected ${why.expected}, got ${why.observed}` };
      }
      return null;
    }

    // ---------------------------------------------------------------- recording

    function note(text) {
      if (seen.has(text)) return;
      seen.add(text);
      print("NOTE  " + text);
    }

    /** The function named `name`: it records each call (the same name is the same function). */
    function fn(name) {
      let f = fns.get(name);
      if (!f) {
        f = function () {
          // As the shim: the first argument is the call's argument; none reads as null.
          const arg = arguments.length ? toWire(arguments[0]) : null;
          calls.push({ seq: ++seq, fn: name, arg, sync: depth > 0 });
        };
        fns.set(name, f);
      }
      return f;
    }

    /** success/fail/complete of a call, recorded as `${base}.success` ... */
    function callbacks(base, api) {
      const m = made.get(base) ?? { n: 0, api };
      m.n++;
      made.set(base, m);
      return { success: fn(base + ".success"), fail: fn(base + ".fail"), complete: fn(base + ".complete") };
    }

    /** A listener named `name`; with `target` and `api`, an on* registration (for the invariants). */
    function listener(name, target, api) {
      if (api && FACTS.events[api]) {
        let handle = "wx";
        if (target !== platform()) {
          if (!handles.has(target)) handles.set(target, String(handles.size + 1));
          handle = handles.get(target);
        }
        registrations.push({ fn: name, handle, cls: api.split(".")[0], event: FACTS.events[api], api });
      }
      return fn(name);
    }

    /** A synchronous block of the case starts: what is called until endBlock() ran inside a call. */
    const beginBlock = () => void depth++;
    const endBlock = () => void (depth = Math.max(0, depth - 1));

    // ---------------------------------------------------------------- checks

    const levelRank = { FAIL: 3, "NON-STRICT": 2, INFORMATIONAL: 1, PASS: 0 };
    /** The grade a failing check of these clauses gives (unknown ids count as MUST). */
    function gradeFor(clauses) {
      let should = false;
      for (const id of clauses) {
        const level = FACTS.levels[id] ?? "MUST";
        if (level === "MUST") return "FAIL";
        if (level === "SHOULD" || level === "MAY") should = true;
      }
      return should ? "NON-STRICT" : "INFORMATIONAL";
    }

    /** Record and print one check. status: PASS, FAIL, ERROR, TIMEOUT, NOT CHECKED, ALSO SEEN. */
    function record(at, title, status, opts = {}) {
      const k = {
        at,
        title,
        status,
        expected: opts.expected ?? "",
        observed: opts.observed ?? "",
        clauses: opts.clauses && opts.clauses.length ? opts.clauses : FACTS.clauses,
        counts: opts.counts ?? true,
        kind: opts.kind ?? "check",
        grade: opts.grade,
        name: opts.name,
      };
      checks.push(k);
      const where = at ? at + "  " : "";
      let line = `${status.padEnd(5)} ${where}${title}`;
      if (status !== "PASS" && (k.expected || k.observed))
        line += `\n        expected: ${k.expected}\n        observed: ${k.observed}`;
      if (status === "FAIL" && k.counts) line += `\n        (${k.clauses.map((id) => id + " " + (FACTS.levels[id] ?? "?")).join(", ")})`;
      print(line);
      return k;
    }
    const pass = (at, title, opts) => record(at, title, "PASS", opts);
    const fail = (at, title, expected, observed, opts = {}) => record(at, title, "FAIL", { ...opts, expected, observed });

    const quoted = (names) => names.map((n) => `"${n}"`).join(" or ");
    const calledSoFar = () => calls.map((c) => c.fn).join(", ") || "nothing";

    function matching(names, pattern) {
      const out = { all: 0, seqs: [], firstMiss: null };
      for (const c of calls) {
        if (!names.includes(c.fn)) continue;
        out.all++;
        const why = pattern ? checkPattern(pattern, c.arg) : null;
        if (!why) out.seqs.push(c.seq);
        else if (!out.firstMiss) out.firstMiss = { ...why, seq: c.seq, fn: c.fn };
      }
      return out;
    }

    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

    function caseTimedOut(at, clauses) {
      record(at, "the case's time", "TIMEOUT", {
        expected: "the case to finish within its timeout",
        observed: `the case timed out (${FACTS.caseTimeoutMs} ms) before ${at}`,
        clauses,
      });
      stopped = stopped || "timeout";
      return new Stop("timeout");
    }

    /** Wait until `count` calls of any of `names` whose argument matches; else the steps stop. */
    async function until(at, names, opts = {}) {
      names = [].concat(names);
      const count = opts.count ?? 1;
      const timeout = opts.timeoutMs ?? FACTS.waitTimeoutMs;
      const end = Math.min(Date.now() + timeout, deadline);
      const title = "wait for " + quoted(names);
      while (matching(names, opts.match).seqs.length < count && Date.now() < end) await sleep(Math.min(10, end - Date.now()));
      const n = matching(names, opts.match);
      if (n.seqs.length >= count) {
        if (opts.bind) {
          const first = calls.find((c) => names.includes(c.fn) && !(opts.match && checkPattern(opts.match, c.arg)));
          for (const [name, path] of Object.entries(opts.bind)) {
            const v = lookup(first.arg, path);
            if (v === undefined) {
              fail(at, title, `a value at "${path}" of ${first.fn}`, "(absent) in " + brief(first.arg, 200), { clauses: opts.clauses });
              stopped = "failed";
              throw new Stop("failed");
            }
            bound[name] = v;
          }
        }
        pass(at, title, { clauses: opts.clauses });
        return;
      }
      if (Date.now() >= deadline) throw caseTimedOut(at, opts.clauses);
      let observed = n.seqs.length + " matching" + (opts.match ? ` of ${n.all} call(s)` : "");
      if (n.firstMiss) observed += `; first mismatch: #${n.firstMiss.seq} ${n.firstMiss.fn} ${n.firstMiss.text}`;
      observed += "; called so far: " + calledSoFar();
      fail(at, title,
        `${count} call(s) of ${quoted(names)}` + (opts.match ? " with an argument matching " + brief(opts.match, 200) : "") + ` within ${timeout} ms`,
        observed, { clauses: opts.clauses });
      stopped = "failed";
      throw new Stop("failed");
    }

    /** A `get` step: read a property (in the block), and match it when the case says what it must be. */
    function got(at, what, read, m, clauses) {
      let v;
      try {
        v = read();
      } catch (e) {
        fail(at, "get " + what, `reading ${what} to give a value`, "it threw: " + brief(thrown(e)), { clauses });
        return undefined;
      }
      if (m === undefined) return v;
      const why = checkMatcher(m, toWire(v));
      if (why) fail(at, "get " + what, `${what} to match ${brief(m)}`, why.observed, { clauses });
      else pass(at, `get ${what}: ${brief(v)}`, { clauses });
      return v;
    }

    /** A call's return value against the case's "returns". */
    function returned(at, what, value, m, clauses) {
      const why = checkMatcher(m, toWire(value));
      if (why) fail(at, what + " return value", "a return value " + why.expected, why.observed, { clauses });
      else pass(at, `${what} returned ${brief(value)}`, { clauses });
    }

    /** The form of a call's result: a Promise where `promise` is true, the result itself where false. */
    function promiseForm(at, what, value, promise, clauses) {
      if (isThenable(value) && !promise)
        fail(at, what, `${what} to return its result synchronously`, "it returned a Promise", { clauses });
      if (!isThenable(value) && promise)
        fail(at, what, `${what} to return a Promise of its result`, "it returned its result synchronously", { clauses });
    }

    const thrown = (e) =>
      e !== null && typeof e === "object" && typeof e.message === "string"
        ? { name: typeof e.name === "string" ? e.name : ctorName(e), message: e.message }
        : { name: `(a thrown ${e === null ? "null" : typeof e})`, message: String(e) };

    /** A call the case expects to throw ("throws": true, or a matcher for the message). */
    function throws(at, what, call, m, clauses) {
      let value;
      try {
        value = call();
      } catch (e) {
        const why = m === true ? null : checkMatcher(m, thrown(e).message);
        if (why) fail(at, what, "a thrown error whose message is " + why.expected, why.observed, { clauses });
        else pass(at, `${what} threw ${brief(thrown(e))}`, { clauses });
        return;
      }
      fail(at, what, `${what} to throw`, "it returned " + brief(value), { clauses });
    }

    /** Did the may_throw call of `base` just throw? */
    const threw = (base) => justThrew === base;

    /**
     * A call that creates an object (connectSocket, createTCPSocket) must return one: an object
     * with methods, as the adapter shim would hand back a handle. Else the steps stop, as in sockconf run.
     */
    function mustReturn(at, what, value, cls, clauses) {
      const plain = value !== null && typeof value === "object" && [null, Object.prototype].includes(Object.getPrototypeOf(value));
      let methods = false;
      for (let o = value; o && o !== Object.prototype; o = Object.getPrototypeOf(o))
        methods = methods || Object.getOwnPropertyNames(o).some((k) => k !== "constructor" && typeof Object.getOwnPropertyDescriptor(o, k).value === "function");
      const handle = value !== null && typeof value === "object" && !Array.isArray(value) && !isArrayBuffer(value) &&
        !ArrayBuffer.isView(value) && !isBlob(value) && !(value instanceof Error) && !isThenable(value) && !isEvent(value) && (!plain || methods);
      if (handle) return;
      fail(at, what, `${what} to return a ${cls}`, "it returned " + brief(value, 200), { clauses });
      stopped = "failed";
      throw new Stop("failed");
    }

    /** "may_throw": a throw is allowed and recorded as a call of `${base}.threw` with {name, message}. */
    let justThrew = ""; // the base of the mayThrow call that just threw
    function mayThrow(base, call) {
      justThrew = "";
      try {
        return call();
      } catch (e) {
        justThrew = base;
        calls.push({ seq: ++seq, fn: base + ".threw", arg: thrown(e), sync: false });
        print(`      ${base}: the call threw ${brief(thrown(e))} (allowed; later calls on ${base} are skipped)`);
        return undefined;
      }
    }

    /**
     * A call returned a thenable (Taro's connectSocket returns a Promise of the SocketTask): await it,
     * bounded as the adapter shim does (adapters/js/shim.mjs: promiseTimeoutMs, 5 s), and go on with
     * its value. Only then does the rest of the block run, as in `sockconf run`.
     */
    async function settled(value, what) {
      note(`${what} returned a Promise: awaited before the next line, as sockconf's adapter shim does`);
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the Promise returned by ${what} did not settle within ${FACTS.promiseTimeoutMs} ms`)), FACTS.promiseTimeoutMs);
      });
      try {
        return await Promise.race([Promise.resolve(value), timeout]);
      } finally {
        clearTimeout(timer);
      }
    }

    // ---------------------------------------------------------------- sockconf serve

    const portOf = (url) => {
      const m = /^[a-z]+:\/\/[^/:]+:(\d+)/.exec(String(url));
      return m ? Number(m[1]) : undefined;
    };

    /** GET a path of sockconf serve's control address (`sockconf serve --control`), as JSON. */
    async function control(path) {
      if (!SERVE.control || /PORT/.test(String(SERVE.control)))
        throw new Cannot("this needs sockconf serve's control address: start `sockconf serve --control --json` and put its \"control\" into SERVE");
      const url = String(SERVE.control).replace(/\/$/, "") + path;
      if (typeof fetch === "function") {
        const r = await fetch(url, typeof AbortSignal !== "undefined" && AbortSignal.timeout ? { signal: AbortSignal.timeout(5000) } : {});
        const body = await r.json();
        if (!r.ok) throw new Error(body.error ?? `${url}: HTTP ${r.status}`);
        return body;
      }
      const wx = platform();
      if (wx && typeof wx.request === "function")
        return new Promise((resolve, reject) =>
          wx.request({
            url,
            timeout: 5000,
            success: (r) => (r.statusCode === 200 ? resolve(r.data) : reject(new Error((r.data && r.data.error) || `${url}: HTTP ${r.statusCode}`))),
            fail: (e) => reject(new Error(`${url}: ${e && e.errMsg}`)),
          }),
        );
      throw new Cannot("this runtime has neither fetch nor wx.request to reach sockconf serve's control address");
    }

    /** A TCP listener of sockconf serve for this run (a "listen" step). */
    async function listen(at, name, opts) {
      const family = opts.family ? `&family=${opts.family}` : "";
      const q = `tag=${encodeURIComponent(TAG + "-" + name)}&behaviour=${opts.behaviour}&bytes=${opts.bytes ?? 0}&port=${opts.port ?? 0}${family}`;
      let r;
      try {
        r = await control("/listen?" + q);
      } catch (e) {
        if (e instanceof Cannot) throw e;
        skipMessage = `${at}: ${e.message}, so this check cannot be made here`;
        stopped = "skip";
        throw new Stop("skip");
      }
      openedPorts.push(r.port + family);
      listeners[name] = { port: r.port, tag: TAG + "-" + name, host: r.host ?? SERVE.tcp.host };
      print(`      listening on ${listeners[name].host} port ${r.port} (${opts.behaviour}, tag ${TAG}-${name})`);
      return listeners[name];
    }

    /** ${tcp.port}: a TCP echo listener of this run whose connections carry ${tag}. */
    async function tcpEcho() {
      if (!SERVE.control || /PORT/.test(String(SERVE.control))) {
        note("no control address: ${tcp.port} is sockconf serve's main TCP echo port (its connections carry no tag)");
        return SERVE.tcp.port;
      }
      const r = await control(`/listen?tag=${encodeURIComponent(TAG)}&behaviour=echo`);
      openedPorts.push(r.port);
      return r.port;
    }

    /** ${tcp.closed_port}: a port where nothing listens, held by the server (so that no
     *  other socket takes it) until the script's end gives it back with its listeners. */
    async function closedPort() {
      const r = await control(`/closed-port?tag=${encodeURIComponent(TAG)}-closed`);
      openedPorts.push(r.port);
      return r.port;
    }

    /** What the echo servers saw: a `wire` step or expectation (suites/README.md). */
    function wire(spec) {
      const what = [spec.tag !== undefined ? `tag ${spec.tag}` : "", spec.count !== undefined ? `${spec.count} connection(s)` : "",
        spec.match ? `#${spec.index ?? 0} matching ${brief(spec.match)}` : ""].filter(Boolean).join(", ");
      return {
        title: "the server saw " + what,
        async judge() {
          const tag = spec.tag ?? TAG;
          const timeout = spec.timeoutMs ?? FACTS.waitTimeoutMs;
          const end = Math.min(Date.now() + timeout, deadline);
          const index = spec.index ?? 0;
          for (;;) {
            const records = (await control("/wire?tag=" + encodeURIComponent(tag))).records;
            let why = null;
            let final = false;
            if (spec.count !== undefined && records.length !== spec.count) {
              why = `${records.length} connection(s) tagged "${tag}"`;
              final = records.length > spec.count; // connections are never taken back
            } else if (spec.match) {
              if (index >= records.length) why = `no connection #${index} tagged "${tag}" (${records.length} seen)`;
              else {
                const m = checkPattern(spec.match, records[index]);
                if (m) {
                  why = `connection #${index}: ${m.text}`;
                  final = records[index].end !== "open"; // an ended connection's record no longer changes
                }
              }
            }
            if (!why) return null;
            if (final || Date.now() >= end) {
              if (!final && Date.now() >= deadline) return { timeout: true };
              let expected = "the server to have seen ";
              if (spec.count !== undefined) expected += `${spec.count} connection(s) tagged "${tag}"`;
              if (spec.match) expected += (spec.count !== undefined ? ", " : "") + `connection #${index} matching ${brief(spec.match, 200)}`;
              return { expected: expected + (final ? "" : ` within ${timeout} ms`), observed: why };
            }
            await sleep(Math.min(50, end - Date.now()));
          }
        },
      };
    }

    /** A `wire` step: the steps stop when it does not hold. */
    async function wireStep(at, spec, clauses) {
      await judgeInto(at, wire(spec), clauses, "step");
      if (stopped) throw new Stop(stopped);
    }

    // ---------------------------------------------------------------- expectations (suites/README.md)

    /** {"order": [...]}: each called, the first calls in this order. */
    function order(...names) {
      return {
        title: "order " + names.join(", "),
        judge() {
          let last = 0;
          let lastName = "";
          for (const n of names) {
            const s = matching([n]).seqs;
            if (!s.length) return { expected: "calls in the order " + names.join(", "), observed: `"${n}" was never called; called: ${calledSoFar()}` };
            if (s[0] < last) return { expected: "calls in the order " + names.join(", "), observed: `"${n}" (#${s[0]}) came before "${lastName}" (#${last})` };
            last = s[0];
            lastName = n;
          }
          return null;
        },
      };
    }
    /** {"once": names}: each called exactly once. */
    function once(...names) {
      return {
        title: "once " + names.join(", "),
        judge() {
          for (const n of names) {
            const k = matching([n]).all;
            if (k !== 1) return { expected: `"${n}" called exactly once`, observed: `it was called ${k} time(s)` };
          }
          return null;
        },
      };
    }
    /** {"never": names}: none of them called. */
    function never(...names) {
      return {
        title: "never " + names.join(", "),
        judge() {
          for (const n of names) {
            const k = matching([n]).all;
            if (k !== 0) return { expected: `"${n}" called never`, observed: `it was called ${k} time(s)` };
          }
          return null;
        },
      };
    }
    /** {"count": names, "equals"|"min"|"max"}: the calls of all of them together. */
    function count(names, bounds) {
      names = [].concat(names);
      return {
        title: "count " + names.join(", ") + " " + JSON.stringify(bounds),
        judge() {
          const k = matching(names).all;
          const bad = ("equals" in bounds && k !== bounds.equals) || ("min" in bounds && k < bounds.min) || ("max" in bounds && k > bounds.max);
          return bad ? { expected: `${quoted(names)} called ${JSON.stringify(bounds)} time(s)`, observed: `${k} call(s)` } : null;
        },
      };
    }
    /** {"event": names, "nth": I, "match": P}: the I-th call's argument matches. */
    function event(names, nth, pattern) {
      names = [].concat(names);
      return {
        title: `event ${names.join(", ")} #${nth} matching ${brief(pattern)}`,
        judge() {
          const list = calls.filter((c) => names.includes(c.fn));
          const expected = `call #${nth} of ${quoted(names)} with an argument matching ${brief(pattern, 200)}`;
          if (nth >= list.length) return { expected, observed: `${list.length} call(s)` };
          const why = checkPattern(pattern, list[nth].arg);
          return why ? { expected, observed: `#${list[nth].seq} ${why.text}` } : null;
        },
      };
    }

    async function judgeInto(at, j, clauses, kind) {
      let why;
      try {
        why = await j.judge();
      } catch (e) {
        if (e instanceof Cannot)
          return record(at, j.title, "NOT CHECKED", { expected: "a check made here", observed: e.message, clauses, kind });
        // Not the platform's doing (sockconf serve unreachable, a bug here): ERROR, as sockconf run says when it breaks.
        stopped = stopped || "error";
        return record(at, j.title, "ERROR", { expected: "the check to be made", observed: "it could not be: " + (e && e.message), clauses, kind });
      }
      if (why && why.timeout) {
        caseTimedOut(at, clauses);
        return checks[checks.length - 1];
      }
      if (!why) return pass(at, j.title, { clauses, kind });
      if (kind === "step") stopped = stopped || "failed";
      return fail(at, j.title, why.expected, why.observed, { clauses, kind });
    }

    /** One expectation of "expect": it must hold. */
    let expectHeader = false;
    async function expect(at, j, clauses) {
      if (!expectHeader) print("-- expectations (each must hold)");
      expectHeader = true;
      await judgeInto(at, j, clauses, "expect");
    }

    /** "outcomes": the first whose expectations all hold gives the grade; none holding is a failure. */
    async function outcomes(list) {
      print("-- allowed outcomes (the first that holds gives the grade)");
      let held = false;
      const missed = [];
      for (const o of list) {
        if (held) {
          record(o.at, `outcome "${o.name}" (${o.grade})`, "NOT RUN", { counts: false, kind: "outcome" });
          continue;
        }
        let why = null;
        let missAt = "";
        for (const [at, j] of o.expect) {
          try {
            why = await j.judge();
          } catch (e) {
            why = { expected: "a check made here", observed: (e && e.message) || String(e), cannot: e instanceof Cannot, error: !(e instanceof Cannot) };
          }
          if (why) {
            missAt = at;
            break;
          }
        }
        if (!why) {
          held = true;
          record(o.at, `outcome "${o.name}" held: ${o.grade}`, "PASS", { kind: "outcome", grade: o.grade, clauses: o.clauses, name: o.name });
          continue;
        }
        const status = why.timeout ? "TIMEOUT" : why.cannot ? "NOT CHECKED" : why.error ? "ERROR" : "MISSED";
        record(o.at, `outcome "${o.name}" (${o.grade})`, status, {
          expected: missAt + " expected " + (why.expected ?? "it to hold in time"),
          observed: why.observed ?? "the case's time ran out",
          counts: false,
          kind: "outcome",
        });
        missed.push({ name: o.name, why, missAt });
      }
      if (held) return;
      fail("/outcomes", "one of the allowed outcomes",
        "one of: " + list.map((o) => `"${o.name}"`).join(" | "),
        missed.map((m) => `"${m.name}": ${m.missAt} expected ${m.why.expected}, got ${m.why.observed}`).join("; "),
        { kind: "outcome" });
    }

    // ---------------------------------------------------------------- global invariants

    /** The invariants of specs/invariants.json, as sockconf run checks them on every case. */
    function invariants() {
      const out = [];
      const seqsOf = (name) => calls.filter((c) => c.fn === name).map((c) => c.seq);
      const list = (v) => (v.length ? v.map((x) => "#" + x).join(", ") : "none");
      const apiOf = new Map();
      const kindOf = new Map();
      for (const [base, m] of made)
        for (const cb of ["success", "fail", "complete"]) {
          apiOf.set(`${base}.${cb}`, m.api);
          kindOf.set(`${base}.${cb}`, cb);
        }
      for (const r of registrations) {
        if (!apiOf.has(r.fn)) apiOf.set(r.fn, r.api);
        if (!kindOf.has(r.fn)) kindOf.set(r.fn, "listener");
      }
      for (const [base, m] of made) {
        const ok = seqsOf(base + ".success");
        const ko = seqsOf(base + ".fail");
        const done = seqsOf(base + ".complete");
        if (ok.length + ko.length !== m.n)
          out.push({ id: "INV-CALLBACK-ONE-RESULT", api: m.api, message: `${m.n} call(s) of "${base}" must get exactly one success or fail each; got success at ${list(ok)}, fail at ${list(ko)}` });
        if (done.length !== m.n) {
          out.push({ id: "INV-CALLBACK-COMPLETE", api: m.api, message: `${m.n} call(s) of "${base}" must get exactly one complete each; got ${list(done)}` });
        } else {
          const results = [...ok, ...ko].sort((a, b) => a - b);
          for (let i = 0; i < done.length && i < results.length; i++)
            if (done[i] < results[i])
              out.push({ id: "INV-CALLBACK-COMPLETE", api: m.api, message: `"${base}.complete" #${done[i]} came before its success/fail #${results[i]}` });
        }
      }
      for (const c of calls) {
        if (!c.sync) continue;
        const kind = kindOf.get(c.fn) ?? "listener";
        out.push({ id: kind === "listener" ? "INV-LISTENER-ASYNC" : "INV-CALLBACK-ASYNC", api: apiOf.get(c.fn) ?? "", message: `"${c.fn}" #${c.seq} ran inside the call that caused it` });
      }
      // Per object with a lifecycle (a SocketTask): only functions registered on that one object count.
      const handlesOf = new Map();
      for (const r of registrations) handlesOf.set(r.fn, (handlesOf.get(r.fn) ?? new Set()).add(r.handle));
      const byHandle = new Map();
      for (const r of registrations)
        if (handlesOf.get(r.fn).size === 1) byHandle.set(r.handle, [...(byHandle.get(r.handle) ?? []), r]);
      for (const regs of byHandle.values()) {
        const life = FACTS.lifecycle[regs[0].cls];
        if (!life) continue;
        const times = new Map();
        for (const r of regs) times.set(r.fn, (times.get(r.fn) ?? 0) + 1);
        let firstClose = 0;
        for (const [name, n] of times) {
          const reg = regs.find((r) => r.fn === name);
          const s = seqsOf(name);
          const isOpen = reg.event === life.open;
          const isClose = reg.event === life.close;
          if ((isOpen || isClose) && s.length > n)
            out.push({ id: isOpen ? "INV-TASK-OPEN-ONCE" : "INV-TASK-CLOSE-ONCE", api: reg.api, message: `${isOpen ? "onOpen" : "onClose"} listener "${name}" was called more than once: ${list(s)}` });
          if (isClose && s.length && (firstClose === 0 || s[0] < firstClose)) firstClose = s[0];
        }
        if (!firstClose) continue;
        for (const name of times.keys()) {
          const reg = regs.find((r) => r.fn === name);
          const closer = regs.some((r) => r.fn === name && r.event === life.close);
          let s = seqsOf(name);
          if (closer && s.length) s = s.slice(1);
          const late = s.filter((x) => x > firstClose);
          if (late.length)
            out.push({ id: "INV-TASK-NOTHING-AFTER-CLOSE", api: reg.api, message: `"${name}" was called at ${list(late)}, after onClose #${firstClose} of the same ${regs[0].cls}` });
        }
      }

      print("-- global invariants" + (out.length ? "" : ": none broken"));
      const clauseFor = (rule, api) => rule.clauses[api] ?? rule.clauses[api.split(".")[0]] ?? "";
      for (const rule of FACTS.invariants) {
        const byClause = new Map();
        for (const v of out)
          if (v.id === rule.id) {
            const clause = clauseFor(rule, v.api);
            byClause.set(clause, [...(byClause.get(clause) ?? []), v]);
          }
        for (const [clause, vs] of byClause) {
          const cited = clause !== "" && FACTS.clauses.includes(clause);
          record(rule.id, rule.rule, cited ? "FAIL" : "ALSO SEEN", {
            expected: rule.id,
            observed: vs.map((v) => v.message).join("; "),
            clauses: clause ? [clause] : [],
            counts: cited,
            kind: "invariant",
          });
        }
        if (!byClause.size) {
          const clause = Object.values(rule.clauses).find((c) => FACTS.clauses.includes(c));
          if (clause) pass(rule.id, rule.rule, { clauses: [clause], kind: "invariant" });
        }
      }
    }

    // ---------------------------------------------------------------- start, steps, verdict

    const TAG = `${FACTS.id}-repro-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

    /** Before the steps: the addresses are filled in, and the platform has what the case requires. */
    function start() {
      print(`sockconf repro ${FACTS.id} (profile ${FACTS.profile}): ${FACTS.title}`);
      if (FACTS.notFor) {
        // The case's "when" does not match the profile: sockconf run does not run it either.
        skipMessage = FACTS.notFor;
        stopped = "skip";
        return false;
      }
      // What the case needs from SERVE, still missing or a placeholder ("PORT").
      const missing = FACTS.uses.filter((k) => k !== "wire").filter((k) => {
        const v = k === "tcp" ? SERVE.tcp && SERVE.tcp.port : k === "lan" ? SERVE.lan && `${SERVE.lan.host}:${SERVE.lan.port}` : SERVE[k];
        return !v || /PORT|LAN_HOST/.test(String(v));
      });
      if (missing.length) {
        skipMessage = `SERVE lacks the ${missing.join(", ")} address(es): start \`sockconf serve --control --json\` and put ` +
          "what it prints into SERVE (or set globalThis.SOCKCONF_SERVE to it)" +
          (missing.includes("control") ? "; this case needs \"control\" for TCP listeners, the wire log or a closed port" : "") +
          (missing.includes("lan") ? "; this case needs \"lan\": a TCP echo peer at a non-local LAN address (sockconf run --lan-peer)" : "");
        stopped = "skip";
        return false;
      }
      if (FACTS.uses.includes("wire") && (!SERVE.control || /PORT/.test(String(SERVE.control))))
        note("SERVE has no control address: what the server saw cannot be checked (NOT CHECKED); start `sockconf serve --control`");
      const wx = platform();
      const has = (k) => wx && typeof wx[k] === "function";
      const caps = { websocket: has("connectSocket"), "legacy-globals": has("sendSocketMessage") && has("onSocketOpen"), tcp: has("createTCPSocket"), "virtual-clock": false };
      const lacking = FACTS.requires.filter((c) => !caps[c]);
      if (lacking.length) {
        record("", "the platform has what the case requires", "UNIMPLEMENTED", {
          expected: FACTS.requires.join(", "),
          observed: typeof wx === "undefined" ? "there is no global wx (on Taro: globalThis.wx = Taro)" : `the platform lacks the capability "${lacking[0]}"`,
        });
        stopped = "unimplemented";
        return false;
      }
      return true;
    }

    /** The steps ended early: a wait or wire step failed, time ran out, or a call threw. */
    function stepsStopped(e) {
      depth = 0;
      if (e instanceof Stop) return;
      if (e instanceof Cannot) {
        skipMessage = e.message;
        stopped = "skip";
        return;
      }
      // A call the case expects to return threw (or an object it should have returned is missing).
      fail("", "the steps", "every call to return", "a call threw: " + (e && e.stack ? String(e.stack).split("\n").slice(0, 2).join(" ") : brief(thrown(e))));
      stopped = "failed";
    }

    /** Let the settle time (specs/settings.json) pass (unless the steps ended on a timeout or an error). */
    async function settle() {
      if (stopped === "skip" || stopped === "unimplemented") return false;
      if (stopped !== "timeout" && stopped !== "error") await sleep(Math.min(FACTS.settleMs, deadline - Date.now()));
      return true;
    }

    /** The verdict, graded as sockconf run grades a case; then close what the case left open. */
    async function finish(objects = []) {
      let verdict = "PASS";
      let because = null;
      if (stopped === "skip") verdict = "SKIP";
      else if (stopped === "unimplemented") verdict = "UNIMPLEMENTED";
      else {
        for (const want of ["ERROR", "TIMEOUT"])
          if (verdict === "PASS") {
            const k = checks.find((c) => c.status === want);
            if (k) {
              verdict = want;
              because = k;
            }
          }
        if (verdict === "PASS") {
          for (const k of checks) {
            if (!k.counts || k.status !== "FAIL") continue;
            const g = gradeFor(k.clauses.filter((id) => FACTS.clauses.includes(id)));
            if (levelRank[g] > levelRank[verdict]) {
              verdict = g;
              because = k;
            }
          }
          const o = checks.find((k) => k.kind === "outcome" && k.status === "PASS" && k.grade);
          if (o && levelRank[o.grade] > levelRank[verdict]) {
            verdict = o.grade;
            because = o;
          }
        }
      }
      const unchecked = checks.filter((k) => k.status === "NOT CHECKED").length;
      let line = `VERDICT ${FACTS.id}: ${verdict}`;
      if (verdict === "SKIP") line += " - " + skipMessage;
      else if (because) line += ` - ${because.at ? because.at + " " : ""}${because.title}` + (because.expected ? `: expected ${because.expected}; observed ${because.observed}` : "");
      if (unchecked) line += ` (${unchecked} check(s) NOT CHECKED here: the verdict may differ from sockconf run's)`;
      print(line);

      // Close what the case left open, so the run ends (and nothing lingers in the console).
      for (const o of objects) {
        try {
          let r;
          if (o && typeof o.close === "function" && typeof o.send === "function") r = o.close({ code: 1000, reason: "sockconf repro done" });
          else if (o && typeof o.close === "function" && typeof o.write === "function") r = o.close();
          if (isThenable(r)) Promise.resolve(r).catch(() => {});
        } catch {}
      }
      const wx = platform();
      if (FACTS.closeSocket && wx && typeof wx.closeSocket === "function") {
        try {
          const r = wx.closeSocket({});
          if (isThenable(r)) Promise.resolve(r).catch(() => {});
        } catch {}
      }
      for (const port of openedPorts) await control("/unlisten?port=" + port).catch(() => {});
      const held = checks.find((k) => k.kind === "outcome" && k.status === "PASS");
      return { id: FACTS.id, verdict, outcome: held ? held.name : "", message: line, checks, calls };
    }

    return {
      TAG, SERVE, bound, listeners, isThenable, arrayBuffer, utf8, portOf,
      beginBlock, endBlock, fn, callbacks, listener, settled, promiseForm, returned, throws, mayThrow, threw, mustReturn, got,
      until, sleep, listen, tcpEcho, closedPort, wireStep, wire,
      expect, order, once, never, count, event, outcomes, invariants,
      start, stepsStopped, settle, finish,
    };
  }
})();
