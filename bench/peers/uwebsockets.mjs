// uWebSockets echo peer (npm `uwebsockets` 3.0.6, a repackaging of uWebSockets.js
// binaries): every message back as it came, binary as binary, text as text. No
// compression, no idle timeout, the message limit of --max-message-bytes.
// Benchmark peer only, installed by bench/peers/setup.sh.
import uWS from "uwebsockets";
import { announce, peerOptions } from "./peer-cli.mjs";

const o = peerOptions("uwebsockets");
const app = uWS.App().ws("/*", {
  compression: uWS.DISABLED,
  maxPayloadLength: o.maxMessageBytes,
  idleTimeout: 0,
  // Room for a whole window of 1 MiB replies before uWS reports backpressure.
  maxBackpressure: 64 * 1024 * 1024,
  message: (ws, message, isBinary) => {
    ws.send(message, isBinary);
  },
});
app.listen(o.host, o.port, (token) => {
  if (!token) {
    process.stderr.write(`uwebsockets: cannot listen on ${o.host}:${o.port}\n`);
    process.exit(3);
  }
  const port = uWS.us_socket_local_port(token);
  announce({ ws: `ws://${o.host}:${port}/` }, o.maxSeconds, () => {
    uWS.us_listen_socket_close(token);
    app.close?.();
  });
});
