// `npm run bench:edge-flood`: what the entity graph's edge cap costs under a flood of distinct edges (a logon
// spray, or a big estate read file by file), in process.
// Baseline: GRAPH_LIMITS.edges distinct edges, which just fill the table (no eviction). Measured: --edges
// (default 500,000) distinct edges between hosts without detections, with 1,000 edges between detected hosts
// added halfway (after the table filled up), so the table evicts its least useful quarter again and again. Compared: CPU
// nanoseconds per edge (user+sys of this thread), the heap after a full collection, and how many of the edges
// between detected hosts survived (all of them should).
//
// Usage: npm run bench:edge-flood [-- --edges 500000 --rounds 3]
import { EntityGraph, GRAPH_LIMITS } from '../src/correlate/index.js';

interface Measure {
  cpuNsPerEdge: number;
  heapMB: number;
  kept: number;
  attackKept: number;
  dropped: number;
}

const T0 = Date.parse('2026-03-01T00:00:00Z');
const ATTACK_EDGES = 1000;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function heapMB(): number {
  gc();
  return process.memoryUsage().heapUsed / 1048576;
}

/** Adds `count` distinct edges (and, when `attack`, the edges between detected hosts) and measures it. */
function run(count: number, attack: boolean): Measure {
  const before = heapMB();
  const g = new EntityGraph();
  for (let h = 0; h < 20; h++) g.markDetected(`t|victim${h}`, 3);
  const start = process.cpuUsage();
  const attackAt = Math.floor(count / 2);
  for (let i = 0; i < count; i++) {
    if (attack && i === attackAt)
      for (let j = 0; j < ATTACK_EDGES; j++)
        g.addEdge(
          `name:victim${j % 20}`,
          '',
          `host:t|victim${(j + 1) % 20}`,
          't',
          'logon',
          `corp\\adm${j}`,
          3,
          T0,
        );
    g.addEdge(
      `name:pc${i}`,
      `ip:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      `host:t|srv${i % 50}`,
      't',
      'logon',
      `corp\\u${i}`,
      3,
      T0 + 3_600_000 + i,
    );
  }
  const used = process.cpuUsage(start);
  const view = g.view();
  const attackKept = view.edges.filter((e) => e.src.startsWith('name:victim')).length;
  const m: Measure = {
    cpuNsPerEdge: ((used.user + used.system) * 1000) / (count + (attack ? ATTACK_EDGES : 0)),
    // The graph itself is still reachable here (its size is read below), so the heap counts its tables.
    heapMB: heapMB() - before + 0 * g.size(),
    kept: view.edges.length,
    attackKept,
    dropped: view.dropped,
  };
  return m;
}

function best(ms: Measure[]): Measure {
  return ms.reduce((a, b) => (b.cpuNsPerEdge < a.cpuNsPerEdge ? b : a));
}

function main(): void {
  const argv = process.argv.slice(2);
  let edges = 500_000;
  let rounds = 3;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--edges') edges = Number(argv[++i]);
    else if (argv[i] === '--rounds') rounds = Number(argv[++i]);
  }
  if ((globalThis as { gc?: unknown }).gc === undefined)
    console.log('(run with --expose-gc for heap figures)');
  const base: Measure[] = [];
  const flood: Measure[] = [];
  // Alternating rounds: a disturbance on the shared machine hits both modes alike.
  for (let r = 0; r < rounds; r++) {
    base.push(run(GRAPH_LIMITS.edges, false));
    flood.push(run(edges, true));
  }
  const b = best(base);
  const f = best(flood);
  const row = (name: string, m: Measure) =>
    `${name.padEnd(28)} ${m.cpuNsPerEdge.toFixed(0).padStart(6)} ns/edge  heap ${m.heapMB.toFixed(1).padStart(6)} MB  kept ${m.kept}  dropped ${m.dropped}  detected-host edges kept ${m.attackKept}`;
  console.log(row(`fill to cap (${GRAPH_LIMITS.edges})`, b));
  console.log(row(`flood (${edges} + ${ATTACK_EDGES})`, f));
  console.log(
    `ratio flood/fill: CPU per edge ${(f.cpuNsPerEdge / b.cpuNsPerEdge).toFixed(2)}x, heap ${(f.heapMB / b.heapMB).toFixed(2)}x; ` +
      `edges between detected hosts kept: ${f.attackKept}/${ATTACK_EDGES}`,
  );
}

main();
