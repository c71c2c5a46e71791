// ws-browser: a tiny wx-style socket API on the browser's own WebSocket, written for sockconf
// to test the browser pipeline (page, launcher, remote driver) with an IUT whose behaviour we
// know. It is honest, not complete: see README.md beside this file for what it leaves out.
//
//   wx.connectSocket({url, protocols, success, fail, complete}) -> SocketTask
//     SocketTask: send({data, success, fail, complete}), close({code, reason, ...}),
//     onOpen/onMessage/onError/onClose (several listeners each), readyState and
//     CONNECTING/OPEN/CLOSING/CLOSED. onMessage gives {data} (string or ArrayBuffer),
//     onClose {code, reason}, onError {errMsg}. Callbacks run on a later turn of the event loop.
//   wx.sendSocketMessage / wx.closeSocket / wx.onSocketOpen/Message/Error/Close: the legacy
//     globals, acting on the most recently created SocketTask.

import { callbacks, later } from "../../js/wx-callbacks.mjs";

export const name = "sockconf-ws-browser";
export const version = "0.1.0";

function emitAll(list, res, what) {
  for (const fn of [...list]) {
    try {
      fn(res);
    } catch (e) {
      console.error(`SocketTask: an ${what} listener threw`, e);
    }
  }
}

let nextTaskId = 1;

class SocketTask {
  constructor(url, protocols) {
    this.CONNECTING = 0;
    this.OPEN = 1;
    this.CLOSING = 2;
    this.CLOSED = 3;
    this.socketTaskId = nextTaskId++;
    this._listeners = { open: [], message: [], error: [], close: [] };
    this._ws = protocols && protocols.length ? new WebSocket(url, protocols) : new WebSocket(url);
    this._ws.binaryType = "arraybuffer";
    this._ws.onopen = () => emitAll(this._listeners.open, { header: {}, profile: {} }, "onOpen");
    this._ws.onmessage = (e) => emitAll(this._listeners.message, { data: e.data }, "onMessage");
    this._ws.onerror = () => emitAll(this._listeners.error, { errMsg: "WebSocket error" }, "onError");
    this._ws.onclose = (e) => emitAll(this._listeners.close, { code: e.code, reason: e.reason }, "onClose");
  }

  get readyState() {
    return this._ws.readyState;
  }

  send(options) {
    const cb = callbacks(options, "sendSocketMessage");
    const data = options && typeof options === "object" ? options.data : undefined;
    if (this._ws.readyState !== 1) return cb.fail("WebSocket is not connected");
    if (typeof data !== "string" && !(data instanceof ArrayBuffer))
      return cb.fail("data must be a string or an ArrayBuffer");
    try {
      this._ws.send(data);
    } catch (e) {
      return cb.fail(e.message);
    }
    cb.ok();
  }

  close(options) {
    const cb = callbacks(options, "closeSocket");
    const o = options && typeof options === "object" ? options : {};
    try {
      if (o.code === undefined) this._ws.close();
      else this._ws.close(o.code, o.reason);
    } catch (e) {
      // The browser refuses codes other than 1000 and 3000-4999, and long reasons.
      return cb.fail(e.message);
    }
    cb.ok();
  }

  onOpen(fn) {
    if (typeof fn === "function") this._listeners.open.push(fn);
  }
  onMessage(fn) {
    if (typeof fn === "function") this._listeners.message.push(fn);
  }
  onError(fn) {
    if (typeof fn === "function") this._listeners.error.push(fn);
  }
  onClose(fn) {
    if (typeof fn === "function") this._listeners.close.push(fn);
  }
}

let latest = null; // the task the legacy globals act on
const legacy = { open: [], message: [], error: [], close: [] };

function connectSocket(options) {
  const cb = callbacks(options, "connectSocket");
  const o = options && typeof options === "object" ? options : {};
  if (typeof o.url !== "string" || !/^wss?:\/\//.test(o.url)) {
    cb.fail(`invalid url ${JSON.stringify(o.url)}`);
    return undefined;
  }
  let task;
  try {
    task = new SocketTask(o.url, Array.isArray(o.protocols) ? o.protocols : undefined);
  } catch (e) {
    cb.fail(e.message);
    return undefined;
  }
  latest = task;
  task.onOpen((res) => emitAll(legacy.open, res, "onSocketOpen"));
  task.onMessage((res) => emitAll(legacy.message, res, "onSocketMessage"));
  task.onError((res) => emitAll(legacy.error, res, "onSocketError"));
  task.onClose((res) => emitAll(legacy.close, res, "onSocketClose"));
  cb.ok({ socketTaskId: task.socketTaskId });
  return task;
}

function sendSocketMessage(options) {
  if (!latest) return callbacks(options, "sendSocketMessage").fail("WebSocket is not connected");
  return latest.send(options);
}

function closeSocket(options) {
  if (!latest) return callbacks(options, "closeSocket").fail("WebSocket is not connected");
  return latest.close(options);
}

const on = (list) => (fn) => {
  if (typeof fn === "function") list.push(fn);
};

export const wx = {
  connectSocket,
  sendSocketMessage,
  closeSocket,
  onSocketOpen: on(legacy.open),
  onSocketMessage: on(legacy.message),
  onSocketError: on(legacy.error),
  onSocketClose: on(legacy.close),
};

export default wx;
