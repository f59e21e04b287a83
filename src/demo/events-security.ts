// Security log event builders (logons, authentication, shares, tasks, directory changes, log cleared).
import type { EventSpec } from '../evtx/writer-types.js';
import type { DemoAccount, DemoHost } from './tenants.js';

const SECURITY = {
  provider: 'Microsoft-Windows-Security-Auditing',
  providerGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
  channel: 'Security',
} as const;
const AUDIT_SUCCESS = 0x8020000000000000n;
const EVENTLOG_PROVIDER = 'Microsoft-Windows-Eventlog';
const EVENTLOG_GUID = '{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}';
const EVENTLOG_NS = 'http://manifests.microsoft.com/win/2004/08/windows/eventlog';

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
  workstation?: string,
): EventSpec {
  if (eventId === 4776)
    return security(
      host,
      time,
      4776,
      {
        PackageName: 'MICROSOFT_AUTHENTICATION_PACKAGE_V1_0',
        TargetUserName: account.user,
        Workstation: workstation ?? ip,
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
