// What uni-app's H5 build (@dcloudio/uni-h5-vite) sets up for the runtime:
// - `vue` resolves to @dcloudio/uni-h5-vue (uni-h5-vite's resolveId plugin), its ESM runtime;
// - the compile-time feature flags of @dcloudio/uni-cli-shared (vite/features.js), with the
//   values a default project gets: the manifest defaults (wx off, wxs/rpx/longpress on, hash
//   router, Options API on, no devtools), one page, no tabBar/windows/navigation-bar extras,
//   no uniCloud, every i18n language and locale support on, no nvue.
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const features = {
  __VUE_OPTIONS_API__: true,
  __VUE_PROD_DEVTOOLS__: false,
  __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
  __UNI_FEATURE_WX__: false,
  __UNI_FEATURE_WXS__: true,
  __UNI_FEATURE_RPX__: true,
  __UNI_FEATURE_PROMISE__: false,
  __UNI_FEATURE_LONGPRESS__: true,
  __UNI_FEATURE_I18N_EN__: true,
  __UNI_FEATURE_I18N_ES__: true,
  __UNI_FEATURE_I18N_FR__: true,
  __UNI_FEATURE_I18N_ZH_HANS__: true,
  __UNI_FEATURE_I18N_ZH_HANT__: true,
  __UNI_FEATURE_UNI_CLOUD__: false,
  __UNI_FEATURE_I18N_LOCALE__: false,
  __UNI_FEATURE_NVUE__: false,
  __UNI_FEATURE_ROUTER_MODE__: "hash",
  __UNI_FEATURE_PAGES__: false,
  __UNI_FEATURE_TABBAR__: false,
  __UNI_FEATURE_TABBAR_MIDBUTTON__: false,
  __UNI_FEATURE_TOPWINDOW__: false,
  __UNI_FEATURE_LEFTWINDOW__: false,
  __UNI_FEATURE_RIGHTWINDOW__: false,
  __UNI_FEATURE_RESPONSIVE__: false,
  __UNI_FEATURE_NAVIGATIONBAR__: false,
  __UNI_FEATURE_PULL_DOWN_REFRESH__: false,
  __UNI_FEATURE_NAVIGATIONBAR_BUTTONS__: false,
  __UNI_FEATURE_NAVIGATIONBAR_SEARCHINPUT__: false,
  __UNI_FEATURE_NAVIGATIONBAR_TRANSPARENT__: false,
};

export default {
  esbuild: {
    alias: { vue: path.join(root, "node_modules/@dcloudio/uni-h5-vue/dist/vue.runtime.esm.js") },
    define: Object.fromEntries(Object.entries(features).map(([k, v]) => [k, JSON.stringify(v)])),
  },
};
