// What a Taro H5 build (@tarojs/webpack5-runner / vite-runner) defines for the runtime; the
// values are those of a default `taro build --type h5` of a React project.
export default {
  esbuild: ({ version }) => ({
    define: {
      "process.env.TARO_ENV": '"h5"',
      "process.env.TARO_PLATFORM": '"web"',
      "process.env.TARO_VERSION": JSON.stringify(version),
      "process.env.FRAMEWORK": '"react"',
      "process.env.SUPPORT_TARO_POLYFILL": '"disabled"',
    },
    // @stencil/core (under @tarojs/components) has a dynamic import glob for lazy components
    // that a Taro build fills in; the socket API never reaches it.
    logOverride: { "empty-glob": "silent" },
  }),
};
