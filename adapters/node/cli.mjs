// Command lines of sockconf's Node programs (sockconf-node.mjs, browser/launch.mjs):
// node:util parseArgs, plus the rules both keep: --help prints the usage and exits 0;
// an unknown option, a missing value or an empty one prints why and the usage, exit 2.
import { parseArgs } from "node:util";

/** The option values of `argv`; `options` as node:util parseArgs takes them (help is added). */
export function parseCommandLine(argv, options, { program, usage }) {
  const fail = (message) => {
    process.stderr.write(`${program}: ${message}\n\n${usage}\n`);
    process.exit(2);
  };
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: { ...options, help: { type: "boolean", short: "h" } } }));
  } catch (e) {
    fail(e.message);
  }
  if (values.help) {
    process.stdout.write(usage + "\n");
    process.exit(0);
  }
  for (const [key, value] of Object.entries(values)) if (value === "") fail(`--${key} needs a non-empty value`);
  return values;
}
