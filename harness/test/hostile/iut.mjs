#!/usr/bin/env node
// A hostile IUT on stdin/stdout (harness/test/hostile/README.md): the example wx-on-ws module
// behind the shim, honest until the trigger, then misbehaving as MODE says (hostile.mjs).
//
//   sockconf run --iut "node harness/test/hostile/iut.mjs MODE" ...
import readline from "node:readline";

import { createShim } from "../../../adapters/js/shim.mjs";
import { createHostile } from "./hostile.mjs";

const { wx } = await import("../../../adapters/node/examples/wx-on-ws.mjs");
const mode = process.argv[2];

// stdout is a pipe: Node writes to it synchronously on Linux, so a write returns when the
// harness has read it (or its pipe buffer has room).
const write = (text) => process.stdout.write(text + "\n");
const hostile = createHostile({
  mode,
  write,
  writeMany: (texts) => {
    for (let i = 0; i < texts.length; i += 10000) process.stdout.write(texts.slice(i, i + 10000).join("\n") + "\n");
  },
  say: (text) => process.stderr.write(text + "\n"),
  crash: () => process.exit(70),
});
const shim = createShim(wx, {
  send: (m) => hostile.toHarness(JSON.stringify(m)),
  name: `hostile-${mode}`,
  version: "0",
  profile: null,
  host: "node",
  onBye: () => process.exit(0),
});
shim.hello();
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const pass = hostile.fromHarness(line);
  if (pass === true) shim.handle(line);
  else if (pass) shim.handle(pass); // a rewritten message
});
process.stdin.on("end", () => process.exit(0));
