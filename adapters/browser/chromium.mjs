// Finding Debian's Chromium: launch.mjs (the pages of --iut-page) and bench/iut_overhead.mjs
// (the same loop in a bare page) start the same binary; launch.mjs starts it here
// (launchChromium), as firefox.mjs starts Firefox.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

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
 * Starts Chromium headless through playwright-core on the fresh user data dir `dir`, trusting
 * the key `trustSpki` (base64 SHA-256 of a SubjectPublicKeyInfo) for TLS when given. Returns
 * what launch.mjs drives: {version, newPage, pages, onGone, close, crashEvent}. Throws
 * playwright-core's error when it cannot start.
 */
export async function launchChromium({ executable, dir, timeoutMs, trustSpki }) {
  const { chromium } = await import("playwright-core");
  const args = [...HEADLESS_ARGS];
  // wss:// to the echo servers: trust their throwaway CA's key, and nothing else.
  if (trustSpki) args.push(`--ignore-certificate-errors-spki-list=${trustSpki}`);
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: executable,
    headless: true,
    args,
    timeout: timeoutMs,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  let version = "";
  try {
    const r = spawnSync(executable, ["--version"], { encoding: "utf8", timeout: 10000 });
    version = (r.stdout || "").trim();
  } catch {}
  return {
    version: version || "chromium",
    newPage: () => context.newPage(),
    pages: async () => context.pages(),
    onGone: (fn) => context.on("close", fn),
    close: () => context.close(),
    crashEvent: "crash",
  };
}
