// taro-h5: Taro's H5 (web) API package, @tarojs/taro-h5, as a Taro H5 app reaches it.
//
// In a Taro app one writes `import Taro from '@tarojs/taro'` and calls `Taro.connectSocket(…)`.
// For H5 the package's README says the default-import syntax needs babel-plugin-transform-taroapi
// (set up by babel-preset-taro): it rewrites `Taro.X` into the named export `X` of
// @tarojs/taro-h5 when there is one, and leaves `Taro.X` on the default export otherwise. So the
// object a Taro H5 app effectively calls is: the default export, overlaid with the named exports.
// That is all this entry does; nothing of Taro's behaviour is changed. See README.md.

import * as taroH5 from "@tarojs/taro-h5";

export const name = __PACKAGE_NAME__;
export const version = __PACKAGE_VERSION__;

const { default: Taro, ...named } = taroH5;

export const wx = Object.assign({}, Taro, named);
export default wx;
