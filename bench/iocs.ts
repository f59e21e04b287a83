// npm run bench:iocs — loading big indicator files: the chunked reader (`loadIocs`) against reading the whole
// file and parsing it at once (`readFileSync` + `parseStixIndicators` / `parseIocCsv` + `buildIocSet`, how
// loadIocs worked before), each in its own child process, in the same run.
//
// Builds (once, cached in bench/.work/) a STIX 2.1 bundle of mixed objects, ~10% indicators, pretty-printed
// like OpenCTI/MISP exports, and a CSV list; prints objects/s, MB/s, CPU seconds, peak RSS and the ratios.
// Options: --mb <size> (default 250), --csv-mb <size> (default 100), --repeat <n> (median of n, default 1),
// --only stix|csv.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIocSet, loadIocs, parseIocCsv, parseStixIndicators } from '../src/intel/index.js';
import { PROJECT_ROOT } from '../test/helpers/corpus.js';
import { prng } from '../test/helpers/random.js';

const HERE = fileURLToPath(import.meta.url);
const WORK = join(PROJECT_ROOT, 'bench', '.work');

interface Measure {
  readonly indicators: number;
  readonly problems: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
}

// ---- child side ----

function child(mode: string, file: string): void {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let indicators: number;
  let problems: number;
  if (mode === 'stream') {
    const set = loadIocs([file]);
    indicators = set.size;
    problems = set.problems.length;
  } else {
    const text = readFileSync(file, 'utf8');
    const parsed = file.endsWith('.csv') ? parseIocCsv(text, file) : parseStixIndicators(text, file);
    const set = buildIocSet(parsed.indicators, parsed.problems);
    indicators = set.size;
    problems = set.problems.length;
  }
  const cpu = process.cpuUsage(cpu0);
  const measure: Measure = {
    indicators,
    problems,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(measure));
}

// ---- parent side ----

const HEX = '0123456789abcdef';

function hex(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += HEX[Math.floor(rand() * 16)];
  return s;
}

function stixObject(rand: () => number, n: number): { object: object; indicator: boolean } {
  const base = {
    spec_version: '2.1',
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:00.000Z',
  };
  const r = rand();
  if (r < 0.1) {
    const k = n % 4;
    const pattern =
      k === 0
        ? `[file:hashes.'SHA-256' = '${hex(rand, 64)}']`
        : k === 1
          ? `[domain-name:value = 'c2-${hex(rand, 6)}.example.net']`
          : k === 2
            ? `[ipv4-addr:value = '10.${n % 250}.${(n >> 8) % 250}.1'] OR [file:name = 'x${hex(rand, 4)}.exe']`
            : `[url:value = 'http://h${hex(rand, 5)}.test/p?q={a}[b]']`;
    const object = {
      type: 'indicator',
      id: `indicator--${hex(rand, 32)}`,
      ...base,
      name: `Indicator ${n} "quoted" {brace} [bracket] é ☃`,
      description: `Seen in campaign\n\t\\ ${hex(rand, 40)}`,
      pattern,
      pattern_type: 'stix',
      valid_from: '2024-01-01T00:00:00Z',
      external_references: [{ source_name: 'feed', url: `https://feed.test/${hex(rand, 8)}` }],
    };
    return { object, indicator: true };
  }
  const id = hex(rand, 32);
  if (r < 0.55)
    return {
      object: {
        type: 'relationship',
        id: `relationship--${id}`,
        ...base,
        relationship_type: 'indicates',
        source_ref: `indicator--${hex(rand, 32)}`,
        target_ref: `malware--${hex(rand, 32)}`,
        description: `rel ${hex(rand, 30)} } ] "x"`,
      },
      indicator: false,
    };
  if (r < 0.75)
    return {
      object: {
        type: 'report',
        id: `report--${id}`,
        ...base,
        name: `Report ${hex(rand, 10)}`,
        object_refs: Array.from({ length: 8 }, () => `indicator--${hex(rand, 32)}`),
        x_nested: [[1, [2, { a: '[{' }]], []],
      },
      indicator: false,
    };
  return {
    object: {
      type: 'malware',
      id: `malware--${id}`,
      ...base,
      name: `Malware ${hex(rand, 6)}`,
      is_family: true,
      description: 'A backdoor. '.repeat(1 + Math.floor(rand() * 20)),
    },
    indicator: false,
  };
}

function ensureBundle(mb: number): string {
  const file = join(WORK, `iocs-bundle-${mb}.json`);
  if (existsSync(file)) return file;
  mkdirSync(WORK, { recursive: true });
  console.log(`building ${file} ...`);
  const rand = prng(7);
  const fd = openSync(file, 'w');
  let bytes = writeSync(fd, '{\n  "type": "bundle",\n  "id": "bundle--1",\n  "objects": [\n');
  for (let n = 0; bytes < mb * 1048576; n++) {
    const text = JSON.stringify(stixObject(rand, n).object, null, 2).replace(/^/gm, '    ');
    bytes += writeSync(fd, (n > 0 ? ',\n' : '') + text);
  }
  writeSync(fd, '\n  ]\n}\n');
  closeSync(fd);
  return file;
}

function ensureCsv(mb: number): string {
  const file = join(WORK, `iocs-${mb}.csv`);
  if (existsSync(file)) return file;
  mkdirSync(WORK, { recursive: true });
  console.log(`building ${file} ...`);
  const rand = prng(11);
  const fd = openSync(file, 'w');
  let bytes = writeSync(fd, 'type,value,description,source\n');
  for (let n = 0; bytes < mb * 1048576; n++) {
    const k = n % 4;
    const typed =
      k === 0
        ? `sha256,${hex(rand, 64)}`
        : k === 1
          ? `domain,c2-${n}.example.net`
          : k === 2
            ? `file_name,x${n}.exe`
            : `ip,10.${n % 250}.${(n >> 8) % 250}.1`;
    bytes += writeSync(fd, `${typed},"Campaign ${n}, seen ""here""",https://feed.test/${n}\n`);
  }
  closeSync(fd);
  return file;
}

function runChild(mode: string, file: string): Measure {
  const run = spawnSync(process.execPath, [HERE, '--child', mode, file], { maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`${mode} child failed: ${run.stderr.toString().slice(0, 400)}`);
  return JSON.parse(run.stdout.toString()) as Measure;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function compare(label: string, file: string, repeat: number): void {
  const mb = statSync(file).size / 1048576;
  const runs = { whole: [] as Measure[], stream: [] as Measure[] };
  for (let i = 0; i < repeat; i++) {
    runs.whole.push(runChild('whole', file));
    runs.stream.push(runChild('stream', file));
  }
  console.log(`\n${label}: ${file} (${mb.toFixed(0)} MB)`);
  const row = (name: string, ms: Measure[]): { cpu: number; rss: number } => {
    const cpu = median(ms.map((m) => m.cpuSeconds));
    const rss = median(ms.map((m) => m.maxRssMb));
    const wall = median(ms.map((m) => m.seconds));
    console.log(
      `  ${name.padEnd(34)} ${String(ms[0]!.indicators).padStart(8)} indicators  ${cpu.toFixed(2)} s CPU  ` +
        `${(mb / wall).toFixed(0)} MB/s  peak RSS ${rss.toFixed(0)} MB`,
    );
    return { cpu, rss };
  };
  const whole = row('baseline: whole file, one parse', runs.whole);
  const stream = row('loadIocs: chunked', runs.stream);
  console.log(
    `  ratio chunked/baseline: CPU ${(stream.cpu / whole.cpu).toFixed(2)}x, peak RSS ${(stream.rss / whole.rss).toFixed(2)}x`,
  );
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    child(args[1]!, args[2]!);
    return;
  }
  const opt = (name: string, fallback: number): number => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const repeat = opt('--repeat', 1);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
  if (only !== 'csv') compare('STIX 2.1 bundle, ~10% indicators', ensureBundle(opt('--mb', 250)), repeat);
  if (only !== 'stix') compare('CSV indicator list', ensureCsv(opt('--csv-mb', 100)), repeat);
}

main();
