// One command that puts sockconf's echo servers side by side with the peers:
// every server is started on loopback (pinned to --server-cpu, bounded by
// --max-seconds), driven by build/bin/sockconf-load (pinned to --client-cpu)
// at 16 B, 1 KiB, 64 KiB and 1 MiB, in --rounds interleaved rounds; prints the
// median msgs/s of each target, its server CPU, and sockconf's ratio to each
// peer, size by size. --out FILE writes every measurement in the sockconf-bench
// results JSON (bench/README.md).
//
//   node bench/peers/compare.mjs [--rounds 3] [--seconds 4] [--warmup 1] [--sizes 16,1024,65536,1048576]
//        [--only ws|tcp|handshakes] [--text] [--out results.json]
import { spawn, execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { cpus, release } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { parseCommandLine } from "../../adapters/node/cli.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const usage = `usage: node bench/peers/compare.mjs [--rounds 3] [--seconds 4] [--warmup 1] [--sizes 16,1024,65536,1048576]
       [--connections 8] [--only ws|tcp|handshakes] [--text] [--client-cpu 0] [--server-cpu 1] [--build build] [--out FILE]`;
const o = parseCommandLine(process.argv.slice(2), {
  rounds: { type: "string", default: "3" },
  seconds: { type: "string", default: "4" },
  warmup: { type: "string", default: "1" },
  sizes: { type: "string", default: "16,1024,65536,1048576" },
  connections: { type: "string", default: "8" },
  only: { type: "string" },
  text: { type: "boolean", default: false },
  "client-cpu": { type: "string", default: "0" },
  "server-cpu": { type: "string", default: "1" },
  build: { type: "string", default: join(root, "build") },
  out: { type: "string" },
}, { program: "compare", usage });

const bin = (name) => join(o.build, "bin", name);
const load = bin("sockconf-load");
for (const b of [load, bin("sockconf"), bin("epoll_echo")])
  if (!existsSync(b)) {
    process.stderr.write(`compare: ${b} is missing (cmake --build build)\n`);
    process.exit(2);
  }
if (!existsSync(join(here, "node_modules", "uwebsockets"))) {
  process.stderr.write("compare: the peers are not installed: run bench/peers/setup.sh\n");
  process.exit(2);
}
const sizes = o.sizes.split(",").map(Number);
// Messages in flight per connection by size, as in shared/reference/performance.md.
const inFlight = (size) => (size <= 1024 ? 16 : size <= 65536 ? 4 : 2);
const rounds = Number(o.rounds);
// Every server dies on its own after the whole run could have taken.
const maxSeconds = String(Math.ceil(rounds * sizes.length * 6 * (Number(o.seconds) + Number(o.warmup) + 3)) + 60);

const servers = {
  sockconf: [bin("sockconf"), "serve", "--json"],
  uwebsockets: ["node", join(here, "uwebsockets.mjs"), "--max-seconds", maxSeconds],
  ws: ["node", join(here, "ws.mjs"), "--max-seconds", maxSeconds],
  "epoll-echo": [bin("epoll_echo"), "--max-seconds", maxSeconds],
};

// Start `name` pinned to the server CPU; resolves to {child, info} once it printed its JSON line.
function start(name) {
  const [cmd, ...args] = servers[name];
  const child = spawn("taskset", ["-c", o["server-cpu"], cmd, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no JSON line within 20 s`)), 20000);
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      resolve({ child, info: JSON.parse(line) });
    });
    child.once("exit", (code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
  });
}

// utime + stime of a process in seconds (the server's CPU next to every rate).
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

// The process that serves: taskset execs the command, so it is the child itself.
function measure(server, target, args) {
  const pid = server.child.pid;
  const c0 = cpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  let out;
  try {
    out = execFileSync(load, [...args, "--cpu", o["client-cpu"], "--seconds", o.seconds, "--warmup", o.warmup,
      "--json", "--target", target, "--scenario", target.startsWith("sockconf") ? "echo" : "peer"], { encoding: "utf8", timeout: 120000 });
  } catch (e) {
    process.stderr.write(`compare: ${target} ${args.join(" ")}: ${e.message.split("\n")[0]}\n`);
    return null;
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const r = JSON.parse(out.trim().split("\n").pop());
  // Over the whole sockconf-load call (warm-up included): an estimate of the window's.
  const serverCpu = (cpuSeconds(pid) - c0) / wall;
  r.cpu = { client: r.cpu?.client ?? null, server: Number.isFinite(serverCpu) ? Number(serverCpu.toFixed(3)) : null };
  return r;
}

const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

const wsTargets = [["sockconf-ws", "sockconf"], ["uwebsockets", "uwebsockets"], ["ws", "ws"]];
const tcpTargets = [["sockconf-tcp", "sockconf"], ["epoll-echo", "epoll-echo"]];
const plans = [];
const payload = o.text ? "--text" : "--binary";
for (const size of sizes) {
  if (!o.only || o.only === "ws")
    for (const [target, server] of wsTargets)
      plans.push({ key: `ws ${size}`, target, server, size,
        args: (s) => ["--url", s.info.ws.replace(/\/$/, "") + "/echo", "--size", String(size), payload,
          "--connections", o.connections, "--in-flight", String(inFlight(size))] });
  if (!o.only || o.only === "tcp")
    for (const [target, server] of tcpTargets)
      plans.push({ key: `tcp ${size}`, target, server, size,
        args: (s) => ["--tcp", `${s.info.tcp.host}:${s.info.tcp.port}`, "--size", String(size),
          "--connections", o.connections, "--in-flight", String(inFlight(size))] });
}
if (!o.only || o.only === "handshakes")
  for (const conc of [1, 8])
    for (const [target, server] of wsTargets)
      plans.push({ key: `handshakes x${conc}`, target, server, size: 0, handshakes: true,
        args: (s) => ["--url", s.info.ws.replace(/\/$/, "") + "/echo", "--handshakes", "--concurrency", String(conc)] });

const running = {};
const results = [];
try {
  for (const name of new Set(plans.map((p) => p.server))) running[name] = await start(name);
  // Interleaved: round r measures every target once, so drift hits all alike.
  for (let r = 0; r < rounds; ++r)
    for (const p of plans) {
      const res = measure(running[p.server], p.target, p.args(running[p.server]));
      if (res) results.push({ ...res, _key: p.key, _target: p.target });
      const rate = res ? (p.handshakes ? res.per_s : res.msgs_per_s) : null;
      process.stderr.write(`round ${r + 1}/${rounds} ${p.key} ${p.target}: ${rate == null ? "failed" : Math.round(rate)}\n`);
    }
} finally {
  for (const s of Object.values(running)) s.child.kill("SIGTERM");
}

// Table: per key, the median rate and server CPU of each target, and sockconf's ratios.
const keys = [...new Set(plans.map((p) => p.key))];
const fmt = (x) => (x == null ? "—" : x >= 1e6 ? (x / 1e6).toFixed(2) + "M" : x >= 1e4 ? Math.round(x / 1e3) + "k" : String(Math.round(x)));
console.log(`# sockconf vs peers — median of ${rounds}, ${o.seconds} s each (${o.text ? "text" : "binary"}); client CPU${o["client-cpu"]}, servers CPU${o["server-cpu"]}`);
console.log("| load | target | rate/s | server CPU | sockconf / this |");
console.log("|---|---|---|---|---|");
for (const key of keys) {
  const targets = [...new Set(plans.filter((p) => p.key === key).map((p) => p.target))];
  const stat = (t) => {
    const rs = results.filter((r) => r._key === key && r._target === t);
    return { rate: median(rs.map((r) => r.msgs_per_s ?? r.per_s)), cpu: median(rs.map((r) => r.cpu?.server)) };
  };
  const ours = stat(targets[0]);
  for (const t of targets) {
    const s = stat(t);
    const ratio = t === targets[0] || !s.rate || ours.rate == null ? "" : (ours.rate / s.rate).toFixed(2) + "×";
    console.log(`| ${key} | ${t} | ${fmt(s.rate)} | ${s.cpu == null ? "—" : s.cpu.toFixed(2)} | ${ratio} |`);
  }
}

if (o.out) {
  const cpuModel = (cpus()[0] ?? {}).model ?? "unknown";
  let compiler = "";
  try { compiler = execFileSync("c++", ["--version"], { encoding: "utf8" }).split("\n")[0]; } catch { /* none */ }
  writeFileSync(o.out, JSON.stringify({
    format: "sockconf-bench", version: 1, started_at: new Date().toISOString(),
    command: "node bench/peers/compare.mjs " + process.argv.slice(2).join(" "),
    machine: { cpu_model: cpuModel, cores: cpus().length, kernel: release(), compiler, boost: "1.81",
      load_avg: Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]) },
    results: results.map(({ _key, _target, ...r }) => r),
  }, null, 1) + "\n");
}
