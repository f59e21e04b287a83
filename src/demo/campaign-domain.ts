// Campaign stages, owning the parent's domain: recon, credential dumping, staging, Zerologon, NTDS,
// persistence (campaign.md rows 10, 9, 12, 8, 7).
import type { CampaignContext } from './campaign-context.js';
import {
  esentDatabase,
  netlogonVulnerableAllowed,
  secComputerChanged,
  secDirectoryOperation,
  secShareAccess,
  secTaskCreated,
  sysmonFile,
  sysmonFromCmd,
} from './events.js';

const HOUR = 3_600_000;

/** Owning the parent's domain: recon, credential dumping, staging, Zerologon, NTDS, persistence (rows 10, 9, 12, 8, 7). */
export function domainStages(ctx: CampaignContext): void {
  const { jp, jump, jpDc, jpFs, stolenAdmin, dayAt, stage, who, policytool, jpTech, reconDay, rar, zlDay } =
    ctx;
  // Row 10 + 9 + 12 on the staging host within one day: recon, credential dumping, a first encrypted archive.
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
      spec: sysmonFromCmd(jpFs, t, {
        image: adfind,
        commandLine: `${adfind} -f (objectcategory=computer) -csv name operatingSystem dNSHostName`,
        user,
        originalFileName: 'AdFind.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonFromCmd(jpFs, t + 60_000, {
        image: adfind,
        commandLine: `${adfind} -gcb -sc trustdmp`,
        user,
        originalFileName: 'AdFind.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonFromCmd(jpFs, t + 180_000, {
        image: 'C:\\Windows\\System32\\csvde.exe',
        commandLine: 'csvde -f C:\\windows\\web\\ss.log -r (objectClass=user)',
        user,
        originalFileName: 'csvde.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonFromCmd(jpFs, t + 240_000, {
        image: 'C:\\Windows\\System32\\net.exe',
        commandLine: 'net view /domain',
        user,
        originalFileName: 'net.exe',
      }),
    });
    ev.push({
      host: jpFs,
      spec: sysmonFromCmd(jpFs, t + 300_000, {
        image: 'C:\\Windows\\Temp\\nbt.exe',
        commandLine: `C:\\Windows\\Temp\\nbt.exe ${jp.subnet}.0/24`,
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
      spec: sysmonFromCmd(jpFs, t, {
        image: 'C:\\Windows\\Temp\\Pd.exe',
        commandLine: 'C:\\Windows\\Temp\\Pd.exe "privilege::debug" "sekurlsa::logonpasswords" exit',
        user: who(jpTech),
        originalFileName: 'mimikatz.exe',
      }),
    });
  }
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
      spec: sysmonFromCmd(jpFs, t, {
        image: rar,
        commandLine: `${rar} a -hpQx7!mR2v -m5 C:\\$Recycle.Bin\\dds.rar \\\\${jpFs.name}\\Engineering\\*.dwg`,
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
      spec: sysmonFromCmd(jpFs, t2, {
        image: rar,
        commandLine: `${rar} a -hpQx7!mR2v -m5 -v200m C:\\$Recycle.Bin\\ss.rar \\\\${jpFs.name}\\HR\\* \\\\${jpFs.name}\\Finance\\Audit\\*`,
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
      spec: sysmonFromCmd(jpDc, t, {
        image: ntdsutil,
        commandLine: 'ntdsutil.exe "ac i ntds" "ifm" "create full C:\\Windows\\Temp\\ifm" q q',
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
      spec: sysmonFromCmd(jpFs, t, {
        image: 'C:\\Windows\\System32\\schtasks.exe',
        commandLine: `schtasks /create /s ${jpDc.name} /tn "Microsoft\\Windows\\Maintenance\\SyncCheck" /tr "${policytool}" /sc onstart /ru SYSTEM /f`,
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
}
