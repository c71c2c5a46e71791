// adapters/platforms.mjs: the platform.json files are the one list of platforms. Every
// shipped file validates, every page folder and every committed platform report has one, a
// folder added with a platform.json is picked up, and a bad file is refused naming the file
// and the field.
//
//   node --test adapters/test/platforms.test.mjs

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";

import { PlatformError, browsers, loadPlatforms, root, runArgs, validate } from "../platforms.mjs";

const taroH5 = () => JSON.parse(fs.readFileSync(path.join(root, "adapters/browser/taro-h5/platform.json"), "utf8"));

test("the shipped platform.json files validate, the reference first", () => {
  const all = loadPlatforms();
  assert.equal(all[0].name, "reference");
  assert.deepEqual(runArgs(all[0]), ["--profile", "wechat"]);
  const names = all.map((p) => p.name);
  for (const n of ["taro-h5", "uni-h5", "mpx", "taro-rn", "ws-browser"]) assert.ok(names.includes(n), n);
  const taro = all.find((p) => p.name === "taro-h5");
  assert.deepEqual(runArgs(taro), ["--browser", "chromium", "--iut-page", "adapters/browser/taro-h5", "--profile", "taro"]);
  assert.deepEqual(runArgs(taro, "firefox"), ["--browser", "firefox", "--iut-page", "adapters/browser/taro-h5", "--profile", "taro"]);
  assert.throws(() => runArgs(all[0], "firefox"), /"firefox" is not one of the platform's browsers \(none\)/);
  // Every reported browser platform runs in both engines (issue 17): its matrix has a column for each.
  for (const p of all.filter((q) => q.run.page && q.platform_report))
    assert.deepEqual(browsers(p), ["chromium", "firefox"], p.name);
  assert.deepEqual(browsers(all[0]), []);
});

test("every page folder (entry.mjs) has a platform.json, and every committed report a reported platform", () => {
  const pages = new Set(loadPlatforms().filter((p) => p.run.page).map((p) => p.run.page));
  const browser = path.join(root, "adapters/browser");
  for (const d of fs.readdirSync(browser, { withFileTypes: true }))
    if (d.isDirectory() && fs.existsSync(path.join(browser, d.name, "entry.mjs")))
      assert.ok(pages.has(`adapters/browser/${d.name}`), `adapters/browser/${d.name} has entry.mjs but no platform.json`);
  const reported = new Set(loadPlatforms().filter((p) => p.platform_report).map((p) => p.name));
  const committed = fs.readdirSync(path.join(root, "reports/platforms"), { withFileTypes: true })
    .filter((d) => d.isDirectory()).map((d) => d.name);
  assert.deepEqual([...reported].sort(), committed.sort());
});

test("a folder added with a platform.json is picked up", () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "sockconf-platforms-"));
  try {
    fs.mkdirSync(path.join(base, "specs/profiles"), { recursive: true });
    fs.writeFileSync(path.join(base, "specs/profiles/wechat.json"), "{}");
    const dir = path.join(base, "adapters/browser/new-one");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "entry.mjs"), "");
    fs.writeFileSync(path.join(dir, "platform.json"), JSON.stringify({
      ...taroH5(), name: "new-one", profile: "wechat", run: { page: "adapters/browser/new-one", browser: "chromium", pages: 4 },
    }));
    fs.mkdirSync(path.join(base, "adapters/cli"));
    fs.writeFileSync(path.join(base, "adapters/cli/platform.json"), JSON.stringify({
      name: "cli", title: "a command", profile: "wechat", run: { iut: "node my iut.mjs" },
      hello: { name: "x", host: "node", capabilities: ["websocket"] }, platform_report: false,
    }));
    const all = loadPlatforms(base);
    assert.deepEqual(all.map((p) => p.name), ["cli", "new-one"]);
    assert.deepEqual(runArgs(all[0]), ["--iut", "node my iut.mjs", "--profile", "wechat"]);
    assert.deepEqual(runArgs(all[1]), ["--browser", "chromium", "--iut-page", "adapters/browser/new-one", "--pages", "4", "--profile", "wechat"]);
    // Two folders claiming one name.
    fs.mkdirSync(path.join(base, "adapters/cli2"));
    fs.writeFileSync(path.join(base, "adapters/cli2/platform.json"), fs.readFileSync(path.join(base, "adapters/cli/platform.json")));
    assert.throws(() => loadPlatforms(base), /adapters\/cli2\/platform\.json: name: "cli" is also adapters\/cli\/platform\.json's/);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});

test("a bad platform.json is refused, naming the file and the field", () => {
  const file = path.join(root, "adapters/browser/taro-h5/platform.json");
  const bad = (change, field) => {
    const doc = taroH5();
    change(doc);
    assert.throws(() => validate(doc, file), (e) => e instanceof PlatformError &&
      e.message.startsWith(`adapters/browser/taro-h5/platform.json: ${field}: `), field);
  };
  bad((d) => { d.pofile = "taro"; }, "pofile");
  bad((d) => { delete d.profile; }, "profile");
  bad((d) => { d.profile = "no-such-profile"; }, "profile");
  bad((d) => { d.run.iut = "x"; }, "run");
  bad((d) => { d.run = { in_process: true, browser: "chromium" }; }, "run.browser");
  bad((d) => { d.run.browser = "webkit"; }, "run.browser");
  bad((d) => { d.run.browser = []; }, "run.browser");
  bad((d) => { d.run.browser = ["firefox", "firefox"]; }, "run.browser");
  bad((d) => { d.run.browser = ["chromium", 1]; }, "run.browser");
  bad((d) => { d.run.page = "adapters/browser/nowhere"; }, "run.page");
  bad((d) => { d.hello.name = "@tarojs/taro-h5"; }, "hello.name");
  bad((d) => { d.hello.host = "phone"; }, "hello.host");
  bad((d) => { d.hello.capabilities = ["sockets"]; }, "hello.capabilities");
  bad((d) => { d.platform_report = "yes"; }, "platform_report");
});

test("the command line: list, get, run-args; exit 2 on an unknown platform", () => {
  const cli = (...args) => spawnSync(process.execPath, [path.join(root, "adapters/platforms.mjs"), ...args], { encoding: "utf8", timeout: 30000 });
  const listed = cli("list", "--reported");
  assert.equal(listed.status, 0, listed.stderr);
  assert.ok(!listed.stdout.split("\n").includes("ws-browser"));
  assert.equal(cli("get", "taro-rn", "profile").stdout, "taro-rn\n");
  assert.equal(cli("run-args", "mpx").stdout, "--browser\nchromium\n--iut-page\nadapters/browser/mpx\n--profile\nmpx\n");
  assert.equal(cli("run-args", "mpx", "firefox").stdout, "--browser\nfirefox\n--iut-page\nadapters/browser/mpx\n--profile\nmpx\n");
  assert.equal(cli("run-args", "mpx", "webkit").status, 2);
  assert.equal(cli("browsers", "uni-h5").stdout, "chromium\nfirefox\n");
  assert.equal(cli("browsers", "reference").stdout, "");
  const unknown = cli("run-args", "nope");
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no platform "nope"/);
  assert.equal(cli("frobnicate").status, 2);
});
