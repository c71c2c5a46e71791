// uWebSockets echo peer (npm `uwebsockets` 3.0.6, a repackaging of uWebSockets.js
// binaries): every message back as it came, binary as binary, text as text. No
// compression, no idle timeout, the message limit of --max-message-bytes.
// Serves ws:// on --port and wss:// (its SSLApp) on an ephemeral port, with a
// throwaway EC P-256 certificate made by Debian's `openssl` (the key type of
// sockconf's own wss:// certificate), so both servers sign alike.
// Benchmark peer only, installed by bench/peers/setup.sh.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import uWS from "uwebsockets";
import { announce, peerOptions } from "./peer-cli.mjs";

const o = peerOptions("uwebsockets");
const behaviour = {
  compression: uWS.DISABLED,
  maxPayloadLength: o.maxMessageBytes,
  idleTimeout: 0,
  // Room for a whole window of 1 MiB replies before uWS reports backpressure.
  maxBackpressure: 64 * 1024 * 1024,
  message: (ws, message, isBinary) => {
    ws.send(message, isBinary);
  },
};

function fail(what) {
  process.stderr.write(`uwebsockets: ${what}\n`);
  process.exit(3);
}

const dir = mkdtempSync(join(tmpdir(), "uws-peer-"));
process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
const key = join(dir, "key.pem"), cert = join(dir, "cert.pem");
try {
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "1", "-subj", `/CN=${o.host}`], { stdio: "pipe", timeout: 10000 });
} catch (e) {
  fail(`cannot make a certificate with openssl: ${e.message}`);
}

const app = uWS.App().ws("/*", behaviour);
const tls = uWS.SSLApp({ key_file_name: key, cert_file_name: cert }).ws("/*", behaviour);
const listen = (a, port) => new Promise((resolve) => a.listen(o.host, port, (token) => resolve(token)));
const [plain, secure] = [await listen(app, o.port), await listen(tls, 0)];
if (!plain) fail(`cannot listen on ${o.host}:${o.port}`);
if (!secure) fail(`cannot listen for wss:// on ${o.host}`);
announce({
  ws: `ws://${o.host}:${uWS.us_socket_local_port(plain)}/`,
  wss: `wss://${o.host}:${uWS.us_socket_local_port(secure)}/`,
}, o.maxSeconds, () => {
  uWS.us_listen_socket_close(plain);
  uWS.us_listen_socket_close(secure);
  app.close?.();
  tls.close?.();
});
