// npm run bench:hunt — the whole `dwell hunt` against libevtx's evtxexport (parse only) on the same files.
//
// Inputs: a dense EVTX file of real chunks (built once by make-dense-evtx.py --strict, cached in bench/.work/,
// default 1,024 MiB) plus the sparse shared corpus (`evtx/`: attack samples, DeepBlue, edge cases).
// In the same run, each in its own process under /usr/bin/time -v:
//   baseline  evtxexport -f xml <file> > /dev/null for every file (parse + render only, no detection)
//   load      dwell hunt on one tiny file with the same rules (rule loading alone, for reference)
//   hunt      dwell hunt <dense> <sparse> with the SigmaHQ Windows rules + Dwell's rules, writing the CSV
// Both sides handle the same records: Dwell runs with --no-recover (evtxexport's default mode leaves slack
// space alone), so records/s compare like with like; Dwell's record count is used for both.
// Prints records/s (wall and CPU), peak RSS and the ratios against the targets (≥ 3× evtxexport records/s,
// peak RSS ≤ 400 MB).
// Options: --mb <size> (default 1024), --workers <n> (default: the hunt's own choice), --no-baseline, --file <evtx>.
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS, PROJECT_ROOT } from '../test/helpers/corpus.js';

interface Measure {
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  records?: number;
  detections?: number;
  rules?: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Runs a command under /usr/bin/time -v; returns wall/CPU seconds, peak RSS and its stdout. */
function timed(
  cmd: string,
  args: string[],
  stdoutToNull: boolean,
): { m: Measure; stdout: string; status: number | null } {
  const devnull = stdoutToNull ? openSync('/dev/null', 'w') : undefined;
  const t0 = performance.now();
  const run = spawnSync('/usr/bin/time', ['-v', cmd, ...args], {
    stdio: ['ignore', devnull ?? 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (devnull !== undefined) closeSync(devnull);
  const report = run.stderr?.toString() ?? '';
  const num = (re: RegExp): number => Number(re.exec(report)?.[1] ?? NaN);
  const cpuSeconds = num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/);
  const rssKb = num(/Maximum resident set size \(kbytes\): (\d+)/);
  return {
    m: { seconds, cpuSeconds, maxRssMb: rssKb / 1024 },
    stdout: run.stdout?.toString() ?? '',
    status: run.status,
  };
}

function evtxFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...evtxFiles(p));
    else if (name.toLowerCase().endsWith('.evtx')) out.push(p);
  }
  return out;
}

function ensureDense(mb: number): string {
  const dir = join(PROJECT_ROOT, 'bench', '.work');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `dense-${mb}.evtx`);
  if (!existsSync(file)) {
    console.log(`building ${file} (${mb} MiB of real chunks) ...`);
    const tool = join(CORPUS!, '..', 'tools', 'make-dense-evtx.py');
    const run = spawnSync('python3', [tool, '--strict', file, String(mb)], { stdio: 'inherit' });
    if (run.status !== 0) throw new Error('make-dense-evtx.py failed');
  }
  return file;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function main(): void {
  if (!CORPUS) {
    console.log('bench:hunt skipped: shared corpus not found (set DWELL_CORPUS)');
    return;
  }
  if (!existsSync('/usr/bin/time')) {
    console.log('bench:hunt needs /usr/bin/time (GNU time) for peak RSS');
    return;
  }
  const mb = Number(arg('--mb') ?? 1024);
  // Without --workers the hunt picks its own thread count (defaultHuntWorkers), as a user's hunt does.
  const workers = arg('--workers');
  const cached = arg('--file') ?? ensureDense(mb);
  // A private hard link keeps the input alive for the whole run even if the shared cache folder is cleaned.
  let dense = join(tmpdir(), `dwell-bench-hunt-${process.pid}.evtx`);
  try {
    linkSync(cached, dense);
  } catch {
    dense = cached;
  }
  const sparse = join(CORPUS, 'evtx');
  const files = [dense, ...evtxFiles(sparse)];
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const sigma = [
    join(CORPUS, 'sigma', 'rules', 'windows'),
    join(CORPUS, 'sigma', 'rules-emerging-threats'),
    join(CORPUS, 'sigma', 'rules-threat-hunting', 'windows'),
  ];
  const bin = join(PROJECT_ROOT, 'bin', 'dwell.js');
  const csv = join(PROJECT_ROOT, 'bench', '.work', 'hunt-timeline.csv');
  const ruleArgs = sigma.flatMap((s) => ['--sigma', s]);
  console.log(
    `bench:hunt — ${files.length} files, ${fmt(bytes / 1048576)} MiB (dense ${fmt(statSync(dense).size / 1048576)} MiB + sparse corpus), ` +
      `${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}, workers ${workers ?? 'default'}`,
  );

  // Baseline: evtxexport over the same files.
  let base: Measure | undefined;
  if (!process.argv.includes('--no-baseline')) {
    base = { seconds: 0, cpuSeconds: 0, maxRssMb: 0 };
    for (const f of files) {
      const { m } = timed('evtxexport', ['-f', 'xml', f], true);
      base.seconds += m.seconds;
      base.cpuSeconds += m.cpuSeconds;
      base.maxRssMb = Math.max(base.maxRssMb, m.maxRssMb);
    }
  }

  // Rule loading alone, for reference.
  const tiny = files[files.length - 1]!;
  const load = timed(
    process.execPath,
    [bin, 'hunt', tiny, ...ruleArgs, '--json', '-q', '--workers', '1'],
    false,
  );
  const loadSummary = JSON.parse(load.stdout) as { rules: { selected: number } };

  // The hunt.
  const run = timed(
    process.execPath,
    [
      bin,
      'hunt',
      dense,
      sparse,
      ...ruleArgs,
      '--csv',
      csv,
      '--no-recover',
      '--json',
      '-q',
      ...(workers !== undefined ? ['--workers', workers] : []),
    ],
    false,
  );
  if (run.status !== 0 && run.status !== 1) throw new Error(`dwell hunt failed (exit ${run.status})`);
  const s = JSON.parse(run.stdout) as {
    records: number;
    detections: number;
    rules: { selected: number };
    workers: number;
  };
  const hunt: Measure = { ...run.m, records: s.records, detections: s.detections, rules: s.rules.selected };
  const records = s.records;

  const rows: [string, Measure | undefined][] = [
    ['evtxexport -f xml (baseline)', base],
    ['dwell rule loading only (1 thread)', load.m],
    [`dwell hunt (${s.workers > 1 ? `${s.workers} workers` : '1 thread'})`, hunt],
  ];
  console.log(
    `records ${fmt(records)}; rules ${fmt(loadSummary.rules.selected)}; detections ${fmt(s.detections)}`,
  );
  console.log(
    'run                                   wall s    CPU s   records/s (wall)   records/s (CPU)   peak RSS',
  );
  for (const [name, m] of rows) {
    if (!m) continue;
    const perWall = name.includes('loading') ? '' : fmt(records / m.seconds);
    const perCpu = name.includes('loading') ? '' : fmt(records / m.cpuSeconds);
    console.log(
      `${name.padEnd(36)} ${fmt(m.seconds, 1).padStart(7)} ${fmt(m.cpuSeconds, 1).padStart(8)} ${perWall.padStart(18)} ${perCpu.padStart(17)} ${(fmt(m.maxRssMb) + ' MB').padStart(10)}`,
    );
  }
  if (base) {
    const ratio = base.seconds / hunt.seconds;
    console.log(
      `ratio hunt/evtxexport records/s (wall): ${ratio.toFixed(2)}× (target ≥ 3×) ${ratio >= 3 ? 'OK' : 'MISSED'}`,
    );
    console.log(`ratio hunt/evtxexport records/s (CPU):  ${(base.cpuSeconds / hunt.cpuSeconds).toFixed(2)}×`);
  }
  console.log(
    `peak RSS ${fmt(hunt.maxRssMb)} MB (target ≤ 400 MB) ${hunt.maxRssMb <= 400 ? 'OK' : 'MISSED'}`,
  );
  if (dense !== cached) unlinkSync(dense);
}

main();
