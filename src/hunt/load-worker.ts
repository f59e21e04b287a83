// Rule-loading thread: reads and parses the rule files (YAML), serialises the parsed sources into shared
// memory and exits. The YAML parser's garbage (several times the parsed size) lives and dies in this
// thread's heap, so the main thread never grows by it and every matching worker copies the sources from one
// shared buffer instead of a structured clone held by the main thread.
import { serialize } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { readRuleSources, type LoadOptions } from '../engine/index.js';

/** What the loader is given. */
export interface RuleLoadRequest {
  readonly rulePaths: string[];
  readonly mappingFiles?: string[];
}

/** What the loader answers: the serialised RuleSources, or why it failed. */
export type RuleLoadReply = { ok: true; sources: SharedArrayBuffer } | { ok: false; error: string };

async function load(): Promise<void> {
  const req = workerData as RuleLoadRequest;
  let reply: RuleLoadReply;
  try {
    const opts: LoadOptions | undefined = req.mappingFiles ? { mappingFiles: req.mappingFiles } : undefined;
    const sources = await readRuleSources(req.rulePaths, opts);
    // Matchers never read a rule's raw YAML document: on SigmaHQ it is half of the serialised bytes, which every
    // worker would deserialise (and hold until its rules are compiled).
    const bytes = serialize({ ...sources, parsed: sources.parsed.map((r) => ({ ...r, raw: {} })) });
    const shared = new SharedArrayBuffer(bytes.length);
    new Uint8Array(shared).set(bytes);
    reply = { ok: true, sources: shared };
  } catch (err) {
    reply = { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  parentPort!.postMessage(reply);
}

void load();
