// EventSpec builders for the Windows events the demo writes: Sysmon, Security, System, PowerShell,
// Application (ESENT) and Directory Service, with the field sets Windows itself writes.
import type { EventSpec } from '../evtx/writer-types.js';
import type { DemoAccount, DemoHost } from './tenants.js';

const SYSMON = {
  provider: 'Microsoft-Windows-Sysmon',
  providerGuid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}',
  channel: 'Microsoft-Windows-Sysmon/Operational',
} as const;
const SECURITY = {
  provider: 'Microsoft-Windows-Security-Auditing',
  providerGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
  channel: 'Security',
} as const;
const AUDIT_SUCCESS = 0x8020000000000000n;
const SCM = {
  provider: 'Service Control Manager',
  providerGuid: '{555908d1-a6d7-4695-8e1e-26931d2012f4}',
  eventSourceName: 'Service Control Manager',
  channel: 'System',
} as const;
const EVENTLOG_PROVIDER = 'Microsoft-Windows-Eventlog';
const EVENTLOG_GUID = '{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}';
const EVENTLOG_NS = 'http://manifests.microsoft.com/win/2004/08/windows/eventlog';
const POWERSHELL = {
  provider: 'Microsoft-Windows-PowerShell',
  providerGuid: '{A0C1853B-5C40-4B15-8766-3CF1C58F985A}',
  channel: 'Microsoft-Windows-PowerShell/Operational',
} as const;

/** Channel names as the demo writes them, also used to name the files. */
export const CHANNELS = {
  sysmon: SYSMON.channel,
  security: 'Security',
  system: 'System',
  powershell: POWERSHELL.channel,
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

const stableGuids = new Map<string, string>();
/** A GUID that stays the same for one host and purpose (long-lived parent processes and logons). */
export function stableGuid(host: DemoHost, purpose: string): string {
  const key = host.name + '|' + purpose;
  let guid = stableGuids.get(key);
  if (!guid) {
    const h = fnv(key, 32).toUpperCase();
    guid = `{${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}}`;
    stableGuids.set(key, guid);
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

function basename(path: string): string {
  return path.slice(path.lastIndexOf('\\') + 1);
}

export interface ProcessArgs {
  image: string;
  commandLine: string;
  parentImage: string;
  parentCommandLine: string;
  user: string;
  originalFileName?: string;
  hashes?: string;
  currentDirectory?: string;
  integrityLevel?: string;
  description?: string;
  company?: string;
}

/** Sysmon 1: process creation. */
export function sysmonProcess(host: DemoHost, time: number, a: ProcessArgs): EventSpec {
  return {
    provider: SYSMON.provider,
    providerGuid: SYSMON.providerGuid,
    channel: SYSMON.channel,
    eventId: 1,
    version: 5,
    level: 4,
    task: 1,
    keywords: 0x8000000000000000n,
    time,
    computer: host.fqdn,
    userSid: 'S-1-5-18',
    processId: 3060,
    threadId: 4120,
    data: {
      RuleName: '-',
      UtcTime: utcTime(time),
      ProcessGuid: processGuid(host),
      ProcessId: 1000 + (time % 60000),
      Image: a.image,
      FileVersion: '-',
      Description: a.description ?? '-',
      Product: '-',
      Company: a.company ?? '-',
      OriginalFileName: a.originalFileName ?? basename(a.image),
      CommandLine: a.commandLine,
      CurrentDirectory: a.currentDirectory ?? 'C:\\Windows\\system32\\',
      User: a.user,
      LogonGuid: stableGuid(host, a.user),
      LogonId: '0x3e7',
      TerminalSessionId: 0,
      IntegrityLevel: a.integrityLevel ?? 'High',
      Hashes: a.hashes ?? hashesOf(a.image),
      ParentProcessGuid: stableGuid(host, a.parentImage),
      ParentProcessId: 500 + (time % 4000),
      ParentImage: a.parentImage,
      ParentCommandLine: a.parentCommandLine,
      ParentUser: a.user,
    },
  };
}

/** Sysmon 3: network connection. */
export function sysmonNetwork(
  host: DemoHost,
  time: number,
  a: {
    image: string;
    user: string;
    destinationIp: string;
    destinationPort: number;
    destinationHostname?: string;
  },
): EventSpec {
  return {
    provider: SYSMON.provider,
    providerGuid: SYSMON.providerGuid,
    channel: SYSMON.channel,
    eventId: 3,
    version: 5,
    level: 4,
    task: 3,
    keywords: 0x8000000000000000n,
    time,
    computer: host.fqdn,
    userSid: 'S-1-5-18',
    data: {
      RuleName: '-',
      UtcTime: utcTime(time),
      ProcessGuid: processGuid(host),
      ProcessId: 2000 + (time % 9000),
      Image: a.image,
      User: a.user,
      Protocol: 'tcp',
      Initiated: true,
      SourceIsIpv6: false,
      SourceIp: host.ip,
      SourceHostname: host.fqdn,
      SourcePort: 49152 + (time % 16000),
      SourcePortName: '-',
      DestinationIsIpv6: false,
      DestinationIp: a.destinationIp,
      DestinationHostname: a.destinationHostname ?? '-',
      DestinationPort: a.destinationPort,
      DestinationPortName:
        a.destinationPort === 443 ? 'https' : a.destinationPort === 445 ? 'microsoft-ds' : '-',
    },
  };
}

/** Sysmon 22: DNS query. */
export function sysmonDns(
  host: DemoHost,
  time: number,
  a: { image: string; query: string; result: string },
): EventSpec {
  return {
    provider: SYSMON.provider,
    providerGuid: SYSMON.providerGuid,
    channel: SYSMON.channel,
    eventId: 22,
    version: 5,
    level: 4,
    task: 22,
    keywords: 0x8000000000000000n,
    time,
    computer: host.fqdn,
    userSid: 'S-1-5-18',
    data: {
      RuleName: '-',
      UtcTime: utcTime(time),
      ProcessGuid: processGuid(host),
      ProcessId: 2000 + (time % 9000),
      QueryName: a.query,
      QueryStatus: '0',
      QueryResults: `::ffff:${a.result};`,
      Image: a.image,
      User: 'NT AUTHORITY\\SYSTEM',
    },
  };
}

/** Sysmon 11: file created. */
export function sysmonFile(
  host: DemoHost,
  time: number,
  a: { image: string; target: string; user: string },
): EventSpec {
  return {
    provider: SYSMON.provider,
    providerGuid: SYSMON.providerGuid,
    channel: SYSMON.channel,
    eventId: 11,
    version: 2,
    level: 4,
    task: 11,
    keywords: 0x8000000000000000n,
    time,
    computer: host.fqdn,
    userSid: 'S-1-5-18',
    data: {
      RuleName: '-',
      UtcTime: utcTime(time),
      ProcessGuid: processGuid(host),
      ProcessId: 2000 + (time % 9000),
      Image: a.image,
      TargetFilename: a.target,
      CreationUtcTime: utcTime(time),
      User: a.user,
    },
  };
}

/** Sysmon 7: image loaded. */
export function sysmonImageLoad(
  host: DemoHost,
  time: number,
  a: { image: string; loaded: string; user: string; hashes?: string; signed?: boolean; signature?: string },
): EventSpec {
  return {
    provider: SYSMON.provider,
    providerGuid: SYSMON.providerGuid,
    channel: SYSMON.channel,
    eventId: 7,
    version: 3,
    level: 4,
    task: 7,
    keywords: 0x8000000000000000n,
    time,
    computer: host.fqdn,
    userSid: 'S-1-5-18',
    data: {
      RuleName: '-',
      UtcTime: utcTime(time),
      ProcessGuid: processGuid(host),
      ProcessId: 2000 + (time % 9000),
      Image: a.image,
      ImageLoaded: a.loaded,
      FileVersion: '-',
      Description: '-',
      Product: '-',
      Company: '-',
      OriginalFileName: basename(a.loaded),
      Hashes: a.hashes ?? hashesOf(a.loaded),
      Signed: a.signed ?? true,
      Signature: a.signature ?? 'Microsoft Windows',
      SignatureStatus: 'Valid',
      User: a.user,
    },
  };
}

function security(
  host: DemoHost,
  time: number,
  eventId: number,
  data: EventSpec['data'],
  task = 12544,
): EventSpec {
  return {
    provider: SECURITY.provider,
    providerGuid: SECURITY.providerGuid,
    channel: SECURITY.channel,
    eventId,
    version: eventId === 4624 ? 2 : 0,
    level: 0,
    task,
    keywords: AUDIT_SUCCESS,
    time,
    computer: host.fqdn,
    processId: 788,
    threadId: 1200 + (time % 800),
    data,
  };
}

export interface LogonArgs {
  account: DemoAccount;
  logonType: number;
  ip: string;
  workstation: string;
  logonId: string;
  authPackage?: string;
  processName?: string;
}

/** Security 4624: an account logged on. */
export function secLogon(host: DemoHost, time: number, a: LogonArgs): EventSpec {
  const kerberos = (a.authPackage ?? 'Kerberos') === 'Kerberos';
  return security(host, time, 4624, {
    SubjectUserSid: a.logonType === 3 ? 'S-1-0-0' : 'S-1-5-18',
    SubjectUserName: a.logonType === 3 ? '-' : `${host.name}$`,
    SubjectDomainName: a.logonType === 3 ? '-' : a.account.domain,
    SubjectLogonId: a.logonType === 3 ? '0x0' : '0x3e7',
    TargetUserSid: a.account.sid,
    TargetUserName: a.account.user,
    TargetDomainName: a.account.domain,
    TargetLogonId: a.logonId,
    LogonType: a.logonType,
    LogonProcessName: kerberos ? 'Kerberos' : a.logonType === 10 ? 'User32' : 'NtLmSsp',
    AuthenticationPackageName: a.authPackage ?? 'Kerberos',
    WorkstationName: a.workstation,
    LogonGuid: '{00000000-0000-0000-0000-000000000000}',
    TransmittedServices: '-',
    LmPackageName: kerberos ? '-' : 'NTLM V2',
    KeyLength: 0,
    ProcessId: a.logonType === 3 ? '0x0' : '0x2f4',
    ProcessName: a.processName ?? (a.logonType === 3 ? '-' : 'C:\\Windows\\System32\\svchost.exe'),
    IpAddress: a.ip,
    IpPort: a.ip === '-' ? '-' : String(49152 + (time % 16000)),
    ImpersonationLevel: '%%1833',
    RestrictedAdminMode: '-',
    TargetOutboundUserName: '-',
    TargetOutboundDomainName: '-',
    VirtualAccount: '%%1843',
    TargetLinkedLogonId: '0x0',
    ElevatedToken: '%%1842',
  });
}

/** Security 4634: logoff. */
export function secLogoff(
  host: DemoHost,
  time: number,
  account: DemoAccount,
  logonType: number,
  logonId: string,
): EventSpec {
  return security(
    host,
    time,
    4634,
    {
      TargetUserSid: account.sid,
      TargetUserName: account.user,
      TargetDomainName: account.domain,
      TargetLogonId: logonId,
      LogonType: logonType,
    },
    12545,
  );
}

/** Security 4672: special privileges assigned to a new logon. */
export function secSpecialPrivileges(
  host: DemoHost,
  time: number,
  account: DemoAccount,
  logonId: string,
): EventSpec {
  return security(
    host,
    time,
    4672,
    {
      SubjectUserSid: account.sid,
      SubjectUserName: account.user,
      SubjectDomainName: account.domain,
      SubjectLogonId: logonId,
      PrivilegeList:
        'SeSecurityPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\tSeDebugPrivilege',
    },
    12548,
  );
}

/** Security 4648: logon with explicit credentials. */
export function secExplicitCredentials(
  host: DemoHost,
  time: number,
  a: { subject: DemoAccount; target: DemoAccount; server: string; process: string; ip: string },
): EventSpec {
  return security(host, time, 4648, {
    SubjectUserSid: a.subject.sid,
    SubjectUserName: a.subject.user,
    SubjectDomainName: a.subject.domain,
    SubjectLogonId: '0x4a1f2',
    LogonGuid: '{00000000-0000-0000-0000-000000000000}',
    TargetUserName: a.target.user,
    TargetDomainName: a.target.domain,
    TargetLogonGuid: '{00000000-0000-0000-0000-000000000000}',
    TargetServerName: a.server,
    TargetInfo: a.server,
    ProcessId: '0x1a2c',
    ProcessName: a.process,
    IpAddress: a.ip,
    IpPort: '445',
  });
}

/** Security 4768/4769/4776 on a domain controller: Kerberos and NTLM authentication. */
export function secAuthentication(
  host: DemoHost,
  time: number,
  eventId: 4768 | 4769 | 4776,
  account: DemoAccount,
  ip: string,
  service?: string,
): EventSpec {
  if (eventId === 4776)
    return security(
      host,
      time,
      4776,
      {
        PackageName: 'MICROSOFT_AUTHENTICATION_PACKAGE_V1_0',
        TargetUserName: account.user,
        Workstation: ip,
        Status: '0x0',
      },
      14336,
    );
  return security(
    host,
    time,
    eventId,
    {
      TargetUserName: account.user,
      TargetDomainName: account.domain.toUpperCase(),
      ServiceName: service ?? 'krbtgt',
      ServiceSid: account.sid.replace(/-\d+$/, '-502'),
      TicketOptions: '0x40810010',
      Status: '0x0',
      TicketEncryptionType: '0x12',
      PreAuthType: '2',
      IpAddress: `::ffff:${ip}`,
      IpPort: String(49152 + (time % 16000)),
    },
    eventId === 4768 ? 14339 : 14337,
  );
}

/** Security 5140: a network share was accessed. */
export function secShareAccess(
  host: DemoHost,
  time: number,
  account: DemoAccount,
  share: string,
  ip: string,
): EventSpec {
  return security(
    host,
    time,
    5140,
    {
      SubjectUserSid: account.sid,
      SubjectUserName: account.user,
      SubjectDomainName: account.domain,
      SubjectLogonId: '0x5f1a3',
      ObjectType: 'File',
      IpAddress: ip,
      IpPort: String(49152 + (time % 16000)),
      ShareName: `\\\\*\\${share}`,
      ShareLocalPath:
        share === 'ADMIN$'
          ? '\\??\\C:\\Windows'
          : share === 'C$'
            ? '\\??\\C:\\'
            : `\\??\\D:\\Shares\\${share}`,
      AccessMask: '0x1',
      AccessList: '%%4416\r\n\t\t\t\t',
    },
    12808,
  );
}

/** Security 4698: a scheduled task was created. */
export function secTaskCreated(
  host: DemoHost,
  time: number,
  account: DemoAccount,
  taskName: string,
  command: string,
): EventSpec {
  return security(
    host,
    time,
    4698,
    {
      SubjectUserSid: account.sid,
      SubjectUserName: account.user,
      SubjectDomainName: account.domain,
      SubjectLogonId: '0x61f2c',
      TaskName: taskName,
      TaskContent: `<?xml version="1.0" encoding="UTF-16"?><Task version="1.2"><Actions Context="Author"><Exec><Command>${command}</Command></Exec></Actions></Task>`,
    },
    12804,
  );
}

/** Security 4742: a computer account was changed. */
export function secComputerChanged(
  host: DemoHost,
  time: number,
  a: {
    subjectUser: string;
    subjectDomain: string;
    subjectSid: string;
    target: string;
    domain: string;
    passwordLastSet: string;
  },
): EventSpec {
  return security(
    host,
    time,
    4742,
    {
      ComputerAccountChange: '-',
      TargetUserName: a.target,
      TargetDomainName: a.domain,
      TargetSid: `S-1-5-21-0-0-0-1000`,
      SubjectUserSid: a.subjectSid,
      SubjectUserName: a.subjectUser,
      SubjectDomainName: a.subjectDomain,
      SubjectLogonId: '0x3e6',
      PrivilegeList: '-',
      SamAccountName: '-',
      DisplayName: '-',
      UserPrincipalName: '-',
      HomeDirectory: '-',
      PasswordLastSet: a.passwordLastSet,
      UserAccountControl: '-',
      DnsHostName: '-',
    },
    13825,
  );
}

/** Security 4662: an operation was performed on a directory object (replication rights when DCSync). */
export function secDirectoryOperation(
  host: DemoHost,
  time: number,
  subject: DemoAccount,
  properties: string,
): EventSpec {
  return security(
    host,
    time,
    4662,
    {
      SubjectUserSid: subject.sid,
      SubjectUserName: subject.user,
      SubjectDomainName: subject.domain,
      SubjectLogonId: '0x8b2f1',
      ObjectServer: 'DS',
      ObjectType: '%{19195a5b-6da0-11d0-afd3-00c04fd930c9}',
      ObjectName: '%{d5e5a6a1-1b2e-4c3f-9a0b-1234567890ab}',
      OperationType: 'Object Access',
      HandleId: '0x0',
      AccessList: '%%7688\r\n\t\t\t\t',
      AccessMask: '0x100',
      Properties: properties,
      AdditionalInfo: '-',
      AdditionalInfo2: '',
    },
    14080,
  );
}

/** Security 1102: the audit log was cleared. */
export function secLogCleared(host: DemoHost, time: number, account: DemoAccount): EventSpec {
  return {
    provider: EVENTLOG_PROVIDER,
    providerGuid: EVENTLOG_GUID,
    eventId: 1102,
    level: 4,
    task: 104,
    keywords: 0x4020000000000000n,
    time,
    channel: 'Security',
    computer: host.fqdn,
    userData: {
      element: 'LogFileCleared',
      xmlns: EVENTLOG_NS,
      fields: {
        SubjectUserSid: account.sid,
        SubjectUserName: account.user,
        SubjectDomainName: account.domain,
        SubjectLogonId: '0x61f2c',
      },
    },
  };
}

/** System 104: an event log was cleared. */
export function sysLogCleared(
  host: DemoHost,
  time: number,
  account: DemoAccount,
  channel: string,
): EventSpec {
  return {
    provider: EVENTLOG_PROVIDER,
    providerGuid: EVENTLOG_GUID,
    eventId: 104,
    level: 4,
    task: 104,
    keywords: 0x8000000000000000n,
    time,
    channel: 'System',
    computer: host.fqdn,
    userSid: account.sid,
    userData: {
      element: 'LogFileCleared',
      xmlns: EVENTLOG_NS,
      fields: {
        SubjectUserName: account.user,
        SubjectDomainName: account.domain,
        Channel: channel,
        BackupPath: '',
      },
    },
  };
}

/** System 7045: a service was installed. */
export function sysServiceInstalled(
  host: DemoHost,
  time: number,
  a: { name: string; path: string; account?: string; sid: string },
): EventSpec {
  return {
    provider: SCM.provider,
    providerGuid: SCM.providerGuid,
    eventSourceName: SCM.eventSourceName,
    channel: SCM.channel,
    eventId: 7045,
    qualifiers: 16384,
    level: 4,
    keywords: 0x8080000000000000n,
    time,
    computer: host.fqdn,
    userSid: a.sid,
    data: {
      ServiceName: a.name,
      ImagePath: a.path,
      ServiceType: 'user mode service',
      StartType: 'demand start',
      AccountName: a.account ?? 'LocalSystem',
    },
  };
}

/** System 7036: a service entered a state. */
export function sysServiceState(host: DemoHost, time: number, service: string, state: string): EventSpec {
  return {
    provider: SCM.provider,
    providerGuid: SCM.providerGuid,
    eventSourceName: SCM.eventSourceName,
    channel: SCM.channel,
    eventId: 7036,
    qualifiers: 16384,
    level: 4,
    keywords: 0x8080000000000000n,
    time,
    computer: host.fqdn,
    data: { param1: service, param2: state, Binary: '' },
  };
}

/** System 5829 (NETLOGON): a vulnerable Netlogon secure channel connection was allowed. */
export function netlogonVulnerableAllowed(
  host: DemoHost,
  time: number,
  machine: string,
  domain: string,
  ip: string,
): EventSpec {
  return {
    provider: 'NETLOGON',
    eventSourceName: 'NETLOGON',
    eventId: 5829,
    qualifiers: 0,
    level: 3,
    keywords: 0x80000000000000n,
    time,
    channel: 'System',
    computer: host.fqdn,
    data: [
      ['', machine],
      ['', domain],
      ['', 'Workstation'],
      ['', 'Windows'],
      ['', '10.0'],
      ['', ip],
    ],
  };
}

/** Application 325/326 (ESENT): a database was created or attached. */
export function esentDatabase(
  host: DemoHost,
  time: number,
  eventId: 216 | 325 | 326,
  processName: string,
  path: string,
): EventSpec {
  return {
    provider: 'ESENT',
    eventSourceName: 'ESENT',
    eventId,
    qualifiers: 0,
    level: 4,
    task: 1,
    keywords: 0x80000000000000n,
    time,
    channel: 'Application',
    computer: host.fqdn,
    data: [
      ['', processName],
      ['', String(3000 + (time % 5000))],
      ['', ''],
      ['', '0'],
      ['', path],
    ],
  };
}

/** PowerShell 4104: a script block was logged. */
export function psScriptBlock(host: DemoHost, time: number, script: string, path = ''): EventSpec {
  return {
    provider: POWERSHELL.provider,
    providerGuid: POWERSHELL.providerGuid,
    channel: POWERSHELL.channel,
    eventId: 4104,
    version: 1,
    level: script.includes('Invoke-') ? 3 : 5,
    task: 2,
    opcode: 15,
    keywords: 0n,
    time,
    computer: host.fqdn,
    userSid: 'S-1-5-18',
    data: {
      MessageNumber: 1,
      MessageTotal: 1,
      ScriptBlockText: script,
      ScriptBlockId: `{${fnv(script, 8)}-${fnv(script + 'a', 4)}-4${fnv(script + 'b', 3)}-8${fnv(script + 'c', 3)}-${fnv(script + 'd', 12)}}`,
      Path: path,
    },
  };
}

/** Directory Service events on a domain controller (LDAP bind summary, replication latency notes). */
export function directoryServiceEvent(
  host: DemoHost,
  time: number,
  eventId: 1644 | 2887 | 1394,
  text: string,
): EventSpec {
  return {
    provider: 'Microsoft-Windows-ActiveDirectory_DomainService',
    providerGuid: '{0e8478c5-3605-4e8c-8497-1e730c959516}',
    eventSourceName: 'NTDS General',
    eventId,
    qualifiers: 16384,
    level: 4,
    task: eventId === 2887 ? 16 : 15,
    keywords: 0x80000000000000n,
    time,
    channel: 'Directory Service',
    computer: host.fqdn,
    userSid: 'S-1-5-7',
    data: [['', text]],
  };
}
