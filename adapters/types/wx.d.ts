// Types of the wx-style module an adapter provides to sockconf (`import type … from "sockconf/wx"`).
//
// The shapes are the documented ones the suites check (specs/api.json for which functions and
// methods exist and which take callbacks; specs/clauses/*.json for arguments and results), not
// any one platform's: a platform that differs (Taro's Promise from connectSocket, a Buffer where
// an ArrayBuffer is documented) is still run, and the report shows the difference. Every part is
// optional: the runner and the page detect the capabilities by what the object has
// (connectSocket: websocket; sendSocketMessage + onSocketOpen: legacy-globals; createTCPSocket: tcp).

// ---------------------------------------------------------------- callbacks

/** What every callback and most listeners get: `errMsg` is "<api>:ok" or "<api>:fail <reason>". */
export interface GeneralCallbackResult {
  errMsg: string;
}

/**
 * success / fail / complete: all optional (WS-CONNECT-CALLBACKS-OPTIONAL); exactly one of success
 * or fail, then complete, each after the call returned (WS-CALLBACKS-ONE-RESULT-AND-COMPLETE,
 * WS-CALLBACKS-ASYNC).
 */
export interface CallbackOptions<Ok extends GeneralCallbackResult = GeneralCallbackResult> {
  success?: (res: Ok) => void;
  fail?: (res: GeneralCallbackResult) => void;
  complete?: (res: Ok | GeneralCallbackResult) => void;
}

// ---------------------------------------------------------------- WebSocket

export interface ConnectSocketOption extends CallbackOptions<ConnectSocketSuccessResult> {
  /** ws:// or wss:// (wss:// only where the profile says so); anything else is refused. */
  url: string;
  /** Request headers of the handshake; a Referer given here is not sent. */
  header?: Record<string, string>;
  /** Sub-protocols, offered in this order in Sec-WebSocket-Protocol. */
  protocols?: string[];
  tcpNoDelay?: boolean;
  perMessageDeflate?: boolean;
  /** Handshake timeout in milliseconds. */
  timeout?: number;
  /** Old API (ignored: the handshake is always a GET). */
  method?: string;
  /** Old API (ignored). */
  data?: unknown;
}

export interface ConnectSocketSuccessResult extends GeneralCallbackResult {
  /** "connectSocket:ok" */
  errMsg: string;
  socketTaskId?: number;
}

/** Data of a WebSocket message: a string for text, an ArrayBuffer for binary (never a view or a Blob). */
export type SocketData = string | ArrayBuffer;

export interface SendSocketMessageOption extends CallbackOptions {
  /** Required: a string (sent as UTF-8 text) or an ArrayBuffer (binary). errMsg "sendSocketMessage:…". */
  data: SocketData;
}

export interface CloseSocketOption extends CallbackOptions {
  /** 1000 (the default) or 3000-4999; another code fails and closes nothing. */
  code?: number;
  /** At most 123 UTF-8 bytes; a longer one fails and closes nothing. errMsg "closeSocket:…". */
  reason?: string;
}

export interface SocketOpenResult {
  /** The handshake response's headers. */
  header: Record<string, string>;
  profile?: Record<string, unknown>;
}

export interface SocketMessageResult {
  data: SocketData;
}

export interface SocketCloseResult {
  code: number;
  /** "" when the peer gave none. */
  reason: string;
}

export type SocketErrorResult = GeneralCallbackResult;

/** What wx.connectSocket returns. Listeners are called after the call that caused the event returned. */
export interface SocketTask {
  send(option: SendSocketMessageOption): void;
  /** The option may be left out: code 1000. */
  close(option?: CloseSocketOption): void;
  onOpen(listener: (res: SocketOpenResult) => void): void;
  onMessage(listener: (res: SocketMessageResult) => void): void;
  onError(listener: (res: SocketErrorResult) => void): void;
  /** Once per task; nothing of the task after it. */
  onClose(listener: (res: SocketCloseResult) => void): void;
  /** CONNECTING 0, OPEN 1, CLOSING 2, CLOSED 3; never moves backwards. */
  readonly readyState?: number;
  readonly CONNECTING?: number;
  readonly OPEN?: number;
  readonly CLOSING?: number;
  readonly CLOSED?: number;
  readonly socketTaskId?: number;
  /** Taro: the result of the last call. */
  readonly errMsg?: string;
  /** Taro H5: the underlying browser WebSocket. */
  readonly ws?: unknown;
}

/** connectSocket and SocketTask (capability "websocket"). */
export interface WxWebSocketApi {
  /**
   * A SocketTask, synchronously; a Promise of one where the profile documents Taro's form
   * (switches.connect_returns_promise).
   */
  connectSocket(option: ConnectSocketOption): SocketTask | Promise<SocketTask>;
}

/** The old global functions (capability "legacy-globals"): they act on the connection of connectSocket. */
export interface WxLegacySocketApi {
  sendSocketMessage(option: SendSocketMessageOption): void;
  /** No argument at all is allowed: code 1000. */
  closeSocket(option?: CloseSocketOption): void;
  onSocketOpen(listener: (res: SocketOpenResult) => void): void;
  onSocketMessage(listener: (res: SocketMessageResult) => void): void;
  onSocketError(listener: (res: SocketErrorResult) => void): void;
  onSocketClose(listener: (res: SocketCloseResult) => void): void;
}

// ---------------------------------------------------------------- TCP

export interface CreateTCPSocketOption {
  /** Default "ipv4". */
  type?: "ipv4" | "ipv6";
}

export interface TCPSocketConnectOption {
  /** An IP literal or a host name. */
  address: string;
  /** 1-65535; the profile's blocked ports are refused. */
  port: number;
  /** Seconds (default: the profile's, 2). */
  timeout?: number;
}

export interface TCPSocketBindWifiOption {
  BSSID: string;
}

export interface TCPSocketAddressInfo {
  address: string;
  family: "IPv4" | "IPv6";
  port: number;
}

export interface TCPSocketMessageResult {
  /** The bytes received; how the stream is cut into messages is not specified. */
  message: ArrayBuffer;
  remoteInfo: TCPSocketAddressInfo & { size?: number };
  localInfo: TCPSocketAddressInfo;
}

/**
 * errCode, where present, is a number from the profile's tcp_error_codes table: -1 system,
 * -2 socket (errMsg then holds "errno:<n>"), -3 no_permission, -4 connect_failed,
 * 1 invalid_address, 2 invalid_port, 3 invalid_bssid, 4 wifi_system, 5 android_only, 6 android_too_old.
 */
export interface TCPSocketErrorResult extends GeneralCallbackResult {
  errCode?: number;
  errNum?: number;
  sockfd?: number;
}

/** What wx.createTCPSocket returns. No callbacks: results come by the listeners, after the call returned. */
export interface TCPSocket {
  connect(option: TCPSocketConnectOption): void;
  /** A string is sent as UTF-8; an ArrayBuffer as its bytes. Anything else: onError, nothing sent. */
  write(data: string | ArrayBuffer | ArrayBufferView): void;
  close(): void;
  /** Android only; elsewhere onError (android_only) and no onBindWifi. */
  bindWifi(option: TCPSocketBindWifiOption): void;
  onConnect(listener: (res: Record<string, unknown>) => void): void;
  /** Without a listener: removes every listener of the event. */
  offConnect(listener?: (res: Record<string, unknown>) => void): void;
  onMessage(listener: (res: TCPSocketMessageResult) => void): void;
  offMessage(listener?: (res: TCPSocketMessageResult) => void): void;
  onError(listener: (res: TCPSocketErrorResult) => void): void;
  offError(listener?: (res: TCPSocketErrorResult) => void): void;
  onClose(listener: (res: Record<string, unknown>) => void): void;
  offClose(listener?: (res: Record<string, unknown>) => void): void;
  onBindWifi(listener: (res: Record<string, unknown>) => void): void;
  offBindWifi(listener?: (res: Record<string, unknown>) => void): void;
}

/** createTCPSocket (capability "tcp"). */
export interface WxTcpApi {
  /** A TCPSocket, synchronously, with no connection yet; beyond the profile's creation limit it throws or reports. */
  createTCPSocket(option?: CreateTCPSocketOption): TCPSocket;
}

// ---------------------------------------------------------------- the object and the module

/** The wx-style object: any part of the three APIs (what it has is what hello announces). */
export type WxSocketApi = Partial<WxWebSocketApi> & Partial<WxLegacySocketApi> & Partial<WxTcpApi>;

/** The capabilities of specs/adapter-protocol.md. The shim never claims "virtual-clock" and always adds "bench". */
export type Capability = "websocket" | "legacy-globals" | "tcp" | "virtual-clock" | "bench";

/** One thing an adapter converts or substitutes because its host stands in for the platform's. */
export interface Adaptation {
  what: string;
  why: string;
}

/**
 * A module for the Node runner (`sockconf-node --module FILE`): the wx-style object is its export
 * named by --export, else `wx`, else the default export (CommonJS: module.exports.wx, else
 * module.exports); `adaptations` goes into hello.
 */
export interface WxModule {
  wx?: WxSocketApi;
  default?: WxSocketApi | { wx?: WxSocketApi; adaptations?: Adaptation[] };
  adaptations?: Adaptation[];
}

/**
 * A platform bundle for the browser page (`browser/page.html?platform=NAME` loads
 * `NAME/dist/bundle.mjs`): `wx` (else the default export) and what goes into hello.
 */
export interface PageBundleModule {
  wx?: WxSocketApi;
  default?: WxSocketApi;
  name?: string;
  version?: string;
  profile?: string;
  capabilities?: Capability[];
  adaptations?: Adaptation[];
}
