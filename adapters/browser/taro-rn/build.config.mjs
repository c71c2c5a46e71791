// Only @tarojs/taro-rn's socket module is bundled (see entry.mjs), with the React Native
// WebSocket global shimmed on the browser's (rn-globals.mjs, injected).
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

export default {
  esbuild: { inject: [path.join(here, "rn-globals.mjs")] },
};
