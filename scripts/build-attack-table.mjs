#!/usr/bin/env node
// Builds data/attack-table.json (Dwell's compact, offline ATT&CK table) from an ATT&CK Enterprise STIX 2.1
// bundle. Usage: node scripts/build-attack-table.mjs [bundle.json] [--version 18.1] [--out data/attack-table.json]
// Needs the compiled library (npm run build). Default bundle: ../shared/corpus/attack/enterprise-attack.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAttackTable } from '../dist/src/intel/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const version = option('--version');
const out = resolve(option('--out') ?? join(root, 'data', 'attack-table.json'));
const bundlePath = resolve(
  args[0] ?? join(root, '..', 'shared', 'corpus', 'attack', 'enterprise-attack.json'),
);

let commit;
try {
  commit = readFileSync(join(dirname(bundlePath), 'SOURCE_COMMIT'), 'utf8')
    .trim()
    .split(/\s+/)[0];
} catch {
  commit = undefined;
}
const bundle = JSON.parse(readFileSync(bundlePath, 'utf8'));
const table = buildAttackTable(bundle, { file: basename(bundlePath), attackVersion: version, commit });
// One object per line: small diffs when ATT&CK is updated, still compact.
const lines = [
  '{',
  `"format":${JSON.stringify(table.format)},`,
  `"attackVersion":${JSON.stringify(table.attackVersion)},`,
  `"source":${JSON.stringify(table.source)},`,
  '"tactics":[',
  table.tactics.map((t) => JSON.stringify(t)).join(',\n'),
  '],"techniques":[',
  table.techniques.map((t) => JSON.stringify(t)).join(',\n'),
  '],"groups":[',
  table.groups.map((g) => JSON.stringify(g)).join(',\n'),
  ']}',
];
writeFileSync(out, lines.join('\n') + '\n');
const size = Buffer.byteLength(lines.join('\n'));
console.log(
  `${out}: ATT&CK ${table.attackVersion}, ${table.tactics.length} tactics, ${table.techniques.length} techniques, ` +
    `${table.groups.length} groups, ${(size / 1024).toFixed(0)} KiB`,
);
