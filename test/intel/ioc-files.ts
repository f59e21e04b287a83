// Indicator files for the chunked-reader tests: written into one temporary folder per test file, read back
// through readIocFile with what it hands its sink collected.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIocFile, type Indicator, type IocProblem, type IocReadOptions } from '../../src/intel/iocs.js';

/** A fresh folder and a writer of numbered files into it (`f0.json`, `f1.csv`, ...). */
export function iocFolder(prefix: string): {
  dir: string;
  fileWith: (content: string | Buffer, ext?: string) => string;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let files = 0;
  return {
    dir,
    fileWith: (content, ext = 'json') => {
      const path = join(dir, `f${files++}.${ext}`);
      writeFileSync(path, content);
      return path;
    },
  };
}

/** Reads one file through the chunked reader, collecting what it gives. */
export function readIocs(
  path: string,
  options: IocReadOptions,
): { indicators: Indicator[]; problems: IocProblem[] } {
  const out = { indicators: [] as Indicator[], problems: [] as IocProblem[] };
  readIocFile(
    path,
    { indicator: (i) => out.indicators.push(i), problem: (p) => out.problems.push(p) },
    options,
  );
  return out;
}
