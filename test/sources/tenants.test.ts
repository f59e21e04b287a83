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
