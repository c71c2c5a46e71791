#!/usr/bin/env node
// Bundles the browser platforms for the IUT page: adapters/browser/<name>/entry.mjs ->
// adapters/browser/<name>/dist/bundle.mjs (esbuild, format esm, platform browser).
//
//   node adapters/browser/build.mjs            # every platform (every folder with entry.mjs)
//   node adapters/browser/build.mjs taro-h5 …  # only those
//   npm run build:browser                      # the same as the first
//
// The npm package a folder bundles is its platform.json's "package" (adapters/README.md,
// "platform.json"); its version is given to the entry as __PACKAGE_VERSION__. A platform
// folder may hold build.config.mjs, whose default export is
//   { esbuild: { … } }         // esbuild options merged over the defaults (alias, define, …),
//                              // or ({name, version}) => ({ … }) of the package
// The entry always sees __PACKAGE_NAME__ and __PACKAGE_VERSION__ (the package's, else
// "sockconf-<name>" and "0"), and process.env.NODE_ENV as "production".
//
// Exit status: 0 all built; 1 a platform failed (the others are still built); 2 bad arguments.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { platformOfPage } from "../platforms.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");

let esbuild;
try {
  esbuild = await import("esbuild");
} catch (e) {
  process.stderr.write(`build: cannot load esbuild (${e.message}); run npm ci at the repository root\n`);
  process.exit(1);
}

const all = fs
  .readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(here, d.name, "entry.mjs")))
  .map((d) => d.name)
  .sort();

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  process.stdout.write(`usage: node adapters/browser/build.mjs [PLATFORM ...]\nplatforms: ${all.join(", ")}\n`);
  process.exit(0);
}
const unknown = argv.filter((a) => !all.includes(a));
if (unknown.length) {
  process.stderr.write(`build: unknown platform ${unknown.join(", ")} (known: ${all.join(", ")})\n`);
  process.exit(2);
}
const wanted = argv.length ? argv : all;

function packageVersion(name) {
  // Not require.resolve: many packages do not export their package.json.
  const file = path.join(root, "node_modules", name, "package.json");
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")).version;
  } catch {
    throw new Error(`the npm package ${name} is not installed (${file}); run npm ci`);
  }
}

async function buildOne(name) {
  const dir = path.join(here, name);
  let config = {};
  const configFile = path.join(dir, "build.config.mjs");
  if (fs.existsSync(configFile)) config = (await import(pathToFileURL(configFile).href)).default ?? {};
  if (config.package !== undefined)
    throw new Error(`${path.relative(root, configFile)}: "package" belongs in ${path.relative(root, dir)}/platform.json`);
  const pkg = platformOfPage(dir)?.package;
  const pkgName = pkg ?? `sockconf-${name}`;
  const pkgVersion = pkg ? packageVersion(pkg) : "0";
  // esbuild options may depend on the package's version: esbuild: ({name, version}) => ({…})
  if (typeof config.esbuild === "function") config = { ...config, esbuild: config.esbuild({ name: pkgName, version: pkgVersion }) };
  const extra = config.esbuild ?? {};
  const outfile = path.join(dir, "dist", "bundle.mjs");
  const t0 = Date.now();
  const result = await esbuild.build({
    entryPoints: [path.join(dir, "entry.mjs")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    sourcemap: "linked",
    logLevel: "silent",
    legalComments: "none",
    absWorkingDir: root,
    nodePaths: [path.join(root, "node_modules")],
    metafile: true,
    ...extra,
    define: {
      "process.env.NODE_ENV": '"production"',
      __PACKAGE_NAME__: JSON.stringify(pkgName),
      __PACKAGE_VERSION__: JSON.stringify(pkgVersion),
      ...(extra.define ?? {}),
    },
  });
  for (const w of result.warnings.slice(0, 5))
    process.stderr.write(`build: ${name}: warning: ${w.text}${w.location ? ` (${w.location.file}:${w.location.line})` : ""}\n`);
  if (result.warnings.length > 5) process.stderr.write(`build: ${name}: … ${result.warnings.length - 5} more warnings\n`);
  const size = fs.statSync(outfile).size;
  const inputs = Object.keys(result.metafile.inputs).length;
  process.stdout.write(
    `build: ${name}: ${path.relative(root, outfile)} ${(size / 1024).toFixed(0)} KiB from ${inputs} files` +
      (pkg ? ` (${pkgName} ${pkgVersion})` : "") +
      ` in ${Date.now() - t0} ms\n`,
  );
}

let failed = 0;
for (const name of wanted) {
  try {
    await buildOne(name);
  } catch (e) {
    failed++;
    const errors = e && Array.isArray(e.errors) ? e.errors : null;
    if (errors && errors.length) {
      for (const x of errors.slice(0, 10))
        process.stderr.write(
          `build: ${name}: error: ${x.text}${x.location ? ` (${x.location.file}:${x.location.line})` : ""}\n`,
        );
      if (errors.length > 10) process.stderr.write(`build: ${name}: … ${errors.length - 10} more errors\n`);
    } else process.stderr.write(`build: ${name}: error: ${e && e.message ? e.message : e}\n`);
  }
}
process.exit(failed ? 1 : 0);
