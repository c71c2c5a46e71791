// Finding Debian's Chromium: launch.mjs (the pages of --iut-page) and bench/iut_overhead.mjs
// (the same loop in a bare page) start the same binary.
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
  const candidates = explicit
    ? [explicit]
    : process.env.SOCKCONF_CHROMIUM
      ? [process.env.SOCKCONF_CHROMIUM]
      : ["chromium", "chromium-browser"];
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
