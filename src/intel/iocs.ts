// Indicator matching: hashes, domains, IPs, file names and paths looked up in hash sets, per record.
// Domains inside free text (command lines, scripts, URLs) are found by splitting the text once into
// host-name-shaped tokens and looking each token and its parent domains up in a set: a single linear pass
// that is host-boundary aware by construction (evil.com matches www.evil.com but never notevil.com or
// evil.com.au) and does not grow with the number of indicators.
import type { Detection, RuleInfo } from '../engine/types.js';
import { fieldText, type EventRecord } from '../event/types.js';
import { PathIndicatorIndex } from './path-index.js';
import type { Indicator, IocProblem, IocType } from './iocs-parse.js';
import { readIocFile, type IocReadOptions } from './iocs-read.js';

export type { Indicator, IocProblem, IocSink, IocType } from './iocs-parse.js';
export { parseIocCsv, parseStixIndicators, readStixObject } from './iocs-parse.js';
export { readIocFile, type IocReadOptions } from './iocs-read.js';

const HASH_FIELDS = ['Hashes', 'Hash', 'MD5', 'SHA1', 'SHA256', 'IMPHASH', 'FileHash', 'sha256', 'md5'];
const IP_FIELDS = [
  'DestinationIp',
  'SourceIp',
  'IpAddress',
  'ClientAddress',
  'SourceAddress',
  'DestAddress',
  'DestinationAddress',
  'RemoteAddress',
  'SourceNetworkAddress',
];
const HOST_FIELDS = ['QueryName', 'DestinationHostname', 'SourceHostname'];
const TEXT_FIELDS = [
  'CommandLine',
  'ParentCommandLine',
  'ScriptBlockText',
  'Payload',
  'QueryResults',
  'Url',
  'URL',
];
const PATH_FIELDS = [
  'Image',
  'ParentImage',
  'TargetFilename',
  'ImageLoaded',
  'NewProcessName',
  'ParentProcessName',
  'ProcessName',
  'ImagePath',
  'ServiceFileName',
  'SourceImage',
  'TargetImage',
  'ObjectName',
  'RelativeTargetName',
];
// Context shown with every hit (besides the indicator itself).
const CONTEXT_FIELDS = [
  'Image',
  'CommandLine',
  'ParentImage',
  'User',
  'TargetUserName',
  'QueryName',
  'DestinationIp',
];
// Free text beyond this is not scanned: a bound on per-record work for hostile input.
const MAX_TEXT = 1 << 20;
const MAX_FIELD = 2000;
// Directories where a file carrying a legitimate system name is expected, so a name-only match is noise.
const SYSTEM_DIRS = ['\\windows\\system32\\', '\\windows\\syswow64\\', '\\windows\\winsxs\\', '\\windows\\'];

interface Entry {
  readonly indicator: Indicator;
  readonly rule: RuleInfo;
  /** File names that are also legitimate Windows names match only outside the system directories. */
  readonly onlyOutOfPlace: boolean;
  /** Position in the indicator set: hits of one field are reported in this order. */
  readonly order: number;
}

const RULES = new Map<IocType, RuleInfo>();
function ruleFor(type: IocType): RuleInfo {
  let rule = RULES.get(type);
  if (!rule) {
    rule = {
      id: `ioc:${type}`,
      title: `Indicator of compromise: ${type.replace('_', ' ')}`,
      level: 'high',
      status: 'stable',
      tags: ['ioc', `ioc.${type}`],
      description: `A record names a ${type.replace('_', ' ')} from the loaded indicator set.`,
      kind: 'rule',
    };
    RULES.set(type, rule);
  }
  return rule;
}

function isLegitimateName(ind: Indicator): boolean {
  return ind.type === 'file_name' && /legitimate/i.test(ind.description ?? '');
}

function basenameOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return cut >= 0 ? path.slice(cut + 1) : path;
}

function dirOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return cut >= 0 ? path.slice(0, cut + 1) : '';
}

// A file-name indicator is only a name: inside an installed product's folder (Program Files) the name is
// the product's own file (VMware Tools' vmtools.dll, Java's jli.dll), so only hashes decide there.
function inInstallDir(lowerPath: string): boolean {
  const p = lowerPath.replace(/\//g, '\\');
  return p.includes(':\\program files\\') || p.includes(':\\program files (x86)\\') || inSystemDir(p);
}

function inSystemDir(lowerPath: string): boolean {
  const dir = dirOf(lowerPath).replace(/\//g, '\\');
  return SYSTEM_DIRS.some((d) => dir.endsWith(d));
}

// Character classes for host-name tokens, by char code.
function isHostChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95;
}

/** An indicator set ready for matching: build with `loadIocs` or `buildIocSet`. */
export class IocSet {
  private readonly hashes = new Map<string, Entry>();
  private readonly domains = new Map<string, Entry>();
  /** Most labels of any domain indicator: longer parent domains of a token cannot match. */
  private maxDomainLabels = 0;
  private readonly ips = new Map<string, Entry>();
  private readonly names = new Map<string, Entry>();
  private readonly paths = new PathIndicatorIndex<Entry>();
  readonly problems: IocProblem[];
  readonly size: number;

  constructor(indicators: Iterable<Indicator>, problems: IocProblem[] = []) {
    this.problems = problems;
    let size = 0;
    for (const indicator of indicators) {
      const entry: Entry = {
        indicator,
        rule: ruleFor(indicator.type),
        onlyOutOfPlace: isLegitimateName(indicator),
        order: size,
      };
      const key = indicator.value.toLowerCase();
      switch (indicator.type) {
        case 'md5':
        case 'sha1':
        case 'sha256':
        case 'sha512':
        case 'imphash':
          this.hashes.set(key, entry);
          break;
        case 'domain':
          this.addDomain(key, entry);
          break;
        case 'url': {
          const host = hostOfUrl(key);
          if (!host) continue;
          this.addDomain(host, entry);
          break;
        }
        case 'ip':
          this.ips.set(key, entry);
          break;
        case 'file_name':
          this.names.set(key, entry);
          break;
        case 'file_path':
          this.paths.add(key, entry);
          break;
      }
      size++;
    }
    this.size = size;
  }

  private addDomain(domain: string, entry: Entry): void {
    this.domains.set(domain, entry);
    let labels = 1;
    for (let i = domain.indexOf('.'); i >= 0; i = domain.indexOf('.', i + 1)) labels++;
    if (labels > this.maxDomainLabels) this.maxDomainLabels = labels;
  }

  /** Indicators found in one record, one Detection per indicator (rule id `ioc:<type>`, level high). */
  match(record: EventRecord): Detection[] {
    const hits = new Map<Entry, string>();
    if (this.hashes.size > 0) this.matchHashes(record, hits);
    if (this.ips.size > 0) {
      for (const name of IP_FIELDS) {
        const v = fieldText(record.get(name));
        if (!v) continue;
        const entry = this.ips.get(normaliseIp(v));
        if (entry && !hits.has(entry)) hits.set(entry, name);
      }
    }
    if (this.domains.size > 0 || this.ips.size > 0) {
      for (const name of HOST_FIELDS) {
        const v = fieldText(record.get(name));
        if (v) this.scanText(v, name, hits);
      }
      for (const name of TEXT_FIELDS) {
        const v = fieldText(record.get(name));
        if (v) this.scanText(v, name, hits);
      }
    }
    if (this.names.size > 0 || this.paths.size > 0) {
      for (const name of PATH_FIELDS) {
        const v = fieldText(record.get(name));
        if (v) this.matchPath(v, name, hits);
      }
    }
    if (hits.size === 0) return [];
    const detections: Detection[] = [];
    for (const [entry, field] of hits) detections.push(this.detection(record, entry, field));
    return detections;
  }

  private matchHashes(record: EventRecord, hits: Map<Entry, string>): void {
    for (const name of HASH_FIELDS) {
      const v = fieldText(record.get(name));
      if (!v) continue;
      // Sysmon writes `SHA1=..,MD5=..,SHA256=..,IMPHASH=..`; other sources write the bare hash.
      for (const part of v.split(/[,;\s]+/)) {
        const eq = part.indexOf('=');
        const hash = (eq >= 0 ? part.slice(eq + 1) : part).toLowerCase();
        const entry = this.hashes.get(hash);
        if (entry && !hits.has(entry)) hits.set(entry, name);
      }
    }
  }

  private matchPath(value: string, field: string, hits: Map<Entry, string>): void {
    const lower = value.slice(0, 4096).toLowerCase();
    const entry = this.names.get(basenameOf(lower));
    if (entry && !hits.has(entry) && !(entry.onlyOutOfPlace ? inSystemDir(lower) : inInstallDir(lower)))
      hits.set(entry, field);
    // Absolute indicators (C:\Intel\) anchor at the start; relative ones (Temp\x.exe) at a path separator.
    const found: Entry[] = [];
    this.paths.find(lower, (p) => {
      if (!hits.has(p)) found.push(p);
    });
    found.sort((a, b) => a.order - b.order);
    for (const p of found) if (!hits.has(p)) hits.set(p, field);
  }

  /** Splits text into host-name-shaped tokens; each token and its parent domains are looked up. */
  private scanText(text: string, field: string, hits: Map<Entry, string>): void {
    const lower = (text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text).toLowerCase();
    let start = -1;
    for (let i = 0; i <= lower.length; i++) {
      const inside = i < lower.length && isHostChar(lower.charCodeAt(i));
      if (inside) {
        if (start < 0) start = i;
        continue;
      }
      if (start >= 0) {
        this.lookupToken(lower, start, i, field, hits);
        start = -1;
      }
    }
  }

  private lookupToken(
    text: string,
    start: number,
    end: number,
    field: string,
    hits: Map<Entry, string>,
  ): void {
    // Trim dots and dashes that belong to the sentence, not the name ("see evil.com.").
    while (start < end && (text.charCodeAt(start) === 46 || text.charCodeAt(start) === 45)) start++;
    while (end > start && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
    if (end - start < 3 || end - start > 253) return;
    const token = text.slice(start, end);
    if (token.indexOf('.') < 0) return;
    const ip = this.ips.get(token);
    if (ip && !hits.has(ip)) hits.set(ip, field);
    if (this.domains.size === 0) return;
    // Only parent domains with at most as many labels as the longest indicator: a 253-character token of
    // 127 one-letter labels would otherwise cost 126 lookups of slices up to its length (~170 ns a character).
    let first = token.length;
    for (let labels = 0; labels < this.maxDomainLabels && first > 0; labels++) {
      first = token.lastIndexOf('.', first - 1);
      if (first < 0) break;
    }
    for (let at = first < 0 ? 0 : first + 1; at >= 0;) {
      const entry = this.domains.get(at === 0 ? token : token.slice(at));
      if (entry && !hits.has(entry)) hits.set(entry, field);
      const dot = token.indexOf('.', at);
      at = dot >= 0 && token.indexOf('.', dot + 1) >= 0 ? dot + 1 : -1;
    }
  }

  private detection(record: EventRecord, entry: Entry, field: string): Detection {
    const fields: Record<string, string> = {
      IocType: entry.indicator.type,
      IocValue: entry.indicator.value,
      IocField: field,
    };
    if (entry.indicator.description) fields.IocDescription = entry.indicator.description.slice(0, MAX_FIELD);
    if (entry.indicator.source) fields.IocSource = entry.indicator.source.slice(0, MAX_FIELD);
    for (const name of [field, ...CONTEXT_FIELDS]) {
      if (name in fields) continue;
      const v = fieldText(record.get(name));
      if (v) fields[name] = v.slice(0, MAX_FIELD);
    }
    return {
      rule: entry.rule,
      timestamp: record.timestamp,
      host: record.computer,
      channel: record.channel,
      eventId: record.eventId,
      recordId: record.recordId,
      file: record.source.file,
      ...(record.source.tenant !== undefined ? { tenant: record.source.tenant } : {}),
      fields,
    };
  }
}

function normaliseIp(v: string): string {
  const lower = v.trim().toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}

function hostOfUrl(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:@]+@)?([^/?#:]+)/.exec(url);
  return m ? m[2].replace(/\.$/, '') : undefined;
}

/** Builds an IocSet from indicators already in memory (tests, STIX objects from another source). */
export function buildIocSet(indicators: Iterable<Indicator>, problems: IocProblem[] = []): IocSet {
  return new IocSet(indicators, problems);
}

/**
 * Loads indicator files: CSV (`type,value,description,source`) or STIX 2.1 JSON, chosen by content, each read
 * in chunks so memory holds the indicators kept, not the file (`iocs-read.ts`).
 */
export function loadIocs(paths: string[], options: IocReadOptions = {}): IocSet {
  const all: Indicator[] = [];
  const problems: IocProblem[] = [];
  const sink = { indicator: (i: Indicator) => all.push(i), problem: (p: IocProblem) => problems.push(p) };
  for (const path of paths) readIocFile(path, sink, options);
  return new IocSet(all, problems);
}
