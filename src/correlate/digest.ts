// The detection digest: what correlation keeps of a hunt's detections, in memory bounded by entities rather than
// records. One entry per (rule, host, tenant) holds counts, time spans, accounts and a bounded sample of the
// detections (the first and last few, those naming something new, staging/exfiltration evidence); intrusions
// are built from it exactly as from every detection wherever the sample suffices (see docs/intrusions.md).
import { LEVELS, type Detection, type RuleInfo } from '../engine/types.js';
import { artifactsOf } from './artifacts.js';
import { levelOf } from './cluster.js';
import { exfiltrationTagged, exfiltrationTextReason, stagingTagged, stagingTextReason } from './evidence.js';
import { addTime, type Spans } from './spans.js';
import { validTime } from './time.js';

/** The digest's bounds (documented in docs/intrusions.md). */
export const DIGEST_LIMITS = {
  /** (rule, host, tenant) entries; detections of further pairs are counted as dropped. */
  pairs: 100_000,
  /** Detections sampled in all (beyond it, each new pair still keeps its first detection). */
  samples: 100_000,
  /** First detections kept per pair (the intrusion lists at most 25 per rule and host). */
  head: 25,
  /** Last detections kept per pair. */
  tail: 25,
  /** Detections naming an account, hash, archive, command, tool or domain the pair's sample does not. */
  novel: 64,
  /** Staging and exfiltration evidence detections per pair, of each (an intrusion lists at most 25 of each). */
  evidence: 25,
  /** Distinct artifacts remembered per pair (to recognise novel ones). */
  artifacts: 256,
  /** Distinct accounts counted per pair. */
  accounts: 64,
  /** Time spans per pair (closest ones merge beyond it). */
  spans: 128,
} as const;

const LOW = LEVELS.indexOf('low');
const NTDS_TAG = 'attack.t1003.003';

/** Everything correlation keeps about one rule on one host of one tenant. */
export interface PairDigest {
  readonly rule: RuleInfo;
  readonly host: string;
  readonly tenant: string | undefined;
  /** Every detection of the pair, sampled or not. */
  count: number;
  /** Times of its detections (valid ones only), merged into spans. */
  readonly spans: Spans;
  /** Per account named by a detection with a valid time: how many such detections name it. */
  readonly accounts: Map<string, number>;
  /** A detection of the pair shows its host is a domain controller (Netlogon events, NTDS dump). */
  showsDc: boolean;
  /** The sampled detections: head (first ones), tail (a ring of the last ones), extra (novel, evidence). */
  readonly head: Detection[];
  readonly tail: Detection[];
  tailNext: number;
  readonly extra: Detection[];
  novel: number;
  staging: number;
  exfiltration: number;
  hasValidSample: boolean;
  /** Artifacts shown by the pair's sample, per kind (no `kind:value` string is built per detection). */
  readonly artifactKeys: Map<string, Set<string>>;
  artifactCount: number;
  readonly ntdsTagged: boolean;
  readonly stagingTagged: boolean;
  readonly exfiltrationTagged: boolean;
}

/** How big a digest is (for tests and the memory bound). */
export interface DigestSize {
  readonly pairs: number;
  readonly samples: number;
  readonly spans: number;
  readonly artifacts: number;
  readonly accounts: number;
}

/** Detections in time order, then file, then record (the hunt's sorted order). */
export function byDetectionOrder(a: Detection, b: Detection): number {
  return (
    a.timestamp - b.timestamp || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.recordId - b.recordId
  );
}

function showsDc(d: Detection, ntdsTagged: boolean): boolean {
  if (d.eventId >= 5827 && d.eventId <= 5831) return true;
  if (!ntdsTagged) return false;
  return `${d.fields.CommandLine ?? ''} ${d.fields.TargetFilename ?? ''}`.toLowerCase().includes('ntds');
}

/** Accumulates detections (best in time order, one at a time) into per-(rule, host, tenant) digests. */
export class DetectionDigest {
  private readonly pairs: PairDigest[] = [];
  /** rule id → tenant ('\u0001' for none) → host → pair: no key string is built per detection. */
  private readonly index = new Map<string, Map<string, Map<string, PairDigest>>>();
  /** Arrival number of every sampled detection: ties in time order keep the order they came in. */
  private readonly order = new Map<Detection, number>();
  private sorted: Detection[] | undefined;
  /** Detections of pairs beyond DIGEST_LIMITS.pairs (counted, not kept). */
  dropped = 0;
  /** Detections added (informational ones included). */
  total = 0;

  /** A digest of a list of detections in any order. */
  static of(detections: Iterable<Detection>): DetectionDigest {
    const digest = new DetectionDigest();
    for (const d of [...detections].sort(byDetectionOrder)) digest.add(d);
    return digest;
  }

  /** Adds one detection. Informational ones (which never take part in intrusions) are only counted. */
  add(d: Detection): void {
    this.total++;
    if (levelOf(d) < LOW) return;
    this.sorted = undefined;
    let byTenant = this.index.get(d.rule.id);
    if (!byTenant) this.index.set(d.rule.id, (byTenant = new Map()));
    const tenantKey = d.tenant === undefined ? '\u0001' : d.tenant;
    let byHost = byTenant.get(tenantKey);
    if (!byHost) byTenant.set(tenantKey, (byHost = new Map()));
    let p = byHost.get(d.host);
    if (!p) {
      if (this.pairs.length >= DIGEST_LIMITS.pairs) {
        this.dropped++;
        return;
      }
      p = {
        rule: d.rule,
        host: d.host,
        tenant: d.tenant,
        count: 0,
        spans: [],
        accounts: new Map(),
        showsDc: false,
        head: [],
        tail: [],
        tailNext: 0,
        extra: [],
        novel: 0,
        staging: 0,
        exfiltration: 0,
        hasValidSample: false,
        artifactKeys: new Map(),
        artifactCount: 0,
        ntdsTagged: d.rule.tags.some((t) => t.toLowerCase() === NTDS_TAG),
        stagingTagged: stagingTagged(d.rule),
        exfiltrationTagged: exfiltrationTagged(d.rule),
      };
      this.pairs.push(p);
      byHost.set(d.host, p);
    }
    p.count++;
    const valid = validTime(d.timestamp);
    if (valid) addTime(p.spans, d.timestamp, DIGEST_LIMITS.spans);
    if (!p.showsDc) p.showsDc = showsDc(d, p.ntdsTagged);
    const room = this.order.size < DIGEST_LIMITS.samples || p.head.length === 0;
    let sampled = false;
    if (p.head.length < DIGEST_LIMITS.head && room) {
      p.head.push(d);
      this.order.set(d, this.total);
      sampled = true;
    }
    // What it names: accounts are counted; an artifact the pair has not shown yet earns the detection a place.
    let novel = false;
    for (const a of artifactsOf(d)) {
      let known = p.artifactKeys.get(a.kind);
      if (!known) p.artifactKeys.set(a.kind, (known = new Set()));
      if (!known.has(a.value)) {
        novel = true;
        if (p.artifactCount < DIGEST_LIMITS.artifacts) {
          known.add(a.value);
          p.artifactCount++;
        }
      }
      if (valid && a.kind === 'account') {
        const n = p.accounts.get(a.value);
        if (n !== undefined) p.accounts.set(a.value, n + 1);
        else if (p.accounts.size < DIGEST_LIMITS.accounts) p.accounts.set(a.value, 1);
      }
    }
    let extra = false;
    if (!sampled && novel && p.novel < DIGEST_LIMITS.novel) {
      p.novel++;
      extra = true;
    }
    // The first evidence detections of each kind (a rule tagged with a staging technique fills its quota with
    // its first detections, so the text checks stop early for it).
    if (p.staging < DIGEST_LIMITS.evidence && (p.stagingTagged || stagingTextReason(d) !== '')) {
      p.staging++;
      extra ||= !sampled;
    }
    if (
      p.exfiltration < DIGEST_LIMITS.evidence &&
      (p.exfiltrationTagged || exfiltrationTextReason(d) !== '')
    ) {
      p.exfiltration++;
      extra ||= !sampled;
    }
    // The first detection with a usable time always stays (the pair's signal needs one).
    if (valid && !p.hasValidSample) extra ||= !sampled;
    if (extra && room) {
      p.extra.push(d);
      this.order.set(d, this.total);
      sampled = true;
    }
    if (sampled && valid) p.hasValidSample = true;
    if (!sampled) {
      if (p.tail.length < DIGEST_LIMITS.tail) {
        if (this.order.size >= DIGEST_LIMITS.samples) return;
        p.tail.push(d);
        this.order.set(d, this.total);
      } else {
        this.order.delete(p.tail[p.tailNext]);
        p.tail[p.tailNext] = d;
        this.order.set(d, this.total);
        p.tailNext = (p.tailNext + 1) % DIGEST_LIMITS.tail;
      }
    }
  }

  /** Every pair, in the order first seen. */
  pairList(): PairDigest[] {
    return [...this.pairs];
  }

  /** Every sampled detection once, in time order (ties in the order they came); the caller must not change it. */
  samples(): readonly Detection[] {
    if (!this.sorted) {
      const order = this.order;
      this.sorted = [...order.keys()].sort(
        (a, b) => byDetectionOrder(a, b) || (order.get(a) ?? 0) - (order.get(b) ?? 0),
      );
    }
    return this.sorted;
  }

  /** Current size, for the memory bound. */
  size(): DigestSize {
    let spans = 0;
    let artifacts = 0;
    let accounts = 0;
    for (const p of this.pairs) {
      spans += p.spans.length / 2;
      artifacts += p.artifactCount;
      accounts += p.accounts.size;
    }
    return { pairs: this.pairs.length, samples: this.order.size, spans, artifacts, accounts };
  }
}
