// npm run bench:stdin — `dwell hunt -` reading a log piped to standard input against `dwell hunt <file>` on
// the same file, one thread each (a stream is always hunted on the main thread), in the same run.
//
// Each run is its own process under /usr/bin/time: `cat <file> | dwell hunt - --json` (a real pipe; cat's
// time is not counted) and `dwell hunt <file> --workers 1 --json`, Dwell's own rules. Prints records,
// detections, wall and CPU seconds, peak RSS and the stream/file ratios. The EVTX file is read front to back
// from the pipe (file header, then 64 KiB chunks) instead of by positioned reads.
// Options: --file <path> (default bench/.work/dense-32.evtx; any format, gzip too), --repeat <n> (median).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../test/helpers/corpus.js';

interface Measure {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
  readonly records: number;
  readonly detections: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Single-quotes a word for sh. */
function sh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

const BIN = join(PROJECT_ROOT, 'bin', 'dwell.js');

/** One hunt under /usr/bin/time; `piped` feeds the file through `cat |` to `hunt -`. */
function measure(file: string, piped: boolean): Measure {
  const dwell = [sh(process.execPath), sh(BIN), 'hunt', piped ? '-' : sh(file), '--json', '--quiet'];
  if (!piped) dwell.push('--workers', '1');
  const times = join(mkdtempSync(join(tmpdir(), 'dwell-bench-stdin-')), 'time');
  const timed = `/usr/bin/time -f '%e %U %S %M' -o ${sh(times)} ${dwell.join(' ')}`;
  const r = spawnSync('sh', ['-c', piped ? `cat ${sh(file)} | ${timed}` : timed], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const timing = readFileSync(times, 'utf8');
  rmSync(dirname(times), { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`hunt failed (${r.status}): ${r.stderr}`);
  const [wall, user, sys, rssKb] = timing.trim().split('\n').pop()!.split(' ').map(Number);
  const summary = JSON.parse(r.stdout) as { records: number; detections: number };
  return {
    seconds: wall!,
    cpuSeconds: user! + sys!,
    maxRssMb: rssKb! / 1024,
    records: summary.records,
    detections: summary.detections,
  };
}

function median(ms: Measure[], key: keyof Measure): number {
  const xs = ms.map((m) => m[key]).sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)]!;
}

function main(): void {
  const file = arg('--file') ?? join(PROJECT_ROOT, 'bench', '.work', 'dense-32.evtx');
  if (!existsSync(file)) throw new Error(`${file} not found (npm run bench:hunt -- --mb 32 builds it)`);
  const repeat = Math.max(1, Number(arg('--repeat') ?? 1));
  const runs: Record<'file' | 'stdin', Measure[]> = { file: [], stdin: [] };
  for (let i = 0; i < repeat; i++) {
    runs.file.push(measure(file, false));
    runs.stdin.push(measure(file, true));
  }
  console.log(`dwell hunt on ${file}, one thread, median of ${repeat}`);
  for (const mode of ['file', 'stdin'] as const) {
    const m = runs[mode];
    console.log(
      `  ${mode.padEnd(5)}  records ${runs[mode][0]!.records}  detections ${runs[mode][0]!.detections}  ` +
        `wall ${median(m, 'seconds').toFixed(2)} s  CPU ${median(m, 'cpuSeconds').toFixed(2)} s  ` +
        `peak RSS ${median(m, 'maxRssMb').toFixed(0)} MB`,
    );
  }
  const ratio = (key: keyof Measure) => (median(runs.stdin, key) / median(runs.file, key)).toFixed(2);
  console.log(
    `  stdin/file: CPU ${ratio('cpuSeconds')}x, wall ${ratio('seconds')}x, peak RSS ${ratio('maxRssMb')}x`,
  );
  if (runs.stdin[0]!.detections !== runs.file[0]!.detections)
    console.log('  NOTE: detection counts differ (see records: a split EVTX file carves fewer records)');
}

main();
