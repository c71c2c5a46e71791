// What every Node peer shares: the command line (--host, --port, --max-seconds,
// --max-message-bytes), the one JSON line saying what it serves, and the bound on
// its life (SIGTERM/SIGINT or --max-seconds, whichever comes first).
import { parseCommandLine } from "../../adapters/node/cli.mjs";

/** Parsed options of a peer called `program`. */
export function peerOptions(program) {
  const usage = `usage: node bench/peers/${program}.mjs [--host 127.0.0.1] [--port 0] [--max-seconds 600] [--max-message-bytes 67108864]`;
  const v = parseCommandLine(process.argv.slice(2), {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "0" },
    "max-seconds": { type: "string", default: "600" },
    "max-message-bytes": { type: "string", default: String(64 * 1024 * 1024) },
  }, { program, usage });
  const number = (key, min, max) => {
    const n = Number(v[key]);
    if (!Number.isInteger(n) || n < min || n > max) {
      process.stderr.write(`${program}: --${key} must be an integer in [${min}, ${max}]\n\n${usage}\n`);
      process.exit(2);
    }
    return n;
  };
  return {
    host: v.host,
    port: number("port", 0, 65535),
    maxSeconds: number("max-seconds", 1, 86400),
    maxMessageBytes: number("max-message-bytes", 1, 2 ** 31 - 1),
  };
}

/** Print what the peer serves (one JSON line, like `sockconf serve --json`) and arm
 *  the stops; `stop` closes everything so the process can exit. */
export function announce(served, maxSeconds, stop) {
  process.stdout.write(JSON.stringify(served) + "\n");
  const timer = setTimeout(() => finish("max-seconds"), maxSeconds * 1000);
  const finish = () => {
    clearTimeout(timer);
    stop();
    // A peer must not outlive its bound because a client keeps a socket open.
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.once("SIGTERM", finish);
  process.once("SIGINT", finish);
}
