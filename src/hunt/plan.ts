// From the paths a user gave to a list of jobs: discover files, detect formats from content, assign tenants,
// and split big EVTX files into chunk ranges so several workers can share them.
import {
  detectFormat,
  discoverFiles,
  evtxChunkCount,
  hasLogExtension,
  type TenantResolver,
} from '../sources/index.js';
import { readFileHead } from '../sources/byte-stream.js';
import type { HuntJob } from './scan.js';

/** EVTX files above this size are split; each job covers this many chunks (8 MiB). */
const SPLIT_BYTES = 24 * 1024 * 1024;
const CHUNKS_PER_JOB = 128;

/** A file that could not be taken into the hunt. */
export interface PlanProblem {
  readonly file: string;
  readonly reason: string;
  /** Unreadable (error) vs merely not a log (ignored quietly in folders). */
  readonly unreadable: boolean;
}

/** The jobs of a hunt and what was left out. */
export interface HuntPlan {
  readonly jobs: HuntJob[];
  /** Files taken into the hunt (a split file counts once). */
  readonly files: number;
  readonly bytes: number;
  readonly problems: PlanProblem[];
  /** Files in folders that are not logs (no log extension, no log content). */
  readonly ignored: number;
  /** The stream job (standard input), when `-` was among the paths: its size is not known before it ends. */
  readonly stream?: HuntJob;
}

/** The name a stream's records and warnings carry. */
export const STDIN_NAME = '<stdin>';
/** The path that stands for standard input when the caller has a stream for it. */
export const STDIN_PATH = '-';

/**
 * Plans a hunt over the given paths. With `stdin`, the first `-` among them is one stream job, in its place
 * among the files (others are ignored); its tenant is what a `--tenant-map` glob naming `-` says, no folder's.
 */
export async function planHunt(
  paths: readonly string[],
  tenants: TenantResolver,
  opts: { recover?: boolean; stdin?: boolean } = {},
): Promise<HuntPlan> {
  const problems: PlanProblem[] = [];
  const streamAt = opts.stdin ? paths.indexOf(STDIN_PATH) : -1;
  const filePaths = streamAt < 0 ? paths : paths.filter((p) => p !== STDIN_PATH);
  const found = discoverFiles(filePaths, (p) => problems.push({ ...p, unreadable: true }));
  const jobs: HuntJob[] = [];
  let files = 0;
  let bytes = 0;
  let ignored = 0;
  let stream: HuntJob | undefined;
  const addStream = () => {
    const tenant = tenants.tenantOf(STDIN_PATH, process.cwd());
    stream = {
      index: jobs.length,
      path: STDIN_NAME,
      format: 'stream',
      gzip: false,
      ...(tenant !== undefined ? { tenant } : {}),
      ...(opts.recover === false ? { recover: false } : {}),
      bytes: 0,
    };
    jobs.push(stream);
    files++;
  };
  for (const f of found) {
    // The paths before the first '-' are exactly the first streamAt file paths.
    if (streamAt >= 0 && !stream && f.given >= streamAt) addStream();
    const det = await detectFormat(f.path);
    if (!det.format) {
      if (det.empty) continue;
      if (f.explicit || hasLogExtension(f.path))
        problems.push({ file: f.path, reason: det.reason, unreadable: true });
      else ignored++;
      continue;
    }
    files++;
    bytes += f.size;
    const tenant = tenants.tenantOf(f.path, f.root);
    const base = {
      path: f.path,
      format: det.format,
      gzip: det.gzip,
      ...(tenant !== undefined ? { tenant } : {}),
      ...(opts.recover === false ? { recover: false } : {}),
    };
    if (det.format === 'evtx' && !det.gzip && f.size > SPLIT_BYTES) {
      const chunks = evtxChunkCount(f.size, readFileHead(f.path, 8));
      for (let from = 0; from < chunks; from += CHUNKS_PER_JOB) {
        const to = Math.min(chunks, from + CHUNKS_PER_JOB);
        jobs.push({ ...base, index: jobs.length, chunks: { from, to }, bytes: (to - from) * 65536 });
      }
    } else {
      jobs.push({ ...base, index: jobs.length, bytes: f.size });
    }
  }
  if (streamAt >= 0 && !stream) addStream();
  return { jobs, files, bytes, problems, ignored, ...(stream ? { stream } : {}) };
}

/** The plain (not gzip) EVTX files of a plan, each once, in job order (for the template catalogue). */
export function evtxInputs(jobs: readonly HuntJob[]): string[] {
  const seen = new Set<string>();
  for (const job of jobs) if (job.format === 'evtx' && !job.gzip) seen.add(job.path);
  return [...seen];
}

/** Input per worker thread a hunt starts by default (see defaultHuntWorkers). */
const BYTES_PER_WORKER = 256 * 1024 * 1024;
/** Worker threads a hunt starts at most by default. */
const MAX_DEFAULT_WORKERS = 8;

/**
 * Threads a hunt matches on when the user does not say (1: the calling thread, no workers): one worker per
 * 256 MiB of input, at most one per core and 8, and none below two. Each worker compiles the rules (about a
 * second) and builds its own automata before it matches, while the calling thread alone already keeps about 1.3-1.4
 * cores busy (V8 compiles and collects on another). Measured on 2 cores, SigmaHQ Windows rules, one thread
 * against 2 workers: 68 MB corpus 4.6 s against 6.1 s; dense EVTX 32 MiB 4.2 against 5.0 s, 256 MiB 8.2-8.7
 * against 9.6-11.2 s; 1 GiB 23.9 against 20.3 s, and 24.3 against 16.3 s with the corpus added (bench:hunt).
 */
export function defaultHuntWorkers(cores: number, inputBytes: number): number {
  const byInput = Math.floor(inputBytes / BYTES_PER_WORKER);
  const workers = Math.min(cores, MAX_DEFAULT_WORKERS, byInput);
  return workers >= 2 ? workers : 1;
}
