// Test helpers for sources: temp folders and collecting everything a reader emits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventRecord } from '../../src/event/types.js';
import { detectFormat, readSource, type SourceWarning } from '../../src/sources/index.js';

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-src-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Detects and reads a file, collecting records and warnings. */
export async function readAll(
  path: string,
  tenant?: string,
): Promise<{ records: EventRecord[]; warnings: SourceWarning[]; unreadable: boolean }> {
  const records: EventRecord[] = [];
  const warnings: SourceWarning[] = [];
  const det = await detectFormat(path);
  if (!det.format) return { records, warnings: [{ file: path, reason: det.reason }], unreadable: true };
  const stats = await readSource(
    { path, format: det.format, gzip: det.gzip, tenant },
    { record: (r) => records.push(r), warning: (w) => warnings.push(w) },
  );
  return { records, warnings, unreadable: stats.unreadable };
}
