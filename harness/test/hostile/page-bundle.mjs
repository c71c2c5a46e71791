// A hostile IUT as a browser page (harness/test/hostile/README.md): the bundle the page kit
// (adapters/browser/page.mjs) loads for platform "hostile", in a home the test assembles:
//   adapters/browser/hostile/dist/bundle.mjs   this file
//   adapters/browser/hostile/dist/hostile.mjs  ./hostile.mjs
//   adapters/browser/hostile/dist/mode.mjs     export default "MODE"
// Its wx is ws-browser's, honest; the misbehaviour needs the raw control connection, which the
// page kit keeps to itself, so this bundle taps the WebSocket class before the page connects:
// the socket whose URL is the control URL goes through hostile.mjs both ways.
import mode from "./mode.mjs";
import { createHostile } from "./hostile.mjs";
import * as browser from "../../ws-browser/entry.mjs";

export const wx = browser.wx;
export const name = `hostile-${mode}`;
export const version = "0";

const Native = globalThis.WebSocket;
const nativeSend = Native.prototype.send;

class Tap extends Native {
  constructor(url, protocols) {
    super(url, protocols);
    if (!/\/control(\?|$)/.test(new URL(String(url)).pathname + new URL(String(url)).search)) return;
    const ws = this;
    const say = (text) => {
      console.error(text);
      nativeSend.call(ws, JSON.stringify({ type: "log", text }));
    };
    this.hostile = createHostile({
      mode,
      write: (text) => nativeSend.call(ws, text),
      writeMany: (texts) => {
        let i = 0;
        const chunk = () => {
          if (ws.readyState !== Native.OPEN) return;
          for (const end = Math.min(texts.length, i + 5000); i < end; i++) nativeSend.call(ws, texts[i]);
          if (i < texts.length) setTimeout(chunk, 0);
        };
        chunk();
      },
      say,
      // A page cannot kill its renderer; the nearest thing: its control connection drops
      // mid-command and the page is gone (blank), never to say hello again.
      crash: () => {
        ws.close(4000, "hostile crash");
        setTimeout(() => location.replace("about:blank"), 50);
      },
    });
    // Ahead of the page kit's onmessage (set after this constructor returns), which a
    // swallowed or rewritten message must not reach as it came.
    this.addEventListener("message", (e) => {
      if (typeof e.data !== "string") return;
      const pass = this.hostile.fromHarness(e.data);
      if (pass === true) return;
      e.stopImmediatePropagation();
      if (pass) this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(pass) }));
    });
  }

  send(data) {
    if (this.hostile) return this.hostile.toHarness(data);
    return super.send(data);
  }
}
globalThis.WebSocket = Tap;
