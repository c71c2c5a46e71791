// The globals a uni-app H5 app registers at startup: the code that @dcloudio/uni-h5-vite
// generates into the app's pages.json module (plugins/pagesJson.js, registerGlobalCode, the
// variant without tree shaking), less `__setupPage` (page setup, not used by the API).
// uni-h5's API needs them: e.g. the legacy uni.onSocketOpen/… callbacks are invoked through
// the global UniServiceJSBridge.
import { uni, upx2px, getCurrentPages, getApp, UniServiceJSBridge, UniViewJSBridge } from "@dcloudio/uni-h5";

window.getApp = getApp;
window.getCurrentPages = getCurrentPages;
window.wx = uni;
window.uni = uni;
window.UniViewJSBridge = UniViewJSBridge;
window.UniServiceJSBridge = UniServiceJSBridge;
window.rpx2px = upx2px;
