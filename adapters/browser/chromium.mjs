// Finding and starting Debian's Chromium: launch.mjs (the pages of --iut-page) and
// bench/bare_page.mjs (bench/iut_overhead.mjs's same loop in a bare page) both start it here
// (launchChromium), as firefox.mjs starts Firefox.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";

const VERSION_TIMEOUT_MS = 10000;
const EXIT_WAIT_MS = 1000; // for the exit status of a browser whose pipe closed
const CLOSE_WAIT_MS = 5000; // for Browser.close, then for the exit, before SIGKILL
const STDERR_LINES = 20; // kept for the error of a browser that does not start

/** How sockconf starts Chromium: headless, no sandbox (containers), nothing of its own on the network. */
export const HEADLESS_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // What Debian's /usr/bin/chromium wrapper adds when /dev/shm is small (containers): we
  // start the binary behind the wrapper, so we say it ourselves.
  "--disable-dev-shm-usage",
];

/**
 * The Chromium to start: `explicit`, else $SOCKCONF_CHROMIUM, else chromium or chromium-browser
 * on PATH. {path} when found, else {path: null, tried: "what was tried"}.
 */
export function findChromiumBinary(explicit) {
  return findBinary(explicit, process.env.SOCKCONF_CHROMIUM, ["chromium", "chromium-browser"]);
}

/**
 * An executable file: `explicit` when given, else `fromEnv` when set, else the first of
 * `names` on PATH. {path} when found, else {path: null, tried: "what was tried"}.
 */
export function findBinary(explicit, fromEnv, names) {
  const candidates = explicit ? [explicit] : fromEnv ? [fromEnv] : names;
  for (const c of candidates) {
    if (c.includes("/")) {
      try {
        fs.accessSync(c, fs.constants.X_OK);
        if (fs.statSync(c).isFile()) return { path: c };
      } catch {}
      continue;
    }
    for (const dir of (process.env.PATH ?? "").split(":")) {
      if (!dir) continue;
      const p = path.join(dir, c);
      try {
        fs.accessSync(p, fs.constants.X_OK);
        if (fs.statSync(p).isFile()) return { path: p };
      } catch {}
    }
  }
  return { path: null, tried: candidates.join(", ") };
}

/**
 * Debian's /usr/bin/chromium is a shell wrapper (it sources /etc/chromium.d, exports API keys,
 * then execs /usr/lib/chromium/chromium): start the binary behind it directly.
 */
export function resolveBinary(exe) {
  try {
    const head = fs.readFileSync(exe, { encoding: "latin1" }).slice(0, 4096);
    if (head.startsWith("#!") && /APPNAME=chromium\b/.test(head) && fs.existsSync("/usr/lib/chromium/chromium"))
      return "/usr/lib/chromium/chromium";
  } catch {}
  return exe;
}

/**
 * Starts Chromium headless on the fresh user data dir `dir`, driven over the DevTools protocol
 * on a pipe (fds 3 and 4: no debugging port) by puppeteer-core, trusting the key `trustSpki`
 * (base64 SHA-256 of a SubjectPublicKeyInfo) for TLS when given. Returns what launch.mjs
 * drives: {version, newPage, pages, onGone, close, crashEvent}, and protocolBytes(): how many
 * bytes the browser has sent this driver so far. Throws when it cannot start: an Error whose
 * first line says why, with `browserExit` ("exitCode=N, signal=S") when the browser exited,
 * and the end of its stderr and its command line on the following lines.
 *
 * The Network domain stays off (`networkEnabled: false`): with it on (Playwright always, and
 * puppeteer-core by default), Chromium serialises a Network.webSocketFrameSent/Received event,
 * payload included, for every WebSocket frame of the page and sends it to this process, which
 * parses it. The harness's pages are WebSocket loops: in `sockconf bench --scenario iut` that
 * bound the page rows (issue 16), the instrumentation measured instead of the platform. What
 * is lost is the request-level events (`request`, `requestfailed`, `response`); a failed load
 * still reaches launch.mjs as Chromium's own console error ("Failed to load resource: …",
 * through the Log domain), and a failed navigation as the goto error.
 *
 * The browser is our child (spawned here, puppeteer.connect over its pipe), not
 * puppeteer.launch's: over a pipe, puppeteer.launch reports a browser that dies while starting
 * only as "Target closed", without its exit status or what it printed.
 */
export async function launchChromium({ executable, dir, timeoutMs, trustSpki }) {
  const { default: puppeteer } = await import("puppeteer-core");
  const version = chromiumVersion(executable);
  const args = [...HEADLESS_ARGS];
  // wss:// to the echo servers: trust their throwaway CA's key, and nothing else.
  if (trustSpki) args.push(`--ignore-certificate-errors-spki-list=${trustSpki}`);
  // puppeteer-core's defaults (no background throttling of timers or renderers, no
  // extensions, …), then ours.
  const argv = [...puppeteer.defaultArgs({ browser: "chrome", headless: true, userDataDir: dir, args }), "--remote-debugging-pipe"];
  const child = spawn(executable, argv, { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"], detached: true });
  // Its process group (the browser, its zygote and renderers): gone when we are.
  const killGroup = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  };
  process.on("exit", killGroup);
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => {
      process.off("exit", killGroup);
      resolve(`exitCode=${code}, signal=${signal}`);
    }),
  );
  const spawnError = new Promise((_, reject) => child.once("error", reject));
  spawnError.catch(() => {});
  const stderrTail = [];
  readline.createInterface({ input: child.stderr }).on("line", (line) => {
    stderrTail.push(line);
    if (stderrTail.length > STDERR_LINES) stderrTail.shift();
  });
  let received = 0;
  child.stdio[4].on("data", (chunk) => (received += chunk.length));

  let browser;
  let timer;
  try {
    browser = await Promise.race([
      spawnError,
      puppeteer.connect({
        transport: new PipeTransport(child.stdio[3], child.stdio[4]),
        protocolTimeout: timeoutMs,
        networkEnabled: false,
        defaultViewport: null, // the window's own size: no emulation per page
      }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Chromium did not answer on its DevTools pipe within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (e) {
    // The pipe closes before the exit is reaped: give the exit a moment to say how.
    const exit = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), EXIT_WAIT_MS))]);
    killGroup();
    const said = stderrTail.at(-1);
    throw Object.assign(
      new Error(
        (exit ? `Chromium exited while starting${said ? `: ${said}` : ""}` : String(e && e.message ? e.message : e).split("\n")[0]) +
          `\nits last stderr lines:\n${stderrTail.join("\n")}\nits command line: ${[executable, ...argv].join(" ")}`,
      ),
      { browserExit: exit },
    );
  } finally {
    clearTimeout(timer);
  }
  return {
    version,
    newPage: () => browser.newPage(),
    pages: () => browser.pages(),
    onGone: (fn) => browser.on("disconnected", fn),
    close: async () => {
      await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, CLOSE_WAIT_MS))]);
      await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), CLOSE_WAIT_MS))]);
      // Whether or not the browser exited in time: its zygote or a renderer can outlive it
      // for a moment (seen under load), and nothing of it may stay behind.
      killGroup();
    },
    crashEvent: "error", // puppeteer-core's name for a page that crashed (Inspector.targetCrashed)
    protocolBytes: () => received,
  };
}

/**
 * `executable --version` ("Chromium 156.0…"). Throws, with `browserExit` when it ran and
 * failed: a binary that cannot even say its version cannot start.
 */
function chromiumVersion(executable) {
  const probe = spawnSync(executable, ["--version"], { encoding: "utf8", timeout: VERSION_TIMEOUT_MS });
  const version = (probe.stdout || "").trim();
  if (!probe.error && probe.status === 0 && version) return version;
  const said = (probe.stderr || "").trim().split("\n")[0];
  throw Object.assign(
    new Error(`${executable} --version did not answer${probe.error ? `: ${probe.error.message}` : ""}${said ? `: ${said}` : ""}`),
    { browserExit: probe.error ? null : `exitCode=${probe.status}, signal=${probe.signal}` },
  );
}

/**
 * The DevTools protocol over Chromium's --remote-debugging-pipe: JSON messages, each ended by
 * a NUL byte, written to its fd 3 and read from its fd 4. What puppeteer.connect takes as
 * `transport` (its own pipe transport is not exported).
 */
class PipeTransport {
  constructor(toBrowser, fromBrowser) {
    this.toBrowser_ = toBrowser;
    this.pending_ = [];
    this.onmessage = null;
    this.onclose = null;
    fromBrowser.on("data", (chunk) => this.receive_(chunk));
    fromBrowser.on("close", () => this.onclose && this.onclose());
    fromBrowser.on("error", () => {}); // followed by close
    toBrowser.on("error", () => {}); // the browser went away: its read side says so
  }
  send(message) {
    this.toBrowser_.write(message);
    this.toBrowser_.write("\0");
  }
  receive_(chunk) {
    let end = chunk.indexOf(0);
    if (end === -1) {
      this.pending_.push(chunk);
      return;
    }
    let start = 0;
    while (end !== -1) {
      const message = Buffer.concat([...this.pending_, chunk.subarray(start, end)]).toString("utf8");
      this.pending_ = [];
      // As puppeteer's own: dispatched one at a time, after this chunk is parsed.
      setImmediate(() => this.onmessage && this.onmessage(message));
      start = end + 1;
      end = chunk.indexOf(0, start);
    }
    if (start < chunk.length) this.pending_.push(chunk.subarray(start));
  }
  close() {
    this.toBrowser_.end();
  }
}
