// The one React Native global that @tarojs/taro-rn's socket code uses: `WebSocket`.
// Injected by esbuild (build.config.mjs) for the free `WebSocket` references in the bundle, so
// the page's own WebSocket (the control connection) is untouched.
//
// A browser stands in for React Native here, so the browser's WebSocket stands in for RN's
// (a JS class over a native module: SocketRocket on iOS, OkHttp on Android). What this file
// changes is modelled on RN's own source, react-native/Libraries/WebSocket/WebSocket.js (the
// same in RN 0.73, which @tarojs/taro-rn 4.2.0 targets, and in RN's main branch):
//   - binary messages: RN's native module reports a binary frame as base64 ("binary") unless a
//     Blob handler was registered, which only `binaryType = 'blob'` does; WebSocket.js turns it
//     into `base64.toByteArray(ev.data).buffer`, an ArrayBuffer. The browser delivers a Blob by
//     default, so the browser socket's binaryType is set to "arraybuffer" at construction;
//   - `binaryType` itself reads undefined until the app sets it (RN's getter returns its
//     uninitialised `_binaryType`), and setting anything but 'blob' or 'arraybuffer' throws
//     Error("binaryType must be either 'blob' or 'arraybuffer'"), as in RN.
// What it cannot model is listed in `adaptations` (hello) and in README.md.
const BrowserWebSocket = globalThis.WebSocket;

class WebSocket extends BrowserWebSocket {
  #binaryType = undefined; // RN: unset until the app sets it

  // RN's third argument, {headers, ...}, is ignored: a browser cannot send request headers.
  constructor(url, protocols, _options) {
    super(url, protocols);
    super.binaryType = "arraybuffer"; // what RN delivers while binaryType is unset
  }

  get binaryType() {
    return this.#binaryType;
  }

  set binaryType(binaryType) {
    if (binaryType !== "blob" && binaryType !== "arraybuffer")
      throw new Error("binaryType must be either 'blob' or 'arraybuffer'");
    this.#binaryType = binaryType;
    super.binaryType = binaryType;
  }

  // RN's send: INVALID_STATE_ERR while CONNECTING; strings, ArrayBuffers, views and Blobs go
  // out; anything else throws Error('Unsupported data type'). The browser's would stringify it.
  send(data) {
    if (this.readyState === BrowserWebSocket.CONNECTING) throw new Error("INVALID_STATE_ERR");
    if (typeof data === "string" || data instanceof ArrayBuffer || ArrayBuffer.isView(data) || data instanceof Blob)
      return super.send(data);
    throw new Error("Unsupported data type");
  }

  // RN's close never throws in JS: it returns when CLOSING or CLOSED, and hands any code and
  // reason to the native module. The browser throws on a code it may not send or a reason over
  // 123 bytes; then the socket is closed without them, the nearest a browser can come.
  close(code, reason) {
    if (this.readyState === BrowserWebSocket.CLOSING || this.readyState === BrowserWebSocket.CLOSED) return;
    const statusCode = typeof code === "number" ? code : 1000;
    const closeReason = typeof reason === "string" ? reason : "";
    try {
      super.close(statusCode, closeReason);
    } catch {
      super.close();
    }
  }
}

/** What this bundle substitutes because a browser stands in for React Native (hello). */
export const adaptations = [
  {
    what:
      "WebSocket is the browser's, standing in for React Native's (RN's WebSocket.js over its native " +
      "module): the connection, close codes, errors and their messages are the browser's",
    why:
      "@tarojs/taro-rn needs react-native, which cannot run in a browser; its socket code needs only the " +
      "global WebSocket",
  },
  {
    what:
      'binary messages arrive as ArrayBuffer: the browser socket\'s binaryType is set to "arraybuffer" when ' +
      "it is created (ws.binaryType still reads undefined until the app sets it, as in RN)",
    why:
      "RN delivers ArrayBuffer unless binaryType is 'blob' (WebSocket.js: base64.toByteArray(ev.data).buffer); " +
      "the browser's default is Blob",
  },
  {
    what:
      "WebSocket.send and close follow RN's WebSocket.js: send throws 'INVALID_STATE_ERR' while connecting and " +
      "'Unsupported data type' for anything but a string, ArrayBuffer, view or Blob; close never throws, " +
      "defaults the code to 1000, and a code or reason the browser refuses closes the socket without them",
    why:
      "the browser's send stringifies other data and its close throws on an invalid code or a reason over " +
      "123 bytes, where RN's JS passes them to its native module (whose handling is not modelled)",
  },
  {
    what: "the WebSocket constructor's third argument ({headers}) is ignored",
    why: "a browser WebSocket cannot send request headers (Taro RN 4.2.0's SocketTask passes none)",
  },
];

export { WebSocket };
