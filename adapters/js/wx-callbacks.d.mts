// Types of wx-callbacks.mjs (`import { callbacks } from "sockconf/wx-callbacks"`): success / fail /
// complete the way the wx API calls them, for a wx-style implementation.

/** Runs `fn` after the current task (setTimeout 0), as the wx API delivers callbacks and events. */
export function later(fn: () => void): void;

export interface Callbacks {
  /** success then complete, later, with {errMsg: "<api>:ok", ...extra}. */
  ok(extra?: Record<string, unknown>): void;
  /** fail then complete, later, with {errMsg: "<api>:fail <reason>"}. */
  fail(reason: string): void;
}

/**
 * The callbacks of one call, for the API named `api` ("connectSocket"): `options` is what the
 * call was given (a CallbackOptions of "sockconf/wx"; anything else has no callbacks).
 */
export function callbacks(options: unknown, api: string): Callbacks;
