// `dwell info <path...>`: what an EVTX file holds — header, chunks, records, recovered records, damage. Folders
// stand for the EVTX files under them (as `dwell hunt` reads folders).
import { statSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { extname, join, relative } from 'node:path';
import { readEvtxFile, type EvtxFileHeader, type EvtxWarning } from '../../evtx/index.js';
import { discoverFiles } from '../../sources/index.js';
import { terminalText } from '../../engine/index.js';
import { EXIT, type CliContext, type RegisterCommand } from '../context.js';
import { refuseStdin } from '../stdin.js';

/** The facts `dwell info` prints for one file (also its --json output). */
export interface EvtxInfo {
  file: string;
  size: number;
  header: EvtxFileHeader | null;
  chunks: number;
  damagedChunks: number;
  records: number;
  recovered: number;
  skipped: number;
  firstRecordId: number | null;
  lastRecordId: number | null;
  firstTime: string | null;
  lastTime: string | null;
  warnings: EvtxWarning[];
}

/** Reads a whole file once and gathers its EvtxInfo (never throws: problems become warnings). */
export function evtxInfo(file: string): EvtxInfo {
  const reader = readEvtxFile(file);
  let firstId = Infinity;
  let lastId = -Infinity;
  let firstTime = Infinity;
  let lastTime = -Infinity;
  for (const record of reader) {
    const id = record.recordId;
    if (id < firstId) firstId = id;
    if (id > lastId) lastId = id;
    const t = record.timestamp;
    if (t < firstTime) firstTime = t;
    if (t > lastTime) lastTime = t;
  }
  const stats = reader.stats;
  const iso = (t: number): string | null =>
    Number.isFinite(t) && Math.abs(t) <= 8.64e15 ? new Date(t).toISOString() : null;
  return {
    file,
    size: stats.fileSize,
    header: stats.header,
    chunks: stats.chunks,
    damagedChunks: stats.damagedChunks,
    records: stats.records,
    recovered: stats.recovered,
    skipped: stats.skipped,
    firstRecordId: Number.isFinite(firstId) ? firstId : null,
    lastRecordId: Number.isFinite(lastId) ? lastId : null,
    firstTime: iso(firstTime),
    lastTime: iso(lastTime),
    warnings: reader.warnings,
  };
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

function parseMaxWarnings(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError('expected a number of warnings (0 or more)');
  return Number(value);
}

/** The human-readable report for one file; at most `maxWarnings` warnings are listed. */
export function formatInfo(info: EvtxInfo, maxWarnings = 20): string {
  const lines = [terminalText(info.file), `  size            ${info.size.toLocaleString('en-US')} bytes`];
  const h = info.header;
  if (h) {
    lines.push(
      `  version         ${h.majorVersion}.${h.minorVersion}`,
      `  header          ${h.chunkCount} chunks, next record id ${h.nextRecordId}, ` +
        `dirty ${yesNo(h.dirty)}, full ${yesNo(h.full)}, CRC ${h.checksumOk ? 'ok' : 'MISMATCH'}`,
    );
  } else {
    lines.push('  header          missing or unreadable');
  }
  lines.push(
    `  chunks          ${info.chunks} (${info.damagedChunks} damaged)`,
    `  records         ${info.records.toLocaleString('en-US')}`,
    `  recovered       ${info.recovered.toLocaleString('en-US')} (carved from slack space or damaged chunks)`,
  );
  if (info.skipped > 0) lines.push(`  skipped         ${info.skipped} (framed but undecodable)`);
  if (info.firstRecordId !== null)
    lines.push(`  record ids      ${info.firstRecordId} .. ${info.lastRecordId}`);
  if (info.firstTime !== null) lines.push(`  time range      ${info.firstTime} .. ${info.lastTime}`);
  lines.push(`  warnings        ${info.warnings.length}`);
  for (const w of info.warnings.slice(0, maxWarnings)) {
    lines.push(
      `    ${w.chunk >= 0 ? `chunk ${w.chunk}` : 'header'} @ offset ${w.offset}: ${terminalText(w.reason)}`,
    );
  }
  if (info.warnings.length > maxWarnings)
    lines.push(`    ... and ${info.warnings.length - maxWarnings} more (see --json)`);
  return lines.join('\n') + '\n';
}

/**
 * The files to report: paths as given, except folders, which stand for the `.evtx` files under them (sorted,
 * recursively). A path that is not a folder is kept even when it cannot be read (its report says why);
 * unreadable subfolders and folders without EVTX files are reported through `onProblem`.
 */
export function infoFiles(
  paths: readonly string[],
  onProblem: (path: string, reason: string) => void,
): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let folder = false;
    try {
      folder = statSync(path).isDirectory();
    } catch {
      folder = false;
    }
    if (!folder) {
      files.push(path);
      continue;
    }
    let problem = false;
    const found = discoverFiles([path], (p) => {
      problem = true;
      onProblem(p.file, p.reason);
    });
    // Named from the folder as the user wrote it.
    const evtx = found.filter((f) => extname(f.path).toLowerCase() === '.evtx');
    if (evtx.length === 0 && !problem) onProblem(path, 'no .evtx files in this folder');
    for (const f of evtx) files.push(join(path, relative(f.root, f.path)));
  }
  return files;
}

/** A file that could not be opened, or holds neither an EVTX header nor any record. */
function unreadable(info: EvtxInfo): boolean {
  return info.header === null && info.records === 0 && info.recovered === 0;
}

/** Registers `dwell info`. */
export const registerInfo: RegisterCommand = (program, ctx: CliContext) => {
  program
    .command('info')
    .description(
      'show what EVTX files hold (a folder: every .evtx under it): header (version, dirty/full flags, CRC), ' +
        'chunks, records, recovered records, damage',
    )
    .argument('<paths...>', 'EVTX files, or folders to look in for .evtx files (recursively)')
    .option(
      '--json',
      'machine-readable output: one JSON object for one file, an array for several or a folder',
    )
    .option('--max-warnings <n>', 'warnings listed per file in the text output', parseMaxWarnings, 20)
    .action((paths: string[], opts: { json?: boolean; maxWarnings: number }) => {
      if (refuseStdin('info', paths, ctx, 'Security.evtx')) return;
      const files = infoFiles(paths, (path, reason) => {
        ctx.stderr.write(`dwell info: ${terminalText(`${path}: ${reason}`)}\n`);
        ctx.setExit(EXIT.UNREADABLE);
      });
      const infos = files.map((file) => evtxInfo(file));
      if (opts.json) {
        // One file named on its own: an object; several, or a folder (however many files it holds): an array.
        const single = paths.length === 1 && files.length === 1 && files[0] === paths[0];
        const out = single ? infos[0] : infos;
        ctx.stdout.write(JSON.stringify(out, null, 2) + '\n');
      } else {
        ctx.stdout.write(infos.map((i) => formatInfo(i, opts.maxWarnings)).join('\n'));
      }
      if (infos.some(unreadable)) ctx.setExit(EXIT.UNREADABLE);
    });
};
