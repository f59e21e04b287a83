// Parsed rule sources as one shared, serialised buffer: parsed once off the main thread (load-worker.ts),
// then deserialised by each matcher, which compiles them and lets its copy go.
import { deserialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { RuleSources } from '../engine/index.js';
import type { RuleLoadReply, RuleLoadRequest } from './load-worker.js';

const LOADER_URL = new URL('./load-worker.js', import.meta.url);
/** The loader's young generation (MB): 48 halves its collection time against 8 (~250 -> ~135 ms). */
const LOADER_YOUNG_GENERATION_MB = 48;

/** Reads and parses rule files on a short-lived thread; resolves to the serialised RuleSources. */
export function loadSharedRuleSources(req: RuleLoadRequest): Promise<SharedArrayBuffer> {
  return new Promise((resolve, reject) => {
    // Everything the loader parses stays alive until it is serialised: with a young generation as small as a
    // matcher's, it would be copied and promoted collection after collection.
    const w = new Worker(LOADER_URL, {
      workerData: req,
      resourceLimits: { maxYoungGenerationSizeMb: LOADER_YOUNG_GENERATION_MB },
    });
    let settled = false;
    w.once('message', (m: RuleLoadReply) => {
      settled = true;
      if (m.ok) resolve(m.sources);
      else reject(new Error(`rule loading failed: ${m.error}`));
      void w.terminate();
    });
    w.once('error', (err) => {
      if (!settled) reject(new Error(`rule loading thread crashed: ${err.message}`));
      settled = true;
    });
    w.once('exit', (code) => {
      if (!settled) reject(new Error(`rule loading thread exited early (code ${code})`));
      settled = true;
    });
  });
}

/** The RuleSources held in a buffer made by loadSharedRuleSources. */
export function openSharedRuleSources(buffer: SharedArrayBuffer): RuleSources {
  return deserialize(new Uint8Array(buffer)) as RuleSources;
}
