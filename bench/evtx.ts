// npm run bench:evtx — Dwell's EVTX reader against libevtx's evtxexport on one dense file of real chunks.
//
// Builds (once, cached in bench/.work/) a dense EVTX file from the shared corpus with
// make-dense-evtx.py --strict, then in the same run times, each in its own child process:
//   baseline  evtxexport -f xml > /dev/null  (allocated records only, its default mode)
//   (a)       Dwell rendering XML, single thread
//   (b)       Dwell lazy parse, one field touched per record, single thread
//   (c)       (b) on N worker threads (default 2)
// and prints events/s, MB/s, peak RSS and the ratios against the targets. Dwell reads with recovery off here
// so that both sides handle the same (allocated) records.
// Options: --mb <size> (default 256), --workers <n> (default 2), --file <evtx> (use a given file instead).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEvtxFile, renderXml } from '../src/evtx/index.js';
import { ChunkPool, planChunkJobs } from '../src/evtx/parallel.js';
import type { ParseJobResult } from '../src/evtx/parallel-parse-job.js';
import { CORPUS, PROJECT_ROOT } from '../test/helpers/corpus.js';

const HERE = fileURLToPath(import.meta.url);

interface Measure {
  records: number;
  seconds: number;
  maxRssMb: number;
}

// ---- child side: one measurement, printed as JSON ----

async function child(mode: string, file: string, workers: number): Promise<void> {
  const t0 = performance.now();
  let records = 0;
  if (mode === 'xml') {
    // Rendered XML goes to /dev/null in 1 MiB writes, as evtxexport's does.
    const out = openSync('/dev/null', 'w');
    let batch: string[] = [];
    let pending = 0;
    for (const record of readEvtxFile(file, { recover: false })) {
      const xml = renderXml(record);
      batch.push(xml);
      pending += xml.length;
      records++;
      if (pending > 1 << 20) {
        writeSync(out, batch.join('\n'));
        batch = [];
        pending = 0;
      }
    }
    writeSync(out, batch.join('\n'));
    closeSync(out);
  } else if (mode === 'touch') {
    let found = 0;
    for (const record of readEvtxFile(file, { recover: false })) {
      records++;
      if (record.get('EventID') !== undefined) found++;
    }
    if (found === 0 && records > 0) throw new Error('EventID never found: the benchmark measured nothing');
  } else if (mode === 'workers') {
    const pool = new ChunkPool<ParseJobResult>({
      module: new URL('../src/evtx/parallel-parse-job.js', import.meta.url),
      workers,
      init: { mode: 'touch', field: 'EventID', recover: false },
    });
    for await (const r of pool.run(planChunkJobs([file], { chunksPerJob: 16 }))) records += r.records;
    await pool.close();
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const m: Measure = { records, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(m) + '\n');
}

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
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr?.toString() ?? '');
  return { records: NaN, seconds, maxRssMb: rss ? Number(rss[1]) / 1024 : NaN };
}

function runChild(mode: string, file: string, workers: number): Measure {
  const run = spawnSync(process.execPath, [HERE, '--child', mode, file, String(workers)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`${mode} run failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Measure;
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const mb = Number(option('--mb', '256'));
  const workers = Number(option('--workers', '2'));
  const given = option('--file', '');
  const file = given || ensureDenseFile(mb);
  if (!file) {
    console.log('bench:evtx skipped: corpus not found (set DWELL_CORPUS or place it at ../shared/corpus)');
    return;
  }
  const size = statSync(file).size;
  const sizeMb = size / (1024 * 1024);
  console.log(`file: ${file} (${sizeMb.toFixed(0)} MiB)`);
  console.log(
    `machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}`,
  );

  const base = runEvtxexport(file);
  const a = runChild('xml', file, 1);
  const b = runChild('touch', file, 1);
  const c = runChild('workers', file, workers);
  const records = a.records;
  if (b.records !== records || c.records !== records) {
    console.log(`warning: record counts differ: xml ${a.records}, touch ${b.records}, workers ${c.records}`);
  }
  const rows: [string, Measure | string][] = [
    ['evtxexport -f xml (baseline)', typeof base === 'string' ? base : { ...base, records }],
    ['(a) Dwell XML, 1 thread', a],
    ['(b) Dwell lazy, 1 field, 1 thread', b],
    [`(c) Dwell lazy, 1 field, ${workers} workers`, c],
  ];
  console.log(`records: ${records.toLocaleString('en-US')}\n`);
  const pad = (s: string, n: number): string => s.padStart(n);
  console.log(
    `${'run'.padEnd(36)}${pad('seconds', 9)}${pad('events/s', 11)}${pad('MB/s', 8)}${pad('peak RSS', 11)}`,
  );
  for (const [name, m] of rows) {
    if (typeof m === 'string') {
      console.log(`${name.padEnd(36)}skipped: ${m}`);
      continue;
    }
    const eps = Math.round(m.records / m.seconds);
    const line =
      name.padEnd(36) +
      pad(m.seconds.toFixed(2), 9) +
      pad(eps.toLocaleString('en-US'), 11) +
      pad((sizeMb / m.seconds).toFixed(1), 8) +
      pad(`${m.maxRssMb.toFixed(0)} MB`, 11);
    console.log(line);
  }
  const rate = (m: Measure): number => m.records / m.seconds;
  console.log('');
  if (typeof base !== 'string') {
    const baseRate = records / base.seconds;
    report('(a) XML vs evtxexport', rate(a) / baseRate, 2);
    report('(b) lazy vs evtxexport', rate(b) / baseRate, 6);
    report('(c) lazy vs evtxexport', rate(c) / baseRate);
  }
  report(`(c) ${workers} workers vs (b)`, rate(c) / rate(b), 1.8);
  const peak = Math.max(a.maxRssMb, b.maxRssMb, c.maxRssMb);
  console.log(
    `peak RSS (Dwell, all runs): ${peak.toFixed(0)} MB ${peak < 200 ? 'ok' : 'OVER'} (target < 200 MB)`,
  );
}

function report(name: string, ratio: number, target?: number): void {
  const verdict =
    target === undefined
      ? ''
      : ratio >= target
        ? `  ok (target ≥ ${target}×)`
        : `  MISSED (target ≥ ${target}×)`;
  console.log(`${name.padEnd(32)}${ratio.toFixed(2)}×${verdict}`);
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4], Number(process.argv[5] ?? '2'));
} else {
  await main();
}
