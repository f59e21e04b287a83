// bench:evtx, child side: one measurement of one run ((a) XML, (b) lazy, (c) workers, (w) writer) in this
// process, printed as one JSON line for the parent (bench/evtx.ts), which times each run in its own process.
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { EvtxFileWriter, readEvtxFile, renderXml, type EventSpec } from '../src/evtx/index.js';
import { ChunkPool, WORKER_JIT_FLAGS, jitTunedForWorkers, planChunkJobs } from '../src/evtx/parallel.js';
import type { ParseJobResult } from '../src/evtx/parallel-parse-job.js';

export interface Measure {
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
  /** (c) only: the V8 flags the pool set for its workers (ChunkPool's JIT tuning), if it did. */
  jitFlags?: readonly string[];
  maxRssMb: number;
  /**
   * (b) and (c): later passes over the same file in the same process — (b) on the now warm main thread,
   * (c) on the same, already started and warmed pool. The pass above (the first) is the cold one.
   */
  warm?: Pass[];
}

/** One timed pass of (b) or (c). */
export interface Pass {
  seconds: number;
  cpuSeconds: number;
  busiestThreadSeconds?: number;
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

/** Per-worker totals over one pass of (c), from the jobs' own timings. */
type WorkerTally = Map<number, { jobs: number; ms: number; firstMs: number; readMs: number; shapes: number }>;

/** Times one pass: wall, CPU of all threads, CPU of the busiest thread. */
async function timePass(body: () => number | Promise<number>): Promise<Pass & { records: number }> {
  const threads0 = threadCpuSeconds();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const records = await body();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    records,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    busiestThreadSeconds: busiestSince(threads0),
  };
}

/** (b): the lazy reader on this thread, one field looked up per record. */
function touchPass(file: string): number {
  let records = 0;
  let found = 0;
  for (const record of readEvtxFile(file, { recover: false })) {
    records++;
    if (record.get('EventID') !== undefined) found++;
  }
  if (found === 0 && records > 0) throw new Error('EventID never found: the benchmark measured nothing');
  return records;
}

/** (c): the same work as (b) on the pool's workers, results merged in job order. */
async function poolPass(pool: ChunkPool<ParseJobResult>, file: string, tally: WorkerTally): Promise<number> {
  let records = 0;
  for await (const r of pool.run(planChunkJobs([file], { chunksPerJob: CHUNKS_PER_JOB }))) {
    records += r.records;
    const t = r.timing;
    const w = tally.get(t.thread) ?? { jobs: 0, ms: 0, firstMs: t.ms, readMs: 0, shapes: 0 };
    w.jobs++;
    w.ms += t.ms;
    w.readMs += t.readMs;
    w.shapes += t.shapesCompiled;
    tally.set(t.thread, w);
  }
  return records;
}

// 4 MiB per job: 64 jobs for the 256 MiB file, so the last job to finish leaves little imbalance.
const CHUNKS_PER_JOB = 64;

export async function child(mode: string, file: string, workers: number, passes: number): Promise<void> {
  // Not measured, like the main thread's module loading before (a) and (b): for (c) the worker threads
  // start and load the reader (ChunkPool.ready); the time it took is reported beside the result.
  let pool: ChunkPool<ParseJobResult> | undefined;
  let workerStartMs: number | undefined;
  let perWorker: string[] | undefined;
  if (mode === 'workers' || mode === 'workers-warmed') {
    const started = performance.now();
    pool = new ChunkPool<ParseJobResult>({
      module: new URL('../src/evtx/parallel-parse-job.js', import.meta.url),
      workers,
      init: { mode: 'touch', field: 'EventID', recover: false },
      // workers-warmed: each worker parses the file's first 512 chunks (32 MiB) while starting, about what
      // its JIT needs to reach full speed: the warm-up happens off the clock, on the start time reported
      // beside the result, as a hunt's pool can warm up while its main thread loads rules.
      warmUp: mode === 'workers-warmed' ? planChunkJobs([file], { chunksPerJob: 32 }).slice(0, 16) : [],
    });
    await pool.ready();
    workerStartMs = performance.now() - started;
  }
  let first: Pass & { records: number };
  const warm: Pass[] = [];
  if (mode === 'xml') {
    first = await timePass(() => xmlPass(file));
  } else if (mode === 'write') {
    first = await timePass(() => writePass(file));
  } else if (mode === 'touch') {
    first = await timePass(() => touchPass(file));
    for (let i = 1; i < passes; i++) warm.push(await timePass(() => touchPass(file)));
  } else if (pool) {
    const tally: WorkerTally = new Map();
    first = await timePass(() => poolPass(pool, file, tally));
    perWorker = [...tally.values()].map(
      (w) =>
        `${w.jobs} jobs, ${w.ms.toFixed(0)} ms in jobs (first job ${w.firstMs.toFixed(0)} ms), ` +
        `reading ${w.readMs.toFixed(0)} ms, ${w.shapes} shapes compiled`,
    );
    for (let i = 1; i < passes; i++) warm.push(await timePass(() => poolPass(pool, file, new Map())));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  await pool?.close();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const m: Measure = {
    ...first,
    workerStartMs,
    perWorker,
    jitFlags: pool && jitTunedForWorkers() ? WORKER_JIT_FLAGS : undefined,
    maxRssMb,
    warm: warm.length > 0 ? warm : undefined,
  };
  process.stdout.write(JSON.stringify(m) + '\n');
}

/** (a): every record rendered as XML, UTF-8 encoded into a reused 4 MiB buffer and written to /dev/null. */
function xmlPass(file: string): number {
  const out = openSync('/dev/null', 'w');
  const buf = Buffer.allocUnsafe(4 << 20);
  let pos = 0;
  let records = 0;
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
  return records;
}

/** (w): WRITE_COUNT events of four shapes through EvtxFileWriter. */
function writePass(file: string): number {
  const specs = writerSpecs();
  const writer = new EvtxFileWriter(file);
  for (let i = 0; i < WRITE_COUNT; i++) writer.add(specs[i % specs.length]);
  writer.close();
  return WRITE_COUNT;
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
