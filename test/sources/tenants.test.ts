import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Glob, parseTenantMap, tenantResolver } from '../../src/sources/index.js';

test('globs: * stays in one folder, ** crosses folders, ? is one character, folders cover their files', () => {
  assert.ok(new Glob('acme/*.evtx').matches('/cases/acme/a.evtx'));
  assert.ok(!new Glob('acme/*.evtx').matches('/cases/acme/sub/a.evtx'));
  assert.ok(new Glob('acme/**/*.evtx').matches('/cases/acme/sub/deep/a.evtx'));
  assert.ok(new Glob('acme/**/*.evtx').matches('/cases/acme/a.evtx'));
  assert.ok(new Glob('h?st').matches('/x/host/file'));
  assert.ok(new Glob('/cases/ACME').matches('/cases/acme/x/y.json'));
  assert.ok(!new Glob('/cases/acme').matches('/cases/acmex/y.json'));
  assert.ok(new Glob('C:\\Evidence\\Beta\\*').matches('c:/evidence/beta/a.evtx'));
  // Pathological pattern finishes quickly (dynamic programming, no backtracking).
  const t = Date.now();
  assert.ok(!new Glob('*a*a*a*a*a*a*a*a*b').matches('/' + 'a'.repeat(3000)));
  assert.ok(Date.now() - t < 1000);
});

test('tenant maps from CSV and YAML; first match wins; tenant-from-dir uses the first folder level', () => {
  const csv = parseTenantMap('glob,tenant\nprovider/**,msp\n"**/jp-*/**",Acme Japan\n', 'map.csv');
  assert.deepEqual(csv, [
    { glob: 'provider/**', tenant: 'msp' },
    { glob: '**/jp-*/**', tenant: 'Acme Japan' },
  ]);
  const yamlMap = parseTenantMap('"provider/**": msp\n"**/jp-*/**": acme-jp\n', 'map.yaml');
  assert.equal(yamlMap.length, 2);
  const yamlList = parseTenantMap('tenants:\n  - path: "mx/**"\n    tenant: acme-mx\n', 'map.yml');
  assert.deepEqual(yamlList, [{ glob: 'mx/**', tenant: 'acme-mx' }]);
  assert.throws(() => parseTenantMap('a.evtx\n', 'm.csv'), /expected "glob,tenant"/);
  const root = join('/', 'cases');
  const r = tenantResolver([...csv, ...yamlList], false);
  assert.equal(r.tenantOf(join(root, 'provider', 'jump1', 'Security.evtx'), root), 'msp');
  assert.equal(r.tenantOf(join(root, 'x', 'jp-dc1', 'Security.evtx'), root), 'Acme Japan');
  assert.equal(r.tenantOf(join(root, 'mx', 'a.evtx'), root), 'acme-mx');
  assert.equal(r.tenantOf(join(root, 'fr', 'a.evtx'), root), undefined);
  const d = tenantResolver([], true);
  assert.equal(d.tenantOf(join(root, 'fr', 'host', 'a.evtx'), root), 'fr');
  assert.equal(d.tenantOf(join(root, 'a.evtx'), root), undefined);
});

test('unreadable YAML tenant maps are named in the error, whatever the YAML library objects to', () => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]'];
  for (let i = 0; i < 3; i++) bomb.push(`${'cde'[i]}: &${'cde'[i]} [${`*${'bcd'[i]}, `.repeat(9)}]`);
  const cases = ['a: [', '['.repeat(20_000), bomb.join('\n')];
  for (const text of cases) {
    assert.throws(
      () => parseTenantMap(text, 'clients.yaml'),
      (err: Error) => err.message.startsWith('clients.yaml: not a readable YAML tenant map: '),
    );
  }
});

test('globs: runs of stars match as their widest member', () => {
  const paths = ['/c/acme/x', '/c/acme/sub/x', '/c/x', 'x', '/c/acme/xy', '/a/b/c/d/e/x'];
  const expected: [string, boolean[]][] = [
    ['**/**/**/x', [true, true, true, true, false, true]],
    ['**/x', [true, true, true, true, false, true]],
    // `**` not followed by a slash keeps the slash after it: no zero-folder match.
    ['/c/*****/x', [true, true, false, false, false, false]],
    ['/c/***/x', [true, true, false, false, false, false]],
    ['/c/*/**/x', [true, true, false, false, false, false]],
    ['/c/*/x', [true, false, false, false, false, false]],
  ];
  for (const [glob, want] of expected) {
    assert.deepEqual(
      paths.map((p) => new Glob(glob).matches(p)),
      want,
      glob,
    );
  }
});
