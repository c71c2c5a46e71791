#!/usr/bin/env node
// sockconf browser launcher: opens N headless browser pages at the IUT page URL, for the
// remote driver (`sockconf run --browser chromium|firefox --iut-page adapters/browser/<platform>`).
//
//   node adapters/browser/launch.mjs --browser chromium|firefox \
//     --url "http://127.0.0.1:PORT/adapters/browser/page.html?platform=ws-browser&control=ws://127.0.0.1:PORT/control" \
//     [--pages N] [--executable PATH] [--trust-ca CA.pem]
//
// Uses Debian's browsers, never a download, both driven by puppeteer-core: chromium over the
// DevTools protocol on a pipe, its Network domain off (chromium.mjs), firefox-esr through
// WebDriver BiDi (firefox.mjs), each on a fresh temporary profile that is removed on exit.
// Each page's console errors (Chromium's "Failed to load resource: …" among them), page errors
// (uncaught exceptions), crashes and, in Firefox, failed requests go to stderr as "page N: …".
// A crashed page is reopened (bounded). stdout is unused.
//
// Stops, closing the browser and removing the temporary directory, when stdin ends (the
// harness closes it) or on SIGTERM/SIGINT/SIGHUP. Exit status: 0 after such a stop; 1 the
// browser went away by itself or a page could not be opened; 2 bad arguments; 3 the browser
// (or its npm driver, or the CA import) cannot be found or launched.

import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseCommandLine } from "../node/cli.mjs";
import { findChromiumBinary, launchChromium, resolveBinary } from "./chromium.mjs";
import { findFirefoxBinary, launchFirefox, trustCaInProfile } from "./firefox.mjs";

const LAUNCH_TIMEOUT_MS = 30000;
const GOTO_TIMEOUT_MS = 20000;
const GOTO_TRIES = 3;
const CLOSE_TIMEOUT_MS = 5000;
const MAX_REOPENS = 5; // per page slot, after crashes
const MAX_PAGES = 32;
const BROWSERS = ["chromium", "firefox"];

const USAGE = `usage: node adapters/browser/launch.mjs --browser chromium|firefox --url URL [options]

Opens N headless pages of Debian's Chromium or Firefox ESR at URL (the sockconf IUT page) and
keeps them open until stdin ends or SIGTERM/SIGINT.

  --browser NAME           chromium (DevTools protocol) or firefox (firefox-esr, WebDriver
                           BiDi), both through puppeteer-core
  --url URL                the page to open in every tab (http:// or https://)
  --pages N                how many pages (default 1, at most ${MAX_PAGES})
  --executable PATH        the browser binary (default: $SOCKCONF_CHROMIUM, else chromium,
                           chromium-browser on PATH; $SOCKCONF_FIREFOX, else firefox-esr,
                           firefox on PATH)
  --trust-ca FILE          trust TLS certificates signed by the CA in this PEM file, and no
                           other new one: sockconf passes its echo servers' CA. Firefox imports
                           it into its fresh profile (certutil, libnss3-tools); Chromium trusts
                           its key (as --trust-spki)
  --trust-spki HASH        Chromium only: trust TLS certificates whose chain has this key
                           (base64 SHA-256 of its SubjectPublicKeyInfo)
  --verbose                also forward console messages other than errors
  --ignore-stdin           do not stop when stdin ends (for running it by hand < /dev/null)
  --help                   this text

Exit status: 0 stopped on request; 1 the browser went away or a page could not be opened;
2 bad arguments; 3 the browser, its npm driver or certutil cannot be found or launched.`;

const say = (text) => process.stderr.write(`launch: ${text}\n`);

function usageError(message) {
  process.stderr.write(`launch: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const values = parseCommandLine(
    argv,
    {
      browser: { type: "string" },
      url: { type: "string" },
      pages: { type: "string" },
      executable: { type: "string" },
      "trust-spki": { type: "string" },
      "trust-ca": { type: "string" },
      verbose: { type: "boolean" },
      "ignore-stdin": { type: "boolean" },
    },
    { program: "launch", usage: USAGE },
  );
  const opts = {
    browser: values.browser,
    url: values.url,
    pages: values.pages ?? 1,
    executable: values.executable,
    trustSpki: values["trust-spki"],
    trustCa: values["trust-ca"],
    verbose: values.verbose ?? false,
    ignoreStdin: values["ignore-stdin"] ?? false,
  };
  if (!opts.browser) usageError(`--browser is required (${BROWSERS.join(" or ")})`);
  if (!BROWSERS.includes(opts.browser))
    usageError(`unsupported browser ${JSON.stringify(opts.browser)} (${BROWSERS.join(" or ")})`);
  if (opts.trustSpki && opts.browser !== "chromium")
    usageError("--trust-spki is Chromium's: give Firefox the CA itself (--trust-ca FILE)");
  if (opts.trustCa && !fs.existsSync(opts.trustCa)) usageError(`--trust-ca: no file ${opts.trustCa}`);
  if (!opts.url) usageError("--url is required");
  try {
    const u = new URL(opts.url);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
  } catch {
    usageError(`--url must be an http:// or https:// URL, got ${JSON.stringify(opts.url)}`);
  }
  const n = Number(opts.pages);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGES) usageError(`--pages must be an integer from 1 to ${MAX_PAGES}`);
  opts.pages = n;
  return opts;
}

/** Each browser: how to find it, the npm package that drives it, how to start it. */
const ENGINES = {
  chromium: {
    title: "Chromium",
    find: findChromiumBinary,
    resolve: resolveBinary,
    env: "SOCKCONF_CHROMIUM",
    deb: "chromium",
    npm: "puppeteer-core",
    launch: launchChromium,
  },
  firefox: {
    title: "Firefox",
    find: findFirefoxBinary,
    resolve: (exe) => exe,
    env: "SOCKCONF_FIREFOX",
    deb: "firefox-esr",
    npm: "puppeteer-core",
    launch: launchFirefox,
  },
};

const opts = parseArgs(process.argv.slice(2));
const engine = ENGINES[opts.browser];

function findExecutable() {
  const { path: found, tried } = engine.find(opts.executable);
  if (found) return found;
  say(
    `cannot find ${engine.title} (tried: ${tried}${opts.executable || process.env[engine.env] ? "" : " on PATH"}).` +
      ` Install Debian's ${engine.deb} (scripts/setup.sh does: apt-get install ${engine.deb}),` +
      ` or pass --executable PATH or set ${engine.env}.`,
  );
  process.exit(3);
}

const wrapper = findExecutable();
const executable = engine.resolve(wrapper);

try {
  await import(engine.npm);
} catch (e) {
  say(`cannot load ${engine.npm} (${e.message}); run npm ci at the repository root (scripts/setup.sh)`);
  process.exit(3);
}

/** base64(SHA-256(SubjectPublicKeyInfo)) of the certificate in `pem`: what Chromium's
 * --ignore-certificate-errors-spki-list takes. */
function spkiSha256(pem) {
  const der = new crypto.X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return crypto.createHash("sha256").update(der).digest("base64");
}

// ---------------------------------------------------------------- stopping

let browser = null; // what the engine's launch returned
let userDataDir = null;
let stopping = false;

function removeUserDataDir() {
  if (!userDataDir) return;
  try {
    fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
  } catch (e) {
    say(`could not remove ${userDataDir}: ${e.message}`);
  }
  userDataDir = null;
}

async function stop(code, why) {
  if (stopping) return;
  stopping = true;
  if (why) say(why);
  const hard = setTimeout(() => {
    say(`the browser did not close within ${CLOSE_TIMEOUT_MS} ms; exiting (its driver kills it)`);
    removeUserDataDir();
    process.exit(code);
  }, CLOSE_TIMEOUT_MS);
  try {
    if (browser) await browser.close();
  } catch {}
  clearTimeout(hard);
  removeUserDataDir();
  process.exit(code);
}

for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(sig, () => stop(0, `${sig}: closing the browser`));
if (!opts.ignoreStdin) {
  process.stdin.on("end", () => stop(0, "stdin closed: closing the browser"));
  process.stdin.on("error", () => stop(0, "stdin closed: closing the browser"));
  process.stdin.resume(); // read and drop whatever comes
}
process.on("uncaughtException", (e) => stop(1, `internal error: ${e && e.stack ? e.stack : e}`));
process.on("unhandledRejection", (e) => stop(1, `internal error: ${e && e.stack ? e.stack : e}`));

// ---------------------------------------------------------------- launching

userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `sockconf-${opts.browser}-`));
let trustSpki = opts.trustSpki;
try {
  if (opts.trustCa && opts.browser === "firefox") trustCaInProfile(userDataDir, opts.trustCa);
  // Chromium takes the CA's key; derived here when only the CA was given.
  if (opts.trustCa && opts.browser === "chromium" && !trustSpki) trustSpki = spkiSha256(fs.readFileSync(opts.trustCa, "utf8"));
} catch (e) {
  removeUserDataDir();
  say(`cannot trust the CA in ${opts.trustCa}: ${e.message}`);
  process.exit(3);
}

try {
  browser = await engine.launch({ executable, dir: userDataDir, timeoutMs: LAUNCH_TIMEOUT_MS, trustSpki });
} catch (e) {
  removeUserDataDir();
  // The driver's message is long (the whole command line and call log): its first line, how
  // the browser exited, and the rest only with --verbose.
  const text = String((e && e.message) || e).replace(/\x1b\[[0-9;]*m/g, "");
  say(
    `cannot launch ${engine.title} (${executable}${executable !== wrapper ? `, behind ${wrapper}` : ""}): ` +
      text.split("\n")[0] +
      (e && e.browserExit ? ` (the browser exited: ${e.browserExit})` : "") +
      (opts.verbose ? `\n${text}` : " [--verbose for the whole message]"),
  );
  process.exit(3);
}
if (stopping) await new Promise(() => {}); // a signal came while launching: stop() exits
say(`${browser.version} (${executable}), user data in ${userDataDir}`);

browser.onGone(() => {
  if (!stopping) stop(1, "the browser went away");
});

// ---------------------------------------------------------------- pages

function watch(page, n) {
  const tag = `page ${n}`;
  page.on("console", (msg) => {
    const type = msg.type();
    if (type !== "error" && !opts.verbose) return;
    // A script's message has a line (0-based); Chromium's own about a load ("Failed to load
    // resource: …", from the Log domain) only the resource's URL.
    const loc = msg.location();
    const line = loc && Number.isInteger(loc.lineNumber) ? `:${loc.lineNumber + 1}` : "";
    const where = loc && loc.url ? ` (${loc.url}${line})` : "";
    process.stderr.write(`${tag}: console.${type}: ${msg.text()}${where}\n`);
  });
  page.on("pageerror", (err) => {
    process.stderr.write(`${tag}: page error: ${err && err.stack ? err.stack : err}\n`);
  });
  // Network events: Firefox's only. Chromium runs without the DevTools Network domain
  // (chromium.mjs: it would send the driver an event per WebSocket frame), so there the same
  // facts come as its console errors above ("Failed to load resource: the server responded
  // with a status of 404 (Not Found)", "… net::ERR_CONNECTION_REFUSED", with the URL).
  page.on("requestfailed", (req) => {
    const f = req.failure();
    process.stderr.write(`${tag}: request failed: ${req.url()}${f ? ` (${f.errorText})` : ""}\n`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) process.stderr.write(`${tag}: HTTP ${res.status()} for ${res.url()}\n`);
  });
  page.on(browser.crashEvent, () => {
    process.stderr.write(`${tag}: crashed\n`);
    reopen(page, n);
  });
}

const reopens = new Map();

async function open(page, n) {
  watch(page, n);
  let last;
  for (let i = 1; i <= GOTO_TRIES && !stopping; i++) {
    try {
      await page.goto(opts.url, { timeout: GOTO_TIMEOUT_MS, waitUntil: "domcontentloaded" });
      return;
    } catch (e) {
      last = e;
      say(`page ${n}: cannot open ${opts.url} (try ${i} of ${GOTO_TRIES}): ${e.message.split("\n")[0]}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  if (!stopping) await stop(1, `page ${n}: giving up on ${opts.url}: ${last && last.message.split("\n")[0]}`);
}

async function reopen(page, n) {
  if (stopping) return;
  const k = (reopens.get(n) ?? 0) + 1;
  reopens.set(n, k);
  if (k > MAX_REOPENS) return stop(1, `page ${n}: crashed ${k} times, giving up`);
  try {
    await page.close();
  } catch {}
  if (stopping) return;
  say(`page ${n}: reopening (${k} of ${MAX_REOPENS})`);
  try {
    await open(await browser.newPage(), n);
  } catch (e) {
    if (!stopping) await stop(1, `page ${n}: cannot reopen: ${e.message}`);
  }
}

const existing = await browser.pages();
const openSlot = async (i) => {
  const page = existing[i] ?? (await browser.newPage());
  if (!stopping) await open(page, i + 1);
};
// The first page alone, then the others at once, each loaded as soon as its tab exists. The
// harness waits its hello wait (30 s) for a first hello, then as long again for the others;
// made one by one and loaded after the last, 24 Firefox tabs (each in a context of its own)
// on a loaded 2-core machine said their first hello only after those 30 s (issue 17).
await openSlot(0);
await Promise.all(Array.from({ length: opts.pages - 1 }, (_, i) => openSlot(i + 1)));
if (!stopping) say(`${opts.pages} page${opts.pages > 1 ? "s" : ""} open at ${opts.url}`);
