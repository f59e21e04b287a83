// What a detection names that can tie it to others: accounts, tool hashes, archive names, command lines, tools
// outside system folders, domains and indicators. Used to join detections and to find cross-tenant reuse.
import type { Detection } from '../engine/types.js';
import { baseName, normalizeAccount } from './normalize.js';

export type ArtifactKind = 'account' | 'hash' | 'archive' | 'command' | 'tool' | 'domain' | 'indicator';

export interface Artifact {
  readonly kind: ArtifactKind;
  readonly value: string;
}

const ACCOUNT_FIELDS: readonly [string, string][] = [
  ['TargetUserName', 'TargetDomainName'],
  ['SubjectUserName', 'SubjectDomainName'],
  ['User', ''],
  ['AccountName', 'AccountDomain'],
  ['UserName', ''],
];
const HASH_FIELDS = ['Hashes', 'Hash', 'MD5', 'SHA1', 'SHA256'];
const ARCHIVE_EXTENSIONS = ['.rar', '.7z', '.zip', '.tar', '.tgz', '.cab'];
const MAX_COMMAND = 300;

const NON_ASCII = /[^\x00-\x7f]/;
const WHITESPACE_RUN = /[ \t\r\n]+/g;

/** Lower-case, whitespace collapsed, capped: one spelling of a command line. */
export function normalizeCommand(command: string): string {
  const n = Math.min(command.length, MAX_COMMAND * 2);
  const input = n < command.length ? command.slice(0, n) : command;
  // ASCII (nearly every command line): whole-string operations, the same result as the loop below.
  if (!NON_ASCII.test(input)) {
    let collapsed = input.toLowerCase().replace(WHITESPACE_RUN, ' ');
    // Only the four whitespace characters the loop knows are trimmed (String.trim would take \v and \f too).
    if (collapsed.startsWith(' ')) collapsed = collapsed.slice(1);
    if (collapsed.endsWith(' ')) collapsed = collapsed.slice(0, -1);
    if (collapsed.length <= MAX_COMMAND) return collapsed;
    // The loop stops once it reached the cap; a space at the cap is followed by one more character.
    return collapsed.slice(0, collapsed[MAX_COMMAND - 1] === ' ' ? MAX_COMMAND + 1 : MAX_COMMAND);
  }
  return normalizeCommandSlow(command);
}

/** The character loop (per-character lower case, as written for any text). */
function normalizeCommandSlow(command: string): string {
  let out = '';
  let space = false;
  const n = Math.min(command.length, MAX_COMMAND * 2);
  for (let i = 0; i < n && out.length < MAX_COMMAND; i++) {
    const c = command[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      space = out.length > 0;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c.toLowerCase();
  }
  return out;
}

/** Archive base names in a command line or path (`r.exe a -hpX C:\$Recycle.Bin\ss.rar` → `ss.rar`). */
export function archiveNames(text: string): string[] {
  const out: string[] = [];
  const lower = text.length > 4096 ? text.slice(0, 4096).toLowerCase() : text.toLowerCase();
  for (const token of lower.split(/[\s"',;|<>]+/)) {
    if (token.length < 5) continue;
    if (ARCHIVE_EXTENSIONS.some((x) => token.endsWith(x))) {
      const name = baseName(token);
      if (name.length > 4 && !out.includes(name)) out.push(name);
    }
  }
  return out;
}

/** Hash values in a Sysmon `Hashes` list (`SHA256=AB..,MD5=CD..`) or a single hash field. */
export function hashValues(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',', 8)) {
    const eq = part.indexOf('=');
    const value = (eq >= 0 ? part.slice(eq + 1) : part).trim().toLowerCase();
    if (value.length >= 32 && value.length <= 128 && /^[0-9a-f]+$/.test(value)) out.push(value);
  }
  return out;
}

function isSystemPath(lowerPath: string): boolean {
  return (
    lowerPath.includes('\\windows\\system32\\') ||
    lowerPath.includes('\\windows\\syswow64\\') ||
    lowerPath.includes('\\program files') ||
    lowerPath.includes('\\windows\\winsxs\\') ||
    lowerPath.includes('\\windows\\microsoft.net\\')
  );
}

/**
 * Artifacts already extracted, per detection: the digest, clustering, corroboration and cross-tenant links all
 * ask for the same sampled detections' artifacts. Weak, so a detection the digest drops takes its entry along.
 */
const extracted = new WeakMap<Detection, readonly Artifact[]>();

/** Every artifact a detection names (deduplicated); computed once per detection object. */
export function artifactsOf(d: Detection): readonly Artifact[] {
  let found = extracted.get(d);
  if (found === undefined) {
    found = extractArtifacts(d);
    extracted.set(d, found);
  }
  return found;
}

function extractArtifacts(d: Detection): Artifact[] {
  const out: Artifact[] = [];
  const seen = new Set<string>();
  const add = (kind: ArtifactKind, value: string): void => {
    if (value === '') return;
    const key = `${kind}:${value}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ kind, value });
  };
  const f = d.fields;
  for (const [userField, domainField] of ACCOUNT_FIELDS) {
    const user = f[userField];
    if (user) add('account', normalizeAccount(user, domainField === '' ? undefined : f[domainField]));
  }
  for (const name of HASH_FIELDS) {
    const v = f[name];
    if (v) for (const h of hashValues(v)) add('hash', h);
  }
  const command = f.CommandLine;
  if (command) {
    const norm = normalizeCommand(command);
    if (norm.length >= 12) add('command', norm);
    for (const a of archiveNames(command)) add('archive', a);
  }
  const target = f.TargetFilename;
  if (target) for (const a of archiveNames(target)) add('archive', a);
  const image = f.Image ?? f.NewProcessName;
  if (image) {
    const lower = image.toLowerCase();
    if (!isSystemPath(lower)) add('tool', baseName(lower));
  }
  for (const name of ['QueryName', 'DestinationHostname']) {
    const v = f[name];
    if (v && v.includes('.')) add('domain', v.trim().toLowerCase().slice(0, 255));
  }
  if (d.rule.id.startsWith('ioc:') && f.IocValue)
    add('indicator', f.IocValue.trim().toLowerCase().slice(0, 512));
  return out;
}
