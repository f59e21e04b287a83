// Benign activity of servers and provider staff: jump-host sessions, Exchange, provider maintenance on client
// servers (RDP, RMM scripts, PsExec, schtasks, certutil -hashfile, wevtutil qe) and fortnightly patch nights.
import type { EventSpec } from '../evtx/writer-types.js';
import type { ActivityTools } from './background.js';
import {
  psScriptBlock,
  secLogoff,
  secLogon,
  secSpecialPrivileges,
  secTaskCreated,
  sysServiceInstalled,
  sysServiceState,
  sysmonNetwork,
  sysmonProcess,
} from './events.js';
import type { DemoAccount, DemoHost, DemoTenant } from './tenants.js';

const SYSTEM_ACCOUNT = 'NT AUTHORITY\\SYSTEM';

/** Provider technicians opening RDP sessions into their client from the jump host. */
export function jumpHost(
  tools: ActivityTools,

  host: DemoHost,
  tenant: DemoTenant,
  dayStart: number,
  scale: number,
  out: EventSpec[],
): void {
  const sessions = tools.count(3, scale);
  for (let i = 0; i < sessions; i++) {
    const tech = tools.rng.pick(tools.world.technicians);
    const account: DemoAccount = {
      user: tech.user,
      domain: tenant.netbios,
      sid: `${tenant.domainSid}-${1300 + (tech.user.length % 50)}`,
    };
    const client = tools.tenantById.get(tech.assigned)!;
    const t = tools.at(dayStart, 8, 18);
    const id = tools.logonId();
    const vpn = `${tenant.subnet.split('.').slice(0, 2).join('.')}.250.${tools.rng.int(10, 60)}`;
    out.push(
      secLogon(host, t, {
        account,
        logonType: 10,
        ip: vpn,
        workstation: `LAPTOP-${tools.rng.hex(6).toUpperCase()}`,
        logonId: id,
      }),
    );
    out.push(secSpecialPrivileges(host, t + 10, account, id));
    const target = tools.rng.pick(client.hosts.filter((h) => h.role !== 'workstation'));
    const who = `${account.domain}\\${account.user}`;
    out.push(
      sysmonProcess(host, t + 60_000, {
        image: 'C:\\Windows\\System32\\mstsc.exe',
        commandLine: `"C:\\Windows\\System32\\mstsc.exe" /v:${target.fqdn}`,
        parentImage: 'C:\\Windows\\explorer.exe',
        parentCommandLine: 'C:\\Windows\\Explorer.EXE',
        user: who,
        integrityLevel: 'Medium',
      }),
    );
    out.push(
      sysmonNetwork(host, t + 61_000, {
        image: 'C:\\Windows\\System32\\mstsc.exe',
        user: who,
        destinationIp: target.ip,
        destinationPort: 3389,
        destinationHostname: target.fqdn,
      }),
    );
    out.push(secLogoff(host, t + tools.rng.int(20, 90) * 60_000, account, 10, id));
  }
}

/** Exchange serving mail: OWA compiling views (csc.exe under w3wp.exe) and NTLM logons. */
export function exchange(
  tools: ActivityTools,

  host: DemoHost,
  tenant: DemoTenant,
  dayStart: number,
  scale: number,
  out: EventSpec[],
): void {
  const n = tools.count(8, scale);
  const w3wp = 'C:\\Windows\\System32\\inetsrv\\w3wp.exe';
  for (let i = 0; i < n; i++) {
    const t = tools.at(dayStart, 0, 24);
    out.push(
      sysmonProcess(host, t, {
        image: 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe',
        commandLine: `"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe" /noconfig /fullpaths @"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\owa\\${tools.rng.hex(8)}.cmdline"`,
        parentImage: w3wp,
        parentCommandLine: `c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "MSExchangeOWAAppPool" -v "v4.0" -c "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\bin\\GenericAppPoolConfigWithGCServerEnabledFalse.config" -a \\\\.\\pipe\\iisipm${tools.rng.guid().slice(1, 9)} -h "C:\\inetpub\\temp\\apppools\\MSExchangeOWAAppPool\\MSExchangeOWAAppPool.config" -w "" -m 0`,
        user: 'NT AUTHORITY\\SYSTEM',
      }),
    );
    const peer = tools.peer(tenant, 'workstation');
    const account = peer.owner ?? tenant.users[0];
    const id = tools.logonId();
    out.push(
      secLogon(host, t + 100, {
        account,
        logonType: 3,
        ip: peer.ip,
        workstation: peer.name,
        logonId: id,
        authPackage: 'NTLM',
      }),
    );
  }
}

// Provider technicians doing their normal work on client servers: RDP from the jump host, RMM scripts,
// PsExec for a gpupdate, a scheduled task, a certutil hash check, reading (not clearing) event logs.
/** A technician on a client server: RDP from the jump host, then one routine admin task. */
export function providerMaintenance(
  tools: ActivityTools,
  host: DemoHost,
  tenant: DemoTenant,
  dayStart: number,
  out: EventSpec[],
): void {
  const techs = tools.world.technicians.filter((t) => t.assigned === tenant.id);
  if (techs.length === 0) return;
  const tech = tools.rng.pick(techs);
  const account: DemoAccount = {
    user: tech.user,
    domain: tenant.netbios,
    sid: `${tenant.domainSid}-${1700 + (tech.user.length % 50)}`,
  };
  const who = `${account.domain}\\${account.user}`;
  const jump = tools.world.provider.hosts.find((h) => h.role === 'jump_host')!;
  const t = tools.at(dayStart, 9, 17);
  const id = tools.logonId();
  out.push(secLogon(host, t, { account, logonType: 10, ip: jump.ip, workstation: jump.name, logonId: id }));
  out.push(secSpecialPrivileges(host, t + 5, account, id));
  out.push(secLogoff(host, t + tools.rng.int(15, 60) * 60_000, account, 10, id));
  const task = tools.rng.int(0, 5);
  const t2 = t + 5 * 60_000;
  const cmd = 'C:\\Windows\\System32\\cmd.exe';
  if (task === 0) {
    const sc =
      'C:\\Program Files (x86)\\ScreenConnect Client (3f2a9c1d7b6e5a40)\\ScreenConnect.ClientService.exe';
    out.push(
      sysmonProcess(host, t2, {
        image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        commandLine:
          'powershell.exe -ExecutionPolicy Bypass -File C:\\ProgramData\\ScreenConnect\\Scripts\\disk-cleanup.ps1',
        parentImage: sc,
        parentCommandLine: `"${sc}" "?e=Access&y=Guest&h=rmm.provider.example&p=8041"`,
        user: SYSTEM_ACCOUNT,
        originalFileName: 'PowerShell.EXE',
      }),
    );
    out.push(
      psScriptBlock(
        host,
        t2 + 500,
        'Get-ChildItem C:\\Windows\\Temp -Recurse | Where-Object { $_.LastWriteTime -lt (Get-Date).AddDays(-30) } | Remove-Item -Force -ErrorAction SilentlyContinue',
        'C:\\ProgramData\\ScreenConnect\\Scripts\\disk-cleanup.ps1',
      ),
    );
  } else if (task === 1) {
    const target = tools.peer(tenant);
    out.push(
      sysmonProcess(host, t2, {
        image: 'C:\\Tools\\Sysinternals\\PsExec64.exe',
        commandLine: `C:\\Tools\\Sysinternals\\PsExec64.exe \\\\${target.name} -accepteula -s cmd /c gpupdate /force`,
        parentImage: cmd,
        parentCommandLine: `"${cmd}"`,
        user: who,
        originalFileName: 'psexec.c',
      }),
    );
    out.push(
      sysServiceInstalled(host, t2 + 1000, {
        name: 'PSEXESVC',
        path: '%SystemRoot%\\PSEXESVC.exe',
        sid: account.sid,
      }),
    );
  } else if (task === 2) {
    out.push(
      sysmonProcess(host, t2, {
        image: 'C:\\Windows\\System32\\schtasks.exe',
        commandLine:
          'schtasks.exe /create /tn "Provider\\WeeklyReboot" /tr "shutdown.exe /r /t 60" /sc weekly /d SUN /st 03:00 /ru SYSTEM /f',
        parentImage: cmd,
        parentCommandLine: `"${cmd}"`,
        user: who,
        originalFileName: 'schtasks.exe',
      }),
    );
    out.push(secTaskCreated(host, t2 + 300, account, '\\Provider\\WeeklyReboot', 'shutdown.exe'));
  } else if (task === 3) {
    out.push(
      sysmonProcess(host, t2, {
        image: 'C:\\Windows\\System32\\certutil.exe',
        commandLine: 'certutil.exe -hashfile C:\\Temp\\agent-update.msi SHA256',
        parentImage: cmd,
        parentCommandLine: `"${cmd}"`,
        user: who,
        originalFileName: 'CertUtil.exe',
      }),
    );
  } else if (task === 4) {
    out.push(
      sysmonProcess(host, t2, {
        image: 'C:\\Windows\\System32\\wevtutil.exe',
        commandLine: 'wevtutil.exe qe System /c:50 /rd:true /f:text',
        parentImage: cmd,
        parentCommandLine: `"${cmd}"`,
        user: who,
        originalFileName: 'wevtutil.exe',
      }),
    );
  } else {
    out.push(
      sysmonProcess(host, t2, {
        image: 'C:\\Windows\\System32\\net.exe',
        commandLine: 'net.exe user /domain',
        parentImage: cmd,
        parentCommandLine: `"${cmd}"`,
        user: who,
        originalFileName: 'net.exe',
      }),
    );
  }
}

// Fortnightly patch night: installer runs, a new service, a reboot.
/** Fortnightly patch night: installer runs, a new service, a task, a service stopping. */
export function patchNight(
  tools: ActivityTools,
  host: DemoHost,
  tenant: DemoTenant,
  dayStart: number,
  out: EventSpec[],
): void {
  const t = tools.at(dayStart, 1, 3);
  out.push(
    sysmonProcess(host, t, {
      image: 'C:\\Windows\\System32\\msiexec.exe',
      commandLine: 'C:\\Windows\\System32\\msiexec.exe /i C:\\Windows\\Temp\\GoogleUpdateSetup.msi /qn',
      parentImage: 'C:\\Windows\\System32\\svchost.exe',
      parentCommandLine: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
      user: SYSTEM_ACCOUNT,
      originalFileName: 'msiexec.exe',
    }),
  );
  out.push(
    sysmonProcess(host, t + 40_000, {
      image:
        'C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.17763.1portal\\TiWorker.exe',
      commandLine:
        'C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.17763.1portal\\TiWorker.exe -Embedding',
      parentImage: 'C:\\Windows\\System32\\svchost.exe',
      parentCommandLine: 'C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p',
      user: SYSTEM_ACCOUNT,
    }),
  );
  out.push(
    sysServiceInstalled(host, t + 90_000, {
      name: 'Google Update Service (gupdatem)',
      path: '"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe" /medsvc',
      sid: 'S-1-5-18',
    }),
  );
  out.push(
    secTaskCreated(
      host,
      t + 95_000,
      { user: `${host.name}$`, domain: tenant.netbios, sid: 'S-1-5-18' },
      '\\GoogleUpdateTaskMachineUA',
      'C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe',
    ),
  );
  out.push(sysServiceState(host, t + 120_000, 'Windows Modules Installer', 'stopped'));
}
