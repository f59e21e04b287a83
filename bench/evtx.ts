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
// Options: --mb <size> (default 256), --workers <n> (default 2), --repeat <n> (best of n, default 1),
// --file <evtx> (use a given file instead).
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EvtxFileWriter, readEvtxFile, renderXml, type EventSpec } from '../src/evtx/index.js';
import { ChunkPool, planChunkJobs } from '../src/evtx/parallel.js';
import type { ParseJobResult } from '../src/evtx/parallel-parse-job.js';
import { CORPUS, PROJECT_ROOT } from '../test/helpers/corpus.js';

const HERE = fileURLToPath(import.meta.url);

interface Measure {
  records: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** User + system CPU seconds (all threads): steadier than wall time on a shared machine. */
  cpuSeconds: number;
  /** CPU seconds of the busiest thread (Linux /proc): about the wall time on idle cores. */
  busiestThreadSeconds?: number;
  /** (c) only: milliseconds the workers took to start and load the reader, before the clock started. */
  workerStartMs?: number;
  /** (c) only: per worker, jobs run, wall ms in jobs, ms of the first job, ms reading, shapes compiled. */
  perWorker?: string[];
  maxRssMb: number;
}

/** CPU seconds per thread id of this process, from /proc/self/task/<tid>/stat (Linux only; empty elsewhere). */
function threadCpuSeconds(): Map<string, number> {
  const tick = 100; // USER_HZ: 100 on every Linux we run on
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(fields[11]) + Number(fields[12])) / tick); // utime, stime
    }
  } catch {
    // Not Linux: no per-thread figures.
  }
  return out;
}

/** The largest per-thread CPU time spent since `before`. */
function busiestSince(before: Map<string, number>): number | undefined {
  let top: number | undefined;
  for (const [tid, t] of threadCpuSeconds()) {
    const spent = t - (before.get(tid) ?? 0);
    if (top === undefined || spent > top) top = spent;
  }
  return top;
}

// ---- child side: one measurement, printed as JSON ----

async function child(mode: string, file: string, workers: number): Promise<void> {
  // Not measured, like the main thread's module loading before (a) and (b): for (c) the worker threads
  // start and load the reader (ChunkPool.ready); the time it took is reported beside the result.
  let pool: ChunkPool<ParseJobResult> | undefined;
  let workerStartMs: number | undefined;
  let perWorker: string[] | undefined;
  if (mode === 'workers') {
    const started = performance.now();
    pool = new ChunkPool<ParseJobResult>({
      module: new URL('../src/evtx/parallel-parse-job.js', import.meta.url),
      workers,
      init: { mode: 'touch', field: 'EventID', recover: false },
    });
    await pool.ready();
    workerStartMs = performance.now() - started;
  }
  const threads0 = threadCpuSeconds();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let records = 0;
  if (mode === 'xml') {
    // Rendered XML goes to /dev/null, UTF-8 encoded into a reused 4 MiB buffer, as evtxexport writes its own.
    const out = openSync('/dev/null', 'w');
    const buf = Buffer.allocUnsafe(4 << 20);
    let pos = 0;
    for (const record of readEvtxFile(file, { recover: false })) {
      const xml = renderXml(record);
      records++;
      if (pos + xml.length * 3 + 1 > buf.length) {
        writeSync(out, buf, 0, pos);
        pos = 0;
      }
      if (xml.length * 3 + 1 > buf.length) writeSync(out, xml + '\n');
      else {
        pos += buf.write(xml, pos);
        buf[pos++] = 10;
      }
    }
    writeSync(out, buf, 0, pos);
    closeSync(out);
  } else if (mode === 'touch') {
    let found = 0;
    for (const record of readEvtxFile(file, { recover: false })) {
      records++;
      if (record.get('EventID') !== undefined) found++;
    }
    if (found === 0 && records > 0) throw new Error('EventID never found: the benchmark measured nothing');
  } else if (mode === 'write') {
    const specs = writerSpecs();
    const writer = new EvtxFileWriter(file);
    for (let i = 0; i < WRITE_COUNT; i++) writer.add(specs[i % specs.length]);
    writer.close();
    records = WRITE_COUNT;
  } else if (pool) {
    const byThread = new Map<
      number,
      { jobs: number; ms: number; firstMs: number; readMs: number; shapes: number }
    >();
    for await (const r of pool.run(planChunkJobs([file], { chunksPerJob: 64 }))) {
      records += r.records;
      const t = r.timing;
      const w = byThread.get(t.thread) ?? { jobs: 0, ms: 0, firstMs: t.ms, readMs: 0, shapes: 0 };
      w.jobs++;
      w.ms += t.ms;
      w.readMs += t.readMs;
      w.shapes += t.shapesCompiled;
      byThread.set(t.thread, w);
    }
    perWorker = [...byThread.values()].map(
      (w) =>
        `${w.jobs} jobs, ${w.ms.toFixed(0)} ms in jobs (first job ${w.firstMs.toFixed(0)} ms), ` +
        `reading ${w.readMs.toFixed(0)} ms, ${w.shapes} shapes compiled`,
    );
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const busiest = busiestSince(threads0);
  await pool?.close();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const m: Measure = {
    records,
    seconds,
    cpuSeconds,
    busiestThreadSeconds: busiest,
    workerStartMs,
    perWorker,
    maxRssMb,
  };
  process.stdout.write(JSON.stringify(m) + '\n');
}

const WRITE_COUNT = 500_000;

/** 1,000 events of four shapes seen in real logs (logon, process creation, service install, script block). */
function writerSpecs(): EventSpec[] {
  const t0 = Date.UTC(2024, 0, 1);
  const specs: EventSpec[] = [];
  for (let i = 0; i < 1000; i++) {
    const common = {
      time: t0 + i * 1000,
      processId: 640,
      threadId: 700 + (i % 9),
      computer: `WS${i % 40}.corp.example`,
    };
    const kind = i % 4;
    if (kind === 0) {
      specs.push({
        ...common,
        provider: 'Microsoft-Windows-Security-Auditing',
        providerGuid: '{54849625-5478-4994-a5ba-3e3b0328c30d}',
        eventId: 4624,
        version: 2,
        task: 12544,
        keywords: 0x8020000000000000n,
        channel: 'Security',
        data: {
          SubjectUserSid: { type: 'sid', value: 'S-1-5-18' },
          SubjectUserName: 'DC01$',
          SubjectDomainName: 'CORP',
          SubjectLogonId: { type: 'hex64', value: 0x3e7n },
          TargetUserSid: { type: 'sid', value: `S-1-5-21-1-2-3-${1100 + (i % 50)}` },
          TargetUserName: `user${i % 50}`,
          TargetDomainName: 'CORP',
          TargetLogonId: { type: 'hex64', value: BigInt(0x100000 + i) },
          LogonType: 3,
          LogonProcessName: 'Kerberos',
          AuthenticationPackageName: 'Kerberos',
          WorkstationName: '-',
          LogonGuid: { type: 'guid', value: '{00000000-0000-0000-0000-000000000000}' },
          IpAddress: `10.0.${i % 8}.${i % 250}`,
          IpPort: '49152',
        },
      });
    } else if (kind === 1) {
      specs.push({
        ...common,
        provider: 'Microsoft-Windows-Sysmon',
        providerGuid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
        eventId: 1,
        version: 5,
        level: 4,
        task: 1,
        keywords: 0x8000000000000000n,
        channel: 'Microsoft-Windows-Sysmon/Operational',
        userSid: 'S-1-5-18',
        data: {
          RuleName: '-',
          UtcTime: new Date(common.time).toISOString().replace('T', ' ').slice(0, 23),
          ProcessGuid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
          ProcessId: 1000 + i,
          Image: 'C:\\Windows\\System32\\cmd.exe',
          CommandLine: `cmd.exe /c whoami /all & net group "domain admins" /domain ${i}`,
          CurrentDirectory: 'C:\\Users\\alice\\',
          User: 'CORP\\alice',
          IntegrityLevel: 'High',
          Hashes: 'SHA256=0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF',
          ParentImage: 'C:\\Windows\\explorer.exe',
          ParentCommandLine: 'C:\\Windows\\Explorer.EXE',
        },
      });
    } else if (kind === 2) {
      specs.push({
        ...common,
        provider: 'Service Control Manager',
        providerGuid: '{555908d1-a6d7-4695-8e1e-26931d2012f4}',
        eventSourceName: 'Service Control Manager',
        eventId: 7045,
        qualifiers: 16384,
        channel: 'System',
        data: {
          ServiceName: `svc${i}`,
          ImagePath: '%COMSPEC% /b /c echo x > \\\\.\\pipe\\p',
          ServiceType: 'user mode service',
          StartType: 'demand start',
          AccountName: 'LocalSystem',
        },
      });
    } else {
      specs.push({
        ...common,
        provider: 'Microsoft-Windows-PowerShell',
        providerGuid: '{a0c1853b-5c40-4b15-8766-3cf1c58f985a}',
        eventId: 4104,
        level: 5,
        task: 2,
        opcode: 15,
        channel: 'Microsoft-Windows-PowerShell/Operational',
        activityId: '{11112222-3333-4444-5555-666677778888}',
        data: {
          MessageNumber: 1,
          MessageTotal: 1,
          ScriptBlockText: `Get-ADComputer -Filter * | ForEach-Object { Test-Connection $_.Name -Count 1 } # ${'x'.repeat(i % 400)}`,
          ScriptBlockId: '{aaaabbbb-cccc-dddd-eeee-ffff00001111}',
          Path: '',
        },
      });
    }
  }
  return specs;
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
  const report = run.stderr?.toString() ?? '';
  const num = (re: RegExp): number => Number(re.exec(report)?.[1] ?? NaN);
  const cpuSeconds = num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/);
  const rssKb = num(/Maximum resident set size \(kbytes\): (\d+)/);
  return { records: NaN, seconds, cpuSeconds, maxRssMb: rssKb / 1024 };
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

/** The fastest of `repeat` runs (wall time): the least disturbed by other load on the machine. */
function best(repeat: number, runOnce: () => Measure | string): Measure | string {
  let top: Measure | string = 'not run';
  for (let i = 0; i < repeat; i++) {
    const m = runOnce();
    if (typeof m === 'string') return m;
    if (typeof top === 'string' || m.seconds < top.seconds) top = m;
  }
  return top;
}

async function main(): Promise<void> {
  const mb = Number(option('--mb', '256'));
  const workers = Number(option('--workers', '2'));
  const repeat = Math.max(1, Number(option('--repeat', '1')));
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
  const loadBefore = loadavg()[0];

  const base = best(repeat, () => runEvtxexport(file));
  const a = best(repeat, () => runChild('xml', file, 1)) as Measure;
  const b = best(repeat, () => runChild('touch', file, 1)) as Measure;
  const c = best(repeat, () => runChild('workers', file, workers)) as Measure;
  const writeTarget = join(dirname(file), 'writer-out.evtx');
  const w = best(repeat, () => runChild('write', writeTarget, 1)) as Measure;
  const writtenMb = statSync(writeTarget).size / (1024 * 1024);
  rmSync(writeTarget, { force: true });
  const records = a.records;
  if (b.records !== records || c.records !== records) {
    console.log(`warning: record counts differ: xml ${a.records}, touch ${b.records}, workers ${c.records}`);
  }
  console.log(`records: ${records.toLocaleString('en-US')} (allocated records; recovery off)`);
  console.log(
    `load average (1 min): ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after; best of ${repeat}\n`,
  );
  const rows: [string, Measure | string][] = [
    ['evtxexport -f xml (baseline)', typeof base === 'string' ? base : { ...base, records }],
    ['(a) Dwell XML, 1 thread', a],
    ['(b) Dwell lazy, 1 field, 1 thread', b],
    [`(c) Dwell lazy, 1 field, ${workers} workers`, c],
  ];
  const pad = (v: string, n: number): string => v.padStart(n);
  rows.push(['(w) Dwell writer (EvtxFileWriter)', w]);
  const head = ['wall s', 'events/s', 'MB/s', 'CPU s', 'ev/CPU-s', 'peak RSS'];
  console.log('run'.padEnd(38) + head.map((h) => pad(h, 10)).join(''));
  for (const [name, m] of rows) {
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
    report('(a) XML vs evtxexport', wall(a) / baseWall, cpu(a) / baseCpu, 2);
    report('(b) lazy vs evtxexport', wall(b) / baseWall, cpu(b) / baseCpu, 6);
    report('(c) lazy vs evtxexport', wall(c) / baseWall, NaN);
  }
  report(`(c) ${workers} workers vs (b)`, wall(c) / wall(b), NaN, 1.8);
  if (c.workerStartMs !== undefined) {
    console.log(
      `${'(c) worker start (not timed)'.padEnd(32)}${c.workerStartMs.toFixed(0)} ms for ${workers} workers`,
    );
  }
  for (const [i, line] of (c.perWorker ?? []).entries())
    console.log(`${`(c) worker ${i + 1}`.padEnd(32)}${line}`);
  if (b.busiestThreadSeconds && c.busiestThreadSeconds) {
    // On a loaded machine wall time says little about parallelism; the busiest thread's CPU time is about
    // the wall time the run would take on idle cores.
    const projected = b.busiestThreadSeconds / c.busiestThreadSeconds;
    console.log(
      `${'(c) vs (b), busiest thread'.padEnd(32)}${projected.toFixed(2)}× projected for idle cores ` +
        `(busiest thread: (b) ${b.busiestThreadSeconds.toFixed(2)} s, (c) ${c.busiestThreadSeconds.toFixed(2)} s CPU)`,
    );
  }
  const peak = Math.max(a.maxRssMb, b.maxRssMb, c.maxRssMb, w.maxRssMb);
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
  console.log(`${name.padEnd(32)}${wallRatio.toFixed(2)}× wall${verdict}${cpuText}`);
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4], Number(process.argv[5] ?? '2'));
} else {
  await main();
}
