// Worker thread for generateDemoParallel: rebuilds the same world and plan from the options (deterministic per
// seed) and writes its share of hosts; only counts, file names and malicious record ids go back.
import { parentPort } from 'node:worker_threads';
import { prepareDemo, writeHosts, type DemoOptions } from './generate.js';

interface Job {
  options: Omit<DemoOptions, 'onProgress'>;
  hosts: string[];
}

parentPort?.once('message', (job: Job) => {
  try {
    const prep = prepareDemo(job.options, false);
    parentPort?.postMessage({ ok: true, result: writeHosts(prep, new Set(job.hosts)) });
  } catch (err) {
    parentPort?.postMessage({ ok: false, error: (err as Error).stack ?? String(err) });
  }
});
