// Sysmon event builders (process creation, network, DNS, file, image load) with Sysmon's own field sets.
import type { EventDataValue, EventSpec } from '../evtx/writer-types.js';
import { basename, hashesOf, processGuid, stableGuid, utcTime } from './events-common.js';
import type { DemoHost } from './tenants.js';

const SYSMON = {
  provider: 'Microsoft-Windows-Sysmon',
  providerGuid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}',
  channel: 'Microsoft-Windows-Sysmon/Operational',
} as const;

/** Envelope options besides the defaults: the data's ProcessId, System fields such as the writing thread. */
interface SysmonEnvelope {
  readonly processId?: number;
  readonly system?: Pick<EventSpec, 'processId' | 'threadId'>;
}

/**
 * The envelope every Sysmon event shares (provider, channel, task = event id, level, keywords, host, SYSTEM)
 * and the head of its data (rule name, UTC time, process GUID and id), followed by the event's own fields.
 */
function sysmonEvent(
  host: DemoHost,
  time: number,
  eventId: number,
  version: number,
  fields: Record<string, EventDataValue>,
  opts: SysmonEnvelope = {},
): EventSpec {
  return {
    provider: SYSMON.provider,
    providerGuid: SYSMON.providerGuid,
    channel: SYSMON.channel,
    eventId,
    version,
    level: 4,
    task: eventId,
    keywords: 0x8000000000000000n,
    time,
    computer: host.fqdn,
    userSid: 'S-1-5-18',
    ...opts.system,
    data: {
      RuleName: '-',
      UtcTime: utcTime(time),
      ProcessGuid: processGuid(host),
      ProcessId: opts.processId ?? 2000 + (time % 9000),
      ...fields,
    },
  };
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
  return sysmonEvent(
    host,
    time,
    1,
    5,
    {
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
    { processId: 1000 + (time % 60000), system: { processId: 3060, threadId: 4120 } },
  );
}

/** The interactive shell most hands-on-keyboard commands are typed into. */
export const CMD_EXE = 'C:\\Windows\\System32\\cmd.exe';

/** Sysmon 1 for a command typed into an interactive cmd.exe (its parent). */
export function sysmonFromCmd(
  host: DemoHost,
  time: number,
  a: Omit<ProcessArgs, 'parentImage' | 'parentCommandLine'>,
): EventSpec {
  return sysmonProcess(host, time, { ...a, parentImage: CMD_EXE, parentCommandLine: `"${CMD_EXE}"` });
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
  return sysmonEvent(host, time, 3, 5, {
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
  });
}

/** Sysmon 22: DNS query. */
export function sysmonDns(
  host: DemoHost,
  time: number,
  a: { image: string; query: string; result: string },
): EventSpec {
  return sysmonEvent(host, time, 22, 5, {
    QueryName: a.query,
    QueryStatus: '0',
    QueryResults: `::ffff:${a.result};`,
    Image: a.image,
    User: 'NT AUTHORITY\\SYSTEM',
  });
}

/** Sysmon 11: file created. */
export function sysmonFile(
  host: DemoHost,
  time: number,
  a: { image: string; target: string; user: string },
): EventSpec {
  return sysmonEvent(host, time, 11, 2, {
    Image: a.image,
    TargetFilename: a.target,
    CreationUtcTime: utcTime(time),
    User: a.user,
  });
}

/** Sysmon 7: image loaded. */
export function sysmonImageLoad(
  host: DemoHost,
  time: number,
  a: { image: string; loaded: string; user: string; hashes?: string; signed?: boolean; signature?: string },
): EventSpec {
  return sysmonEvent(host, time, 7, 3, {
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
  });
}
