// The npm package "sockconf" (adapters/package.json) as a JS platform team gets it: `npm pack`,
// the tarball installed into a temporary project that has its own wx module (wx.mjs: the repo's
// example node/examples/wx-on-ws.mjs, importing its helper from the package as a platform's
// module would), then, from that project,
//   sockconf run --iut "npx sockconf-node --module ./wx.mjs"
// on the cases the runner's own test (node/test/runner.test.mjs) proves the example does:
// SocketTask echo of text and bytes, close, the legacy globals, wss, a TCP echo with its
// remoteInfo/localInfo. Every one must PASS and the run exit 0. The types are checked by tsc in
// that project (skipped, saying so, when the repository's devDependency typescript is missing).
//
//   SOCKCONF_BIN=build/bin/sockconf node --test adapters/test/npm-package.test.mjs
//
// npm may be offline: the install is `--prefer-offline` (ws from npm's cache), and when that
// fails it falls back to `--offline` with the repository's own node_modules/ws as a local
// folder; the last test takes that path on purpose. Every step has a timeout.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const adapters = path.resolve(here, "..");
const root = path.resolve(adapters, "..");
const bin = path.resolve(process.env.SOCKCONF_BIN ?? path.join(root, "build/bin/sockconf"));
const repoWs = path.join(root, "node_modules/ws");
const tsc = path.join(root, "node_modules/typescript/bin/tsc");
const esbuildPkg = path.join(root, "node_modules/esbuild");

// The cases of the run: what runner.test.mjs checks the example does, as the suites check it.
const CASES = [
  "ws.lifecycle.echo-text",
  "ws.lifecycle.echo-binary",
  "ws.close.default-code-1000",
  "ws.callbacks.after-the-call",
  "ws.globals.send-string",
  "ws.globals.multi-connection-binding",
  "ws.wss.echo-text",
  "tcp.basic.echo-arraybuffer",
  "tcp.basic.message-info",
  "tcp.close.peer-fin-onclose",
];

// What the tarball holds: the shim, the runner, the page kit, the types, the example. Exactly:
// a file added to "files" is added here, and nothing of the tests, fixtures or platforms leaks in.
const PACKED = [
  "README.md",
  "browser/page.html",
  "browser/page.mjs",
  "js/bench-loop.mjs",
  "js/shim.d.mts",
  "js/shim.mjs",
  "js/wx-callbacks.d.mts",
  "js/wx-callbacks.mjs",
  "node/cli.mjs",
  "node/examples/wx-on-ws.mjs",
  "node/sockconf-node.mjs",
  "package.json",
  "types/wx.d.ts",
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-npm-"));
const project = path.join(tmp, "project");
let tarball;
let packInfo;
let installedBy;

// npm never prompts or phones home here; npx never fetches a package it does not find locally.
const env = {
  ...process.env,
  npm_config_yes: "false",
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
  npm_config_loglevel: "error",
};

function run(cmd, args, { cwd, timeout, input } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", timeout, input, maxBuffer: 64 << 20 });
  const text = `$ ${cmd} ${args.join(" ")}  (in ${cwd})\nexit ${r.status}${r.signal ? ` signal ${r.signal}` : ""}` +
    `${r.error ? ` error ${r.error.message}` : ""}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
  return { ...r, text };
}

const noBin = !fs.existsSync(bin) && `no sockconf binary at ${bin} (build it, or set SOCKCONF_BIN)`;
const chromium = ["chromium", "chromium-browser"]
  .flatMap((n) => (process.env.PATH ?? "").split(":").filter(Boolean).map((d) => path.join(d, n)))
  .find((p) => fs.existsSync(p));
const noChromium = !chromium && "chromium not found (scripts/setup.sh installs it)";
const noEsbuild = !fs.existsSync(esbuildPkg) && "esbuild is not installed (npm ci at the repository root)";
const npmWorks = run("npm", ["--version"], { cwd: tmp, timeout: 30000 }).status === 0;
const noNpm = !npmWorks && "npm not found (scripts/setup.sh installs it)";

/** A consumer project with its own package.json and wx module, the tarball installed. */
function makeProject(dir, { offline }) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"),
    JSON.stringify({ name: "sockconf-npm-consumer", version: "0.0.0", private: true, type: "module" }, null, 2));
  const example = fs.readFileSync(path.join(adapters, "node/examples/wx-on-ws.mjs"), "utf8");
  const own = example.replace('from "../../js/wx-callbacks.mjs"', 'from "sockconf/wx-callbacks"');
  assert.notEqual(own, example, "the example's import of wx-callbacks.mjs was not found to rewrite");
  fs.writeFileSync(path.join(dir, "wx.mjs"), own);

  const wsVersion = JSON.parse(fs.readFileSync(path.join(repoWs, "package.json"), "utf8")).version;
  const common = ["install", "--no-audit", "--no-fund", "--ignore-scripts"];
  if (!offline) {
    // ws as the project's own dependency (its wx.mjs imports it), the version the repo has, so
    // that npm's cache answers; a registry that does not answer fails within the bounds.
    const r = run("npm", [...common, "--prefer-offline", "--fetch-timeout=20000", "--fetch-retries=1",
      "--fetch-retry-mintimeout=1000", "--fetch-retry-maxtimeout=3000", tarball, `ws@${wsVersion}`],
    { cwd: dir, timeout: 120000 });
    if (r.status === 0) return "npm install --prefer-offline";
    console.error(`npm install --prefer-offline failed; installing offline with the repository's ws:\n${r.text}`);
  }
  // Offline: nothing from the registry; ws is the repository's installed copy, as a local folder.
  const closed = offline ? ["--registry", `http://127.0.0.1:${offline}/`] : [];
  const r = run("npm", [...common, "--offline", ...closed, tarball, repoWs], { cwd: dir, timeout: 120000 });
  assert.equal(r.status, 0, r.text);
  return "npm install --offline (ws from the repository's node_modules)";
}

before(() => {
  if (noNpm) return;
  const pack = run("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: adapters, timeout: 60000 });
  assert.equal(pack.status, 0, pack.text);
  const [info] = JSON.parse(pack.stdout);
  tarball = path.join(tmp, info.filename);
  assert.ok(fs.existsSync(tarball), pack.text);
  packInfo = info;
});

after(() => {
  if (process.env.SOCKCONF_KEEP) console.error(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
});

test("npm pack: the tarball holds the shim, the runner, the page kit, the types and the example, nothing else; every export and bin is in it", { skip: noNpm }, () => {
  const info = packInfo;
  const files = info.files.map((f) => f.path).sort();
  assert.deepEqual(files, [...PACKED].sort());
  const pkg = JSON.parse(fs.readFileSync(path.join(adapters, "package.json"), "utf8"));
  assert.equal(info.name, "sockconf");
  assert.deepEqual(pkg.dependencies, { ws: pkg.dependencies.ws }, "ws is the one runtime dependency");
  const targets = [...Object.values(pkg.bin)];
  for (const v of Object.values(pkg.exports)) targets.push(...(typeof v === "string" ? [v] : Object.values(v)));
  for (const t of targets) assert.ok(files.includes(path.posix.normalize(t)), `${t} (exports or bin) is not in the tarball`);
  // The declarations name what the modules export, no more and no less.
  for (const [mod, dts] of [["js/shim.mjs", "js/shim.d.mts"], ["js/wx-callbacks.mjs", "js/wx-callbacks.d.mts"]]) {
    const declared = [...fs.readFileSync(path.join(adapters, dts), "utf8").matchAll(/^export (?:const|function) (\w+)/gm)]
      .map((m) => m[1]).sort();
    const actual = [...fs.readFileSync(path.join(adapters, mod), "utf8").matchAll(/^export (?:const|function|class) (\w+)/gm)]
      .map((m) => m[1]).sort();
    assert.deepEqual(declared, actual, `${dts} against ${mod}`);
  }
});

test("installed into a project of its own, `npx sockconf-node` is the package's runner", { skip: noNpm, timeout: 300000 }, (t) => {
  installedBy = makeProject(project, { offline: false });
  t.diagnostic(`installed by ${installedBy}`);
  assert.ok(fs.existsSync(path.join(project, "node_modules/.bin/sockconf-node")));
  const pkg = JSON.parse(fs.readFileSync(path.join(project, "node_modules/sockconf/package.json"), "utf8"));
  assert.equal(pkg.version, JSON.parse(fs.readFileSync(path.join(adapters, "package.json"), "utf8")).version);
  const help = run("npx", ["sockconf-node", "--help"], { cwd: project, timeout: 60000 });
  assert.equal(help.status, 0, help.text);
  assert.match(help.stdout, /--module FILE/);
});

test('sockconf run --iut "npx sockconf-node --module ./wx.mjs" from the project: every case PASS, exit 0', { skip: noNpm || noBin, timeout: 240000 }, () => {
  assert.ok(installedBy, "the package is not installed (the test before failed)");
  const out = path.join(tmp, "report");
  const r = run(bin, ["run", "--iut", "npx sockconf-node --module ./wx.mjs", "--filter", CASES.join(","),
    "--jobs", "4", "--report-dir", out, "--format", "json,md"], { cwd: project, timeout: 200000 });
  assert.equal(r.status, 0, r.text);
  console.log(r.stdout.split("\n").filter((l) => /PASS|FAIL|passed/.test(l)).slice(-3).join("\n"));
  const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"));
  assert.deepEqual(report.cases.map((c) => [c.id, c.status]).sort(), CASES.map((id) => [id, "PASS"]).sort(), r.text);
  const iut = report.run.iut;
  assert.equal(iut.name, "wx.mjs");
  assert.equal(iut.host, "node");
  assert.deepEqual(iut.capabilities, ["websocket", "legacy-globals", "tcp", "bench"]);
  assert.equal(iut.adaptations.length, 1);
  assert.match(iut.adaptations[0].what, /^globalThis\.WebSocket is the npm package "ws"/);
});

test("the types: tsc (strict) in the project checks a module written against sockconf/wx, the shim's options and the example", { skip: noNpm || (!fs.existsSync(tsc) && "typescript is not installed (npm ci at the repository root)"), timeout: 120000 }, () => {
  assert.ok(installedBy, "the package is not installed (the test before failed)");
  fs.copyFileSync(path.join(here, "npm-consumer/check.mts"), path.join(project, "check.mts"));
  fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      target: "es2022", module: "nodenext", moduleResolution: "nodenext", lib: ["es2022"], types: [],
      strict: true, noEmit: true, allowJs: true, checkJs: false, skipLibCheck: false,
    },
    files: ["check.mts"],
  }, null, 2));
  const r = run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: project, timeout: 100000 });
  assert.equal(r.status, 0, r.text);
});

test("offline (the registry unreachable): installed with the repository's ws, the runner says hello and exits 0 on bye", { skip: noNpm, timeout: 180000 }, async () => {
  // A port that was free a moment ago: nothing answers there, so any registry request fails.
  const port = await new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const dir = path.join(tmp, "offline");
  makeProject(dir, { offline: port });
  const r = run("npx", ["sockconf-node", "--module", "./wx.mjs"], { cwd: dir, timeout: 60000, input: '{"type":"bye"}\n' });
  assert.equal(r.status, 0, r.text);
  const hello = JSON.parse(r.stdout.split("\n")[0]);
  assert.equal(hello.type, "hello");
  assert.equal(hello.name, "wx.mjs");
  assert.deepEqual(hello.capabilities, ["websocket", "legacy-globals", "tcp", "bench"]);
});

// A browser platform adopts sockconf the same way: its page folder (what `sockconf init browser`
// writes) lives in its own project, its entry imports the package (sockconf/wx-callbacks), its
// own bundler makes dist/bundle.mjs (here the repository's esbuild stands in for it), and
// `sockconf run --iut-page ./FOLDER --browser chromium` serves sockconf's page with that bundle.
// The entry is the repository's ws-browser, named my-platform: hello must say so.
test("a browser platform from the project: its own bundle importing sockconf/wx-callbacks, run by --iut-page ./my-platform --browser chromium", { skip: noNpm || noBin || noChromium || noEsbuild, timeout: 240000 }, async () => {
  assert.ok(installedBy, "the package is not installed (the test before failed)");
  const dir = path.join(project, "my-platform");
  fs.mkdirSync(dir, { recursive: true });
  const entry = fs.readFileSync(path.join(adapters, "browser/ws-browser/entry.mjs"), "utf8");
  const own = entry
    .replace('from "../../js/wx-callbacks.mjs"', 'from "sockconf/wx-callbacks"')
    .replace('export const name = "sockconf-ws-browser"', 'export const name = "my-platform"');
  assert.equal((own.match(/sockconf\/wx-callbacks|"my-platform"/g) ?? []).length, 2, "ws-browser's entry changed: the import or the name was not found to rewrite");
  fs.writeFileSync(path.join(dir, "entry.mjs"), own);
  const { createRequire } = await import("node:module");
  const esbuild = createRequire(path.join(root, "package.json"))("esbuild");
  await esbuild.build({
    entryPoints: [path.join(dir, "entry.mjs")], outfile: path.join(dir, "dist/bundle.mjs"), absWorkingDir: project,
    bundle: true, format: "esm", platform: "browser", target: "es2020", logLevel: "silent",
  });
  const bundled = fs.readFileSync(path.join(dir, "dist/bundle.mjs"), "utf8");
  assert.match(bundled, /connectSocket/, "the bundle lacks the wx module");
  const out = path.join(tmp, "report-browser");
  const r = run(bin, ["run", "--iut-page", "./my-platform", "--browser", "chromium", "--pages", "2",
    "--filter", "ws.connect.*,ws.lifecycle.echo-text", "--report-dir", out, "--format", "json"],
  { cwd: project, timeout: 200000 });
  assert.equal(r.status, 0, r.text);
  const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"));
  assert.equal(report.run.iut.name, "my-platform", r.text);
  assert.equal(report.run.iut.host, "browser");
  assert.ok(report.cases.length >= 4 && report.cases.every((c) => c.status === "PASS"),
    report.cases.map((c) => `${c.id} ${c.status}`).join("\n"));
});
