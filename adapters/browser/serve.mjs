// What sockconf's remote driver does on its side, in a few lines of Node, for the browser
// pipeline's tests and for trying a platform by hand:
//   GET /adapters/...      files of the repository's adapters/ folder
//   GET /node_modules/...  files of the repository's node_modules/ folder
//   ws  /control           the control WebSocket (one connection per IUT instance)
//
// By hand:  node adapters/browser/serve.mjs [--port N] [--platform ws-browser]
// prints the page URL and every protocol message; type a JSON message + Enter to send it to
// the newest connection.

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
 * Starts the server on 127.0.0.1 (port 0: any free one). onConnection(ws, req) gets every
 * control connection. Returns {port, server, wss, pageUrl(platform), close()}.
 */
export async function startServer({ port = 0, onConnection } = {}) {
  const server = http.createServer(serveFile);
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    if (new URL(req.url, "http://x").pathname !== "/control") {
      socket.destroy();
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
  return {
    port: actual,
    server,
    wss,
    pageUrl: (platform) =>
      `http://127.0.0.1:${actual}/adapters/browser/page.html?platform=${encodeURIComponent(platform)}` +
      `&control=${encodeURIComponent(`ws://127.0.0.1:${actual}/control`)}`,
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
