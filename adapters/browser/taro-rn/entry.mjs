// taro-rn: the socket API of Taro's React Native API package, @tarojs/taro-rn, on the
// browser's WebSocket.
//
// The whole package cannot be bundled for a browser: its index pulls in react, react-native,
// expo-* and a dozen native modules (esbuild reports 413 unresolved imports and assets). The
// socket code, dist/lib/connectSocket/, needs none of them: only the global `WebSocket`, which
// React Native provides and the browser has natively. So this entry loads that module alone
// and builds the slice of the Taro object that it contributes, the way @tarojs/taro-rn's
// dist/index.js builds Taro: Object.assign({}, api, lib), where lib/index.js does
// `export * from './connectSocket'` — the named exports only (connectSocket). The module's
// default export (with the deprecated onSocketOpen/sendSocketMessage/… stubs) is not
// re-exported by `export *`, so those are not on Taro in React Native either.
// Nothing of its behaviour is changed; what the browser changes under it (its WebSocket for
// React Native's) is in rn-globals.mjs, listed in hello as `adaptations`. See README.md.
import * as socketModule from "@tarojs/taro-rn/dist/lib/connectSocket/index.js";

export { adaptations } from "./rn-globals.mjs";
export const name = __PACKAGE_NAME__;
export const version = __PACKAGE_VERSION__;

const { default: _notReexported, ...named } = socketModule;

export const wx = Object.assign({}, named);
export default wx;
