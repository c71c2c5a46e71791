// What sockconf's remote driver does on its side, in a few lines of Node, for the browser
// pipeline's tests and for trying a platform by hand:
//   GET /adapters/...      files of the repository's adapters/ folder
//   GET /node_modules/...  files of the repository's node_modules/ folder
//   ws  /control           the control WebSocket (one connection per IUT instance), locked as
//                          sockconf's is: only with this server's secret (?key=, in pageUrl())
//                          and from its own Origin; anything else gets 403 and a logged line
//
// By hand:  node adapters/browser/serve.mjs [--port N] [--platform ws-browser]
// prints the page URL and every protocol message; type a JSON message + Enter to send it to
// the newest connection.

import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

import { WebSocketServer } from "ws";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

const MOUNTS = { "/adapters/": "adapters", "/node_modules/": "node_modules" };

function serveFile(req, res) {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, "http://x").pathname);
  } catch {
    res.writeHead(400).end("bad path\n");
    return;
  }
  const mount = Object.keys(MOUNTS).find((m) => pathname.startsWith(m));
  if (!mount || (req.method !== "GET" && req.method !== "HEAD")) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  const base = path.join(root, MOUNTS[mount]);
  const file = path.resolve(base, "." + pathname.slice(mount.length - 1));
  if (file !== base && !file.startsWith(base + path.sep)) {
    res.writeHead(403).end("forbidden\n");
    return;
  }
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "content-length": st.size,
      "cache-control": "no-store",
    });
    if (req.method === "HEAD") res.end();
    else fs.createReadStream(file).pipe(res);
  });
}

/**
 * Why a control upgrade must be refused ("" when it may go on), by sockconf's rule
 * (harness/src/remote_driver.cpp, specs/adapter-protocol.md): this server's secret in ?key=,
 * and the Origin of a page it served.
 */
export function refusal(req, secret, origin) {
  const key = new URL(req.url, "http://x").searchParams.get("key");
  if (key === null) return "no secret: the URL has no key=";
  const a = Buffer.from(key);
  const b = Buffer.from(secret);
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) return "wrong secret: key= is not this run's";
  if (req.headers.origin === undefined) return `wrong origin: no Origin header (expected ${origin})`;
  if (req.headers.origin !== origin)
    return `wrong origin: Origin "${String(req.headers.origin).slice(0, 200)}" is not ${origin}`;
  return "";
}

/**
 * Starts the server on 127.0.0.1 (port 0: any free one). onConnection(ws, req) gets every
 * control connection that passes the lock; onRefusal(line) every refused one (default: stderr).
 * Returns {port, secret, server, wss, pageUrl(platform), controlUrl, close()}.
 */
export async function startServer({ port = 0, onConnection, onRefusal } = {}) {
  const server = http.createServer(serveFile);
  const wss = new WebSocketServer({ noServer: true });
  const secret = crypto.randomBytes(16).toString("hex");
  let origin = "";
  server.on("upgrade", (req, socket, head) => {
    if (new URL(req.url, "http://x").pathname !== "/control") {
      socket.destroy();
      return;
    }
    const why = refusal(req, secret, origin);
    if (why) {
      const line = `refused a control connection from ${socket.remoteAddress}:${socket.remotePort}: ${why} [E-ADAPTER-REFUSED]`;
      (onRefusal ?? ((l) => console.error(`serve.mjs: ${l}`)))(line);
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nrefused: ${why}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (onConnection) onConnection(ws, req);
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const actual = server.address().port;
  origin = `http://127.0.0.1:${actual}`;
  const controlUrl = `ws://127.0.0.1:${actual}/control?key=${secret}`;
  return {
    port: actual,
    secret,
    controlUrl,
    server,
    wss,
    pageUrl: (platform) =>
      `${origin}/adapters/browser/page.html?platform=${encodeURIComponent(platform)}` +
      `&control=${encodeURIComponent(controlUrl)}`,
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------- by hand

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
  let newest = null;
  let n = 0;
  const s = await startServer({
    port: Number(opt("--port", 0)),
    onConnection: (ws) => {
      const me = ++n;
      newest = ws;
      console.log(`[${me}] connected`);
      ws.on("message", (d) => console.log(`[${me}] <- ${d}`));
      ws.on("close", (code) => console.log(`[${me}] closed ${code}`));
    },
  });
  console.log(`page: ${s.pageUrl(opt("--platform", "ws-browser"))}`);
  readline.createInterface({ input: process.stdin }).on("line", (line) => {
    if (!line.trim()) return;
    if (!newest) return console.log("no connection yet");
    newest.send(line.trim());
    console.log(`-> ${line.trim()}`);
  });
}
