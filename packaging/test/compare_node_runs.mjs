// Step 4 of chroot_install_test.sh: the Node runner's statuses per case on Debian 12's node (in
// the chroot) against this machine's node (the .deb unpacked), each side run as an ordinary
// user on loopback only.
//
//   node compare_node_runs.mjs diff DEBIAN.json HERE.json
//     prints the counts of each side and the ids whose status differs, one per line after a
//     line "differ:"; exit 0
//   node compare_node_runs.mjs judge DEBIAN_DIR HERE_DIR
//     each DIR holds report-node/report.json (the whole run) and rerun-*/report.json (the
//     differing cases run again): a case differs between the Nodes when the statuses it got on
//     one side never occur on the other (always PASS on one, always FAIL on the other); a case
//     whose statuses overlap is flaky, on either Node alike. Exit 1 when a case differs.
import fs from "node:fs";
import path from "node:path";

const read = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
const statuses = (report) => new Map(report.cases.map((c) => [c.id, c.status]));
const count = (map) => [...map.values()].reduce((m, v) => ((m[v] = (m[v] ?? 0) + 1), m), {});

const [mode, a, b] = process.argv.slice(2);
if (mode === "diff" && a && b) {
  const [sa, sb] = [statuses(read(a)), statuses(read(b))];
  console.log(`Debian 12's node: ${JSON.stringify(count(sa))}\nthis machine's node: ${JSON.stringify(count(sb))}`);
  const ids = [...new Set([...sa.keys(), ...sb.keys()])].filter((id) => sa.get(id) !== sb.get(id));
  for (const id of ids) console.log(`  ${id}: ${sa.get(id)} on Debian's node, ${sb.get(id)} here`);
  console.log(ids.length ? `${ids.length} cases differ in one run each: run again below` : `all ${sa.size} cases: the same status on both`);
  console.log("differ:");
  for (const id of ids) console.log(id);
} else if (mode === "judge" && a && b) {
  /** id -> the statuses it got in every run of DIR (the whole run first). */
  const runsOf = (dir) => {
    const files = [path.join(dir, "report-node/report.json")];
    for (const d of fs.readdirSync(dir).filter((n) => n.startsWith("rerun-")).sort())
      if (fs.existsSync(path.join(dir, d, "report.json"))) files.push(path.join(dir, d, "report.json"));
    const all = new Map();
    for (const f of files)
      for (const [id, s] of statuses(read(f))) all.set(id, [...(all.get(id) ?? []), s]);
    return { all, reruns: files.length - 1 };
  };
  const [ra, rb] = [runsOf(a), runsOf(b)];
  const first = statuses(read(path.join(a, "report-node/report.json")));
  const ids = [...first.keys()].filter((id) => (ra.all.get(id)?.length ?? 0) > 1 || (rb.all.get(id)?.length ?? 0) > 1);
  const tally = (list) => Object.entries(count(new Map(list.map((s, i) => [i, s])))).map(([s, n]) => `${s}×${n}`).join(" ");
  let differ = 0;
  for (const id of ids) {
    const [la, lb] = [ra.all.get(id) ?? [], rb.all.get(id) ?? []];
    const overlap = la.some((s) => lb.includes(s));
    const same = overlap && new Set([...la, ...lb]).size === 1;
    if (!overlap) differ++;
    const verdict = !overlap ? "DIFFERS" : same ? "the same on both" : "flaky, on both Nodes alike";
    console.log(`  ${id}: ${tally(la)} on Debian's node, ${tally(lb)} here: ${verdict}`);
  }
  console.log(differ ? `${differ} cases differ between the Nodes` :
    `no case differs between the Nodes (${first.size} cases; ${ids.length} run ${ra.reruns} more times on each)`);
  process.exit(differ ? 1 : 0);
} else {
  console.error("usage: node compare_node_runs.mjs diff DEBIAN.json HERE.json | judge DEBIAN_DIR HERE_DIR");
  process.exit(2);
}
