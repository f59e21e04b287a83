import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAttackTable, indexOf, loadAttackTable, shippedAttackTablePath } from '../../src/intel/index.js';
import { PROJECT_ROOT, corpusPath, corpusSkip } from '../helpers/corpus.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ref = (id: string) => [{ source_name: 'mitre-attack', external_id: id }];

/** A tiny STIX bundle in the mitre/cti layout: two tactics, techniques, a group, a campaign and software. */
function miniBundle(): unknown {
  const tactic = (n: number, id: string, short: string) => ({
    type: 'x-mitre-tactic',
    id: `x-mitre-tactic--${n}`,
    name: short.toUpperCase(),
    x_mitre_shortname: short,
    external_references: ref(id),
  });
  const tech = (n: number, id: string, phases: string[], extra: object = {}) => ({
    type: 'attack-pattern',
    id: `attack-pattern--${n}`,
    name: `tech ${id}`,
    external_references: ref(id),
    kill_chain_phases: phases.map((p) => ({ kill_chain_name: 'mitre-attack', phase_name: p })),
    ...extra,
  });
  const uses = (n: number, src: string, dst: string, type = 'uses', extra: object = {}) => ({
    type: 'relationship',
    id: `relationship--${n}`,
    relationship_type: type,
    source_ref: src,
    target_ref: dst,
    ...extra,
  });
  return {
    type: 'bundle',
    objects: [
      // matrix order differs from object order: lateral-movement after credential-access
      {
        type: 'x-mitre-matrix',
        id: 'x-mitre-matrix--1',
        tactic_refs: ['x-mitre-tactic--2', 'x-mitre-tactic--1'],
      },
      tactic(1, 'TA0008', 'lateral-movement'),
      tactic(2, 'TA0006', 'credential-access'),
      tech(1, 'T1003', ['credential-access']),
      tech(2, 'T1003.003', ['credential-access']),
      tech(3, 'T1021.001', ['lateral-movement', 'credential-access']),
      tech(4, 'T1999', ['lateral-movement'], { revoked: true }),
      tech(5, 'T1998', ['lateral-movement'], { x_mitre_deprecated: true }),
      tech(6, 'T1550', ['lateral-movement']),
      {
        type: 'intrusion-set',
        id: 'intrusion-set--1',
        name: 'Alpha',
        aliases: ['Alpha', 'A1'],
        external_references: ref('G9001'),
      },
      { type: 'campaign', id: 'campaign--1', name: 'C1', external_references: ref('C9001') },
      { type: 'tool', id: 'tool--1', name: 'T', external_references: ref('S9001') },
      uses(1, 'intrusion-set--1', 'attack-pattern--2'),
      uses(2, 'intrusion-set--1', 'attack-pattern--4'), // revoked technique: dropped
      uses(3, 'campaign--1', 'attack-pattern--3'),
      uses(4, 'campaign--1', 'intrusion-set--1', 'attributed-to'),
      uses(5, 'intrusion-set--1', 'tool--1'),
      uses(6, 'tool--1', 'attack-pattern--6'),
      uses(7, 'tool--1', 'attack-pattern--2'), // already direct: not repeated under software
      uses(8, 'intrusion-set--1', 'attack-pattern--1', 'uses', { revoked: true }),
    ],
  };
}

test('buildAttackTable keeps kill-chain order, drops revoked/deprecated, folds in campaigns and software', () => {
  const table = buildAttackTable(miniBundle(), { file: 'mini.json', attackVersion: '0.1' });
  assert.deepEqual(
    table.tactics.map((t) => [t.id, t.shortName]),
    [
      ['TA0006', 'credential-access'],
      ['TA0008', 'lateral-movement'],
    ],
  );
  assert.deepEqual(
    table.techniques.map((t) => t.id),
    ['T1003', 'T1003.003', 'T1021.001', 'T1550'],
  );
  assert.deepEqual(indexOf(table).technique.get('T1021.001')?.tactics, [
    'credential-access',
    'lateral-movement',
  ]);
  assert.equal(table.groups.length, 1);
  const g = table.groups[0];
  assert.deepEqual([g.id, g.name, g.aliases], ['G9001', 'Alpha', ['A1']]);
  assert.deepEqual(g.techniques, ['T1003.003', 'T1021.001']);
  assert.deepEqual(g.softwareTechniques, ['T1550']);
  assert.equal(table.attackVersion, '0.1');
});

test('buildAttackTable rejects something that is not a bundle, naming the file', () => {
  assert.throws(() => buildAttackTable({ hello: 1 }, { file: 'x.json' }), /x\.json: not a STIX bundle/);
});

test('the shipped table loads offline, is compact, and holds menuPass', () => {
  const path = shippedAttackTablePath();
  assert.ok(statSync(path).size < 1024 * 1024, 'shipped table must stay under 1 MB');
  const table = loadAttackTable();
  assert.match(table.attackVersion, /^18\./);
  assert.equal(table.tactics.length, 14);
  assert.equal(table.tactics[0].shortName, 'reconnaissance');
  assert.equal(table.tactics[13].shortName, 'impact');
  assert.ok(table.techniques.length > 600);
  const menuPass = indexOf(table).group.get('G0045');
  assert.ok(menuPass);
  assert.equal(menuPass.name, 'menuPass');
  assert.ok(menuPass.aliases.includes('APT10'));
  assert.ok(menuPass.techniques.includes('T1003.003'));
  assert.equal(loadAttackTable(), table, 'loads are memoised');
});

test('loadAttackTable names the file it cannot read or understand', () => {
  assert.throws(() => loadAttackTable('/nonexistent/attack.json'), /nonexistent\/attack\.json: cannot read/);
  const dir = mkdtempSync(join(tmpdir(), 'dwell-attack-'));
  try {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ format: 'dwell-attack-table/1', tactics: [] }));
    assert.throws(() => loadAttackTable(broken), /broken\.json: ATT&CK table lacks/);
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"objects": [');
    assert.throws(() => loadAttackTable(notJson), /not\.json: cannot read ATT&CK table/);
    const bundle = join(dir, 'bundle.json');
    writeFileSync(bundle, JSON.stringify(miniBundle()));
    assert.deepEqual(
      loadAttackTable(bundle).groups.map((g) => g.id),
      ['G9001'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a STIX bundle path builds the same table as the shipped one', { skip: corpusSkip }, () => {
  const fromBundle = loadAttackTable(corpusPath('attack', 'enterprise-attack.json'));
  const shipped = loadAttackTable();
  assert.equal(fromBundle.source.commit, shipped.source.commit);
  assert.deepEqual(fromBundle.tactics, shipped.tactics);
  assert.deepEqual(fromBundle.techniques, shipped.techniques);
  assert.deepEqual(fromBundle.groups, shipped.groups);
});

test('the build script regenerates the shipped table byte for byte', { skip: corpusSkip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-attack-build-'));
  try {
    const out = join(dir, 'attack-table.json');
    execFileSync(process.execPath, [
      join(PROJECT_ROOT, 'scripts', 'build-attack-table.mjs'),
      corpusPath('attack', 'enterprise-attack.json'),
      '--version',
      '18.1',
      '--out',
      out,
    ]);
    assert.equal(readFileSync(out, 'utf8'), readFileSync(shippedAttackTablePath(), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
