// Evidence of staging and exfiltration, read from detections (ATT&CK tags, tools, command lines) and from the
// archives the graph saw created on the intrusion's hosts.
import type { Detection } from '../engine/types.js';
import type { TimedSample } from './graph-types.js';
import type { Evidence } from './types.js';
import { archiveNames } from './artifacts.js';
import { isoTime } from './time.js';

const STAGING_TECHNIQUES = ['attack.t1560', 'attack.t1074', 'attack.t1039', 'attack.t1119'];
const EXFIL_TECHNIQUES = [
  'attack.t1567',
  'attack.t1048',
  'attack.t1041',
  'attack.t1537',
  'attack.t1020',
  'attack.t1030',
  'attack.t1011',
  'attack.t1052',
];
/** Tool names whose use is exfiltration evidence (cloud storage and transfer clients). */
const EXFIL_TOOLS = [
  'rclone',
  'pscp',
  'megacmd',
  'megasync',
  'mega-put',
  'azcopy',
  'gsutil',
  'aws s3',
  'dropbox',
  'winscp',
  'filezilla',
  'restic',
  's3browser',
  'onedrive',
  'googledrive',
];
const CURL_UPLOAD = [' -t ', ' --upload-file', ' -f ', ' --form', ' --data-binary', ' -d @', ' --data @'];
const MAX_EVIDENCE = 25;

function hasTagPrefix(rule: Detection['rule'], prefixes: readonly string[]): boolean {
  for (const tag of rule.tags) {
    const t = tag.toLowerCase();
    if (prefixes.some((p) => t === p || t.startsWith(`${p}.`))) return true;
  }
  return false;
}

function hasTag(rule: Detection['rule'], tag: string): boolean {
  return rule.tags.some((t) => t.toLowerCase() === tag);
}

/** Evidence entry for a detection. */
export function evidenceOf(d: Detection, why: string): Evidence {
  const command = d.fields.CommandLine ?? d.fields.TargetFilename ?? d.fields.Image ?? '';
  const shown = command.length > 300 ? `${command.slice(0, 300)}…` : command;
  return {
    time: isoTime(d.timestamp),
    host: d.host,
    tenant: d.tenant,
    description: shown === '' ? `${why}: ${d.rule.title}` : `${why}: ${d.rule.title} — ${shown}`,
    ruleId: d.rule.id,
    ruleTitle: d.rule.title,
    recordId: d.recordId,
    file: d.file,
  };
}

/** True when a rule's tags name a staging technique (then every detection of it is staging evidence). */
export function stagingTagged(rule: Detection['rule']): boolean {
  return hasTagPrefix(rule, STAGING_TECHNIQUES);
}

/** True when a rule's tags name an exfiltration technique or tactic. */
export function exfiltrationTagged(rule: Detection['rule']): boolean {
  return hasTagPrefix(rule, EXFIL_TECHNIQUES) || hasTag(rule, 'attack.exfiltration');
}

/** Why a detection shows staging, or '' when it does not. */
export function stagingReason(d: Detection): string {
  return stagingTagged(d.rule) ? 'archive/staging technique' : stagingTextReason(d);
}

/** Why a detection's fields (not its rule's tags) show staging, or ''. */
export function stagingTextReason(d: Detection): string {
  const target = (d.fields.TargetFilename ?? '').toLowerCase();
  if (target.includes('$recycle.bin') && archiveNames(target).length > 0) return 'archive in the Recycle Bin';
  const command = (d.fields.CommandLine ?? '').toLowerCase();
  // The cheap test first: archiveNames tokenises the whole command line.
  if (!command.includes(' a ') || archiveNames(command).length === 0) return '';
  // rar/7z `a` (add) with -hp/-p<password>; `-pw` is a transfer tool's password flag, not an archiver's.
  const password = command.includes(' -hp') || (command.includes(' -p') && !command.includes(' -pw'));
  return password ? 'password-protected archive' : 'archive created';
}

/** Why a detection shows exfiltration, or '' when it does not. */
export function exfiltrationReason(d: Detection): string {
  return exfiltrationTagged(d.rule) ? 'exfiltration technique' : exfiltrationTextReason(d);
}

/** Why a detection's fields (not its rule's tags) show exfiltration, or ''. */
export function exfiltrationTextReason(d: Detection): string {
  const text =
    `${d.fields.Image ?? ''} ${d.fields.CommandLine ?? ''} ${d.fields.OriginalFileName ?? ''}`.toLowerCase();
  const tool = EXFIL_TOOLS.find((t) => text.includes(t));
  if (tool) return `transfer tool ${tool}`;
  if ((text.includes('curl') || text.includes('c.exe')) && CURL_UPLOAD.some((f) => text.includes(f))) {
    return 'upload with curl';
  }
  return '';
}

/** Evidence lists for an intrusion's detections (bounded, time-ordered). */
export function stagingAndExfiltration(
  detections: readonly Detection[],
  archives: readonly { host: string; tenant?: string; sample: TimedSample }[],
): { staging: Evidence[]; exfiltration: Evidence[] } {
  const staging: Evidence[] = [];
  const exfiltration: Evidence[] = [];
  // A rule's tags are read once per rule, not per detection; the text checks stop once a list is full.
  const tagged = new Map<string, [boolean, boolean]>();
  for (const d of detections) {
    if (staging.length >= MAX_EVIDENCE && exfiltration.length >= MAX_EVIDENCE) break;
    let tags = tagged.get(d.rule.id);
    if (!tags) tagged.set(d.rule.id, (tags = [stagingTagged(d.rule), exfiltrationTagged(d.rule)]));
    if (staging.length < MAX_EVIDENCE) {
      const s = tags[0] ? 'archive/staging technique' : stagingTextReason(d);
      if (s !== '') staging.push(evidenceOf(d, s));
    }
    if (exfiltration.length < MAX_EVIDENCE) {
      const x = tags[1] ? 'exfiltration technique' : exfiltrationTextReason(d);
      if (x !== '') exfiltration.push(evidenceOf(d, x));
    }
  }
  for (const a of archives) {
    if (staging.length >= MAX_EVIDENCE) break;
    const recycle = a.sample.detail.toLowerCase().includes('$recycle.bin');
    staging.push({
      time: isoTime(a.sample.time),
      host: a.host,
      tenant: a.tenant,
      description: `${recycle ? 'archive written to the Recycle Bin' : 'archive written'}: ${a.sample.detail}`,
      recordId: a.sample.recordId,
      file: a.sample.file,
    });
  }
  const byTime = (x: Evidence, y: Evidence): number => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0);
  return { staging: staging.sort(byTime), exfiltration: exfiltration.sort(byTime) };
}
