// Renders the docs/detections.md table (campaign.md row → rules that fire on the demo's events → ATT&CK) from
// a scored hunt, so the document is generated from what the test suite verifies.
import type { Detection } from '../../src/engine/types.js';
import type { DemoTruth } from '../../src/demo/index.js';
import { isAbsolute, relative, resolve } from 'node:path';

/** Short names of the behaviour rows of campaign.md, with their ATT&CK ids. */
export const ROWS: Readonly<Record<number, { behaviour: string; attack: string }>> = {
  1: {
    behaviour: 'Initial access through a service provider (valid MSP accounts, cross-tenant use)',
    attack: 'T1199, T1078',
  },
  2: { behaviour: 'Initial access by exploiting edge services (Exchange)', attack: 'T1190' },
  3: {
    behaviour: 'Historic vector: Office macro decoding a payload with certutil',
    attack: 'T1566.001, T1204.002',
  },
  4: {
    behaviour: 'Execution: wmiexec.vbs (t.vbs), PowerSploit, cmd, InstallUtil',
    attack: 'T1059.001, T1059.003, T1047, T1218.004',
  },
  5: { behaviour: 'Tool ingress and decoding with a renamed certutil', attack: 'T1105, T1140, T1036.003' },
  6: { behaviour: 'DLL side-loading (Ecipekac: policytool.exe + jli.dll)', attack: 'T1574.001, T1553.002' },
  7: {
    behaviour: 'Persistence / remote execution: scheduled tasks, services',
    attack: 'T1053.005, T1543.003',
  },
  8: { behaviour: 'Privilege escalation: Zerologon (CVE-2020-1472)', attack: 'T1210' },
  9: {
    behaviour: 'Credential access: ntdsutil IFM, DCSync, Mimikatz',
    attack: 'T1003.003, T1003.006, T1003.001',
  },
  10: { behaviour: 'Discovery: AdFind, csvde, net view, nbtscan', attack: 'T1087.002, T1018, T1016, T1119' },
  11: {
    behaviour: 'Lateral movement: RDP, renamed PsExec, admin shares',
    attack: 'T1021.001, T1021.002, T1569.002, T1078',
  },
  12: {
    behaviour: 'Collection and staging: password-protected RAR of share data in the Recycle Bin',
    attack: 'T1560.001, T1074.001, T1039',
  },
  13: {
    behaviour: 'Exfiltration: renamed curl and rclone to cloud storage, PSCP as rundll32.exe',
    attack: 'T1567.002, T1021.004, T1048',
  },
  14: {
    behaviour: 'Clean-up: wevtutil clearing PowerShell and Security logs',
    attack: 'T1070.001, T1070.003',
  },
  15: {
    behaviour: 'C2 and implants: beaconing from the side-loaded host, WinVNC',
    attack: 'T1071.001, T1219',
  },
};

/** Rule titles per campaign row, split into Dwell's and other rule sets, from detections on stage records. */
export function rulesByRow(
  truth: DemoTruth,
  detections: Iterable<Detection>,
  demoDir: string,
  isDwell: (d: Detection) => boolean,
): Map<number, { dwell: Set<string>; other: Set<string> }> {
  const rowOf = new Map<string, number>();
  for (const s of truth.stages) for (const r of s.records) rowOf.set(`${r.file}#${r.recordId}`, s.row);
  const out = new Map<number, { dwell: Set<string>; other: Set<string> }>();
  for (const row of Object.keys(ROWS)) out.set(Number(row), { dwell: new Set(), other: new Set() });
  const base = resolve(demoDir);
  for (const d of detections) {
    if (d.correlation || d.rule.id.startsWith('ioc:')) continue;
    const file = (isAbsolute(d.file) ? relative(base, d.file) : d.file).split('\\').join('/');
    const row = rowOf.get(`${file}#${d.recordId}`);
    if (row === undefined) continue;
    (isDwell(d) ? out.get(row)!.dwell : out.get(row)!.other).add(d.rule.title);
  }
  return out;
}

/** The markdown table for docs/detections.md. */
export function detectionsTable(rows: Map<number, { dwell: Set<string>; other: Set<string> }>): string {
  const lines = [
    '| # | behaviour (campaign.md) | ATT&CK | Dwell rules | SigmaHQ rules |',
    '|---|---|---|---|---|',
  ];
  for (const [row, { behaviour, attack }] of Object.entries(ROWS)) {
    const r = rows.get(Number(row))!;
    const cell = (s: Set<string>) => ([...s].sort().join('<br>') || '—').replace(/\|/g, '\\|');
    lines.push(`| ${row} | ${behaviour} | ${attack} | ${cell(r.dwell)} | ${cell(r.other)} |`);
  }
  return lines.join('\n') + '\n';
}
