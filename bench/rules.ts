// `npm run bench:rules`: how matching cost grows with the number of rules. Real records from the shared corpus
// (every EVTX file under evtx/ and sigma-regression/) are matched with 1, 10, 100, 1,000 and all rules of the
// SigmaHQ tree, in two modes: materialised records (every field decoded up front, so only matching is timed)
// and lazy EVTX records (each pass parses the files' in-memory bytes again and fields are decoded on demand,
// as in the hunt). Target: all rules >= 40% of the events/s of 1 rule.
//
// Subsets and baseline: the rule ids are shuffled once with a fixed seed; a subset of n rules is the first n
// ids (nested: the 10 contain the 1, the 100 the 10 ...), so every run measures the same rules. "1 rule" is
// the first id of that shuffle, a random rule and not a hand-picked one; its name is printed with how many
// records its (channel, event id) keys reach. For all other records its bucket is empty, so in the
// materialised mode "1 rule" is little more than a bucket lookup (a ratio no real rule set can approach);
// the lazy mode, where a record must be parsed before the lookup, is the baseline a hunt sees.
// Method: every measurement runs in a fresh child process (load the rules, build the one engine, two untimed
// passes for the JIT, then whole passes for >= --min-matches records and 0.5 s of CPU time after a full garbage
// collection). Separate processes keep one size's code paths from shaping another's compiled code: measured
// in one process, the engines of the other sizes made the "1 rule" parse path polymorphic and ~1.5x slower,
// which flattered the ratio. Rounds alternate the sizes, each round starting one size later; the median
// events/s counts and the spread (min-max) is printed.
//
// A last row runs all rules with the needle prefilter switched off (every rule of a record's (channel, event id)
// bucket evaluated), to show what the prefilter buys; it must find the same detections.
//
// Usage: npm run bench:rules [-- --min-matches 200000 --rounds 5 --sizes 1,10,100,1000,all --mode both|lazy|materialised --no-compare]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Engine, loadRuleSet, RuleIndex } from '../src/engine/index.js';
import type { EventRecord, FieldValue, RecordSource } from '../src/event/types.js';
import { parseEvtxBuffer, readEvtxFile } from '../src/evtx/index.js';
import { CORPUS } from '../test/helpers/corpus.js';

/** A record whose fields were all decoded up front (so the benchmark times matching, not EVTX decoding). */
class MaterialisedRecord implements EventRecord {
  private readonly map: Map<string, FieldValue>;
  readonly eventId: number;
  readonly channel: string;
  readonly provider: string;
  readonly computer: string;
  readonly timestamp: number;
  readonly recordId: number;
  readonly source: RecordSource;

  constructor(from: EventRecord) {
    this.map = new Map(from.fields());
    this.eventId = from.eventId;
    this.channel = from.channel;
    this.provider = from.provider;
    this.computer = from.computer;
    this.timestamp = from.timestamp;
    this.recordId = from.recordId;
    this.source = { file: from.source.file };
  }

  get(name: string): FieldValue | undefined {
    return this.map.get(name);
  }

  fields(): Iterable<readonly [string, FieldValue]> {
    return this.map.entries();
  }
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

function evtxFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) evtxFiles(path, out);
    else if (name.toLowerCase().endsWith('.evtx')) out.push(path);
  }
  return out;
}

function corpusFiles(corpus: string): string[] {
  return [...evtxFiles(join(corpus, 'evtx')), ...evtxFiles(join(corpus, 'sigma-regression'))];
}

function loadRecords(corpus: string): { records: EventRecord[]; files: number; failed: number } {
  const records: EventRecord[] = [];
  let failed = 0;
  const files = corpusFiles(corpus);
  for (const file of files) {
    try {
      for (const record of readEvtxFile(file)) {
        try {
          records.push(new MaterialisedRecord(record));
        } catch {
          failed++;
        }
      }
    } catch {
      failed++;
    }
  }
  return { records, files: files.length, failed };
}

/** Deterministic shuffle (so every run picks the same rule subsets). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** One pass over the input: matches every record, returns how many there were. */
type Pass = (engine: Engine, onDetection: () => void) => number;

/** A pass over materialised records. */
function materialisedPass(records: readonly EventRecord[]): Pass {
  return (engine, onDetection) => {
    for (const r of records) engine.match(r, onDetection);
    return records.length;
  };
}

/** A pass that parses the EVTX files' bytes again and matches the lazy records (as the hunt does). */
function lazyPass(files: readonly { name: string; bytes: Buffer }[]): Pass {
  return (engine, onDetection) => {
    let n = 0;
    for (const f of files) {
      for (const r of parseEvtxBuffer(f.bytes, f.name)) {
        engine.match(r, onDetection);
        n++;
      }
    }
    return n;
  };
}

// A full collection before each measurement, so garbage one subset left behind is not charged to the next.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** Whole passes until at least minMatches records and minSeconds of CPU: events/s and detections per pass. */
function measure(
  engine: Engine,
  pass: Pass,
  minMatches: number,
  minSeconds: number,
): { eps: number; hits: number } {
  let hits = 0;
  const onDetection = () => {
    hits++;
  };
  let matched = 0;
  let passes = 0;
  collectGarbage();
  // CPU time, not wall time: the machine is shared, and time spent descheduled is not the engine's cost.
  const start = process.cpuUsage();
  let elapsed = 0;
  while (matched < minMatches || elapsed < minSeconds) {
    matched += pass(engine, onDetection);
    passes++;
    elapsed = cpuSeconds(start);
  }
  return { eps: matched / elapsed, hits: hits / passes };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** How many records a rule's index keys reach (its channels and event ids), i.e. how often it is looked at. */
function recordsReaching(
  ruleSet: Awaited<ReturnType<typeof loadRuleSet>>,
  id: string,
  records: readonly EventRecord[],
): number {
  const variants = ruleSet.rules.filter((r) => r.info.id === id);
  let n = 0;
  for (const rec of records) {
    const channel = rec.channel.toLowerCase();
    const hit = variants.some(
      (v) =>
        (v.channels.length === 0 || v.channels.includes(channel)) &&
        (v.eventIds === undefined || v.eventIds.includes(rec.eventId)),
    );
    if (hit) n++;
  }
  return n;
}

const SIGMA_FOLDERS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-placeholder'];

/** What one child measured (printed as one JSON line). */
interface ChildResult {
  readonly eps: number;
  readonly hits: number;
  readonly rules: number;
  readonly records: number;
  /** With size 1: the rule, and how many records its keys reach. */
  readonly first?: { readonly title: string; readonly id: string; readonly reach: number };
}

/** Child: one measurement of one mode and size (see the header), printed as JSON. */
async function child(mode: string, size: string, minMatches: number): Promise<void> {
  const corpus = CORPUS!;
  const ruleSet = await loadRuleSet(SIGMA_FOLDERS.map((d) => join(corpus, 'sigma', d)));
  const ids = [...new Set(ruleSet.rules.map((r) => r.info.id))];
  // Subsets are nested: the first n ids of one shuffle with a fixed seed (the same rules every run).
  const order = shuffled(ids, 20261126);
  const n = size === 'all' ? order.length : Math.min(Number(size), order.length);
  const chosen = new Set(order.slice(0, n));
  const prefilterOff = mode === 'materialised-noprefilter';
  if (prefilterOff) {
    // Switch the prefilter off by handing the engine buckets without one (benchmark-only instrumentation).
    const bucket = RuleIndex.prototype.bucket;
    RuleIndex.prototype.bucket = function (this: RuleIndex, channel: string, eventId: number) {
      const b = bucket.call(this, channel, eventId);
      return b.prefilter ? { rules: b.rules } : b;
    };
  }
  const engine = new Engine(ruleSet, { select: (info) => chosen.has(info.id) });
  let pass: Pass;
  let records: number;
  let sample: readonly EventRecord[] = [];
  if (mode === 'lazy') {
    const files = corpusFiles(corpus).map((name) => ({ name, bytes: readFileSync(name) }));
    pass = lazyPass(files);
    records = pass(new Engine(ruleSet, { select: () => false }), () => {});
  } else {
    sample = loadRecords(corpus).records;
    pass = materialisedPass(sample);
    records = sample.length;
  }
  for (let i = 0; i < 2; i++) pass(engine, () => {}); // JIT, lazily built buckets and automata
  const { eps, hits } = measure(engine, pass, minMatches, 0.5);
  let first: ChildResult['first'];
  if (n === 1) {
    const rule = ruleSet.rules.find((r) => r.info.id === order[0])!;
    const reachOver = sample.length > 0 ? sample : loadRecords(corpus).records;
    first = {
      title: rule.info.title,
      id: rule.info.id,
      reach: recordsReaching(ruleSet, order[0]!, reachOver),
    };
  }
  const result: ChildResult = { eps, hits, rules: n, records, first };
  process.stdout.write(JSON.stringify(result) + '\n');
}

/** Runs one child measurement. */
function runChild(mode: string, size: string, minMatches: number): ChildResult {
  const r = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--child', mode, size, String(minMatches)],
    { encoding: 'utf8', maxBuffer: 16 << 20 },
  );
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`bench:rules child ${mode} ${size} failed (${r.status}): ${r.stderr?.slice(-2000)}`);
  return JSON.parse(line) as ChildResult;
}

/** One row of a mode's table: a size and what its children measured. */
interface Row {
  readonly size: string;
  readonly results: ChildResult[];
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

/** Measures every size of one mode in alternating rounds, prints the table, returns all/1 (medians). */
function runMode(title: string, mode: string, sizes: readonly string[], minMatches: number, rounds: number) {
  const rows: Row[] = sizes.map((size) => ({ size, results: [] }));
  for (let round = 0; round < rounds; round++) {
    // Each round starts at another size, so no size always follows the heaviest one.
    for (let k = 0; k < rows.length; k++) {
      const row = rows[(round + k) % rows.length]!;
      row.results.push(runChild(mode, row.size, minMatches));
    }
  }
  const eps = (row: Row) => median(row.results.map((r) => r.eps));
  const base = rows.find((r) => r.size === '1') ?? rows[0]!;
  const first = base.results[0]!;
  if (first.first)
    console.log(
      `\n"1 rule": ${first.first.title} (${first.first.id}); its (channel, event id) keys reach ` +
        `${first.first.reach} of the corpus records (for the others its bucket is empty)`,
    );
  console.log(
    `${title}: matching ${first.records} records, >= ${minMatches} matches and 0.5 s CPU per measurement; ` +
      `median of ${rounds} alternating rounds, each measurement in its own process after two warm-up passes`,
  );
  console.log('rules        events/s (median)   spread (min-max)        detections/pass   vs 1 rule');
  for (const row of rows) {
    const all = row.results.map((r) => r.eps);
    const label = row.size === 'all' ? `all (${row.results[0]!.rules})` : row.size;
    console.log(
      `${label.padEnd(10)} ${fmt(eps(row)).padStart(12)}        ${`${fmt(Math.min(...all))}-${fmt(Math.max(...all))}`.padEnd(22)}  ` +
        `${String(Math.round(row.results[0]!.hits)).padStart(15)}   ${((eps(row) / eps(base)) * 100).toFixed(1)}%`,
    );
  }
  const ratio = eps(rows[rows.length - 1]!) / eps(base);
  console.log(
    `${title}: all/1 = ${(ratio * 100).toFixed(1)}% (target >= 40%) ${ratio >= 0.4 ? 'PASS' : 'BELOW TARGET'}`,
  );
  return { ratio, allEps: eps(rows[rows.length - 1]!), allHits: rows[rows.length - 1]!.results[0]!.hits };
}

async function main(): Promise<void> {
  if (!CORPUS) {
    console.error('bench:rules needs the shared corpus (set DWELL_CORPUS or place it at ../shared/corpus)');
    process.exitCode = 2;
    return;
  }
  const minMatches = Number(arg('min-matches', '200000'));
  const rounds = Number(arg('rounds', '5'));
  const sizes = arg('sizes', '1,10,100,1000,all').split(',');
  const mode = arg('mode', 'both');
  const ratios: string[] = [];
  let materialisedAll: { allEps: number; allHits: number } | undefined;
  if (mode === 'both' || mode === 'materialised') {
    const r = runMode('materialised records', 'materialised', sizes, minMatches, rounds);
    materialisedAll = r;
    ratios.push(`materialised ${(r.ratio * 100).toFixed(1)}%`);
  }
  if (mode === 'both' || mode === 'lazy') {
    const r = runMode('lazy EVTX records', 'lazy', sizes, minMatches, rounds);
    ratios.push(`lazy EVTX ${(r.ratio * 100).toFixed(1)}%`);
  }
  console.log(`\nall rules vs 1 rule: ${ratios.join(', ')} (target >= 40%)`);
  if (materialisedAll && sizes.includes('all') && !process.argv.includes('--no-compare')) {
    const off = runChild('materialised-noprefilter', 'all', Math.max(1, Math.floor(minMatches / 4)));
    console.log(
      `all rules, prefilter off (materialised): ${fmt(off.eps)} events/s, ${Math.round(off.hits)} detections/pass; ` +
        `prefilter speed-up ${(materialisedAll.allEps / off.eps).toFixed(1)}x` +
        (Math.round(off.hits) === Math.round(materialisedAll.allHits) ? '' : ' (DETECTIONS DIFFER)'),
    );
  }
}

if (process.argv[2] === '--child') {
  const [mode, size, minMatches] = process.argv.slice(3);
  await child(mode!, size!, Number(minMatches));
} else {
  await main();
}
