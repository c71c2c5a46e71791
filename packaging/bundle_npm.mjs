#!/usr/bin/env node
// The npm packages the .deb ships as one esbuild bundle each, instead of their installed trees
// (packaging/CMakeLists.txt runs this at install time; packaging/README.md, "Vendored npm
// packages"). Today: puppeteer-core, which drives Debian's firefox-esr (adapters/browser/
// firefox.mjs) and, once the Chromium launcher moves to it, chromium too.
//
//   node packaging/bundle_npm.mjs --out DIR [--check]
//
// writes, from the repository's node_modules (npm ci, package-lock.json), for each package P:
//   DIR/P/package.json            name, version and licence of P; "exports" → the bundle, so
//                                 `import("P")` from /usr/share/sockconf/adapters finds it
//   DIR/P/P.mjs                   P and every module it imports, one ES module for Node
//   DIR/P/THIRD_PARTY_LICENSES.md the name, version, licence and licence text of every npm
//                                 package esbuild put into the bundle (P's own first)
// Why a bundle: puppeteer-core's installed closure is 70 packages and 53 MB (3.3 MB of xz in
// the .deb); the bundle is one 4 MB file (0.7 MB of xz), and it launched firefox-esr (BiDi)
// and chromium (CDP) as the installed tree does (measured when this was written; the
// package_deb test and `make package-chroot-test` run Firefox from the package).
// --check: the bundle must import and export what launch.mjs uses (default.launch).
// Exit status: 0 written; 1 a package is missing or did not bundle; 2 bad arguments.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const PACKAGES = ["puppeteer-core"];
// The bundles run on the Node the .deb recommends (Debian 12's nodejs 18).
const NODE_TARGET = "node18";

const say = (text) => process.stdout.write(`bundle_npm: ${text}\n`);
const die = (code, text) => {
  process.stderr.write(`bundle_npm: ${text}\n`);
  process.exit(code);
};

let values;
try {
  ({ values } = parseArgs({ options: { out: { type: "string" }, check: { type: "boolean" }, help: { type: "boolean" } } }));
} catch (e) {
  die(2, `${e.message}\nusage: node packaging/bundle_npm.mjs --out DIR [--check]`);
}
if (values.help) {
  process.stdout.write("usage: node packaging/bundle_npm.mjs --out DIR [--check]\n");
  process.exit(0);
}
if (!values.out) die(2, "--out DIR is required\nusage: node packaging/bundle_npm.mjs --out DIR [--check]");

let esbuild;
try {
  esbuild = await import("esbuild");
} catch (e) {
  die(1, `cannot load esbuild (${e.message}): run npm ci at the repository root (scripts/setup.sh)`);
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));

/** The folder of the npm package a bundled input file belongs to, or null (not from node_modules). */
function packageDirOf(input) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m ? path.resolve(root, m[1]) : null;
}

/** A package's licence text: its LICENSE/LICENCE/COPYING file, else a line saying there is none. */
function licenceText(dir, declared) {
  const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i.test(f));
  if (file) return fs.readFileSync(path.join(dir, file), "utf8").trim();
  // Debian keeps the common licences' texts: name the file when there is one.
  const common = `/usr/share/common-licenses/${declared}`;
  return `(the package holds no licence file; its package.json declares ${declared}` +
    (fs.existsSync(common) ? `, whose text is ${common} on Debian)` : ")");
}

async function bundle(name) {
  const dir = path.join(root, "node_modules", name);
  if (!fs.existsSync(path.join(dir, "package.json"))) throw new Error(`node_modules/${name} is missing: run npm ci`);
  const pkg = readJson(path.join(dir, "package.json"));
  const out = path.resolve(values.out, name);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const file = `${name.replace(/^@[^/]+\//, "")}.mjs`;
  const t0 = Date.now();
  const result = await esbuild.build({
    stdin: { contents: `export * from "${name}"; export { default } from "${name}";`, resolveDir: root, loader: "js" },
    outfile: path.join(out, file),
    bundle: true,
    format: "esm",
    platform: "node",
    target: NODE_TARGET,
    absWorkingDir: root,
    logLevel: "silent",
    legalComments: "eof",
    metafile: true,
    // The CommonJS modules inside call require() (node: built-ins, optional packages in
    // try/catch such as ws's bufferutil): an ES module has none, so the bundle makes one.
    banner: { js: 'import { createRequire as __sockconfCreateRequire } from "node:module";\nconst require = __sockconfCreateRequire(import.meta.url);' },
  });
  // Every npm package that went into the bundle, with its licence: P first, then by name.
  const dirs = new Set();
  for (const input of Object.keys(result.metafile.inputs)) {
    const d = packageDirOf(input);
    if (d) dirs.add(d);
  }
  const bundled = [...dirs]
    .map((d) => ({ dir: d, pkg: readJson(path.join(d, "package.json")) }))
    .sort((a, b) => (a.pkg.name === name ? -1 : b.pkg.name === name ? 1 : a.pkg.name.localeCompare(b.pkg.name)));
  const seen = new Set();
  const sections = [];
  for (const { dir: d, pkg: p } of bundled) {
    const key = `${p.name}@${p.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const licence = typeof p.license === "string" ? p.license : JSON.stringify(p.license ?? "none declared");
    sections.push(`## ${key} (${licence})\n\n\`\`\`\n${licenceText(d, licence)}\n\`\`\`\n`);
  }
  fs.writeFileSync(
    path.join(out, "THIRD_PARTY_LICENSES.md"),
    `# ${file}: what it holds\n\n${name} ${pkg.version} and the npm packages it imports, bundled by esbuild ` +
      `(sockconf's packaging/bundle_npm.mjs) from the versions of sockconf's package-lock.json. ` +
      `Each package, its licence and its licence text:\n\n${sections.join("\n")}`,
  );
  fs.writeFileSync(
    path.join(out, "package.json"),
    `${JSON.stringify(
      {
        name,
        version: pkg.version,
        description: `${name} ${pkg.version} with the ${seen.size - 1} npm packages it imports, bundled into ${file} by esbuild for sockconf (THIRD_PARTY_LICENSES.md)`,
        license: pkg.license,
        type: "module",
        exports: { ".": `./${file}`, "./package.json": "./package.json" },
        engines: { node: ">=18" },
      },
      null,
      2,
    )}\n`,
  );
  const size = fs.statSync(path.join(out, file)).size;
  say(`${name} ${pkg.version}: ${path.join(out, file)} ${(size / 1048576).toFixed(1)} MiB, ${seen.size} npm packages, in ${Date.now() - t0} ms`);
  if (values.check) {
    const mod = await import(pathToFileURL(path.join(out, file)).href);
    if (typeof mod.default?.launch !== "function") throw new Error(`${file} does not export default.launch`);
    say(`${name}: the bundle imports and exports default.launch`);
  }
}

let failed = 0;
for (const name of PACKAGES) {
  try {
    await bundle(name);
  } catch (e) {
    failed++;
    const errors = e && Array.isArray(e.errors) ? e.errors : [];
    for (const x of errors.slice(0, 10))
      process.stderr.write(`bundle_npm: ${name}: ${x.text}${x.location ? ` (${x.location.file}:${x.location.line})` : ""}\n`);
    if (!errors.length) process.stderr.write(`bundle_npm: ${name}: ${e && e.message ? e.message : e}\n`);
  }
}
process.exit(failed ? 1 : 0);
