// The acceptance test: on the demo scenario over five seeds, correlation rebuilds the intrusion that
// truth.json describes — one intrusion per compromised tenant holding ≥ 90% of its malicious hosts, none for
// clean tenants, dwell time within a day, DC reach with evidence, the hop chain in order, G0045 ranked first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IntrusionsDocument } from '../../src/correlate/index.js';
import { generateDemo } from '../../src/demo/index.js';
import { runHunt } from '../../src/hunt/index.js';

const SEEDS = [1, 2, 3, 4, 5];
const DAY = 86_400_000;

function short(name: string): string {
  return name.split('.')[0].toLowerCase();
}

for (const seed of SEEDS) {
  test(`demo seed ${seed}: intrusions match truth.json`, async () => {
    const out = mkdtempSync(join(tmpdir(), `dwell-h7-demo-${seed}-`));
    try {
      const demo = generateDemo({ out, seed, scale: 'small' });
      const intrusionsPath = join(out, 'intrusions.json');
      await runHunt({
        paths: [demo.logsDir],
        iocs: [demo.iocsPath],
        tenantFromDir: true,
        intrusions: intrusionsPath,
        keepDetections: false,
        quiet: true,
        workers: 2,
      });
      const doc = JSON.parse(readFileSync(intrusionsPath, 'utf8')) as IntrusionsDocument;
      const truth = demo.truth;
      assert.ok(doc.intrusions.length >= 1, 'at least one intrusion');

      for (const tenant of truth.tenants) {
        const holding = doc.intrusions.filter((i) => i.tenants.includes(tenant.id));
        if (!tenant.compromised) {
          assert.equal(holding.length, 0, `clean tenant ${tenant.id} has no intrusion`);
          continue;
        }
        assert.equal(holding.length, 1, `compromised tenant ${tenant.id} has exactly one intrusion`);
        const hosts = new Set(
          holding[0].hosts.filter((h) => h.tenant === tenant.id).map((h) => short(h.name)),
        );
        const found = tenant.compromisedHosts.filter((h) => hosts.has(short(h)));
        assert.ok(
          found.length >= 0.9 * tenant.compromisedHosts.length,
          `${tenant.id}: ${found.length}/${tenant.compromisedHosts.length} malicious hosts (${tenant.compromisedHosts})`,
        );
      }

      const top = doc.intrusions[0];
      const first = Math.min(...truth.stages.map((s) => Date.parse(s.firstTime)));
      const last = Math.max(...truth.stages.map((s) => Date.parse(s.lastTime)));
      assert.ok(
        Math.abs(top.dwellDays - (last - first) / DAY) <= 1,
        `dwell ${top.dwellDays} vs truth ${((last - first) / DAY).toFixed(2)}`,
      );

      const dcs = new Set(
        truth.tenants.flatMap((t) =>
          t.hosts.filter((h) => h.role === 'domain_controller').map((h) => short(h.name)),
        ),
      );
      assert.equal(top.domainControllerReach.reached, true);
      assert.ok(
        top.domainControllerReach.hosts.some((h) => dcs.has(short(h))),
        'a real DC is named',
      );
      assert.ok(
        top.domainControllerReach.evidence.some((e) => e.ruleId !== undefined && dcs.has(short(e.host))),
        'DC reach evidence names a detection on a DC',
      );

      assert.deepEqual(
        (top.hopChain ?? []).map((h) => h.tenant),
        [...truth.hopOrder],
        'hop chain in the order truth.json gives',
      );
      for (let i = 1; i < truth.hopOrder.length; i++) {
        assert.ok(
          top.crossTenant.some((l) => l.toTenant === truth.hopOrder[i]),
          `a cross-tenant link into ${truth.hopOrder[i]}`,
        );
      }
      assert.equal(top.attribution[0]?.groupId, 'G0045', 'menuPass ranked first');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}
