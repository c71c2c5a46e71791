#include "init_templates.hpp"

#include <stdexcept>

namespace sockconf::cli::init_templates {

// The stub must fail honestly: nothing in it may make a case PASS. Its entries are
// getters that throw, so that the adapters' capability detection (adapters/js/shim.mjs,
// detectCapabilities: a capability for each function the object has) finds none and
// every case is UNIMPLEMENTED; a case that reaches one anyway (capabilities forced) ends
// ERROR: the adapter cannot even look the function up.
std::string_view const wx_stub = R"js(// @NAME@: the wx-style socket API sockconf tests, written by `sockconf init @KIND@ @NAME@`.
//
// A stub that fails honestly: no entry is implemented, and each says so. Reading one
// throws "not implemented: wx.connectSocket …", so the adapter, which claims a capability
// for the functions the object has (websocket: connectSocket; legacy-globals:
// sendSocketMessage and onSocketOpen; tcp: createTCPSocket), claims none, and the
// suites grade every case UNIMPLEMENTED. A case that reaches one anyway (the adapter told
// to claim a capability) ends ERROR, "not implemented". Nothing here can PASS.
//
// To make it the platform's, put each function in `implemented`, e.g.
//
//   connectSocket(options) { return platformApi.connectSocket(options); },
//
// and run the command in README.md again. What the suites call (specs/api.json):
//
@API@//
// What each must do: the clauses (`sockconf list --clauses`) and the cases (`sockconf list`).

export const name = "@NAME@";
export const version = "0.0.0";

/** The platform's functions, as they get written. */
const implemented = {};

/** The functions of the wx-style API the suites call (specs/api.json). */
const entries = @ENTRIES@;

export const wx = { ...implemented };
for (const entry of entries)
  if (!(entry in wx))
    Object.defineProperty(wx, entry, {
      enumerable: true,
      get() {
        throw new Error(`not implemented: wx.${entry} (@NAME@ is the stub sockconf init wrote)`);
      },
    });

export default wx;
)js";

std::string_view const readme = R"md(# @NAME@: a sockconf adapter (@KIND@)

Written by `sockconf init @KIND@ @NAME@`: a start, not an adapter yet.

| file | what |
| --- | --- |
| `@MODULE@` | the wx-style module: every entry a stub that throws "not implemented" |
| `profile.json` | the platform's limits, timings and switches, copied from the `@FROM@` profile: make each value what @NAME@ documents (the fields: specs/README.md of sockconf) |

Run the suites against it:

```sh
@COMMAND@
```

As written, every case is UNIMPLEMENTED (or SKIP where the profile rules it out): the stub
has no function, so the adapter claims no capability. Put the platform's functions in
`implemented` in `@MODULE@`; the cases of a capability then run and are judged (websocket:
`connectSocket`; legacy-globals: `sendSocketMessage`, `closeSocket`, `onSocketOpen/Message/Error/Close`;
tcp: `createTCPSocket`). The report is in `sockconf-report/` (report.md, report.html); the
adapter protocol is sockconf's specs/adapter-protocol.md. Once the results are understood,
keep them as a baseline for CI: add `--update-expectations expectations.json` (sockconf's docs/ci.md).
@BUILD@)md";

std::string_view const browser_build = R"md(
## The bundle

The page loads `dist/bundle.mjs`. As written it is `entry.mjs` itself (the stub imports
nothing); once `entry.mjs` imports the platform's package, bundle it:

```sh
npx esbuild @DIR@/entry.mjs --bundle --format=esm --platform=browser --target=es2020 --outfile=@DIR@/dist/bundle.mjs
```

(in sockconf's own tree, a folder adapters/browser/@NAME@ is built by `node adapters/browser/build.mjs @NAME@`).
)md";

std::string fill(std::string_view text, std::map<std::string, std::string> const& values)
{
    std::string out;
    std::size_t at = 0;
    while (true) {
        auto const open = text.find('@', at);
        if (open == std::string_view::npos)
            break;
        auto const close = text.find('@', open + 1);
        auto const key = close == std::string_view::npos ? std::string_view() : text.substr(open + 1, close - open - 1);
        auto const it = values.find(std::string(key));
        bool const hole = !key.empty() && key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string_view::npos;
        if (!hole) { // an '@' of the text itself
            out += text.substr(at, open + 1 - at);
            at = open + 1;
            continue;
        }
        if (it == values.end())
            throw std::logic_error("init template: no value for @" + std::string(key) + "@");
        out += text.substr(at, open - at);
        out += it->second;
        at = close + 1;
    }
    out += text.substr(at);
    return out;
}

} // namespace sockconf::cli::init_templates
