// Debian's Firefox ESR for launch.mjs (`--browser firefox`): found on PATH, started headless
// through WebDriver BiDi (puppeteer-core, protocol "webDriverBiDi"; never a browser download)
// on a fresh profile that trusts exactly the echo servers' CA.
//
// wss:// to the echo servers: Chromium is told to ignore errors for one key (--trust-spki).
// Firefox has no such switch; its choices are a CA in the profile's certificate store, the
// OS store (security.enterprise_roots, which Linux builds do not read), or BiDi's
// acceptInsecureCerts, which accepts any certificate at all. sockconf imports the one CA
// with NSS's certutil (Debian's libnss3-tools) into the fresh profile, so a certificate the
// CA did not sign still fails as it would for a user (specs/decisions.md, D62).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { findBinary } from "./chromium.mjs";

const CERTUTIL_TIMEOUT_MS = 15000;

/**
 * Preferences of the fresh profile, over puppeteer-core's (which keep Firefox off the
 * network: updates, telemetry, safe browsing). Ours make a background tab as fast as the
 * foreground one: the harness runs one IUT instance per tab, and only one tab of a window
 * is in the foreground, so Firefox's background throttling (timers clamped to 1 s, budget
 * throttling, tab unloading) would time the harness, not the platform. puppeteer-core's default
 * switches turn off Chromium's equivalent (--disable-background-timer-throttling and friends)
 * the same way (chromium.mjs).
 */
export const FIREFOX_PREFS = {
  "dom.min_background_timeout_value": 4,
  "dom.min_background_timeout_value_without_budget_throttling": 4,
  "dom.timeout.enable_budget_timer_throttling": false,
  "dom.timeout.throttling_delay": -1,
  "browser.tabs.unloadOnLowMemory": false,
  "network.proxy.type": 0, // no proxy: the pages reach 127.0.0.1 only
  "browser.aboutConfig.showWarning": false,
};

/**
 * The Firefox to start: `explicit`, else $SOCKCONF_FIREFOX, else firefox-esr or firefox on
 * PATH. {path} when found, else {path: null, tried: "what was tried"}.
 */
export function findFirefoxBinary(explicit) {
  return findBinary(explicit, process.env.SOCKCONF_FIREFOX, ["firefox-esr", "firefox"]);
}

/** certutil (libnss3-tools) on PATH, or null. */
export function findCertutil() {
  return findBinary(undefined, undefined, ["certutil"]).path;
}

/**
 * Makes `dir` an NSS certificate store (cert9.db, key4.db) that trusts the CA in the PEM
 * file `caFile` for TLS servers ("C,,": a CA for SSL, nothing else). Throws an Error saying
 * which certutil step failed and its output.
 */
export function trustCaInProfile(dir, caFile, certutil = findCertutil()) {
  if (!certutil) throw new Error("certutil not found: install Debian's libnss3-tools (scripts/setup.sh does)");
  const pem = fs.readFileSync(caFile, "utf8");
  if (!/-----BEGIN CERTIFICATE-----/.test(pem)) throw new Error(`${caFile} holds no PEM certificate`);
  const steps = [
    ["create the store", ["-N", "-d", `sql:${dir}`, "--empty-password"]],
    ["import the CA", ["-A", "-d", `sql:${dir}`, "-n", "sockconf echo servers CA", "-t", "C,,", "-a", "-i", caFile]],
  ];
  for (const [what, args] of steps) {
    const r = spawnSync(certutil, args, { encoding: "utf8", timeout: CERTUTIL_TIMEOUT_MS });
    if (r.error || r.status !== 0)
      throw new Error(
        `certutil could not ${what} in ${dir}: ` +
          (r.error ? r.error.message : `exit ${r.status}: ${(r.stderr || r.stdout || "").trim()}`),
      );
  }
  if (!fs.existsSync(path.join(dir, "cert9.db"))) throw new Error(`certutil wrote no cert9.db in ${dir}`);
}

/**
 * Starts Firefox headless over WebDriver BiDi on the profile `dir` (already holding the CA
 * when wss:// must work). Returns what launch.mjs drives: {version, newPage, pages, onGone,
 * close, crashEvent}. Throws puppeteer-core's error when it cannot start.
 */
export async function launchFirefox({ executable, dir, timeoutMs }) {
  const { default: puppeteer } = await import("puppeteer-core");
  const browser = await puppeteer.launch({
    browser: "firefox",
    protocol: "webDriverBiDi",
    executablePath: executable,
    headless: true,
    userDataDir: dir, // ours: puppeteer-core writes its prefs into it and leaves it to us
    extraPrefsFirefox: FIREFOX_PREFS,
    acceptInsecureCerts: false, // only the CA in the profile is trusted (above)
    timeout: timeoutMs,
    protocolTimeout: timeoutMs,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    defaultViewport: null,
  });
  const version = await browser.version().catch(() => "firefox");
  return {
    version: version.replace(/^firefox\//, "Firefox "),
    // Each page in a user context of its own (a container: its own origin attributes), as
    // each IUT instance would be on its own device. Firefox lets one WebSocket at a time be
    // CONNECTING to an IP address per origin attributes (RFC 6455 4.1; nsWSAdmissionManager):
    // in one context, a case whose server never answers the upgrade would hold every other
    // tab's connections to 127.0.0.1 for its whole length (issue 17: 47 of uni-h5's cases
    // failed so at -j 24 that passed at -j 1). In its own context a case's connections queue
    // only behind its own, as an app's do (specs/decisions.md, D62).
    newPage: async () => (await browser.createBrowserContext()).newPage(),
    pages: async () => [], // the first tab is in the default context: launch.mjs opens its own
    onGone: (fn) => browser.on("disconnected", fn),
    close: () => browser.close(),
    crashEvent: "error", // puppeteer-core's name for a page that crashed
  };
}
