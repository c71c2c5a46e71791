#!/usr/bin/env node
// sockconf browser launcher: opens N headless Chromium pages at the IUT page URL, for the
// remote driver (`sockconf run --browser chromium --iut-page adapters/browser/<platform>`).
//
//   node adapters/browser/launch.mjs --browser chromium \
//     --url "http://127.0.0.1:PORT/adapters/browser/page.html?platform=ws-browser&control=ws://127.0.0.1:PORT/control" \
//     [--pages N] [--executable /usr/bin/chromium]
//
// Uses Debian's chromium (never a browser download) through playwright-core, on a fresh
// temporary --user-data-dir that is removed on exit. Each page's console errors, page errors
// (uncaught exceptions), crashes and failed loads go to stderr as "page N: …". A crashed page
// is reopened (bounded). stdout is unused.
//
// Stops, closing the browser and removing the temporary directory, when stdin ends (the
// harness closes it) or on SIGTERM/SIGINT/SIGHUP. Exit status: 0 after such a stop; 1 the
// browser went away by itself or a page could not be opened; 2 bad arguments; 3 Chromium
// (or playwright-core) cannot be found or launched.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseCommandLine } from "../node/cli.mjs";
import { findChromiumBinary, HEADLESS_ARGS, resolveBinary } from "./chromium.mjs";

const LAUNCH_TIMEOUT_MS = 30000;
const GOTO_TIMEOUT_MS = 20000;
const GOTO_TRIES = 3;
const CLOSE_TIMEOUT_MS = 5000;
const MAX_REOPENS = 5; // per page slot, after crashes
const MAX_PAGES = 32;

const USAGE = `usage: node adapters/browser/launch.mjs --browser chromium --url URL [options]

Opens N headless Chromium pages at URL (the sockconf IUT page) and keeps them open until
stdin ends or SIGTERM/SIGINT.

  --browser chromium       the browser (only chromium)
  --url URL                the page to open in every tab (http:// or https://)
  --pages N                how many pages (default 1, at most ${MAX_PAGES})
  --executable PATH        the browser binary (default: $SOCKCONF_CHROMIUM, else chromium,
                           chromium-browser on PATH)
  --trust-spki HASH        trust TLS certificates whose chain has this key (base64 SHA-256 of
                           its SubjectPublicKeyInfo): sockconf passes its echo servers' CA
  --verbose                also forward console messages other than errors
  --ignore-stdin           do not stop when stdin ends (for running it by hand < /dev/null)
  --help                   this text

Exit status: 0 stopped on request; 1 the browser went away or a page could not be opened;
2 bad arguments; 3 Chromium or playwright-core cannot be found or launched.`;

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
    verbose: values.verbose ?? false,
    ignoreStdin: values["ignore-stdin"] ?? false,
  };
  if (!opts.browser) usageError("--browser is required (chromium)");
  if (opts.browser !== "chromium") usageError(`unsupported browser ${JSON.stringify(opts.browser)} (only chromium)`);
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

function findChromium(explicit) {
  const { path: found, tried } = findChromiumBinary(explicit);
  if (found) return found;
  say(
    `cannot find Chromium (tried: ${tried}${explicit ? "" : " on PATH"}). Install Debian's chromium` +
      ` (scripts/setup.sh does: apt-get install chromium), or pass --executable PATH or set SOCKCONF_CHROMIUM.`,
  );
  process.exit(3);
}

const opts = parseArgs(process.argv.slice(2));
const wrapper = findChromium(opts.executable);
const executable = resolveBinary(wrapper);

let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch (e) {
  say(`cannot load playwright-core (${e.message}); run npm ci at the repository root (scripts/setup.sh)`);
  process.exit(3);
}

// ---------------------------------------------------------------- stopping

let context = null;
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
    say(`the browser did not close within ${CLOSE_TIMEOUT_MS} ms; exiting (Playwright kills it)`);
    removeUserDataDir();
    process.exit(code);
  }, CLOSE_TIMEOUT_MS);
  try {
    if (context) await context.close();
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

userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-chromium-"));
const args = [...HEADLESS_ARGS];
// wss:// to the echo servers: trust their throwaway CA's key, and nothing else.
if (opts.trustSpki) args.push(`--ignore-certificate-errors-spki-list=${opts.trustSpki}`);

let version = "";
try {
  const r = spawnSync(executable, ["--version"], { encoding: "utf8", timeout: 10000 });
  version = (r.stdout || "").trim();
} catch {}

try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: executable,
    headless: true,
    args,
    timeout: LAUNCH_TIMEOUT_MS,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
} catch (e) {
  removeUserDataDir();
  // Playwright's message is long (the whole command line and call log): its first line, how
  // the browser exited, and the rest only with --verbose.
  const text = String((e && e.message) || e).replace(/\x1b\[[0-9;]*m/g, "");
  const exit = /process did exit: ([^>]*)>/.exec(text);
  say(
    `cannot launch Chromium (${executable}${executable !== wrapper ? `, behind ${wrapper}` : ""}): ` +
      text.split("\n")[0] +
      (exit ? ` (the browser exited: ${exit[1]})` : "") +
      (opts.verbose ? `\n${text}` : " [--verbose for Playwright's log]"),
  );
  process.exit(3);
}
if (stopping) await new Promise(() => {}); // a signal came while launching: stop() exits
say(`${version || "chromium"} (${executable}), user data in ${userDataDir}`);

context.on("close", () => {
  if (!stopping) stop(1, "the browser went away");
});

// ---------------------------------------------------------------- pages

function watch(page, n) {
  const tag = `page ${n}`;
  page.on("console", (msg) => {
    const type = msg.type();
    if (type !== "error" && !opts.verbose) return;
    const loc = msg.location();
    const where = loc && loc.url ? ` (${loc.url}:${loc.lineNumber + 1})` : "";
    process.stderr.write(`${tag}: console.${type}: ${msg.text()}${where}\n`);
  });
  page.on("pageerror", (err) => {
    process.stderr.write(`${tag}: page error: ${err && err.stack ? err.stack : err}\n`);
  });
  page.on("requestfailed", (req) => {
    const f = req.failure();
    process.stderr.write(`${tag}: request failed: ${req.url()}${f ? ` (${f.errorText})` : ""}\n`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) process.stderr.write(`${tag}: HTTP ${res.status()} for ${res.url()}\n`);
  });
  page.on("crash", () => {
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
    await open(await context.newPage(), n);
  } catch (e) {
    if (!stopping) await stop(1, `page ${n}: cannot reopen: ${e.message}`);
  }
}

const pages = [];
const existing = context.pages();
for (let n = 1; n <= opts.pages; n++) pages.push(existing[n - 1] ?? (await context.newPage()));
await Promise.all(pages.map((p, i) => open(p, i + 1)));
if (!stopping) say(`${opts.pages} page${opts.pages > 1 ? "s" : ""} open at ${opts.url}`);
