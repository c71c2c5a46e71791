#!/usr/bin/env node
// The platforms sockconf knows, read from the platform.json of each adapter folder
// (adapters/*/platform.json, adapters/*/*/platform.json; fields: adapters/README.md,
// "platform.json"). Whatever lists platforms reads them here: scripts/platform-reports.sh,
// adapters/browser/test/platforms.test.mjs, build.mjs (a folder's npm package); the C++
// reports test reads the same files. A folder added with a platform.json is picked up
// everywhere, without a list to edit.
//
//   node adapters/platforms.mjs list [--reported]   # names, one a line (--reported: those
//                                                    # with a committed platform report), in
//                                                    # matrix order
//   node adapters/platforms.mjs get NAME FIELD      # one field (e.g. profile), as text
//   node adapters/platforms.mjs run-args NAME [BROWSER]  # the `sockconf run` arguments that
//                                                    # reach it (in BROWSER, one of its
//                                                    # run.browser; default the first), one a line
//   node adapters/platforms.mjs browsers NAME       # the engines its page runs in, one a line
//                                                    # (none for a platform that is not a page)
//   node adapters/platforms.mjs check               # validate every platform.json
//
// Exit status: 0; 2 a bad platform.json (the message names the file and the field), an
// unknown platform or bad arguments.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const KEYS = ["name", "title", "profile", "package", "run", "hello", "binary", "platform_report"];
const RUN_KEYS = ["in_process", "page", "browser", "pages", "iut"];
const HELLO_KEYS = ["name", "version", "host", "capabilities", "adaptations"];
const HOSTS = ["browser", "node", "native"];
// The browsers launch.mjs drives (adapters/browser/launch.mjs --browser).
export const BROWSERS = ["chromium", "firefox"];
// "bench": the adapter runs the bench command's load loop (the JS shim always does).
const CAPABILITIES = ["websocket", "legacy-globals", "tcp", "virtual-clock", "bench"];

export class PlatformError extends Error {}

function fail(file, field, what) {
  throw new PlatformError(`${path.relative(root, file)}${field ? `: ${field}` : ""}: ${what}`);
}

const isString = (v) => typeof v === "string" && v.length > 0;
const stringList = (v) => Array.isArray(v) && v.every(isString);

function only(file, where, obj, keys) {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) fail(file, where, "expected an object");
  for (const k of Object.keys(obj))
    if (!keys.includes(k)) fail(file, where ? `${where}.${k}` : k, `unknown field (allowed: ${keys.join(", ")})`);
}

/** Validates one parsed platform.json; `file` names it in errors. Returns the platform. */
export function validate(doc, file, base = root) {
  only(file, "", doc, KEYS);
  for (const k of ["name", "title", "profile", "run", "hello", "platform_report"])
    if (!(k in doc)) fail(file, k, "missing");
  if (!/^[a-z0-9][a-z0-9-]*$/.test(doc.name ?? "")) fail(file, "name", "expected lower-case letters, digits and '-'");
  if (!isString(doc.title)) fail(file, "title", "expected a non-empty string");
  if (!isString(doc.profile)) fail(file, "profile", "expected a profile id");
  if (!fs.existsSync(path.join(base, "specs/profiles", `${doc.profile}.json`)))
    fail(file, "profile", `no profile specs/profiles/${doc.profile}.json`);
  if ("package" in doc && !isString(doc.package)) fail(file, "package", "expected an npm package name");
  if (typeof doc.platform_report !== "boolean") fail(file, "platform_report", "expected true or false");
  if ("binary" in doc && !["$arraybuffer", "$blob", "$typedarray"].includes(doc.binary))
    fail(file, "binary", 'expected "$arraybuffer", "$blob" or "$typedarray"');

  const run = doc.run;
  only(file, "run", run, RUN_KEYS);
  const kinds = ["in_process", "page", "iut"].filter((k) => k in run);
  if (kinds.length !== 1) fail(file, "run", "expected exactly one of in_process, page, iut");
  if ("in_process" in run && run.in_process !== true) fail(file, "run.in_process", "expected true");
  if ("iut" in run && !isString(run.iut)) fail(file, "run.iut", "expected a command");
  if ("page" in run) {
    if (!isString(run.page) || !fs.existsSync(path.join(base, run.page, "entry.mjs")))
      fail(file, "run.page", `expected a page folder holding entry.mjs, got ${JSON.stringify(run.page)}`);
    // One browser, or a list: the platform's committed report is a run in each (the first's in
    // reports/platforms/NAME/, the others' in reports/platforms/NAME/<browser>/).
    const list = typeof run.browser === "string" ? [run.browser] : run.browser;
    const want = `expected one of ${BROWSERS.map((b) => JSON.stringify(b)).join(", ")}, or a list of them`;
    if (list !== undefined && !(Array.isArray(list) && list.length > 0 && list.every((b) => BROWSERS.includes(b))))
      fail(file, "run.browser", want);
    if (list !== undefined && new Set(list).size !== list.length) fail(file, "run.browser", "a browser is listed twice");
  } else {
    for (const k of ["browser", "pages"]) if (k in run) fail(file, `run.${k}`, "only with run.page");
  }
  if ("pages" in run && !(Number.isInteger(run.pages) && run.pages >= 1 && run.pages <= 32))
    fail(file, "run.pages", "expected an integer from 1 to 32");

  const hello = doc.hello;
  only(file, "hello", hello, HELLO_KEYS);
  if (!HOSTS.includes(hello.host)) fail(file, "hello.host", `expected one of ${HOSTS.join(", ")}`);
  if (!stringList(hello.capabilities) || hello.capabilities.some((c) => !CAPABILITIES.includes(c)))
    fail(file, "hello.capabilities", `expected a list of ${CAPABILITIES.join(", ")}`);
  if ("adaptations" in hello && !Array.isArray(hello.adaptations)) fail(file, "hello.adaptations", "expected a list");
  if ("adaptations" in hello && !hello.adaptations.every(isString))
    fail(file, "hello.adaptations", "expected the start of each adaptation's `what`");
  // hello's name and version are the package's when there is one, else given here.
  if ("package" in doc) {
    for (const k of ["name", "version"]) if (k in hello) fail(file, `hello.${k}`, "the package's: leave it out");
  } else if (!isString(hello.name)) fail(file, "hello.name", "expected the name its hello gives (no package)");
  return { ...doc, file };
}

/** The platform.json files under adapters/ (two levels deep), sorted. */
export function platformFiles(base = root) {
  const dir = path.join(base, "adapters");
  const out = [];
  const walk = (d, depth) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name === "node_modules" || e.name === "dist") continue;
      const f = path.join(d, e.name, "platform.json");
      if (fs.existsSync(f)) out.push(f);
      if (depth < 2) walk(path.join(d, e.name), depth + 1);
    }
  };
  walk(dir, 1);
  return out.sort();
}

/**
 * Every platform, validated, in matrix order: the in-process reference first (the baseline
 * the others are read against), then by name. Throws PlatformError.
 */
export function loadPlatforms(base = root) {
  const all = platformFiles(base).map((f) => {
    let doc;
    try {
      doc = JSON.parse(fs.readFileSync(f, "utf8"));
    } catch (e) {
      fail(f, "", `not valid JSON: ${e.message}`);
    }
    return validate(doc, f, base);
  });
  const seen = new Map();
  for (const p of all) {
    if (seen.has(p.name)) fail(p.file, "name", `"${p.name}" is also ${path.relative(base, seen.get(p.name))}'s`);
    seen.set(p.name, p.file);
  }
  return all.sort((a, b) => (b.run.in_process === true) - (a.run.in_process === true) || a.name.localeCompare(b.name));
}

/** The platform whose page folder is `dir` (e.g. adapters/browser/taro-h5), if any. */
export function platformOfPage(dir, base = root) {
  const f = path.join(path.resolve(base, dir), "platform.json");
  return fs.existsSync(f) ? validate(JSON.parse(fs.readFileSync(f, "utf8")), f, base) : null;
}

/** The browsers `p`'s page runs in (its run.browser as a list; [] when it names none). */
export function browsers(p) {
  const b = p.run.browser;
  return b === undefined ? [] : typeof b === "string" ? [b] : [...b];
}

/** What `sockconf run` needs to reach `p` (in `browser`, default its first): its IUT flags and its profile. */
export function runArgs(p, browser) {
  const args = [];
  if (browser !== undefined && !browsers(p).includes(browser))
    fail(p.file, "run.browser", `${JSON.stringify(browser)} is not one of the platform's browsers (${browsers(p).join(", ") || "none"})`);
  if (p.run.page) {
    if (browsers(p).length) args.push("--browser", browser ?? browsers(p)[0]);
    args.push("--iut-page", p.run.page);
    if (p.run.pages) args.push("--pages", String(p.run.pages));
  } else if (p.run.iut) args.push("--iut", p.run.iut);
  args.push("--profile", p.profile);
  return args;
}

/** The name and version its hello gives: the package's (as installed), else platform.json's. */
export function helloIdentity(p, base = root) {
  if (!p.package) return { name: p.hello.name, version: p.hello.version };
  const pkg = path.join(base, "node_modules", p.package, "package.json");
  return { name: p.package, version: JSON.parse(fs.readFileSync(pkg, "utf8")).version };
}

function main(argv) {
  const [cmd, ...rest] = argv;
  const usage =
    "usage: node adapters/platforms.mjs list [--reported] | get NAME FIELD | run-args NAME [BROWSER] | browsers NAME | check\n";
  const platforms = loadPlatforms();
  const find = (name) => platforms.find((p) => p.name === name) ?? fail(path.join(root, "adapters"), "", `no platform ${JSON.stringify(name)} (known: ${platforms.map((p) => p.name).join(", ")})`);
  if (cmd === "list" && (rest.length === 0 || (rest.length === 1 && rest[0] === "--reported"))) {
    for (const p of platforms) if (!rest.length || p.platform_report) process.stdout.write(`${p.name}\n`);
  } else if (cmd === "get" && rest.length === 2) {
    const v = rest[1].split(".").reduce((o, k) => (o == null ? undefined : o[k]), find(rest[0]));
    if (v === undefined) fail(find(rest[0]).file, rest[1], "not set");
    process.stdout.write(`${typeof v === "string" ? v : JSON.stringify(v)}\n`);
  } else if (cmd === "run-args" && (rest.length === 1 || rest.length === 2)) {
    for (const a of runArgs(find(rest[0]), rest[1])) process.stdout.write(`${a}\n`);
  } else if (cmd === "browsers" && rest.length === 1) {
    for (const b of browsers(find(rest[0]))) process.stdout.write(`${b}\n`);
  } else if (cmd === "check" && rest.length === 0) {
    process.stdout.write(`${platforms.length} platform(s): ${platforms.map((p) => p.name).join(", ")}\n`);
  } else if (cmd === "--help" || cmd === "-h") {
    process.stdout.write(usage);
  } else {
    process.stderr.write(usage);
    process.exit(2);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof PlatformError)) throw e;
    process.stderr.write(`platforms: ${e.message}\n`);
    process.exit(2);
  }
}
