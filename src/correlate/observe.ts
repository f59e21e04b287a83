// Pulls entity facts out of one record into the graph. Runs in hunt workers on every record, so it switches on
// the event id first and returns at once (no allocation) for the events it does not care about.
import type { Detection } from '../engine/types.js';
import type { EventRecord, FieldValue } from '../event/types.js';
import { levelOf } from './cluster.js';
import { EntityGraph, GRAPH_LIMITS, type HostState } from './graph.js';
import {
  baseName,
  machineAccountHost,
  normalizeAccount,
  normalizeAddress,
  nameOfHostKey,
  normalizeLogonId,
  shortHostName,
} from './normalize.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const MAX_TEXT = 1024;

function text(record: EventRecord, name: string): string {
  const v: FieldValue | undefined = record.get(name);
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.length > MAX_TEXT ? v.slice(0, MAX_TEXT) : v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return '';
}

function num(record: EventRecord, name: string): number {
  const v = record.get(name);
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  if (typeof v === 'bigint') return Number(v);
  return NaN;
}

/** Ends-with test on a lower-cased base name, without building the base name. */
function imageIs(path: string, name: string): boolean {
  if (path.length < name.length) return false;
  const start = path.length - name.length;
  if (start > 0 && path[start - 1] !== '\\' && path[start - 1] !== '/') return false;
  return path.slice(start).toLowerCase() === name;
}

// The refs of a remote source, returned through module state so the hot path allocates no tuple.
let srcRef = '';
let srcAltRef = '';

/** Sets srcRef/srcAltRef for a remote source: its host name when the record gives one, else its address. */
function sourceRefs(name: string, address: string, self: HostState): void {
  const short = shortHostName(name);
  const ip = normalizeAddress(address);
  const selfShort = nameOfHostKey(self.key);
  srcRef = '';
  srcAltRef = '';
  if (short !== '' && short !== selfShort) {
    srcRef = `name:${short}`;
    srcAltRef = ip === '' ? '' : `ip:${ip}`;
  } else if (ip !== '' && !self.addresses.includes(ip)) srcRef = `ip:${ip}`;
}

/** True for RFC 1918 / unique-local addresses: the only ones worth learning owners for. */
function isPrivate(ip: string): boolean {
  if (ip.startsWith('10.') || ip.startsWith('192.168.')) return true;
  if (ip.startsWith('172.')) {
    const second = Number(ip.slice(4, ip.indexOf('.', 4)));
    return second >= 16 && second <= 31;
  }
  return ip.startsWith('fd') || ip.startsWith('fc');
}

function onLogon(record: EventRecord, graph: EntityGraph, h: HostState): void {
  const type = num(record, 'LogonType');
  if (type === 2 || type === 11) {
    h.interactiveLogons++;
    return;
  }
  // Service (5), batch (4), unlock and the like say nothing about movement between hosts.
  if (type !== 3 && type !== 10 && type !== 7) return;
  const user = text(record, 'TargetUserName');
  const ip = normalizeAddress(text(record, 'IpAddress'));
  const machine = machineAccountHost(user);
  if (machine !== '') {
    // A machine account logging on from an address tells us whose address it is.
    if (ip !== '') graph.addAddress(ip, `name:${machine}`, h.tenant);
    return;
  }
  const account = normalizeAccount(user, text(record, 'TargetDomainName'));
  if (account === '') return;
  const workstation = text(record, 'WorkstationName');
  sourceRefs(workstation, ip, h);
  const src = srcRef;
  const srcAlt = srcAltRef;
  // The SID is read once per account, not per logon.
  const sid = graph.knowsSidOf(account) ? '' : text(record, 'TargetUserSid');
  graph.touchAccount(account, user, sid, h.tenant, h.key, record.timestamp);
  if (src === '') return;
  if (ip !== '' && shortHostName(workstation) !== '')
    graph.addAddress(ip, `name:${shortHostName(workstation)}`, h.tenant);
  h.networkLogonsIn++;
  const how = type === 10 ? 'rdp' : 'logon';
  const edge = graph.addEdge(src, srcAlt, `host:${h.key}`, h.tenant, how, account, type, record.timestamp);
  if (edge) graph.addSession(h.key, normalizeLogonId(text(record, 'TargetLogonId')), edge);
}

function onExplicitCredentials(record: EventRecord, graph: EntityGraph, h: HostState): void {
  const account = normalizeAccount(text(record, 'TargetUserName'), text(record, 'TargetDomainName'));
  const target = shortHostName(text(record, 'TargetServerName'));
  const ip = normalizeAddress(text(record, 'IpAddress'));
  const selfShort = nameOfHostKey(h.key);
  if (account === '' || ((target === '' || target === selfShort) && ip === '')) return;
  const dst = target !== '' && target !== selfShort ? `name:${target}` : `ip:${ip}`;
  graph.touchAccount(account, text(record, 'TargetUserName'), '', h.tenant, h.key, record.timestamp);
  graph.addEdge(`host:${h.key}`, '', dst, h.tenant, 'explicit-credentials', account, 9, record.timestamp);
}

function onKerberos(record: EventRecord, graph: EntityGraph, h: HostState): void {
  h.kerberos++;
  // Machine TGTs teach addresses and user TGTs accounts; past a few hundred per DC a sample is enough.
  if (record.eventId !== 4768 || !sampled(h.kerberos)) return;
  const user = text(record, 'TargetUserName');
  const machine = machineAccountHost(user);
  const ip = normalizeAddress(text(record, 'IpAddress'));
  if (machine !== '' && ip !== '') graph.addAddress(ip, `name:${machine}`, h.tenant);
  else {
    const account = normalizeAccount(user, text(record, 'TargetDomainName'));
    graph.touchAccount(account, user, text(record, 'TargetSid'), h.tenant, '', record.timestamp);
  }
}

function onShare(record: EventRecord, graph: EntityGraph, h: HostState): void {
  const share = text(record, 'ShareName').toLowerCase();
  const ip = normalizeAddress(text(record, 'IpAddress'));
  const name = share.startsWith('\\\\*\\') ? share.slice(4) : share;
  if (name === 'ipc$') {
    const rel = text(record, 'RelativeTargetName').toLowerCase();
    if (ip !== '' && rel.includes('psexesvc')) {
      const account = normalizeAccount(text(record, 'SubjectUserName'), text(record, 'SubjectDomainName'));
      graph.addEdge(`ip:${ip}`, '', `host:${h.key}`, h.tenant, 'psexec', account, 3, record.timestamp);
    }
    return;
  }
  if (name === 'sysvol' || name === 'netlogon') {
    h.dcDuties++;
    return;
  }
  if (ip === '') return;
  const admin = name.endsWith('$');
  // 5145 repeats for every file touched on a share; 5140 (one per session) is enough for ordinary shares.
  if (!admin && record.eventId === 5145) return;
  const account = normalizeAccount(text(record, 'SubjectUserName'), text(record, 'SubjectDomainName'));
  if (!admin) {
    h.shareAccess++;
    EntityGraph.addDistinct(h.shareSources, ip, GRAPH_LIMITS.shareSources);
  }
  const rel = text(record, 'RelativeTargetName').toLowerCase();
  const how = rel.includes('psexesvc') ? 'psexec' : admin ? 'admin-share' : 'share';
  graph.touchAccount(account, text(record, 'SubjectUserName'), '', h.tenant, h.key, record.timestamp);
  graph.addEdge(`ip:${ip}`, '', `host:${h.key}`, h.tenant, how, account, 3, record.timestamp);
}

function onRemoteExecSample(
  record: EventRecord,
  h: HostState,
  value: string,
  how: string,
  account: string,
): void {
  EntityGraph.addSample(h.remoteExec, {
    time: record.timestamp,
    value: value.length > 256 ? value.slice(0, 256) : value,
    detail: how,
    account,
    file: record.source.file,
    recordId: record.recordId,
  });
}

function onServiceInstall(record: EventRecord, h: HostState): void {
  const name = text(record, 'ServiceName');
  const image = text(record, 'ImagePath') || text(record, 'ServiceFileName');
  const lower = `${name} ${image}`.toLowerCase();
  const how =
    lower.includes('psexesvc') || lower.includes('paexec') || lower.includes('remcom') ? 'psexec' : 'service';
  const account = normalizeAccount(text(record, 'SubjectUserName'), text(record, 'SubjectDomainName'));
  onRemoteExecSample(record, h, name, how, account);
}

function onRdp(record: EventRecord, graph: EntityGraph, h: HostState): void {
  let user: string;
  let address: string;
  let client = '';
  if (record.eventId === 1149) {
    user = normalizeAccount(text(record, 'Param1'), text(record, 'Param2'));
    address = text(record, 'Param3');
  } else if (record.eventId === 4778) {
    user = normalizeAccount(text(record, 'AccountName'), text(record, 'AccountDomain'));
    address = text(record, 'ClientAddress');
    client = text(record, 'ClientName');
  } else {
    user = normalizeAccount(text(record, 'User'));
    address = text(record, 'Address');
  }
  if (user === '') return;
  sourceRefs(client, address, h);
  const src = srcRef;
  const srcAlt = srcAltRef;
  graph.touchAccount(user, user, '', h.tenant, h.key, record.timestamp);
  if (src !== '') graph.addEdge(src, srcAlt, `host:${h.key}`, h.tenant, 'rdp', user, 10, record.timestamp);
}

/** Reads every one of the first SAMPLE_ALL events of a kind per host, then one in SAMPLE_EVERY. */
const SAMPLE_ALL = 256;
const SAMPLE_EVERY = 32;

function sampled(n: number): boolean {
  return n <= SAMPLE_ALL || n % SAMPLE_EVERY === 0;
}

const ARCHIVE_EXTENSIONS = ['.rar', '.7z', '.zip', '.tar', '.gz', '.cab', '.001', '.part1.rar'];

function onSysmon(record: EventRecord, graph: EntityGraph, h: HostState): void {
  switch (record.eventId) {
    case 1: {
      // Commands run through WMI, WinRM or PsExec are children of their service host process.
      const parent = text(record, 'ParentImage');
      let how = '';
      if (imageIs(parent, 'wmiprvse.exe')) how = 'wmi';
      else if (imageIs(parent, 'wsmprovhost.exe')) how = 'winrm';
      else if (imageIs(parent, 'psexesvc.exe')) how = 'psexec';
      if (how !== '')
        graph.addProcessSession(h.key, normalizeLogonId(text(record, 'LogonId')), how, record.timestamp);
      return;
    }
    case 3: {
      if (!sampled(++h.netEvents)) return;
      const initiated = text(record, 'Initiated').toLowerCase() === 'true';
      const own = normalizeAddress(text(record, initiated ? 'SourceIp' : 'DestinationIp'));
      if (own !== '' && isPrivate(own)) {
        EntityGraph.addDistinct(h.addresses, own, GRAPH_LIMITS.hostAddresses);
        graph.addAddress(own, `host:${h.key}`, h.tenant);
      }
      const otherIp = normalizeAddress(text(record, initiated ? 'DestinationIp' : 'SourceIp'));
      if (otherIp === '' || !isPrivate(otherIp)) return;
      const otherName = shortHostName(text(record, initiated ? 'DestinationHostname' : 'SourceHostname'));
      if (otherName !== '') graph.addAddress(otherIp, `name:${otherName}`, h.tenant);
      return;
    }
    case 11: {
      const path = text(record, 'TargetFilename');
      const lower = path.toLowerCase();
      if (!ARCHIVE_EXTENSIONS.some((x) => lower.endsWith(x))) return;
      EntityGraph.addSample(h.archives, {
        time: record.timestamp,
        value: baseName(path),
        detail: path.length > 512 ? path.slice(0, 512) : path,
        file: record.source.file,
        recordId: record.recordId,
      });
      return;
    }
    case 17:
    case 18: {
      const pipe = text(record, 'PipeName').toLowerCase();
      if (pipe.includes('psexesvc') || pipe.includes('paexec') || pipe.includes('remcom')) {
        onRemoteExecSample(record, h, pipe, 'psexec', '');
      }
      return;
    }
    case 22: {
      if (!sampled(++h.dnsEvents)) return;
      const name = shortHostName(text(record, 'QueryName'));
      const results = text(record, 'QueryResults');
      if (name === '' || results === '') return;
      // Only internal answers help resolve lateral movement; public ones would only grow the address table.
      for (const part of results.split(';', 16)) {
        const ip = normalizeAddress(part);
        if (ip !== '' && isPrivate(ip)) graph.addAddress(ip, `name:${name}`, h.tenant);
      }
      return;
    }
  }
}

function onProcessCreation4688(record: EventRecord, graph: EntityGraph, h: HostState): void {
  const parent = text(record, 'ParentProcessName');
  const image = text(record, 'NewProcessName');
  let how = '';
  if (imageIs(parent, 'wmiprvse.exe')) how = 'wmi';
  else if (imageIs(parent, 'wsmprovhost.exe') || imageIs(image, 'wsmprovhost.exe')) how = 'winrm';
  else if (imageIs(parent, 'psexesvc.exe')) how = 'psexec';
  if (how === '') return;
  const id =
    normalizeLogonId(text(record, 'TargetLogonId')) || normalizeLogonId(text(record, 'SubjectLogonId'));
  graph.addProcessSession(h.key, id, how, record.timestamp);
}

/** Adds what one record says about hosts, accounts, addresses and edges to the graph (cheap; never throws). */
export function observeRecord(record: EventRecord, graph: EntityGraph): void {
  const id = record.eventId;
  switch (id) {
    case 4624:
    case 4648:
    case 4688:
    case 4697:
    case 4698:
    case 4742:
    case 4768:
    case 4769:
    case 4770:
    case 4771:
    case 4776:
    case 4778:
    case 5140:
    case 5145:
    case 1:
    case 3:
    case 11:
    case 17:
    case 18:
    case 21:
    case 22:
    case 25:
    case 1149:
    case 7045:
    case 5805:
    case 5723:
    case 5827:
    case 5828:
    case 5829:
    case 5830:
    case 5831:
      break;
    default:
      if (record.channel === 'Directory Service') {
        const dh = graph.host(record.source.tenant, record.computer, record.timestamp);
        if (dh) dh.directory++;
      }
      return;
  }
  try {
    observeInteresting(record, graph, id);
  } catch {
    // Hostile data must never stop a hunt: a record we cannot read adds nothing to the graph.
  }
}

function observeInteresting(record: EventRecord, graph: EntityGraph, id: number): void {
  const channel = record.channel;
  const h = graph.host(record.source.tenant, record.computer, record.timestamp);
  if (!h) return;
  if (id <= 25) {
    if (channel === SYSMON) onSysmon(record, graph, h);
    else if (
      (id === 21 || id === 22 || id === 25) &&
      channel.startsWith('Microsoft-Windows-TerminalServices')
    ) {
      onRdp(record, graph, h);
    }
    return;
  }
  switch (id) {
    case 4624:
      return onLogon(record, graph, h);
    case 4648:
      return onExplicitCredentials(record, graph, h);
    case 4688:
      return onProcessCreation4688(record, graph, h);
    case 4697:
      return onServiceInstall(record, h);
    case 4698: {
      const account = normalizeAccount(text(record, 'SubjectUserName'), text(record, 'SubjectDomainName'));
      return onRemoteExecSample(record, h, text(record, 'TaskName'), 'scheduled-task', account);
    }
    case 4742:
      if (channel === 'Security') h.dcDuties++;
      return;
    case 4768:
    case 4769:
    case 4770:
    case 4771:
      if (channel === 'Security') onKerberos(record, graph, h);
      return;
    case 4776:
      h.ntlm++;
      return;
    case 4778:
    case 1149:
      return onRdp(record, graph, h);
    case 5140:
    case 5145:
      return onShare(record, graph, h);
    case 7045:
      if (channel === 'System') onServiceInstall(record, h);
      return;
    default:
      // 5723, 5805, 5827-5831: Netlogon secure channel events, logged by domain controllers.
      if (channel === 'System') h.netlogon++;
  }
}

/** Tells the graph a record matched a rule on its host, so a full edge table keeps that host's edges. */
export function observeDetection(detection: Detection, graph: EntityGraph): void {
  graph.markDetectedComputer(detection.tenant, detection.host, levelOf(detection));
}
