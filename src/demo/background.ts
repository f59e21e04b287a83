// Believable benign activity, one host and one day at a time: logons, office work, authentication on domain
// controllers, share access on file servers, provider remote-management work, updates, scheduled tasks,
// service installs and noisy-but-benign admin tools that look a little like the campaign's.
import type { EventSpec } from '../evtx/writer-types.js';
import {
  directoryServiceEvent,
  psScriptBlock,
  secAuthentication,
  secComputerChanged,
  secDirectoryOperation,
  secLogoff,
  secLogon,
  secShareAccess,
  sysServiceState,
  sysmonDns,
  sysmonFile,
  sysmonImageLoad,
  sysmonNetwork,
  sysmonProcess,
} from './events.js';
import { BENIGN_DOMAINS, WORKSTATION_APPS } from './names.js';
import { fnv, resetGuidCounter } from './events.js';
import { exchange, jumpHost, patchNight, providerMaintenance } from './background-admin.js';
import { Prng } from './prng.js';
import type { DemoAccount, DemoHost, DemoTenant, DemoWorld } from './tenants.js';

const HOUR = 3_600_000;
const SYSTEM_ACCOUNT = 'NT AUTHORITY\\SYSTEM';
const REPLICATION_GUIDS =
  '%%7688\r\n\t\t{1131f6aa-9c07-11d1-f79f-00c04fc2dcd2}\r\n\t{19195a5b-6da0-11d0-afd3-00c04fd930c9}';
const SERVICES = [
  'Windows Update',
  'Background Intelligent Transfer Service',
  'WinHTTP Web Proxy Auto-Discovery Service',
  'Windows Modules Installer',
  'Google Update Service (gupdate)',
];
const SHARES = ['Finance', 'HR', 'Engineering', 'Sales', 'Public', 'Projects'];
// Apps that do not talk to the internet themselves.
const OFFLINE_APPS = ['\\notepad.exe', '\\explorer.exe', '\\EXCEL.EXE', '\\WINWORD.EXE'];
const EXTERNAL_IPS = [
  '13.107.42.14',
  '20.190.151.7',
  '142.250.72.196',
  '52.113.194.132',
  '40.126.31.1',
  '23.52.161.89',
];

/** What the per-role activity modules use from the generator. */
export interface ActivityTools {
  readonly world: DemoWorld;
  readonly tenantById: Map<string, DemoTenant>;
  rng: Prng;
  count(base: number, scale: number): number;
  at(dayStart: number, fromHour: number, toHour: number): number;
  logonId(): string;
  peer(tenant: DemoTenant, role?: DemoHost['role']): DemoHost;
}

/** Produces one host's benign events for one day; events are appended unsorted to `out`. */
export class BackgroundActivity implements ActivityTools {
  readonly tenantById: Map<string, DemoTenant>;
  private logonSeq = 0x10000;

  /** The current host's random stream. */
  rng: Prng;

  constructor(
    readonly world: DemoWorld,
    private readonly seed: number,
    private readonly intensity: number,
  ) {
    this.rng = new Prng(seed);
    this.tenantById = new Map(world.tenants.map((t) => [t.id, t]));
  }

  /** Starts a host: its own random stream, so hosts can be written in any order or in parallel. */
  startHost(host: DemoHost): void {
    const key = parseInt(fnv(host.fqdn, 8), 16);
    this.rng = new Prng((this.seed ^ key) >>> 0);
    this.logonSeq = 0x10000 + (key & 0xffff);
    resetGuidCounter(key);
  }

  /** Appends one day of activity for one host. */
  day(host: DemoHost, dayStart: number, dayIndex: number, out: EventSpec[]): void {
    const tenant = this.tenantById.get(host.tenantId)!;
    const weekday = new Date(dayStart + tenant.utcOffsetHours * HOUR).getUTCDay();
    const workday = weekday !== 0 && weekday !== 6;
    const scale = this.intensity * (workday ? 1 : 0.25);
    this.always(host, tenant, dayStart, out);
    switch (host.role) {
      case 'workstation':
        if (workday || this.rng.chance(0.1)) this.workstation(host, tenant, dayStart, scale, out);
        break;
      case 'domain_controller':
        this.domainController(host, tenant, dayStart, dayIndex, scale, out);
        break;
      case 'file_server':
        this.fileServer(host, tenant, dayStart, scale, out);
        break;
      case 'jump_host':
        jumpHost(this, host, tenant, dayStart, scale, out);
        break;
      case 'exchange':
        exchange(this, host, tenant, dayStart, scale, out);
        break;
    }
    if (tenant.kind === 'client' && workday && host.role !== 'workstation' && this.rng.chance(0.35))
      providerMaintenance(this, host, tenant, dayStart, out);
    if (weekday === 3 && dayIndex % 14 === 3) patchNight(this, host, tenant, dayStart, out);
  }

  /** A count around base × scale (the fraction decided at random). */
  count(base: number, scale: number): number {
    const n = base * scale;
    return Math.floor(n) + (this.rng.chance(n - Math.floor(n)) ? 1 : 0);
  }

  /** A random time between two hours of the day. */
  at(dayStart: number, fromHour: number, toHour: number): number {
    return dayStart + Math.floor((fromHour + this.rng.next() * (toHour - fromHour)) * HOUR);
  }

  /** A fresh logon id. */
  logonId(): string {
    this.logonSeq = (this.logonSeq + 0x1d3) >>> 0;
    return `0x${this.logonSeq.toString(16)}`;
  }

  private readonly byRole = new Map<string, DemoHost[]>();

  // Hosts of one role in a tenant, cached: this runs dozens of times per host and day.
  /** A random host of the tenant, of one role if given. */
  peer(tenant: DemoTenant, role?: DemoHost['role']): DemoHost {
    if (!role) return this.rng.pick(tenant.hosts);
    const key = tenant.id + '|' + role;
    let hosts = this.byRole.get(key);
    if (!hosts) {
      hosts = tenant.hosts.filter((h) => h.role === role);
      if (hosts.length === 0) hosts = tenant.hosts;
      this.byRole.set(key, hosts);
    }
    return this.rng.pick(hosts);
  }

  // Every host, every day: services ticking over, the VMware Tools DLL loading, a few SYSTEM processes.
  private always(host: DemoHost, tenant: DemoTenant, dayStart: number, out: EventSpec[]): void {
    const t = this.at(dayStart, 0, 24);
    out.push(sysServiceState(host, t, this.rng.pick(SERVICES), 'running'));
    out.push(sysServiceState(host, t + 60_000, this.rng.pick(SERVICES), 'stopped'));
    out.push(
      sysmonImageLoad(host, this.at(dayStart, 0, 24), {
        image: 'C:\\Program Files\\VMware\\VMware Tools\\vmtoolsd.exe',
        loaded: 'C:\\Program Files\\VMware\\VMware Tools\\vmtools.dll',
        user: SYSTEM_ACCOUNT,
        signature: 'VMware, Inc.',
      }),
    );
    out.push(
      sysmonProcess(host, this.at(dayStart, 1, 4), {
        image: 'C:\\Program Files\\Windows Defender\\MpCmdRun.exe',
        commandLine:
          '"C:\\Program Files\\Windows Defender\\MpCmdRun.exe" -IdleTask -TaskName WdCacheMaintenance',
        parentImage: 'C:\\Windows\\System32\\svchost.exe',
        parentCommandLine: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
        user: SYSTEM_ACCOUNT,
        originalFileName: 'MpCmdRun.exe',
      }),
    );
    const dc = this.peer(tenant, 'domain_controller');
    out.push(
      sysmonNetwork(host, this.at(dayStart, 0, 24), {
        image: 'C:\\Windows\\System32\\svchost.exe',
        user: 'NT AUTHORITY\\NETWORK SERVICE',
        destinationIp: dc.ip,
        destinationPort: 389,
        destinationHostname: dc.fqdn,
      }),
    );
  }

  private workstation(
    host: DemoHost,
    tenant: DemoTenant,
    dayStart: number,
    scale: number,
    out: EventSpec[],
  ): void {
    const user = host.owner ?? tenant.users[0];
    const who = `${user.domain}\\${user.user}`;
    const start = this.at(dayStart, 7.5, 9.5);
    const end = this.at(dayStart, 16.5, 19);
    const id = this.logonId();
    out.push(
      secLogon(host, start, {
        account: user,
        logonType: 2,
        ip: '127.0.0.1',
        workstation: host.name,
        logonId: id,
      }),
    );
    out.push(secLogoff(host, end, user, 2, id));
    const apps = this.count(6, scale);
    for (let i = 0; i < apps; i++) {
      const [image, commandLine] = this.rng.pick(WORKSTATION_APPS);
      const t = start + Math.floor(this.rng.next() * (end - start));
      out.push(
        sysmonProcess(host, t, {
          image,
          commandLine,
          parentImage: 'C:\\Windows\\explorer.exe',
          parentCommandLine: 'C:\\Windows\\Explorer.EXE',
          user: who,
          integrityLevel: 'Medium',
          currentDirectory: `C:\\Users\\${user.user}\\`,
        }),
      );
      if (OFFLINE_APPS.some((name) => image.endsWith(name))) continue;
      const domain = this.rng.pick(BENIGN_DOMAINS);
      const ip = this.rng.pick(EXTERNAL_IPS);
      out.push(sysmonDns(host, t + 300, { image, query: domain, result: ip }));
      out.push(
        sysmonNetwork(host, t + 500, {
          image,
          user: who,
          destinationIp: ip,
          destinationPort: 443,
          destinationHostname: domain,
        }),
      );
      if (this.rng.chance(0.5))
        out.push(
          sysmonFile(host, t + 2000, {
            image,
            target: `C:\\Users\\${user.user}\\AppData\\Local\\Temp\\${this.rng.hex(8)}.tmp`,
            user: who,
          }),
        );
    }
    // Kerberos network logons from the file server and DC (mapped drives, GPO).
    const fs = this.peer(tenant, 'file_server');
    const netId = this.logonId();
    out.push(
      secLogon(host, start + 30_000, {
        account: user,
        logonType: 3,
        ip: fs.ip,
        workstation: fs.name,
        logonId: netId,
      }),
    );
    if (this.rng.chance(0.2)) {
      // A line-of-business Java app: jli.dll from its install folder (a negative for the side-loading rule).
      const java = 'C:\\Program Files\\Java\\jre1.8.0_251\\bin\\java.exe';
      const t = this.at(dayStart, 9, 17);
      out.push(
        sysmonProcess(host, t, {
          image: java,
          commandLine: `"${java}" -jar C:\\Apps\\timesheet\\timesheet.jar`,
          parentImage: 'C:\\Windows\\explorer.exe',
          parentCommandLine: 'C:\\Windows\\Explorer.EXE',
          user: who,
          integrityLevel: 'Medium',
        }),
      );
      out.push(
        sysmonImageLoad(host, t + 200, {
          image: java,
          loaded: 'C:\\Program Files\\Java\\jre1.8.0_251\\bin\\jli.dll',
          user: who,
          signature: 'Oracle America, Inc.',
        }),
      );
    }
    if (this.rng.chance(0.05)) {
      // Someone archives a project folder with WinRAR (no password, local paths).
      const rar = 'C:\\Program Files\\WinRAR\\WinRAR.exe';
      out.push(
        sysmonProcess(host, this.at(dayStart, 10, 17), {
          image: rar,
          commandLine: `"${rar}" a -ep1 "C:\\Users\\${user.user}\\Documents\\project.rar" "C:\\Users\\${user.user}\\Documents\\project"`,
          parentImage: 'C:\\Windows\\explorer.exe',
          parentCommandLine: 'C:\\Windows\\Explorer.EXE',
          user: who,
          originalFileName: 'WinRAR.exe',
          integrityLevel: 'Medium',
        }),
      );
    }
    if (this.rng.chance(0.1)) {
      const t = this.at(dayStart, 9, 17);
      out.push(
        psScriptBlock(
          host,
          t,
          'Get-ChildItem -Path $env:USERPROFILE\\Documents -Filter *.xlsx | Sort-Object LastWriteTime | Select-Object -Last 5',
        ),
      );
    }
  }

  private domainController(
    host: DemoHost,
    tenant: DemoTenant,
    dayStart: number,
    dayIndex: number,
    scale: number,
    out: EventSpec[],
  ): void {
    const auths = this.count(30, scale);
    for (let i = 0; i < auths; i++) {
      const peer = this.peer(tenant);
      const account = peer.owner ?? this.rng.pick(tenant.users);
      const t = this.at(dayStart, 6, 20);
      const kind = this.rng.pick([4768, 4769, 4769, 4776] as const);
      out.push(
        secAuthentication(
          host,
          t,
          kind,
          account,
          peer.ip,
          kind === 4769 ? `${this.peer(tenant, 'file_server').name}$` : undefined,
          peer.name,
        ),
      );
    }
    const logons = this.count(10, scale);
    for (let i = 0; i < logons; i++) {
      const peer = this.peer(tenant);
      const account = peer.owner ?? this.rng.pick(tenant.users);
      const id = this.logonId();
      const t = this.at(dayStart, 6, 20);
      out.push(
        secLogon(host, t, { account, logonType: 3, ip: peer.ip, workstation: peer.name, logonId: id }),
      );
      out.push(secLogoff(host, t + 1500, account, 3, id));
    }
    // Replication between DCs and, in the parent, Azure AD Connect: both negatives for the DCSync rule.
    const dcs = tenant.hosts.filter((h) => h.role === 'domain_controller');
    const partner = dcs.find((d) => d !== host) ?? host;
    const machine: DemoAccount = {
      user: `${partner.name}$`,
      domain: tenant.netbios,
      sid: `${tenant.domainSid}-1001`,
    };
    out.push(secDirectoryOperation(host, this.at(dayStart, 0, 24), machine, REPLICATION_GUIDS));
    if (tenant.country === 'JP' && this.rng.chance(0.5))
      out.push(
        secDirectoryOperation(
          host,
          this.at(dayStart, 0, 24),
          { user: 'MSOL_5f3c2a1b9d0e', domain: tenant.netbios, sid: `${tenant.domainSid}-1601` },
          REPLICATION_GUIDS,
        ),
      );
    if (dayIndex % 7 === 2) {
      // A machine rotating its own account password (a negative for the Zerologon rule).
      const member = this.peer(tenant, 'workstation');
      out.push(
        secComputerChanged(host, this.at(dayStart, 0, 24), {
          subjectUser: `${member.name}$`,
          subjectDomain: tenant.netbios,
          subjectSid: `${tenant.domainSid}-1105`,
          target: `${member.name}$`,
          domain: tenant.netbios,
          passwordLastSet: new Date(dayStart).toLocaleString('en-US', { timeZone: 'UTC' }),
        }),
      );
    }
    out.push(
      directoryServiceEvent(
        host,
        this.at(dayStart, 0, 2),
        2887,
        'During the previous 24 hour period, some clients attempted to perform LDAP binds that were either: (1) A SASL (Negotiate, Kerberos, NTLM, or Digest) LDAP bind that did not request signing, or (2) A LDAP simple bind that was performed on a clear text connection. Number of simple binds performed without SSL/TLS: 0',
      ),
    );
    if (this.rng.chance(0.3))
      out.push(
        directoryServiceEvent(
          host,
          this.at(dayStart, 8, 18),
          1644,
          `Internal event: A client issued a search operation with the following options. Client: ${this.peer(tenant).ip}:50312 Starting node: DC=${tenant.dnsDomain.split('.')[0]},DC=local Filter: (&(objectClass=user)(sAMAccountName=*)) Search scope: subtree`,
        ),
      );
  }

  private fileServer(
    host: DemoHost,
    tenant: DemoTenant,
    dayStart: number,
    scale: number,
    out: EventSpec[],
  ): void {
    const n = this.count(15, scale);
    for (let i = 0; i < n; i++) {
      const peer = this.peer(tenant, 'workstation');
      const account = peer.owner ?? this.rng.pick(tenant.users);
      const t = this.at(dayStart, 7, 19);
      const id = this.logonId();
      out.push(
        secLogon(host, t, { account, logonType: 3, ip: peer.ip, workstation: peer.name, logonId: id }),
      );
      out.push(secShareAccess(host, t + 200, account, this.rng.pick(SHARES), peer.ip));
    }
    if (this.rng.chance(0.15)) {
      // Nightly backup: a password-protected 7-Zip of a local share path (no rule should call this high).
      const sevenZip = 'C:\\Program Files\\7-Zip\\7z.exe';
      const share = this.rng.pick(SHARES);
      out.push(
        sysmonProcess(host, this.at(dayStart, 1, 3), {
          image: sevenZip,
          commandLine: `"${sevenZip}" a -pBackup2020 -mhe=on E:\\Backup\\${share}.7z D:\\Shares\\${share}`,
          parentImage: 'C:\\Windows\\System32\\svchost.exe',
          parentCommandLine: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
          user: SYSTEM_ACCOUNT,
          originalFileName: '7z.exe',
        }),
      );
    }
  }
}
