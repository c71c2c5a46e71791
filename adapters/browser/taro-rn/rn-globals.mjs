// The one React Native global that @tarojs/taro-rn's socket code uses: `WebSocket`.
// Injected by esbuild (build.config.mjs) for the free `WebSocket` references in the bundle, so
// the page's own WebSocket (the control connection) is untouched.
//
// React Native's WebSocket (react-native/Libraries/WebSocket/WebSocket.js) is the browser's
// API with two differences that matter here:
//   - binary messages arrive as an ArrayBuffer unless binaryType is set to "blob" (the
//     browser's default delivery is a Blob): so binaryType starts as "arraybuffer";
//   - the constructor takes a third argument, {headers, …}: a browser cannot send headers,
//     so it is ignored.
// Everything else is the browser's own WebSocket.
const BrowserWebSocket = globalThis.WebSocket;

class WebSocket extends BrowserWebSocket {
  constructor(url, protocols, _options) {
    super(url, protocols);
    this.binaryType = "arraybuffer";
  }
}

export { WebSocket };
