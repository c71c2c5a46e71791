// mpx: Mpx's cross-platform API layer, @mpxjs/api-proxy, in its web build, used as its
// README's "单独使用" (standalone) section says: apiProxy(target, options) fills `target` with
// the API of the target platform. Default options (no usePromise). Nothing of its behaviour
// is changed. See README.md.
import apiProxy from "@mpxjs/api-proxy";

export const name = __PACKAGE_NAME__;
export const version = __PACKAGE_VERSION__;

export const wx = {};
apiProxy(wx);
export default wx;
