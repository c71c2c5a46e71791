// Types of shim.mjs (`import { createShim } from "sockconf"`): the IUT side of the adapter
// protocol (specs/adapter-protocol.md, v1) around any wx-style object. The values on the wire
// are JSON with the protocol's tagged forms ({"$arraybuffer"}, {"$handle"}, …), typed loosely
// here as `unknown`: the protocol page is their definition.
import type { Adaptation, Capability, WxSocketApi } from "../types/wx.js";

export type { Adaptation, Capability, WxSocketApi } from "../types/wx.js";

/** The protocol version this shim speaks. */
export const PROTOCOL: 1;

export interface HelloMessage {
  type: "hello";
  protocol: 1;
  name: string;
  version: string;
  profile: string | null;
  capabilities: Capability[];
  host?: string;
  adaptations?: Adaptation[];
}

/** One command's result; "promise": true when the call returned a thenable the shim awaited. */
export type ReplyBody =
  | { ok: true; value: unknown; promise?: true }
  | { ok: false; thrown: { name: string; message: string }; promise?: true }
  | { ok: false; error: string; promise?: true };

export type ReplyMessage = { type: "reply"; id: number } & ReplyBody;

export interface EventMessage {
  type: "event";
  op: "invoke";
  /** The harness's name of the function the IUT called. */
  fn: string;
  args: unknown[];
  /** Called inside the command that caused it (before the reply). */
  sync: boolean;
}

export interface LogMessage {
  type: "log";
  text: string;
}

/** What the shim gives `send`, in protocol order (the caller serialises it). */
export type ShimMessage = HelloMessage | ReplyMessage | EventMessage | LogMessage;

/** The handlers the bench loop gives a host TCP connection (hostTcp). */
export interface HostTcpHandlers {
  onConnect(): void;
  onData(chunk: Uint8Array | ArrayBuffer | string): void;
  onError(error: unknown): void;
  onClose(info?: { hadError?: boolean }): void;
}

/** The host's own TCP for "bench" (api "host"): Node's is node:net (sockconf-node.mjs). */
export type HostTcp = (
  target: { address: string; port: number },
  handlers: HostTcpHandlers,
) => { write(data: string | ArrayBuffer): void; close(): void };

export interface ShimOptions {
  /** Receives every outgoing message object, in order. Required. */
  send(message: ShimMessage): void;
  /** Override the detected capabilities ("virtual-clock" is dropped, "bench" always added). */
  capabilities?: Capability[];
  /** hello's name (default "sockconf-js-shim"), version (default "0"), profile (default null). */
  name?: string;
  version?: string;
  profile?: string | null;
  /** What runs the platform's code: "browser", "node", "native", or another host. */
  host?: string;
  /** What this adapter converts or substitutes because its host stands in for the platform's. */
  adaptations?: Adaptation[];
  /** How long a returned Promise may take to settle (default 5000). */
  promiseTimeoutMs?: number;
  /** Awaited on "reset", after the shim closed what it knows of. */
  reset?: () => void | Promise<void>;
  /** Called on "bye" (the runner exits; the page reloads). */
  onBye?: () => void;
  /** The host's own WebSocket constructor, the "bench" baseline (api "host", transport "ws"). */
  hostWebSocket?: new (url: string) => unknown;
  hostTcp?: HostTcp;
  /** This process's CPU time for "bench" (Node: process.cpuUsage()). */
  cpuUsage?: () => { user_s: number; system_s: number };
}

export interface Shim {
  /** Sends hello (once per connection, first) and returns it. */
  hello(): HelloMessage;
  /** One message from the harness: a JSON line or a parsed object. Settles once it was handled. */
  handle(message: string | object): Promise<void>;
  /** The capabilities hello announces. */
  readonly capabilities: Capability[];
  /** Sends a "log" message (diagnostics the harness keeps with the case). */
  log(text: string): void;
}

/** Wraps a wx-style object; throws a TypeError for a non-object wx or a bad option. */
export function createShim(wx: WxSocketApi | object, options: ShimOptions): Shim;

/** The capabilities by the functions the object has: websocket, legacy-globals, tcp (never virtual-clock). */
export function detectCapabilities(wx: object): Array<"websocket" | "legacy-globals" | "tcp">;

/** A hello's adaptations checked ({what, why}, non-empty strings); throws a TypeError naming the bad entry. */
export function checkAdaptations(list: unknown): Adaptation[];

/** The class a handle reports: "TCPSocket", "SocketTask" by shape, else the constructor's name. */
export function handleClass(value: object): string;

/** The class a typed array or DataView reports: its constructor's name (Buffer, Uint8Array, …). */
export function viewClass(view: ArrayBufferView): string;

export function bytesToBase64(bytes: Uint8Array): string;

/** Throws on anything that is not canonical base64. */
export function base64ToBytes(text: string): Uint8Array;
