// `npm run bench:rules-load`: what loading the SigmaHQ tree costs, stage by stage. Baseline (same run): reading
// the same files and parsing them with the yaml package alone, the floor any YAML-based loader pays. Then
// Dwell's stages: readRuleSources (read, parse, validate), compileRuleSources (logsource mapping, compile,
// needles), and a structured clone of the sources (what a hunt pays to hand parsed rules to a worker instead
// of letting each worker parse). Prints CPU ms per stage (the machine is shared, so wall time is noisy).
//
// Usage: npm run bench:rules-load [-- --rounds 3]
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseAllDocuments } from 'yaml';
import { compileRuleSources, readRuleSources } from '../src/engine/index.js';
import { listRuleFiles } from '../src/sigma/index.js';
import { CORPUS } from '../test/helpers/corpus.js';

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

async function main(): Promise<void> {
  const corpus = CORPUS;
  if (!corpus) {
    console.error(
      'bench:rules-load needs the shared corpus (set DWELL_CORPUS or place it at ../shared/corpus)',
    );
    process.exitCode = 2;
    return;
  }
  const i = process.argv.indexOf('--rounds');
  const rounds = i >= 0 ? Number(process.argv[i + 1]) : 3;
  const paths = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-placeholder'].map((d) =>
    join(corpus, 'sigma', d),
  );
  const files = await listRuleFiles(paths, []);
  const best = { yaml: Infinity, read: Infinity, compile: Infinity, clone: Infinity };
  let rules = 0;
  for (let r = 0; r < rounds; r++) {
    let t = process.cpuUsage();
    let docs = 0;
    for (const f of files) docs += parseAllDocuments(await readFile(f, 'utf8')).length;
    best.yaml = Math.min(best.yaml, cpuMs(t));
    t = process.cpuUsage();
    const sources = await readRuleSources(paths);
    best.read = Math.min(best.read, cpuMs(t));
    t = process.cpuUsage();
    const cloned = structuredClone(sources);
    best.clone = Math.min(best.clone, cpuMs(t));
    t = process.cpuUsage();
    rules = compileRuleSources(cloned).rules.length;
    best.compile = Math.min(best.compile, cpuMs(t));
    if (docs < files.length) throw new Error('fewer documents than files');
  }
  const total = best.read + best.compile;
  console.log(
    `${files.length} rule files, ${rules} compiled rule variants; best of ${rounds}; load average ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log('stage                                   CPU ms   vs YAML-only baseline');
  const row = (label: string, ms: number) =>
    console.log(`${label.padEnd(38)} ${ms.toFixed(0).padStart(7)}   ${(ms / best.yaml).toFixed(2)}x`);
  row('baseline: read + yaml.parseAllDocuments', best.yaml);
  row('readRuleSources (read, parse, validate)', best.read);
  row('compileRuleSources (map, compile)', best.compile);
  row('loadRuleSet = both', total);
  row('structuredClone of the sources', best.clone);
  console.log(`heap used: ${Math.round(process.memoryUsage().heapUsed / 1048576)} MiB`);
}

await main();
