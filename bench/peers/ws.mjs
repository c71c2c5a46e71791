// Node `ws` 8 echo peer with `bufferutil` (masking in native code): every message
// back as it came, binary as binary, text as text. No permessage-deflate, UTF-8
// validation on (ws's default), the message limit of --max-message-bytes.
import { WebSocketServer } from "ws";
import bufferutil from "bufferutil";
import { announce, peerOptions } from "./peer-cli.mjs";

if (typeof bufferutil.mask !== "function") {
  process.stderr.write("ws: bufferutil is not usable; run bench/peers/setup.sh\n");
  process.exit(3);
}
const o = peerOptions("ws");
const server = new WebSocketServer({ host: o.host, port: o.port, perMessageDeflate: false, maxPayload: o.maxMessageBytes });
server.on("connection", (ws) => {
  ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on("error", () => ws.terminate());
});
server.on("error", (e) => {
  process.stderr.write(`ws: ${e.message}\n`);
  process.exit(3);
});
server.on("listening", () => {
  const { port } = server.address();
  announce({ ws: `ws://${o.host}:${port}/` }, o.maxSeconds, () => {
    for (const c of server.clients) c.terminate();
    server.close();
  });
});
