// success / fail / complete the way the wx API calls them: asynchronously (a
// macrotask after the call returned), exactly one of success or fail, then
// complete, each with {errMsg: "<api>:ok" | "<api>:fail <reason>"}; a callback
// that throws is reported and does not stop the others. Shared by sockconf's own
// example implementations (node/examples/wx-on-ws.mjs, browser/ws-browser/).
// Browser-safe: no Node APIs.

/** Run `fn` after the current task, as the wx API delivers callbacks and events. */
export const later = (fn) => setTimeout(fn, 0);

/** The callbacks of one call with `options`, for the API named `api` ("connectSocket"). */
export function callbacks(options, api) {
  const o = options && typeof options === "object" ? options : {};
  const call = (key, res) => {
    if (typeof o[key] !== "function") return;
    try {
      o[key](res);
    } catch (e) {
      console.error(`${api}: the ${key} callback threw`, e);
    }
  };
  return {
    ok(extra = {}) {
      later(() => {
        const res = { errMsg: `${api}:ok`, ...extra };
        call("success", res);
        call("complete", res);
      });
    },
    fail(reason) {
      later(() => {
        const res = { errMsg: `${api}:fail ${reason}` };
        call("fail", res);
        call("complete", res);
      });
    },
  };
}
