// Helpers shared by the event builders: stable fake hashes and GUIDs, Sysmon's UtcTime, channel names.
import type { DemoHost } from './tenants.js';

/** Channel names as the demo writes them, also used to name the files. */
export const CHANNELS = {
  sysmon: 'Microsoft-Windows-Sysmon/Operational',
  security: 'Security',
  system: 'System',
  powershell: 'Microsoft-Windows-PowerShell/Operational',
  application: 'Application',
  directoryService: 'Directory Service',
} as const;

let guidCounter = 0x10000;

/** Restarts the GUID counter, so a host's events do not depend on which hosts were written before it. */
export function resetGuidCounter(start: number): void {
  guidCounter = start & 0xfffffff;
}

const guidPrefixes = new Map<string, string>();
/** A process/logon GUID in Sysmon's layout (host code first); cheap and unique within a run. */
export function processGuid(host: DemoHost): string {
  let prefix = guidPrefixes.get(host.name);
  if (!prefix) {
    const code = fnv(host.name, 8).toUpperCase();
    prefix = `{${code}-5EC1-`;
    guidPrefixes.set(host.name, prefix);
  }
  guidCounter = (guidCounter + 1) & 0xfffffff;
  const c = guidCounter.toString(16).toUpperCase().padStart(7, '0');
  return `${prefix}${c.slice(0, 4)}-0${c.slice(4)}-000000001A00}`;
}

// By host name, then purpose: two lookups of strings whose hashes V8 keeps, instead of hashing a new
// `host|purpose` string on every call (this runs for most Sysmon events).
const stableGuids = new Map<string, Map<string, string>>();
/** A GUID that stays the same for one host and purpose (long-lived parent processes and logons). */
export function stableGuid(host: DemoHost, purpose: string): string {
  let byPurpose = stableGuids.get(host.name);
  if (!byPurpose) {
    byPurpose = new Map();
    stableGuids.set(host.name, byPurpose);
  }
  let guid = byPurpose.get(purpose);
  if (!guid) {
    const h = fnv(host.name + '|' + purpose, 32).toUpperCase();
    guid = `{${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}}`;
    byPurpose.set(purpose, guid);
  }
  return guid;
}

/** A stable pseudo-hash of a text, n hex digits (fake file hashes that do not change between runs). */
export function fnv(text: string, n: number): string {
  let out = '';
  let h = 0x811c9dc5;
  for (let round = 0; out.length < n; round++) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ round, 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, n);
}

const hashCache = new Map<string, string>();
/** Sysmon's Hashes field for an image (fake but stable per image path). */
export function hashesOf(image: string): string {
  let hashes = hashCache.get(image);
  if (!hashes) {
    const key = image.toLowerCase();
    hashes = `SHA1=${fnv(key + '1', 40).toUpperCase()},MD5=${fnv(key + '5', 32).toUpperCase()},SHA256=${fnv(key + '2', 64).toUpperCase()},IMPHASH=${fnv(key + 'i', 32).toUpperCase()}`;
    hashCache.set(image, hashes);
  }
  return hashes;
}

const DAY_MS = 86_400_000;
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let cachedDay = NaN;
let cachedDate = '';

/** Sysmon's UtcTime text; the date part is cached per day because this runs for every event. */
export function utcTime(time: number): string {
  const t = Math.floor(time);
  const day = Math.floor(t / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(day * DAY_MS).toISOString().slice(0, 10) + ' ';
  }
  let rest = t - day * DAY_MS;
  const ms = rest % 1000;
  rest = (rest - ms) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  return cachedDate + TWO[hour] + ':' + TWO[min] + ':' + TWO[sec] + '.' + THREE[ms];
}

/** The file name part of a Windows path. */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf('\\') + 1);
}
