#!/usr/bin/env node
// Mutation check of the suites: break the reference on purpose, one documented rule at a
// time (scripts/mutants/NN-name.patch), build a `sockconf` with that break, run the suites
// and check that the cases catch it at the grade the levels of its '# clauses:' ask for under
// each profile it runs (MUST: FAIL, SHOULD/MAY: NON-STRICT, INFO: INFORMATIONAL). Implements
// scripts/mutants.sh; scripts/README.md describes both modes, the patch headers and the output.
//
// Usage: scripts/mutants.sh [--quick] [--build-dir DIR] [--cmake-build DIR] [--home DIR]
//                           [--suites PATH ...] [--jobs N] [MUTANT ...]
//   MUTANT       a patch path, its file name, its number (07) or its name; none: every patch.
//   --quick      only the cases of each patch's `# kills:` line (and those cases unmutated):
//                the CI check (`make mutants-ci`). Without --quick every case runs, and each
//                `# kills:` line is checked against what the run caught.
//   --build-dir  work folder (default /tmp/sockconf-mutants): m/<mutant>/ (patched files,
//                objects, the mutant's sockconf, its reports), g/<group>/ (several mutants of
//                one file compiled together), baseline-*/, summary.txt.
//   --cmake-build  the tree's CMake build (default build/): its objects are reused, only the
//                files a patch touches are recompiled, and build/bin/sockconf is the unmutated run.
//   --home DIR   specs/ and suites/ to run (default: this tree).
//   --suites P   only these case files (repeatable; the patches' filters and kills are ignored).
//   --jobs N     passed to `sockconf run --jobs`.
// Environment: MUTANTS_CXX_FLAGS ("-O0 -g0", appended to build/'s flags of a patched file),
// MUTANTS_LD_FLAGS ("-Wl,--strip-debug"), MUTANTS_BUILD_JOBS (2 groups or mutants built at a
// time), MUTANTS_GROUP_SIZE (10 variants of a file per translation unit; MUTANTS_GROUP=0: none),
// MUTANTS_CCACHE (auto: use ccache when it is installed; 0: never), MUTANTS_RUN_TIMEOUT (600 s
// per sockconf run), MUTANTS_BUILD_TIMEOUT (1800 s).
// Exit: 0 every mutant caught as expected; 1 one was not (or did not apply or build);
// 2 usage, a bad header, or the unmutated reference does not pass.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MUT_DIR = path.join(ROOT, "scripts", "mutants");

// ---- options ------------------------------------------------------------------

const opt = {
  quick: false,
  work: "/tmp/sockconf-mutants",
  cmakeBuild: path.join(ROOT, "build"),
  home: ROOT,
  suites: [],
  jobs: "",
  names: [],
};
const env = process.env;
const cxxFlags = (env.MUTANTS_CXX_FLAGS ?? "-O0 -g0").split(/\s+/).filter(Boolean);
const ldFlags = (env.MUTANTS_LD_FLAGS ?? "-Wl,--strip-debug").split(/\s+/).filter(Boolean);
const buildJobs = Math.max(1, Number(env.MUTANTS_BUILD_JOBS || 2));
const runTimeout = Number(env.MUTANTS_RUN_TIMEOUT || 600) * 1000;
const buildTimeout = Number(env.MUTANTS_BUILD_TIMEOUT || 1800) * 1000;

function usage(code) {
  const text = fs.readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");
  const end = text.findIndex((l) => l.startsWith("import "));
  console.log(text.slice(1, end).map((l) => l.replace(/^\/\/ ?/, "")).join("\n"));
  process.exit(code);
}
function die(msg, code = 2) {
  console.error(`mutants: ${msg}`);
  process.exit(code);
}

{
  const a = process.argv.slice(2);
  const value = (i, what) => a[i + 1] ?? die(`${a[i]} needs ${what}`);
  for (let i = 0; i < a.length; i++) {
    switch (a[i]) {
      case "--quick": opt.quick = true; break;
      case "--build-dir": opt.work = path.resolve(value(i, "a folder")); i++; break;
      case "--cmake-build": opt.cmakeBuild = path.resolve(value(i, "a folder")); i++; break;
      case "--home": opt.home = path.resolve(value(i, "a folder")); i++; break;
      case "--suites": opt.suites.push(path.resolve(value(i, "a path"))); i++; break;
      case "--jobs": opt.jobs = value(i, "a number"); i++; break;
      case "-h": case "--help": usage(0); break;
      default:
        if (a[i].startsWith("-")) { console.error(`mutants: unknown option ${a[i]}`); usage(2); }
        opt.names.push(a[i]);
    }
  }
}
if (!fs.existsSync(path.join(opt.home, "specs"))) die(`--home ${opt.home} has no specs/`);
if (/\s/.test(ROOT + opt.work + opt.cmakeBuild)) die("paths with spaces are not supported");

// ---- patches and their headers ------------------------------------------------

/// Header lines: `# key: value` before the first `diff --git` (git apply ignores them).
function readPatch(file) {
  const text = fs.readFileSync(file, "utf8");
  const head = text.split(/^diff --git /m)[0];
  const h = {};
  for (const m of head.matchAll(/^# *([a-z]+): *(.*?) *$/gm)) (h[m[1]] ??= []).push(m[2]);
  const list = (k) => (h[k] ?? []).flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
  const touched = [...text.matchAll(/^diff --git a\/\S+ b\/(\S+)$/gm)].map((m) => m[1]);
  return {
    file,
    name: path.basename(file, ".patch"),
    what: (h.mutant ?? [""])[0],
    clauses: list("clauses"),
    profiles: h.profile?.length ? h.profile : ["wechat"],
    filter: (h.filter ?? [""])[0],
    kills: list("kills"),
    touched,
  };
}

let patchFiles = [];
const allPatches = fs.readdirSync(MUT_DIR).filter((f) => f.endsWith(".patch")).sort();
if (opt.names.length === 0) patchFiles = allPatches.map((f) => path.join(MUT_DIR, f));
for (const n0 of opt.names) {
  if (fs.existsSync(n0) && fs.statSync(n0).isFile()) { patchFiles.push(path.resolve(n0)); continue; }
  const n = n0.replace(/\.patch$/, "");
  const f = allPatches.find((p) => p === `${n}.patch`) ?? allPatches.find((p) => p.startsWith(`${n}-`)) ??
    allPatches.find((p) => /^\d+-/.test(p) && p.replace(/^\d+-/, "") === `${n}.patch`);
  if (!f) die(`no patch named ${n0} in ${MUT_DIR}`);
  patchFiles.push(path.join(MUT_DIR, f));
}
if (patchFiles.length === 0) die(`no patches in ${MUT_DIR}`);
const patches = patchFiles.map(readPatch);

// ---- what each mutant is expected to do: from the levels of its clauses ----------

const levels = new Map();
for (const f of fs.readdirSync(path.join(opt.home, "specs", "clauses")).filter((f) => f.endsWith(".json")))
  for (const c of JSON.parse(fs.readFileSync(path.join(opt.home, "specs", "clauses", f), "utf8")).clauses)
    levels.set(c.id, c.level);

const RANK = { PASS: 0, SKIP: 0, UNIMPLEMENTED: 0, INFORMATIONAL: 1, "NON-STRICT": 2, FAIL: 3 };
/// The grade a failed check citing `ids` gives (harness/src/grading.cpp status_for_clauses).
function gradeFor(ids, lv = levels) {
  let should = false;
  for (const id of ids) {
    const level = lv.get(id) ?? "MUST";
    if (level === "MUST") return "FAIL";
    if (level === "SHOULD" || level === "MAY") should = true;
  }
  return should ? "NON-STRICT" : "INFORMATIONAL";
}

for (const p of patches) {
  if (p.clauses.length === 0) die(`${p.name}: no '# clauses:' line (the clause ids the mutant breaks)`);
  // A '*' stands for any characters: TCP-PORT-BLOCKED-* is every blocked-port clause.
  p.clauses = p.clauses.flatMap((pat) => {
    const re = new RegExp(`^${pat.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    const ids = [...levels.keys()].filter((id) => re.test(id));
    if (ids.length === 0) die(`${p.name}: '# clauses:' names ${pat}, not in ${opt.home}/specs/clauses`);
    return ids;
  });
  if (p.touched.length === 0) die(`${p.name}: no 'diff --git' in the patch`);
  p.expect = gradeFor(p.clauses);
}

// ---- the work folder ------------------------------------------------------------

const WORK = opt.work;
fs.mkdirSync(WORK, { recursive: true });
const lock = path.join(WORK, ".lock");
try {
  fs.mkdirSync(lock);
} catch {
  const pid = Number(fs.readFileSync(path.join(lock, "pid"), "utf8").trim() || 0);
  let alive = false;
  try { process.kill(pid, 0); alive = pid > 0; } catch { /* gone */ }
  if (alive) die(`${WORK} is in use by another run (pid ${pid})`);
}
fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
const unlock = () => fs.rmSync(lock, { recursive: true, force: true });
process.on("exit", unlock);
const children = new Set();
for (const sig of ["SIGINT", "SIGTERM"])
  process.on(sig, () => {
    for (const c of children) try { process.kill(-c.pid, "SIGKILL"); } catch { /* gone */ }
    console.error("mutants: interrupted");
    process.exit(130);
  });

const t0 = Date.now();
const secs = (since) => Math.round((Date.now() - since) / 1000);

// ccache: paths under the tree are hashed relative to it (unless CCACHE_BASEDIR says
// otherwise), so a second clone with the work folder inside it (make mutants-ci: build/mutants)
// finds the groups the first one compiled.
const childEnv = { ...env, CCACHE_BASEDIR: env.CCACHE_BASEDIR ?? ROOT };

/// Runs a command in its own process group; resolves {code, timedOut}. Output to `log`.
function run(cmd, args, { cwd, log, timeout }) {
  return new Promise((resolve) => {
    const fd = fs.openSync(log, "w");
    const c = spawn(cmd, args, { cwd, stdio: ["ignore", fd, fd], detached: true, env: childEnv });
    children.add(c);
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; try { process.kill(-c.pid, "SIGKILL"); } catch { /* gone */ } }, timeout);
    c.on("error", (e) => { fs.writeSync(fd, String(e)); });
    c.on("close", (code) => {
      clearTimeout(timer);
      children.delete(c);
      fs.closeSync(fd);
      resolve({ code: timedOut ? 124 : code ?? 1, timedOut });
    });
  });
}

// ---- the unmutated build, and how its sockconf is made ------------------------------

const BUILD = opt.cmakeBuild;
if (!fs.existsSync(path.join(BUILD, "build.ninja")))
  die(`${BUILD} is not a configured CMake (Ninja) build: run 'make build' (or cmake --preset default) first`);
{
  const log = path.join(WORK, "build-unmutated.log");
  const r = spawnSync("cmake", ["--build", BUILD, "--target", "sockconf"], { encoding: "utf8", timeout: buildTimeout });
  fs.writeFileSync(log, (r.stdout ?? "") + (r.stderr ?? ""));
  if (r.status !== 0) die(`the unmutated tree does not build; see ${log}`);
}
const SOCKCONF = path.join(BUILD, "bin", "sockconf");
const ninjaOut = (...args) => {
  const r = spawnSync("ninja", ["-C", BUILD, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) die(`ninja ${args.join(" ")} failed in ${BUILD}: ${r.stderr}`);
  return r.stdout;
};

/// build/'s commands for bin/sockconf: compiles (object -> argv), archives, the link.
const plan = { compiles: new Map(), archives: new Map(), link: null, deps: new Map() };
for (const line of ninjaOut("-t", "commands", "bin/sockconf").split("\n")) {
  if (!line.trim()) continue;
  for (const part of line.split(" && ").map((s) => s.trim())) {
    const argv = part.split(/\s+/);
    if (argv.includes("-c") && argv.includes("-o")) plan.compiles.set(argv[argv.indexOf("-o") + 1], argv);
    else if (/(^|\/)ar$/.test(argv[0]) && argv.length > 2) plan.archives.set(argv[2], argv);
    else if (argv.includes("-o") && argv[argv.indexOf("-o") + 1] === "bin/sockconf") plan.link = argv;
  }
}
if (!plan.link || plan.compiles.size === 0) die(`could not read how ${BUILD} links bin/sockconf`);
{
  let obj = null;
  for (const line of ninjaOut("-t", "deps").split("\n")) {
    const m = /^(\S.*): #deps/.exec(line);
    if (m) { obj = m[1]; plan.deps.set(obj, []); continue; }
    if (obj && line.startsWith("    ")) plan.deps.get(obj).push(path.resolve(BUILD, line.trim()));
  }
}
const sourceOf = (argv) => path.resolve(BUILD, argv[argv.indexOf("-c") + 1]);

const ccache = (() => {
  if (env.MUTANTS_CCACHE === "0") return null;
  const r = spawnSync("sh", ["-c", "command -v ccache"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
})();

/// A folder holding `ROOT` as it is, except for the patched files: real folders along the
/// paths of the patched files, symlinks to the tree for everything else. A file compiled
/// from here includes the patched headers, and the tree's own files for the rest.
function mirror(dir, patched) {
  // A patched file whose text did not change keeps its time, so ninja has nothing to redo.
  const keep = new Map();
  for (const [rel, text] of patched) {
    const f = path.join(dir, rel);
    if (fs.existsSync(f) && fs.readFileSync(f, "utf8") === text) keep.set(rel, fs.statSync(f).mtime);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const spine = new Set([""]);
  for (const rel of patched.keys())
    for (let d = path.dirname(rel); d !== "."; d = path.dirname(d)) spine.add(d);
  for (const d of spine) {
    fs.mkdirSync(path.join(dir, d), { recursive: true });
    for (const e of fs.readdirSync(path.join(ROOT, d))) {
      const rel = d ? `${d}/${e}` : e;
      if (spine.has(rel) || patched.has(rel)) continue;
      fs.symlinkSync(path.join(ROOT, rel), path.join(dir, rel));
    }
  }
  for (const [rel, text] of patched) {
    fs.writeFileSync(path.join(dir, rel), text);
    if (keep.has(rel)) fs.utimesSync(path.join(dir, rel), keep.get(rel), keep.get(rel));
  }
}

/// The patched text of each file the patch touches, or {error}.
function applyPatch(p, scratch) {
  fs.rmSync(scratch, { recursive: true, force: true });
  for (const rel of p.touched) {
    fs.mkdirSync(path.dirname(path.join(scratch, rel)), { recursive: true });
    if (fs.existsSync(path.join(ROOT, rel))) fs.copyFileSync(path.join(ROOT, rel), path.join(scratch, rel));
  }
  // GIT_CEILING_DIRECTORIES: the scratch folder is never taken for part of a repository.
  const r = spawnSync("git", ["apply", p.file], {
    cwd: scratch, encoding: "utf8", env: { ...env, GIT_CEILING_DIRECTORIES: path.dirname(scratch) },
  });
  if (r.status !== 0) return { error: r.stderr.trim() || `git apply exited ${r.status}` };
  const out = new Map();
  for (const rel of p.touched) out.set(rel, fs.readFileSync(path.join(scratch, rel), "utf8"));
  fs.rmSync(scratch, { recursive: true, force: true });
  return { patched: out };
}

const ninjaQuote = (t) => t.replace(/\$/g, "$$$$").replace(/ /g, "$ ").replace(/:/g, "$:");
const ninjaHead = [
  "# Generated by scripts/mutants.mjs from build/'s commands.",
  "rule cxx", `  command = cd ${BUILD} && $cmd`, "  depfile = $out.d", "  deps = gcc", "  description = CXX $out",
  "rule cmd", `  command = cd ${BUILD} && $cmd`, "  description = $desc $out", "",
];
function writeIfChanged(file, text) {
  if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) fs.writeFileSync(file, text);
}

/// build/'s compile command of `obj`, writing `out` instead, from `source`, with
/// MUTANTS_CXX_FLAGS and ccache; paths into the tree rewritten by `rewrite`.
function compileArgv(obj, out, source, rewrite = (t) => t) {
  let argv = plan.compiles.get(obj).slice();
  if (/(^|\/)s?ccache$/.test(argv[0])) argv.shift(); // build/'s launcher, if any: ours below
  argv = argv.map(rewrite);
  for (const [flag, val] of [["-o", out], ["-MF", `${out}.d`], ["-MT", out]])
    if (argv.includes(flag)) argv[argv.indexOf(flag) + 1] = val;
  const c = argv.indexOf("-c");
  argv[c + 1] = source;
  argv.splice(c, 0, ...cxxFlags);
  if (ccache) argv.unshift(ccache);
  return argv;
}

/// The link of a mutant's sockconf: build/'s archive commands for the archives that hold a
/// replaced object (`sub`: build/-relative object -> its replacement, or null to leave it
/// out), then build/'s link with those archives, `extraObjs` and `ldExtra`. Returns shell text.
function linkCommands(dir, sub, extraObjs = [], ldExtra = []) {
  const cmds = [];
  const libs = new Map();
  for (const [lib, argv0] of plan.archives) {
    if (!argv0.some((t) => sub.has(t))) continue;
    const out = path.join(dir, "lib", lib);
    const argv = argv0.map((t, i) => (i === 2 ? out : sub.has(t) ? sub.get(t) : t)).filter((t) => t !== null);
    // ar qc appends: the archive is written anew from nothing, as build/'s rule does.
    cmds.push(`rm -f ${out} && mkdir -p ${path.dirname(out)} && ${argv.join(" ")} && ranlib ${out}`);
    libs.set(lib, out);
  }
  const bin = path.join(dir, "sockconf");
  const link = [];
  plan.link.forEach((t, i) => {
    if (plan.link[i - 1] === "-o") link.push(bin);
    else if (libs.has(t)) link.push(libs.get(t));
    else if (sub.has(t)) { if (sub.get(t) !== null) link.push(sub.get(t)); }
    else link.push(t);
    if (i === plan.link.indexOf("-o") - 1) link.push(...extraObjs); // objects go before the archives
  });
  cmds.push([...link, ...ldFlags, ...ldExtra].join(" "));
  return { cmds, libs, bin };
}

/// The objects of bin/sockconf that a patch's files go into.
function affectedObjects(p) {
  const touchedAbs = p.touched.map((rel) => path.join(ROOT, rel));
  return [...plan.compiles.keys()].filter((o) =>
    touchedAbs.includes(sourceOf(plan.compiles.get(o))) || (plan.deps.get(o) ?? []).some((d) => touchedAbs.includes(d)));
}

/// Standalone build: m/<mutant>/build.ninja compiles each affected object from the mirror
/// (build/'s command, plus MUTANTS_CXX_FLAGS), archives them, links.
async function buildAlone(p) {
  const dir = path.join(WORK, "m", p.name);
  const src = path.join(dir, "src");
  const inTree = (t) => t.includes(`${ROOT}/`) && !t.includes(`${BUILD}/`);
  const rewrite = (t) => (inTree(t) ? t.split(`${ROOT}/`).join(`${src}/`) : t);
  const lines = [...ninjaHead];
  const sub = new Map();
  for (const o of p.affected) {
    const obj = path.join(dir, "obj", o);
    sub.set(o, obj);
    const source = rewrite(sourceOf(plan.compiles.get(o)));
    lines.push(`build ${ninjaQuote(obj)}: cxx ${ninjaQuote(source)}`,
      `  cmd = ${compileArgv(o, obj, source, rewrite).join(" ").replace(/\$/g, "$$$$")}`);
  }
  const { cmds, libs, bin } = linkCommands(dir, sub);
  const objs = [...sub.values()].map(ninjaQuote).join(" ");
  const linkIns = [...libs.values(), ...[...sub].filter(([o]) => plan.link.includes(o)).map(([, v]) => v)].map(ninjaQuote).join(" ");
  cmds.slice(0, -1).forEach((c, i) => {
    const lib = [...libs.values()][i];
    lines.push(`build ${ninjaQuote(lib)}: cmd ${objs} | ${ninjaQuote(path.join(BUILD, [...libs.keys()][i]))}`, `  cmd = ${c.replace(/\$/g, "$$$$")}`, "  desc = AR");
  });
  lines.push(`build ${ninjaQuote(bin)}: cmd ${linkIns} | ${ninjaQuote(SOCKCONF)}`, `  cmd = ${cmds.at(-1).replace(/\$/g, "$$$$")}`, "  desc = LINK", "");
  writeIfChanged(path.join(dir, "build.ninja"), lines.join("\n"));
  const r = await run("ninja", ["-C", dir, "-j", "1"], { cwd: dir, log: path.join(dir, "build.log"), timeout: buildTimeout });
  if (r.code !== 0) return `BUILD FAILED (${r.timedOut ? "timed out; " : ""}see ${dir}/build.log)`;
  // The patched files must be what was compiled: no object may name the tree's own copy.
  const deps = spawnSync("ninja", ["-C", dir, "-t", "deps"], { encoding: "utf8" }).stdout ?? "";
  const leaked = p.touched.filter((rel) => deps.includes(` ${path.join(ROOT, rel)}\n`));
  if (leaked.length) return `BUILD FAILED (the tree's own ${leaked.join(", ")} was compiled, not the patched copy)`;
  return null;
}

/// Exported (strong, global) symbols of an object: [{mangled, demangled}].
function exportedSymbols(obj) {
  const r = spawnSync("nm", ["--defined-only", "--extern-only", "-P", obj], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) return null;
  const names = r.stdout.split("\n").map((l) => l.split(" ")).filter((f) => /^[TDBRGS]$/.test(f[1] ?? "")).map((f) => f[0]);
  const d = spawnSync("c++filt", { input: names.join("\n"), encoding: "utf8", maxBuffer: 1 << 28 });
  const dem = d.stdout.split("\n");
  return names.map((m, i) => ({ mangled: m, demangled: dem[i] }));
}

// Grouping: patches that change one .cpp file of sockconf (and nothing it includes) are
// compiled together, several variants of the file in one translation unit, each inside a
// namespace of its own (`namespace a::b {` at the start of a line becomes
// `namespace a::b::m_<mutant> {`), so the headers are parsed and their templates instantiated
// once for the group. Each mutant's sockconf is then linked with the group's object, its own
// variant standing for the file (--defsym: the file's exported symbols -> the variant's).
// A file whose variants do not compile that way is built one mutant at a time.
const groupSize = Math.max(1, Number(env.MUTANTS_GROUP_SIZE || 10));
const grouping = env.MUTANTS_GROUP !== "0";
const nsOf = (p) => `m_${p.name.replace(/[^A-Za-z0-9]/g, "_")}`;
const NS_LINE = /^namespace ([A-Za-z_][\w:]*) \{/gm;
const variantRel = (rel) => rel.replace(/(\.\w+)$/, ".variant$1");

function groupable(p) {
  if (!grouping || p.touched.length !== 1 || p.affected.length !== 1) return false;
  const rel = p.touched[0];
  if (!/\.(cpp|cc|cxx)$/.test(rel) || sourceOf(plan.compiles.get(p.affected[0])) !== path.join(ROOT, rel)) return false;
  const names = [...p.patched.get(rel).matchAll(NS_LINE)].map((m) => m[1]);
  if (names.length === 0) return false;
  const syms = exportedCache(p.affected[0]);
  // Only functions and variables of the namespace itself: a member of a class declared
  // elsewhere cannot be defined inside another namespace.
  return syms !== null && syms.length > 0 &&
    syms.every((s) => names.some((n) => s.demangled.startsWith(`${n}::`) && !s.demangled.slice(n.length + 2).split("(")[0].includes("::")));
}
const exportedMemo = new Map();
function exportedCache(obj) {
  if (!exportedMemo.has(obj)) exportedMemo.set(obj, exportedSymbols(path.join(BUILD, obj)));
  return exportedMemo.get(obj);
}

/// Compiles one group; returns {obj} or {error}. Its members' variant files are written here.
async function compileGroup(g) {
  const dir = path.join(WORK, "g", g.id);
  fs.mkdirSync(dir, { recursive: true });
  const rel = g.members[0].touched[0];
  const includes = g.members.map((p) => `#include "${p.variant}"`);
  const unit = path.join(dir, "group.cpp");
  writeIfChanged(unit, [`// Generated by scripts/mutants.mjs: ${g.members.length} variants of ${rel}, one namespace each.`, ...includes, ""].join("\n"));
  const obj = path.join(dir, "group.o");
  const argv = compileArgv(g.obj, obj, unit);
  argv.splice(argv.indexOf("-c"), 0, `-iquote`, path.dirname(path.join(ROOT, rel)));
  writeIfChanged(path.join(dir, "build.ninja"), [...ninjaHead, `build ${ninjaQuote(obj)}: cxx ${ninjaQuote(unit)}`,
    `  cmd = ${argv.join(" ").replace(/\$/g, "$$$$")}`, ""].join("\n"));
  const r = await run("ninja", ["-C", dir], { cwd: dir, log: path.join(dir, "build.log"), timeout: buildTimeout });
  if (r.code !== 0) return { error: `${r.timedOut ? "timed out" : "did not compile"} (see ${dir}/build.log)` };
  const syms = exportedSymbols(obj);
  if (!syms) return { error: `nm could not read ${obj}` };
  return { obj, syms: new Map(syms.map((s) => [s.demangled, s.mangled])) };
}

/// Links one mutant of a compiled group: resolves null or what went wrong.
async function linkGrouped(p, g, built) {
  const dir = path.join(WORK, "m", p.name);
  const names = [...p.patched.get(p.touched[0]).matchAll(NS_LINE)].map((m) => m[1]);
  const defsyms = [];
  for (const s of exportedCache(g.obj)) {
    const n = names.find((x) => s.demangled.startsWith(`${x}::`));
    const mine = built.syms.get(`${n}::${nsOf(p)}::${s.demangled.slice(n.length + 2)}`);
    if (!mine) return `no ${n}::${nsOf(p)}:: counterpart of ${s.demangled} in the group`;
    defsyms.push(`-Wl,--defsym=${s.mangled}=${mine}`);
  }
  const { cmds } = linkCommands(dir, new Map([[g.obj, null]]), [built.obj], defsyms);
  fs.writeFileSync(path.join(dir, "link.sh"), `cd ${BUILD}\n${cmds.join("\n")}\n`);
  const r = await run("sh", ["-e", path.join(dir, "link.sh")], { cwd: dir, log: path.join(dir, "build.log"), timeout: buildTimeout });
  return r.code === 0 ? null : `BUILD FAILED (link: see ${dir}/build.log)`;
}

// ---- runs ----------------------------------------------------------------------------

const profileArg = (prof) => (fs.existsSync(path.join(ROOT, prof)) ? path.join(ROOT, prof) : prof);

/// One sockconf run: resolves {code, report} (report: the parsed report.json or null).
async function runSuites(bin, dir, prof, filter) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const args = ["run", "--home", opt.home, "--profile", profileArg(prof), "--report-dir", dir];
  for (const s of opt.suites) args.push("--suites", s);
  if (filter && opt.suites.length === 0) args.push("--filter", filter);
  if (opt.jobs) args.push("--jobs", opt.jobs);
  const r = await run(bin, args, { cwd: ROOT, log: path.join(dir, "log"), timeout: runTimeout });
  const file = path.join(dir, "report.json");
  const report = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : null;
  return { code: r.code, report };
}

/// What a patch runs: [{prof, filter, base}] (base: the key of the unmutated run it is
/// compared with). --quick: the cases of its kills, against one unmutated run per profile
/// of every patch's kills; otherwise its filter (all cases without one).
function combos(p) {
  const kills = opt.quick && opt.suites.length === 0 && p.kills.length > 0;
  const filter = opt.suites.length ? "" : kills ? p.kills.join(",") : p.filter;
  return p.profiles.map((prof) => ({ prof, filter, base: kills ? `${prof}\t(kills)` : `${prof}\t${filter}` }));
}
const baseRuns = new Map(); // key -> {prof, filter}
for (const p of patches)
  for (const c of combos(p)) {
    const b = baseRuns.get(c.base) ?? { prof: c.prof, filter: "" };
    if (c.base.endsWith("\t(kills)")) b.filter = [...new Set([...b.filter.split(",").filter(Boolean), ...p.kills])].join(",");
    else b.filter = c.filter;
    baseRuns.set(c.base, b);
  }

const baselines = new Map(); // key -> Promise<Map id -> case>
let baseN = 0;
function baseline(key) {
  if (!baselines.has(key)) {
    const { prof, filter } = baseRuns.get(key);
    const dir = path.join(WORK, `baseline-${++baseN}`);
    baselines.set(key, runSuites(SOCKCONF, dir, prof, filter).then(({ code, report }) => {
      fs.writeFileSync(path.join(dir, "combo"), `${prof} ${filter}\n`);
      const bad = report?.cases.filter((c) => ["FAIL", "ERROR", "TIMEOUT"].includes(c.status)) ?? [];
      if (!report || (code !== 0 && code !== 1) || bad.length) {
        console.error(`mutants: the unmutated reference does not pass under profile ${prof}` +
          `${filter ? ` filter ${filter}` : ""} (exit ${code}${bad.length ? `; ${bad.map((c) => `${c.id} ${c.status}`).join(", ")}` : ""}); see ${dir}/log`);
        process.exit(2);
      }
      const cases = new Map(report.cases.map((c) => [c.id, c]));
      cases.report = report; // its clause levels, if the mutant's run left no report
      return cases;
    }));
  }
  return baselines.get(key);
}

// ---- verdicts ------------------------------------------------------------------------------

/// The levels in force in a run: report.json lists every clause with its level under the
/// run's profile (a clause may have another level under some profiles, D55).
function levelsOf(report) {
  const m = new Map(levels);
  for (const c of report?.clauses ?? []) if (c.id && c.level) m.set(c.id, c.level);
  return m;
}

/// Why a case has its grade: [{grade, clauses, where}] from its checks, as grading.cpp decides.
function reasons(c, lv) {
  if (c.status === "ERROR" || c.status === "TIMEOUT") return [{ grade: c.status, clauses: [], where: c.failure?.where ?? "" }];
  const out = [];
  for (const k of c.checks ?? []) {
    if (!k.counts || k.result !== "fail") continue;
    const cited = (k.clauses ?? []).filter((id) => c.clauses.includes(id));
    const ids = cited.length ? cited : k.clauses ?? [];
    out.push({ grade: gradeFor(ids, lv), clauses: ids, where: k.kind === "invariant" ? k.where : k.where?.replace(`${opt.home}/`, "").replace(/^\.\//, "") });
  }
  const o = (c.checks ?? []).find((k) => k.kind === "outcome" && k.result === "pass" && k.grade);
  if (o && RANK[o.grade] > 0) out.push({ grade: o.grade, clauses: o.clauses ?? [], where: `outcome "${o.title}"` });
  return out;
}

/// The verdict of one run of a mutant: the grade its clauses' levels ask for under the run's
/// profile, the strongest grade a case gave for one of those clauses, the cases that gave it,
/// and what else moved. `only`: judge only these cases (what --quick runs).
function judge(p, run, only = null) {
  const { prof, base, code, report, dir } = run;
  const lv = levelsOf(report ?? run.baseReport);
  const v = { prof, expect: gradeFor(p.clauses, lv), grade: "SURVIVED", by: new Map(), other: [], errors: [], notes: [] };
  if (!report) { v.notes.push(`no report under ${prof}: sockconf exited ${code} (see ${dir}/log)`); return v; }
  if (code !== 0 && code !== 1) v.notes.push(`sockconf exited ${code} under ${prof}`);
  const mine = new Set(p.clauses);
  for (const c of report.cases) {
    if (only && !only.has(c.id)) continue;
    const b = base.get(c.id);
    if (c.status === b?.status || (RANK[c.status] ?? 9) <= (RANK[b?.status] ?? 0)) continue;
    if (c.status === "ERROR" || c.status === "TIMEOUT") { v.errors.push(`${c.id} ${c.status}`); continue; }
    const rs = reasons(c, lv).filter((r) => r.clauses.some((id) => mine.has(id)));
    if (rs.length === 0) { v.other.push(`${c.id} ${c.status}`); continue; }
    const best = rs.reduce((x, y) => (RANK[y.grade] > RANK[x.grade] ? y : x));
    if (v.grade === "SURVIVED" || RANK[best.grade] > RANK[v.grade]) { v.grade = best.grade; v.by = new Map(); }
    if (best.grade === v.grade) v.by.set(c.id, { where: best.where, ms: c.duration_ms ?? 0 });
    if (RANK[c.status] > RANK[best.grade]) v.other.push(`${c.id} ${c.status}`);
  }
  return v;
}

const full = () => !opt.quick && opt.suites.length === 0;

/// The mutant's line: ok when every run caught it at the grade its profile's levels ask for.
function line(p, runs, secs_) {
  const vs = runs.map((r) => judge(p, r));
  const problems = [];
  const where = (v) => (runs.length > 1 ? ` under ${v.prof}` : "");
  for (const v of vs) {
    if (v.grade !== v.expect) {
      const only = [...new Set(v.errors.map((e) => e.split(" ")[1]))].join("/");
      problems.push(v.grade === "SURVIVED" && only ? `only ${only}${where(v)}, expected ${v.expect}`
        : v.grade === "SURVIVED" ? `expected ${v.expect}${where(v)}` : `${v.grade}${where(v)}, expected ${v.expect}`);
    }
    // A SHOULD or INFO mutant that makes a case FAIL: a case is stricter than the rule, or
    // the patch breaks a MUST rule it does not name in '# clauses:'.
    const fails = v.other.filter((o) => o.endsWith(" FAIL"));
    if (v.expect !== "FAIL" && fails.length) problems.push(`FAIL for other clauses (${fails.join(", ")})${where(v)}, expected at most ${v.expect}`);
  }
  if (full() && p.kills.length) {
    // --quick judges only the kills: they must give the verdict all the cases give.
    const seen = new Set(runs.flatMap((r) => r.report?.cases.map((c) => c.id) ?? []));
    const unknown = p.kills.filter((id) => !seen.has(id));
    if (unknown.length) problems.push(`'# kills:' ${unknown.join(", ")} did not run`);
    runs.forEach((r, i) => {
      const q = judge(p, r, new Set(p.kills));
      if (q.grade !== vs[i].grade) problems.push(`'# kills:' alone give ${q.grade}${where(vs[i])}, all cases ${vs[i].grade}`);
    });
  }
  const same = vs.every((v) => v.expect === vs[0].expect && v.grade === vs[0].grade);
  const part = (v) => {
    let t = v.grade === "SURVIVED" ? "SURVIVED" : `${v.grade} by ${[...v.by].map(([id, b]) => `${id} [${b.where}]`).join(", ")}`;
    const extra = [];
    if (v.other.length) extra.push(`also moved: ${[...new Set(v.other)].join(", ")}`);
    if (v.errors.length) extra.push(`errors: ${v.errors.join(", ")}`);
    extra.push(...v.notes);
    return extra.length ? `${t} (${extra.join("; ")})` : t;
  };
  p.expectShown = same ? vs[0].expect : vs.map((v) => `${v.prof} ${v.expect}`).join(", ");
  const body = same && vs.length > 1 ? vs.map((v) => `${v.prof}: ${part(v)}`).join(" | ") : same ? part(vs[0]) : vs.map((v) => `${v.prof}: expect ${v.expect}, ${part(v)}`).join(" | ");
  const ok = problems.length === 0;
  let out = `${p.name.padEnd(40)} ${ok ? "ok  " : "BAD "} expect ${(same ? vs[0].expect : "per profile").padEnd(13)} ${body}` +
    `${ok ? "" : ` -- ${problems.join("; ")}`}  [${secs_}s]`;
  if (full() && vs.every((v) => v.grade === v.expect && v.by.size) && (!ok || p.kills.length === 0)) {
    const best = [...new Set(vs.flatMap((v) => [...v.by].sort((x, y) => x[1].ms - y[1].ms).slice(0, 2).map(([id]) => id)))];
    out += `\n${"".padEnd(41)}suggested header: # kills: ${best.join(" ")}`;
  }
  return { ok, text: out };
}

// ---- main: build the mutants (a few at a time), run each as soon as it is built -------------

console.log(`mutants: ${patches.length} mutant(s)${opt.quick ? " (--quick: the cases of '# kills:')" : ""}; work folder ${WORK}; ` +
  `compiling with ${ccache ? "ccache, " : ""}build/'s flags + ${cxxFlags.join(" ") || "nothing"}`);

const summaryFile = path.join(WORK, "summary.txt");
fs.writeFileSync(summaryFile, "");
const results = new Array(patches.length);
let printed = 0;
function flush() {
  while (printed < results.length && results[printed]) {
    console.log(results[printed].text);
    fs.appendFileSync(summaryFile, results[printed].text + "\n");
    printed++;
  }
}

// Runs go one at a time (cases are timed; two runs at once would make them compete), builds
// MUTANTS_BUILD_JOBS at a time, the longest first; a mutant runs as soon as it is built.
let runChain = Promise.resolve();
function runMutant(i, built, buildSecs) {
  const p = patches[i];
  return (runChain = runChain.then(async () => {
    const t1 = Date.now();
    if (built) {
      results[i] = { ok: false, text: `${p.name.padEnd(40)} BAD  expect ${p.expect.padEnd(13)} ${built}  [${buildSecs}s]` };
    } else {
      const dir = path.join(WORK, "m", p.name);
      const runs = [];
      let n = 0;
      for (const { prof, filter, base: key } of combos(p)) {
        const base = await baseline(key);
        const rdir = path.join(dir, `run-${++n}`);
        const r = await runSuites(path.join(dir, "sockconf"), rdir, prof, filter);
        runs.push({ prof, base, baseReport: base.report, dir: rdir, ...r });
      }
      results[i] = line(p, runs, `${buildSecs}+${secs(t1)}`);
      // --quick (CI) keeps the reports, not the 70 MB binary and the archive it was linked from.
      if (opt.quick) for (const f of ["sockconf", "lib"]) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
    }
    flush();
  }));
}

// Each patch: applied to a copy of the files it touches, the mirror it compiles in.
const tasks = [];
const groups = new Map(); // object -> [patch index]
patches.forEach((p, i) => {
  const dir = path.join(WORK, "m", p.name);
  fs.mkdirSync(dir, { recursive: true });
  const a = applyPatch(p, path.join(dir, "apply"));
  if (a.error) {
    fs.writeFileSync(path.join(dir, "apply.log"), a.error + "\n");
    runMutant(i, `DOES NOT APPLY (see ${dir}/apply.log)`, 0);
    return;
  }
  p.patched = a.patched;
  p.affected = affectedObjects(p);
  const files = new Map(a.patched);
  const grouped = p.affected.length > 0 && groupable(p);
  if (grouped) {
    // The variant of a grouped mutant sits beside the patched file, so that it includes what the file does.
    const rel = p.touched[0];
    p.variant = path.join(dir, "src", variantRel(rel));
    files.set(variantRel(rel), p.patched.get(rel).replace(NS_LINE, (_, n) => `namespace ${n}::${nsOf(p)} {`));
  }
  mirror(path.join(dir, "src"), files);
  if (p.affected.length === 0) { runMutant(i, `BUILD FAILED (no object of bin/sockconf uses ${p.touched.join(", ")})`, 0); return; }
  if (grouped) {
    if (!groups.has(p.affected[0])) groups.set(p.affected[0], []);
    groups.get(p.affected[0]).push(i);
  } else tasks.push({ cost: p.affected.length, go: () => alone(i) });
});

async function alone(i) {
  const started = Date.now();
  const built = await buildAlone(patches[i]);
  runMutant(i, built, secs(started));
}

for (const [obj, members] of groups) {
  const n = Math.ceil(members.length / groupSize);
  for (let k = 0; k < n; k++) {
    // Even groups: members k, k+n, k+2n, ... (so each group has about the same size).
    const idx = members.filter((_, j) => j % n === k);
    const g = { id: `${path.basename(sourceOf(plan.compiles.get(obj))).replace(/\.\w+$/, "")}-${k + 1}`, obj, members: idx.map((i) => patches[i]) };
    tasks.push({
      cost: 2 + idx.length,
      go: async () => {
        const started = Date.now();
        const built = await compileGroup(g);
        if (built.error) {
          console.log(`mutants: group ${g.id} ${built.error}; building its ${idx.length} mutant(s) one at a time`);
          for (const i of idx) await alone(i);
          return;
        }
        for (const i of idx) {
          const why = await linkGrouped(patches[i], g, built);
          if (why && why.startsWith("no ")) await alone(i); // not separable: built on its own
          else runMutant(i, why, secs(started));
        }
      },
    });
  }
}
tasks.sort((x, y) => y.cost - x.cost);

// The baselines first (they need no build), then the mutants.
for (const k of baseRuns.keys()) runChain = runChain.then(() => baseline(k));
await Promise.all(Array.from({ length: buildJobs }, async () => {
  while (tasks.length) await tasks.shift().go();
}));
await runChain;

const bad = results.filter((r) => !r.ok).length;
const byGrade = {};
for (const p of patches) byGrade[p.expectShown ?? p.expect] = (byGrade[p.expectShown ?? p.expect] ?? 0) + 1;
const tail = `mutants: ${patches.length} mutant(s) (expected: ${Object.entries(byGrade).map(([g, n]) => `${n} ${g}`).join(", ")}), ` +
  `${patches.length - bad} caught as expected, ${bad} not; ${secs(t0)} s; summary in ${summaryFile}`;
// The last line in the plain form CI reads: a mutant caught as expected passed.
const plain = `mutants: ${patches.length - bad} passed, ${bad} failed`;
console.log(`${tail}\n${plain}`);
fs.appendFileSync(summaryFile, `${tail}\n${plain}\n`);
process.exit(bad ? 1 : 0);
