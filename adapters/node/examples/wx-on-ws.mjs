// wx-on-ws: a small wx-style socket API for Node, the way a platform team might write one
// on top of the npm package "ws" (WebSocket) and node:net (TCP). It is the end-to-end example
// of adapters/README.md and of the adapter tests; it was NOT written to pass the suites, and
// the report sockconf produces for it is expected to show failures.
//
//   node adapters/node/sockconf-node.mjs --module adapters/node/examples/wx-on-ws.mjs
//
// What it does:
//   wx.connectSocket({url, header, protocols, success, fail, complete}) -> SocketTask
//     SocketTask: send({data}), close({code, reason}), onOpen/onMessage/onError/onClose
//     (several listeners each), readyState and CONNECTING/OPEN/CLOSING/CLOSED, socketTaskId.
//     Callbacks (success/fail/complete) run on a later turn of the event loop.
//   wx.sendSocketMessage / wx.closeSocket / wx.onSocketOpen/Message/Error/Close: the legacy
//     globals, acting on the most recently created SocketTask.
//   wx.createTCPSocket() -> TCPSocket on node:net: connect({address, port, timeout}),
//     write(string | ArrayBuffer | typed array), close(), on/off Connect/Message/Error/Close
//     and BindWifi; onMessage gives {message: ArrayBuffer, remoteInfo, localInfo}.
//
// What it does NOT do (on purpose, or not yet):
//   - no limit on concurrent WebSockets, no single-connection rule for the legacy globals;
//   - no URL policy: any ws:// or wss:// URL goes, no domain allow-list; wss trusts Node's CA
//     store plus NODE_EXTRA_CA_CERTS (`sockconf run --iut` sets it to the echo servers' CA);
//   - `header` is sent as given, Referer included (a platform would set or drop its own);
//   - connectSocket's `timeout`, `tcpNoDelay`, `perMessageDeflate` options are ignored;
//   - close() codes are passed to "ws" unchecked: "ws" accepts 1001 and ignores any close()
//     once closing; a code it refuses (it throws) is reported as the fail callback;
//   - TCP: no blocked ports, no loopback/LAN rules, no creation window, no errCode table
//     (onError gives errMsg only, plus errCode = the Node error code string), {type:'ipv6'}
//     is honoured only as a family hint, bindWifi always fails (onError);
//   - nothing is sent to the platform's permission or network-status machinery (there is none).

import net from "node:net";
import WebSocket from "ws";
import { callbacks, later } from "../../js/wx-callbacks.mjs";

class Listeners {
  #fns = [];
  add(fn) {
    if (typeof fn === "function") this.#fns.push(fn);
  }
  remove(fn) {
    if (fn === undefined) this.#fns = [];
    else this.#fns = this.#fns.filter((f) => f !== fn);
  }
  emit(...args) {
    for (const fn of [...this.#fns]) {
      try {
        fn(...args);
      } catch (e) {
        console.error("a socket listener threw", e);
      }
    }
  }
}

const toArrayBuffer = (buf) => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);

let nextTaskId = 1;

class SocketTask {
  CONNECTING = 0;
  OPEN = 1;
  CLOSING = 2;
  CLOSED = 3;
  #ws = null;
  #open = new Listeners();
  #message = new Listeners();
  #error = new Listeners();
  #close = new Listeners();
  #closedState = false;

  constructor(options, cb) {
    this.socketTaskId = nextTaskId++;
    let headers = {};
    if (options.header && typeof options.header === "object") headers = { ...options.header };
    try {
      this.#ws = new WebSocket(options.url, options.protocols ?? [], { headers });
    } catch (e) {
      this.#closedState = true;
      cb.fail(e.message);
      later(() => {
        this.#error.emit({ errMsg: e.message });
        this.#close.emit({ code: 1006, reason: "" });
      });
      return;
    }
    const ws = this.#ws;
    ws.binaryType = "nodebuffer";
    let responseHeaders = {};
    ws.on("upgrade", (res) => {
      responseHeaders = { ...res.headers };
    });
    ws.on("open", () => this.#open.emit({ header: responseHeaders, profile: {} }));
    ws.on("message", (data, isBinary) => {
      this.#message.emit({ data: isBinary ? toArrayBuffer(data) : data.toString("utf8") });
    });
    ws.on("error", (e) => this.#error.emit({ errMsg: e.message }));
    ws.on("close", (code, reason) => {
      this.#closedState = true;
      this.#close.emit({ code, reason: reason.toString("utf8") });
    });
    cb.ok();
  }

  get readyState() {
    return this.#ws ? this.#ws.readyState : this.#closedState ? 3 : 0;
  }

  send(options = {}) {
    const cb = callbacks(options, "sendSocketMessage");
    if (!this.#ws || this.#ws.readyState !== WebSocket.OPEN) return cb.fail("WebSocket is not connected");
    let data = options.data;
    if (data instanceof ArrayBuffer) data = Buffer.from(data);
    else if (typeof data !== "string") return cb.fail("parameter error: data must be a string or an ArrayBuffer");
    this.#ws.send(data, (err) => (err ? cb.fail(err.message) : cb.ok()));
  }

  close(options = {}) {
    const cb = callbacks(options, "closeSocket");
    if (!this.#ws) return cb.fail("WebSocket is not connected");
    try {
      this.#ws.close(options.code ?? 1000, options.reason);
    } catch (e) {
      return cb.fail(e.message);
    }
    cb.ok();
  }

  onOpen(fn) {
    this.#open.add(fn);
  }
  onMessage(fn) {
    this.#message.add(fn);
  }
  onError(fn) {
    this.#error.add(fn);
  }
  onClose(fn) {
    this.#close.add(fn);
  }
}

// ---------------------------------------------------------------- TCP

class TCPSocket {
  #sock = null;
  #family;
  #connect = new Listeners();
  #message = new Listeners();
  #error = new Listeners();
  #close = new Listeners();
  #bindWifi = new Listeners();

  constructor(options = {}) {
    this.#family = options && options.type === "ipv6" ? 6 : 4;
  }

  connect(options = {}) {
    if (this.#sock) {
      later(() => this.#error.emit({ errMsg: "connect:fail already connected" }));
      return;
    }
    const { address, port } = options;
    const timeoutMs = (typeof options.timeout === "number" ? options.timeout : 2) * 1000;
    const sock = net.connect({ host: address, port, family: this.#family });
    this.#sock = sock;
    const timer = setTimeout(() => {
      this.#error.emit({ errMsg: "connect:fail timeout", errCode: "ETIMEDOUT" });
      sock.destroy();
    }, timeoutMs);
    sock.on("connect", () => {
      clearTimeout(timer);
      this.#connect.emit({});
    });
    sock.on("data", (buf) => {
      this.#message.emit({
        message: toArrayBuffer(buf),
        remoteInfo: { address: sock.remoteAddress, family: sock.remoteFamily, port: sock.remotePort, size: buf.length },
        localInfo: { address: sock.localAddress, family: sock.remoteFamily, port: sock.localPort },
      });
    });
    sock.on("error", (e) => {
      clearTimeout(timer);
      this.#error.emit({ errMsg: e.message, errCode: e.code });
    });
    sock.on("close", () => {
      clearTimeout(timer);
      this.#close.emit({});
    });
  }

  write(data) {
    if (!this.#sock) {
      later(() => this.#error.emit({ errMsg: "write:fail not connected" }));
      return;
    }
    if (data instanceof ArrayBuffer) this.#sock.write(Buffer.from(data));
    else if (ArrayBuffer.isView(data)) this.#sock.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    else this.#sock.write(String(data));
  }

  close() {
    if (this.#sock) this.#sock.end();
    else later(() => this.#close.emit({}));
  }

  bindWifi() {
    later(() => this.#error.emit({ errMsg: "bindWifi:fail not supported" }));
  }

  onConnect(fn) { this.#connect.add(fn); }
  offConnect(fn) { this.#connect.remove(fn); }
  onMessage(fn) { this.#message.add(fn); }
  offMessage(fn) { this.#message.remove(fn); }
  onError(fn) { this.#error.add(fn); }
  offError(fn) { this.#error.remove(fn); }
  onClose(fn) { this.#close.add(fn); }
  offClose(fn) { this.#close.remove(fn); }
  onBindWifi(fn) { this.#bindWifi.add(fn); }
  offBindWifi(fn) { this.#bindWifi.remove(fn); }
}

// ---------------------------------------------------------------- wx

let latest = null;
const legacy = { open: new Listeners(), message: new Listeners(), error: new Listeners(), close: new Listeners() };

export const wx = {
  connectSocket(options = {}) {
    const cb = callbacks(options, "connectSocket");
    if (typeof options.url !== "string") {
      cb.fail("parameter error: url must be a string");
      return undefined;
    }
    const task = new SocketTask(options, cb);
    latest = task;
    task.onOpen((r) => latest === task && legacy.open.emit(r));
    task.onMessage((r) => latest === task && legacy.message.emit(r));
    task.onError((r) => latest === task && legacy.error.emit(r));
    task.onClose((r) => latest === task && legacy.close.emit(r));
    return task;
  },
  sendSocketMessage(options = {}) {
    if (!latest) return callbacks(options, "sendSocketMessage").fail("WebSocket is not connected");
    latest.send(options);
  },
  closeSocket(options = {}) {
    if (!latest) return callbacks(options, "closeSocket").fail("WebSocket is not connected");
    latest.close(options);
  },
  onSocketOpen: (fn) => legacy.open.add(fn),
  onSocketMessage: (fn) => legacy.message.add(fn),
  onSocketError: (fn) => legacy.error.add(fn),
  onSocketClose: (fn) => legacy.close.add(fn),
  createTCPSocket(options) {
    return new TCPSocket(options);
  },
};

export default wx;
