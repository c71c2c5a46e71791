// uni-h5: uni-app's H5 (web) runtime, @dcloudio/uni-h5 (v3), as a uni-app H5 app reaches it:
// the global `uni` (also `wx`), registered at startup by the code uni-h5-vite generates
// (globals.mjs). Nothing of uni's behaviour is changed. See README.md.
import "./globals.mjs";
import { uni } from "@dcloudio/uni-h5";

export const name = __PACKAGE_NAME__;
export const version = __PACKAGE_VERSION__;

export const wx = uni;
export default wx;
