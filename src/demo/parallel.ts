// Writes the demo's hosts on several worker threads. Each host has its own random stream, so the output is
// the same as generateDemo's whatever the number of threads.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { finishDemo, prepareDemo, type DemoOptions, type DemoResult, type HostsWritten } from './generate.js';
import type { DemoHost } from './tenants.js';

// Rough relative volume per role, to balance hosts across threads.
const WEIGHT: Readonly<Record<DemoHost['role'], number>> = {
  domain_controller: 6,
  file_server: 4,
  exchange: 3,
  jump_host: 2,
  workstation: 2,
};

function runWorker(options: Omit<DemoOptions, 'onProgress'>, hosts: string[]): Promise<HostsWritten> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url));
    worker.once('message', (msg: { ok: boolean; result?: HostsWritten; error?: string }) => {
      void worker.terminate();
      if (msg.ok && msg.result) resolve(msg.result);
      else reject(new Error(`demo worker failed: ${msg.error}`));
    });
    worker.once('error', reject);
    worker.postMessage({ options, hosts });
  });
}

/** Like generateDemo, with hosts spread over `workers` threads (default: the CPU count, at most 8). */
export async function generateDemoParallel(options: DemoOptions & { workers?: number }): Promise<DemoResult> {
  const started = performance.now();
  const prep = prepareDemo(options, true);
  const hosts = prep.world.tenants.flatMap((t) => t.hosts);
  const threads = Math.max(1, Math.min(options.workers ?? Math.min(8, availableParallelism()), hosts.length));
  const plain = { out: options.out, seed: prep.seed, scale: prep.scale, days: prep.world.days };
  if (threads === 1)
    return finishDemo(
      prep,
      [
        await runWorker(
          plain,
          hosts.map((h) => h.fqdn),
        ),
      ],
      started,
    );
  // Greedy balance: heaviest hosts first, each to the least-loaded thread.
  const bins = Array.from({ length: threads }, () => ({ load: 0, hosts: [] as string[] }));
  for (const host of [...hosts].sort((a, b) => WEIGHT[b.role] - WEIGHT[a.role])) {
    const bin = bins.reduce((min, b) => (b.load < min.load ? b : min));
    bin.load += WEIGHT[host.role];
    bin.hosts.push(host.fqdn);
  }
  const parts = await Promise.all(bins.map((b) => runWorker(plain, b.hosts)));
  return finishDemo(prep, parts, started);
}
