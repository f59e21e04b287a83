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
// Method: one engine per subset, built once; one untimed pass per engine (JIT, lazily built buckets and
// automata); then --rounds rounds, each measuring every subset in turn, starting one subset later each round
// (load from other processes hits every subset alike, and no subset always follows the heaviest); a
// measurement is whole passes for >= --min-matches records and 0.5 s of CPU time after a full garbage
// collection; the median events/s counts and the spread (min-max) is printed.
//
// A last row runs all rules with the needle prefilter switched off (every rule of a record's (channel, event id)
// bucket evaluated), to show what the prefilter buys; it must find the same detections.
//
// Usage: npm run bench:rules [-- --min-matches 200000 --rounds 5 --sizes 1,10,100,1000,all --mode both|lazy|materialised --no-compare]
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

interface Run {
  readonly rules: number;
  readonly label: string;
  engine?: Engine;
  /** events/s of every round. */
  readonly samples: number[];
  detections: number;
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

/** Median events/s of a run. */
function medianOf(run: Run): number {
  return median(run.samples);
}

/**
 * Measures every size and prints the table; returns all/1 (medians). Method: one engine per size, built once;
 * one untimed pass per engine (JIT, lazily built buckets and automata); then `rounds` rounds, each measuring
 * every size once in turn (so load from other processes hits every size alike); the median round counts and
 * the spread (min-max) is printed beside it.
 */
function runMode(
  title: string,
  ruleSet: Awaited<ReturnType<typeof loadRuleSet>>,
  order: readonly string[],
  sizes: readonly string[],
  pass: Pass,
  records: number,
  minMatches: number,
  rounds: number,
): { runs: Run[]; ratio: number } {
  const runs: Run[] = sizes.map((s) => {
    const n = s === 'all' ? order.length : Math.min(Number(s), order.length);
    const chosen = new Set(order.slice(0, n));
    const engine = new Engine(ruleSet, { select: (info) => chosen.has(info.id) });
    return { rules: n, label: s === 'all' ? `all (${n})` : String(n), engine, samples: [], detections: 0 };
  });
  // Warm-up: every engine sees every record once, untimed.
  for (const run of runs) pass(run.engine!, () => {});
  for (let round = 0; round < rounds; round++) {
    // Each round starts at another subset, so no subset always follows the heaviest one.
    for (let k = 0; k < runs.length; k++) {
      const run = runs[(round + k) % runs.length]!;
      const { eps, hits } = measure(run.engine!, pass, minMatches, 0.5);
      run.samples.push(eps);
      run.detections = hits;
    }
  }
  const base = runs.find((r) => r.rules === 1) ?? runs[0]!;
  const baseEps = medianOf(base);
  console.log(
    `\n${title}: matching ${records} records, >= ${minMatches} matches and 0.5 s CPU per measurement; ` +
      `median of ${rounds} alternating rounds after one warm-up pass per size`,
  );
  console.log('rules        events/s (median)   spread (min-max)        detections/pass   vs 1 rule');
  for (const run of runs) {
    const lo = Math.min(...run.samples);
    const hi = Math.max(...run.samples);
    const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
    console.log(
      `${run.label.padEnd(10)} ${fmt(medianOf(run)).padStart(12)}        ${`${fmt(lo)}-${fmt(hi)}`.padEnd(22)}  ` +
        `${String(Math.round(run.detections)).padStart(15)}   ${((medianOf(run) / baseEps) * 100).toFixed(1)}%`,
    );
  }
  for (const run of runs) delete run.engine; // let the next mode have the memory
  const all = runs[runs.length - 1]!;
  const ratio = medianOf(all) / baseEps;
  console.log(
    `${title}: all/1 = ${(ratio * 100).toFixed(1)}% (target >= 40%) ${ratio >= 0.4 ? 'PASS' : 'BELOW TARGET'}`,
  );
  return { runs, ratio };
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

async function main(): Promise<void> {
  if (!CORPUS) {
    console.error('bench:rules needs the shared corpus (set DWELL_CORPUS or place it at ../shared/corpus)');
    process.exitCode = 2;
    return;
  }
  const minMatches = Number(arg('min-matches', '200000'));
  const rounds = Number(arg('rounds', '5'));
  const sizes = arg('sizes', '1,10,100,1000,all').split(',');

  let t = Date.now();
  const { records, files, failed } = loadRecords(CORPUS);
  console.log(
    `records: ${records.length} from ${files} EVTX files (${failed} unreadable) in ${Date.now() - t} ms`,
  );
  t = Date.now();
  const sigma = join(CORPUS, 'sigma');
  const ruleSet = await loadRuleSet(
    ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-placeholder'].map((d) =>
      join(sigma, d),
    ),
  );
  const ids = [...new Set(ruleSet.rules.map((r) => r.info.id))];
  console.log(
    `rules: ${ids.length} compiled (${ruleSet.rules.length} variants) from ${ruleSet.files} files in ${Date.now() - t} ms`,
  );
  // Subsets are nested: the first n ids of one shuffle with a fixed seed (the same rules every run).
  const order = shuffled(ids, 20261126);
  const first = ruleSet.rules.find((r) => r.info.id === order[0])!;
  console.log(
    `"1 rule": ${first.info.title} (${first.info.id}); its (channel, event id) keys reach ` +
      `${recordsReaching(ruleSet, order[0]!, records)} of ${records.length} records (for the others its bucket is empty)`,
  );
  const mode = arg('mode', 'both');

  let materialised: Run[] | undefined;
  const ratios: string[] = [];
  if (mode === 'both' || mode === 'materialised') {
    const r = runMode(
      'materialised records',
      ruleSet,
      order,
      sizes,
      materialisedPass(records),
      records.length,
      minMatches,
      rounds,
    );
    materialised = r.runs;
    ratios.push(`materialised ${(r.ratio * 100).toFixed(1)}%`);
  }
  if (mode === 'both' || mode === 'lazy') {
    const files = corpusFiles(CORPUS).map((name) => ({ name, bytes: readFileSync(name) }));
    const pass = lazyPass(files);
    const count = pass(new Engine(ruleSet, { select: () => false }), () => {});
    const r = runMode('lazy EVTX records', ruleSet, order, sizes, pass, count, minMatches, rounds);
    ratios.push(`lazy EVTX ${(r.ratio * 100).toFixed(1)}%`);
  }
  console.log(`\nall rules vs 1 rule: ${ratios.join(', ')} (target >= 40%)`);
  console.log(`heap used: ${Math.round(process.memoryUsage().heapUsed / 1048576)} MiB`);

  if (materialised && !process.argv.includes('--no-compare')) {
    const all = materialised[materialised.length - 1]!;
    // Switch the prefilter off by handing the engine buckets without one (benchmark-only instrumentation).
    const bucket = RuleIndex.prototype.bucket;
    RuleIndex.prototype.bucket = function (this: RuleIndex, channel: string, eventId: number) {
      const b = bucket.call(this, channel, eventId);
      return b.prefilter ? { rules: b.rules } : b;
    };
    const engine = new Engine(ruleSet);
    const prefilterOff = materialisedPass(records);
    prefilterOff(engine, () => {}); // warm-up
    const { eps, hits } = measure(engine, prefilterOff, Math.max(1, Math.floor(minMatches / 4)), 0.5);
    RuleIndex.prototype.bucket = bucket;
    console.log(
      `all rules, prefilter off (materialised): ${Math.round(eps).toLocaleString('en-US')} events/s, ${Math.round(hits)} detections/pass; ` +
        `prefilter speed-up ${(medianOf(all) / eps).toFixed(1)}x` +
        (Math.round(hits) === Math.round(all.detections) ? '' : ' (DETECTIONS DIFFER)'),
    );
  }
}

await main();
