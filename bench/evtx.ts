// npm run bench:evtx — Dwell's EVTX reader against libevtx's evtxexport on one dense file of real chunks.
//
// Builds (once, cached in bench/.work/) a dense EVTX file from the shared corpus with
// make-dense-evtx.py --strict, then in the same run times, each in its own child process:
//   baseline  evtxexport -f xml > /dev/null  (allocated records only, its default mode)
//   (a)       Dwell rendering XML, single thread
//   (b)       Dwell lazy parse, one field touched per record, single thread
//   (c)       (b) on N worker threads (default 2)
//   (w)       the EVTX writer: 500,000 events of four realistic shapes through EvtxFileWriter (no baseline)
// and prints events/s, MB/s, peak RSS and the ratios against the targets. Dwell reads with recovery off here
// so that both sides handle the same (allocated) records.
// (b) and (c) run alternately, each child making several passes over the file: the first pass is cold (fresh
// process, fresh pool), the later ones warm (the same thread or the same started pool again), and both are
// reported. Options: --mb <size> (default 256), --workers <n> (default 2), --repeat <n> (median of n runs,
// default 3), --passes <n> ((b)/(c) passes per run, default 4), --parallel-only (only (b) and (c)),
// --file <evtx> (use a given file instead).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS, PROJECT_ROOT } from '../test/helpers/corpus.js';
import { child, type Measure, type Pass } from './evtx-child.js';

const HERE = fileURLToPath(import.meta.url);

// ---- parent side ----

function ensureDenseFile(mb: number): string | undefined {
  if (!CORPUS) return undefined;
  const file = join(PROJECT_ROOT, 'bench', '.work', `dense-${mb}.evtx`);
  if (existsSync(file)) return file;
  mkdirSync(dirname(file), { recursive: true });
  const tool = resolve(CORPUS, '..', 'tools', 'make-dense-evtx.py');
  console.log(`building ${file} with ${tool} --strict ...`);
  const run = spawnSync('python3', [tool, '--strict', file, String(mb)], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`make-dense-evtx.py failed (exit ${run.status})`);
  return file;
}

function runEvtxexport(file: string): Measure | string {
  const probe = spawnSync('evtxexport', ['-V']);
  if (probe.error) return 'evtxexport not installed (Debian libevtx-utils)';
  const devnull = openSync('/dev/null', 'w');
  const t0 = performance.now();
  const hasTime = existsSync('/usr/bin/time');
  const run = hasTime
    ? spawnSync('/usr/bin/time', ['-v', 'evtxexport', '-f', 'xml', file], {
        stdio: ['ignore', devnull, 'pipe'],
      })
    : spawnSync('evtxexport', ['-f', 'xml', file], { stdio: ['ignore', devnull, 'ignore'] });
  const seconds = (performance.now() - t0) / 1000;
  closeSync(devnull);
  const report = run.stderr?.toString() ?? '';
  const num = (re: RegExp): number => Number(re.exec(report)?.[1] ?? NaN);
  const cpuSeconds = num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/);
  const rssKb = num(/Maximum resident set size \(kbytes\): (\d+)/);
  return { records: NaN, seconds, cpuSeconds, maxRssMb: rssKb / 1024 };
}

function runChild(mode: string, file: string, workers: number, passes = 1): Measure {
  const args = [HERE, '--child', mode, file, String(workers), String(passes)];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`${mode} run failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Measure;
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** The middle value (the lower middle for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** The run with the median wall time: one real run, not a blend of several. */
function medianRun<T extends Pass>(runs: readonly T[]): T {
  const mid = median(runs.map((r) => r.seconds));
  return runs.find((r) => r.seconds === mid)!;
}

/** The median of `repeat` runs (wall time); a string when the run cannot happen (tool missing). */
function medianOf(repeat: number, runOnce: () => Measure | string): Measure | string {
  const runs: Measure[] = [];
  for (let i = 0; i < repeat; i++) {
    const m = runOnce();
    if (typeof m === 'string') return m;
    runs.push(m);
  }
  return medianRun(runs);
}

/** The warm figure of a (b) or (c) measure: its median warm pass, with the run's record count. */
function warmOf(m: Measure): Measure {
  const pass = medianRun(m.warm ?? []);
  return { records: m.records, maxRssMb: m.maxRssMb, ...pass };
}

/**
 * (b) and (c), alternating (b, c, b, c, ...) so that a change in the machine's load hits both alike; each
 * child makes `passes` passes (the first cold, the rest warm). Returns the median cold run and the median
 * of the runs' median warm passes, for each side.
 */
function runParallelPair(
  file: string,
  workers: number,
  repeat: number,
  passes: number,
): { b: Measure; bWarm: Measure; c: Measure; cWarm: Measure; cStartWarmed: Measure } {
  const bs: Measure[] = [];
  const cs: Measure[] = [];
  const cws: Measure[] = [];
  for (let i = 0; i < repeat; i++) {
    bs.push(runChild('touch', file, 1, passes));
    cs.push(runChild('workers', file, workers, passes));
    cws.push(runChild('workers-warmed', file, workers, 1));
  }
  return {
    b: medianRun(bs),
    bWarm: medianRun(bs.map(warmOf)),
    c: medianRun(cs),
    cWarm: medianRun(cs.map(warmOf)),
    cStartWarmed: medianRun(cws),
  };
}

async function main(): Promise<void> {
  const mb = Number(option('--mb', '256'));
  const workers = Number(option('--workers', '2'));
  const repeat = Math.max(1, Number(option('--repeat', '3')));
  const passes = Math.max(2, Number(option('--passes', '4')));
  const parallelOnly = process.argv.includes('--parallel-only');
  const given = option('--file', '');
  const file = given || ensureDenseFile(mb);
  if (!file) {
    console.log('bench:evtx skipped: corpus not found (set DWELL_CORPUS or place it at ../shared/corpus)');
    return;
  }
  const sizeMb = statSync(file).size / (1024 * 1024);
  console.log(`file: ${file} (${sizeMb.toFixed(0)} MiB)`);
  console.log(
    `machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}`,
  );
  const loadBefore = loadavg();

  const base = parallelOnly ? 'skipped (--parallel-only)' : medianOf(repeat, () => runEvtxexport(file));
  const a = parallelOnly ? undefined : (medianOf(repeat, () => runChild('xml', file, 1)) as Measure);
  const { b, bWarm, c, cWarm, cStartWarmed } = runParallelPair(file, workers, repeat, passes);
  let w: Measure | undefined;
  let writtenMb = 0;
  if (!parallelOnly) {
    const writeTarget = join(dirname(file), 'writer-out.evtx');
    w = medianOf(repeat, () => runChild('write', writeTarget, 1)) as Measure;
    writtenMb = statSync(writeTarget).size / (1024 * 1024);
    rmSync(writeTarget, { force: true });
  }
  const records = b.records;
  if ((a && a.records !== records) || c.records !== records) {
    console.log(`warning: record counts differ: xml ${a?.records}, touch ${b.records}, workers ${c.records}`);
  }
  console.log(`records: ${records.toLocaleString('en-US')} (allocated records; recovery off)`);
  const load = (l: number[]): string => l.map((x) => x.toFixed(1)).join(' ');
  console.log(
    `load average (1/5/15 min): ${load(loadBefore)} before, ${load(loadavg())} after; ` +
      `median of ${repeat} runs, (b) and (c) alternating, ${passes} passes each (1 cold + ${passes - 1} warm)\n`,
  );
  const rows: [string, Measure | string | undefined][] = [
    ['evtxexport -f xml (baseline)', typeof base === 'string' ? base : { ...base, records }],
    ['(a) Dwell XML, 1 thread', a],
    ['(b) Dwell lazy, 1 thread, cold', b],
    ['(b) Dwell lazy, 1 thread, warm', bWarm],
    [`(c) Dwell lazy, ${workers} workers, cold`, c],
    [`(c) Dwell lazy, ${workers} workers, warm`, cWarm],
    [`(c) ${workers} workers, warmed at start`, cStartWarmed],
    ['(w) Dwell writer (EvtxFileWriter)', w],
  ];
  const pad = (v: string, n: number): string => v.padStart(n);
  const head = ['wall s', 'events/s', 'MB/s', 'CPU s', 'ev/CPU-s', 'busiest s', 'peak RSS'];
  console.log('run'.padEnd(38) + head.map((h) => pad(h, 10)).join(''));
  for (const [name, m] of rows) {
    if (m === undefined) continue;
    if (typeof m === 'string') {
      console.log(`${name.padEnd(38)}skipped: ${m}`);
      continue;
    }
    const mbHere = m === w ? writtenMb : sizeMb;
    const cells = [
      m.seconds.toFixed(2),
      Math.round(m.records / m.seconds).toLocaleString('en-US'),
      (mbHere / m.seconds).toFixed(1),
      m.cpuSeconds.toFixed(2),
      Math.round(m.records / m.cpuSeconds).toLocaleString('en-US'),
      m.busiestThreadSeconds === undefined ? '-' : m.busiestThreadSeconds.toFixed(2),
      `${m.maxRssMb.toFixed(0)} MB`,
    ];
    console.log(name.padEnd(38) + cells.map((c) => pad(c, 10)).join(''));
  }
  const wall = (m: Measure): number => m.records / m.seconds;
  const cpu = (m: Measure): number => m.records / m.cpuSeconds;
  console.log('');
  if (typeof base !== 'string') {
    const baseWall = records / base.seconds;
    const baseCpu = records / base.cpuSeconds;
    if (a) report('(a) XML vs evtxexport', wall(a) / baseWall, cpu(a) / baseCpu, 2);
    report('(b) lazy vs evtxexport', wall(b) / baseWall, cpu(b) / baseCpu, 6);
    report('(c) lazy vs evtxexport', wall(c) / baseWall, NaN);
  }
  // Cold: a fresh process and a fresh pool (worker start not timed); warm: a thread or pool that has
  // already read the file once, as a service or a hunt over many files keeps its pool.
  report(`(c) ${workers} workers vs (b), cold`, wall(c) / wall(b), NaN, 1.8);
  report(`(c) ${workers} workers vs (b), warm`, wall(cWarm) / wall(bWarm), NaN, 1.8);
  report(`(c) warmed at start vs (b) cold`, wall(cStartWarmed) / wall(b), NaN);
  for (const [label, m] of [
    ['cold', c],
    ['warmed at start', cStartWarmed],
  ] as const) {
    if (m.workerStartMs === undefined) continue;
    const withStart = m.seconds + m.workerStartMs / 1000;
    console.log(
      `${`(c) ${label}: start`.padEnd(36)}${m.workerStartMs.toFixed(0)} ms (not timed); with it ` +
        `${withStart.toFixed(2)} s, ${(b.seconds / withStart).toFixed(2)}× (b) cold`,
    );
  }
  for (const [i, line] of (c.perWorker ?? []).entries())
    console.log(`${`(c) cold, worker ${i + 1}`.padEnd(36)}${line}`);
  console.log(
    `${'(c) pool JIT tuning'.padEnd(36)}${c.jitFlags ? c.jitFlags.join(' ') + ' (set by ChunkPool: the workers fill every core)' : 'none (workers leave a core free)'}`,
  );
  // On a loaded machine wall time says little about parallelism. Two CPU-time views: the busiest thread
  // alone (what the run would take if V8's compiler and GC helper threads cost nothing), and the lower
  // bound on 2 idle cores: no faster than its busiest thread, nor than all its CPU time shared over 2 cores.
  const idle2 = (m: Measure): number => Math.max(m.busiestThreadSeconds ?? 0, m.cpuSeconds / 2);
  for (const [label, one, many] of [
    ['cold', b, c],
    ['warm', bWarm, cWarm],
    ['warmed at start', b, cStartWarmed],
  ] as const) {
    if (!one.busiestThreadSeconds || !many.busiestThreadSeconds) continue;
    const busiest = one.busiestThreadSeconds / many.busiestThreadSeconds;
    console.log(
      `${`(c)/(b) CPU time, ${label}`.padEnd(36)}busiest thread ${busiest.toFixed(2)}× ` +
        `((b) ${one.busiestThreadSeconds.toFixed(2)} s, (c) ${many.busiestThreadSeconds.toFixed(2)} s); ` +
        `on 2 idle cores ${(idle2(one) / idle2(many)).toFixed(2)}× ((b) ${idle2(one).toFixed(2)} s, ` +
        `(c) ${idle2(many).toFixed(2)} s)`,
    );
  }
  const peak = Math.max(a?.maxRssMb ?? 0, b.maxRssMb, c.maxRssMb, cStartWarmed.maxRssMb, w?.maxRssMb ?? 0);
  console.log(
    `peak RSS (Dwell, all runs): ${peak.toFixed(0)} MB ${peak < 200 ? 'ok' : 'OVER'} (target < 200 MB)`,
  );
}

function report(name: string, wallRatio: number, cpuRatio: number, target?: number): void {
  const verdict =
    target === undefined
      ? ''
      : wallRatio >= target
        ? `  ok (target ≥ ${target}×)`
        : `  MISSED (target ≥ ${target}×)`;
  const cpuText = Number.isNaN(cpuRatio) ? '' : `  (per CPU second: ${cpuRatio.toFixed(2)}×)`;
  console.log(`${name.padEnd(36)}${wallRatio.toFixed(2)}× wall${verdict}${cpuText}`);
}

if (process.argv[2] === '--child') {
  const [mode, file, workers, passes] = process.argv.slice(3);
  await child(mode, file, Number(workers ?? '2'), Number(passes ?? '1'));
} else {
  await main();
}
