// What an Mpx web build (@mpxjs/webpack-plugin, mode "web") does for @mpxjs/api-proxy:
// - files are resolved per mode: `foo.web.js` is taken before `foo.js`;
// - the global constant __mpx_mode__ is "web"; `global` and `mpxGlobal` are the browser's
//   global object (webpack's node.global; mpxGlobal is where @mpxjs/core keeps `__mpx`, read
//   by @mpxjs/utils' warn(): with no @mpxjs/core loaded, mpxGlobal.__mpx is undefined and the
//   defaults apply);
// - `vue` is Vue 2.7 (npm vue, pinned; @mpxjs/core's peer is vue ^2.7.10): the tab-bar API
//   imports it;
// - .styl style sheets (the toast/modal/action-sheet UI) would go through stylus-loader; the
//   socket API has no UI, so they are left empty here.
export default {
  esbuild: {
    resolveExtensions: [".web.js", ".js", ".mjs", ".json"],
    define: { __mpx_mode__: '"web"', global: "globalThis", mpxGlobal: "globalThis" },
    loader: { ".styl": "empty" },
  },
};
