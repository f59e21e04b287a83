// Names as logs spell them, reduced to one key per entity: hosts, accounts, addresses, logon ids.
//
// Hosts are keyed by tenant and short (NetBIOS) name, because 4624 WorkstationName carries the short name while
// `Computer` carries the FQDN. Accounts are keyed `domain\user` in lower case, where a DNS domain is reduced to
// its first label (`corp.example.com` → `corp`) so `CORP\alice` and `alice@corp.example.com` meet.

/** The short host name in lower case: `WS01.corp.example.com` → `ws01`; '' for empty or placeholder names. */
export function shortHostName(name: string | undefined): string {
  if (!name) return '';
  let s = name.trim();
  if (s.startsWith('\\\\')) s = s.slice(2);
  if (s === '' || s === '-' || s === '::1' || s === '127.0.0.1' || s.toLowerCase() === 'localhost') return '';
  if (looksLikeIp(s)) return '';
  const dot = s.indexOf('.');
  const label = (dot < 0 ? s : s.slice(0, dot)).toLowerCase();
  return label.length > 255 ? label.slice(0, 255) : label;
}

/**
 * The tenant as the first part of a host key: `|` (and `%`, its escape) percent-encoded, so the key's first `|`
 * always ends the tenant. Tenants come from folder names and tenant maps, which may hold a `|`; short names may
 * too (they come from the logs), and stay as they are after the separator.
 */
export function tenantKeyPart(tenant: string | undefined): string {
  if (tenant === undefined) return '';
  return tenant.includes('|') || tenant.includes('%')
    ? tenant.replaceAll('%', '%25').replaceAll('|', '%7C')
    : tenant;
}

/** The key of a host entity: tenant and short name (`acme|ws01`); tenant-less hosts use an empty tenant. */
export function hostKey(tenant: string | undefined, name: string | undefined): string {
  const short = shortHostName(name);
  return short === '' ? '' : `${tenantKeyPart(tenant)}|${short}`;
}

/** The tenant part of a host key (as given: see tenantKeyPart). */
export function tenantOfHostKey(key: string): string {
  const bar = key.indexOf('|');
  if (bar <= 0) return '';
  const part = key.slice(0, bar);
  return part.includes('%') ? part.replaceAll('%7C', '|').replaceAll('%25', '%') : part;
}

/** The short-name part of a host key. */
export function nameOfHostKey(key: string): string {
  const bar = key.indexOf('|');
  return bar < 0 ? key : key.slice(bar + 1);
}

/** True for an IPv4 or IPv6 literal (no regex: a character class walk). */
export function looksLikeIp(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  let dots = 0;
  let colons = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) dots++;
    else if (c === 58) colons++;
    else if (c >= 48 && c <= 57) continue;
    else if (colons > 0 && ((c >= 97 && c <= 102) || (c >= 65 && c <= 70))) continue;
    else return false;
  }
  return (dots === 3 && colons === 0) || colons >= 2;
}

/** A usable remote address (`::ffff:10.0.0.5` → `10.0.0.5`), or '' for `-`, loopback and unspecified ones. */
export function normalizeAddress(value: string | undefined): string {
  if (!value) return '';
  let s = value.trim().toLowerCase();
  if (s.startsWith('::ffff:')) s = s.slice(7);
  if (s === '' || s === '-' || s === '::1' || s === '::' || s === '0.0.0.0' || s.startsWith('127.'))
    return '';
  if (s.startsWith('fe80:')) return '';
  return looksLikeIp(s) ? s : '';
}

/** Accounts that say nothing about who did something: the OS itself, anonymous, window-manager sessions. */
const GENERIC_ACCOUNTS = new Set([
  'system',
  'local service',
  'localservice',
  'network service',
  'networkservice',
  'anonymous logon',
  'anonymous',
  'guest',
  '-',
  'n/a',
  'unknown',
  'nt authority',
  'defaultaccount',
  'trustedinstaller',
]);

const GENERIC_SIDS = new Set(['s-1-5-18', 's-1-5-19', 's-1-5-20', 's-1-5-7', 's-1-0-0', 's-1-5-6']);

/** True for an account that should never link activity: SYSTEM, services, anonymous, DWM-/UMFD- sessions. */
export function isGenericAccount(user: string): boolean {
  const u = user.toLowerCase();
  if (GENERIC_ACCOUNTS.has(u)) return true;
  if (u.startsWith('dwm-') || u.startsWith('umfd-') || u.startsWith('font driver host')) return true;
  if (u.startsWith('nt service\\') || u.startsWith('nt authority\\') || u.startsWith('window manager\\'))
    return true;
  return false;
}

/** True for a generic well-known SID (SYSTEM, LOCAL/NETWORK SERVICE, anonymous, null). */
export function isGenericSid(sid: string | undefined): boolean {
  return sid !== undefined && GENERIC_SIDS.has(sid.toLowerCase());
}

/** True for a machine account (`WS01$`). */
export function isMachineAccount(user: string): boolean {
  return user.length > 1 && user.endsWith('$');
}

function domainLabel(domain: string): string {
  const d = domain.trim().toLowerCase();
  if (d === '' || d === '-' || d === 'nt authority' || d === 'workgroup') return '';
  const dot = d.indexOf('.');
  return dot < 0 ? d : d.slice(0, dot);
}

/**
 * One key per account: `corp\alice` from `CORP\alice`, `alice@corp.example.com`, or (`alice`, `CORP`); `alice`
 * when no domain is known. Returns '' for empty, generic and machine accounts (machine accounts are hosts).
 */
export function normalizeAccount(user: string | undefined, domain?: string): string {
  if (!user) return '';
  let u = user.trim();
  let d = domain ?? '';
  if (u.length > 256) u = u.slice(0, 256);
  const slash = u.indexOf('\\');
  if (slash >= 0) {
    d = u.slice(0, slash);
    u = u.slice(slash + 1);
  } else {
    const at = u.indexOf('@');
    if (at > 0) {
      d = u.slice(at + 1);
      u = u.slice(0, at);
    }
  }
  u = u.trim().toLowerCase();
  if (u === '' || isGenericAccount(u) || isMachineAccount(u)) return '';
  const dl = domainLabel(d);
  if (dl !== '' && isGenericAccount(`${dl}\\${u}`)) return '';
  return dl === '' ? u : `${dl}\\${u}`;
}

/** The user part of an account key (`corp\alice` → `alice`). */
export function accountUser(key: string): string {
  const slash = key.indexOf('\\');
  return slash < 0 ? key : key.slice(slash + 1);
}

/** The host a machine account names (`CORP\WS01$` → `ws01`), or '' when it is not a machine account. */
export function machineAccountHost(user: string | undefined): string {
  if (!user) return '';
  let u = user.trim();
  const slash = u.indexOf('\\');
  if (slash >= 0) u = u.slice(slash + 1);
  const at = u.indexOf('@');
  if (at > 0) u = u.slice(0, at);
  return isMachineAccount(u) ? u.slice(0, -1).toLowerCase() : '';
}

/** A logon id in one spelling (`0x3E7`, `999` → `0x3e7`), or '' when absent or the SYSTEM session. */
export function normalizeLogonId(value: string | number | bigint | undefined): string {
  if (value === undefined) return '';
  let n: bigint;
  try {
    if (typeof value === 'string') {
      const s = value.trim().toLowerCase();
      if (s === '' || s === '-' || s.length > 24) return '';
      n = BigInt(s);
    } else {
      n = BigInt(value);
    }
  } catch {
    return '';
  }
  if (n === 0n || n === 0x3e7n || n === 0x3e4n || n === 0x3e5n) return '';
  return `0x${n.toString(16)}`;
}

/** The base name of a Windows or POSIX path, lower-cased (`C:\Tools\R.EXE` → `r.exe`). */
export function baseName(path: string): string {
  let end = path.length;
  while (end > 0 && (path[end - 1] === '\\' || path[end - 1] === '/' || path[end - 1] === '"')) end--;
  let i = end - 1;
  while (i >= 0 && path[i] !== '\\' && path[i] !== '/') i--;
  return path.slice(i + 1, end).toLowerCase();
}
