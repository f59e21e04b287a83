// npm run bench:demo [-- small|medium|large]: the demo generator's records/s, against a baseline measured in
// the same run: the EVTX writer alone encoding pre-built events of the same kinds (the generator's ceiling).
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { generateDemo, generateDemoParallel, type DemoScale } from '../src/demo/index.js';
import { secLogon, sysmonDns, sysmonNetwork, sysmonProcess } from '../src/demo/events.js';
import type { DemoHost } from '../src/demo/tenants.js';
import { EvtxFileWriter } from '../src/evtx/writer.js';
import type { EventSpec } from '../src/evtx/writer-types.js';

const scale = (process.argv[2] ?? 'small') as DemoScale;
const work = join(process.cwd(), 'bench', '.work');
mkdirSync(work, { recursive: true });

// Baseline: 200,000 pre-built events (the demo's common kinds) written by EvtxFileWriter, nothing else.
function baseline(): number {
  const host: DemoHost = {
    name: 'WS101',
    fqdn: 'WS101.acme.local',
    ip: '10.1.1.10',
    role: 'workstation',
    tenantId: 'acme',
  };
  const account = { user: 'k.sato', domain: 'ACME', sid: 'S-1-5-21-1-2-3-1104' };
  const specs: EventSpec[] = [];
  const t0 = Date.UTC(2020, 5, 1);
  for (let i = 0; i < 50_000; i++) {
    const t = t0 + i * 1000;
    specs.push(
      sysmonProcess(host, t, {
        image: 'C:\\Windows\\explorer.exe',
        commandLine: `explorer.exe /n ${i}`,
        parentImage: 'C:\\Windows\\System32\\userinit.exe',
        parentCommandLine: 'userinit.exe',
        user: 'ACME\\k.sato',
      }),
      sysmonDns(host, t + 1, {
        image: 'C:\\Windows\\explorer.exe',
        query: 'www.google.com',
        result: '142.250.72.196',
      }),
      sysmonNetwork(host, t + 2, {
        image: 'C:\\Windows\\explorer.exe',
        user: 'ACME\\k.sato',
        destinationIp: '142.250.72.196',
        destinationPort: 443,
      }),
      secLogon(host, t + 3, {
        account,
        logonType: 3,
        ip: '10.1.1.20',
        workstation: 'FS01',
        logonId: `0x${i.toString(16)}`,
      }),
    );
  }
  const path = join(work, 'baseline.evtx');
  const started = performance.now();
  const writer = new EvtxFileWriter(path);
  for (const spec of specs) writer.add(spec);
  writer.close();
  const rate = specs.length / ((performance.now() - started) / 1000);
  rmSync(path, { force: true });
  return rate;
}

// CPU seconds (all threads of the process) spent since `from`: on a shared machine wall time alone misleads.
const cpuSince = (from: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
};

const load = loadavg()[0];
const base = baseline();
const out = join(work, `demo-${scale}`);
let cpu = process.cpuUsage();
const result = generateDemo({ out, seed: 1, scale });
const seqCpu = cpuSince(cpu);
const rate = result.records / (result.elapsedMs / 1000);
rmSync(out, { recursive: true, force: true });
cpu = process.cpuUsage();
const parallel = await generateDemoParallel({ out, seed: 1, scale });
const parCpu = cpuSince(cpu);
const parallelRate = parallel.records / (parallel.elapsedMs / 1000);
rmSync(out, { recursive: true, force: true });
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  `demo generator (${scale}, seed 1): ${fmt(result.records)} records in ${result.files.length} files, ${fmt(result.elapsedMs)} ms`,
);
console.log(
  `  machine: ${availableParallelism()} cores, load average ${load.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end`,
);
console.log(
  `  generator              ${fmt(rate)} records/s (${seqCpu.toFixed(2)} CPU s: ${fmt(result.records / seqCpu)} records per CPU s)`,
);
console.log(
  `  generator, worker threads ${fmt(parallelRate)} records/s, ${fmt(parallel.elapsedMs)} ms (${parCpu.toFixed(2)} CPU s; ratio ${(parallelRate / base).toFixed(2)})`,
);
console.log(`  baseline (writer only) ${fmt(base)} records/s`);
console.log(`  ratio generator/baseline ${(rate / base).toFixed(2)}`);
