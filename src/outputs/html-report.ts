// One self-contained, offline HTML report: intrusions ranked (storyline, entity graph, ATT&CK heat map,
// dwell, tenants, attribution) and a searchable, paged detections table. Data is embedded as JSON and
// rendered by an inline script under a strict CSP; nothing from the logs is ever parsed as HTML.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Intrusion } from '../correlate/types.js';
import { unicodeEscape } from '../engine/terminal-text.js';
import type { Detection } from '../engine/types.js';
import { loadAttackTable, type AttackTable } from '../intel/index.js';
import { REPORT_SCRIPT } from './report/client-script.js';
import { buildReportPayload } from './report/payload.js';
import { REPORT_CSS } from './report/style.js';

/** What the report shows. */
export interface HtmlReportInput {
  readonly detections: Iterable<Detection>;
  readonly intrusions?: readonly Intrusion[];
  /** The hunt summary; scalar and flat-object entries are listed as they are. */
  readonly summary?: unknown;
  /** ATT&CK table for technique names and the matrix (default: the shipped table). */
  readonly table?: AttackTable;
  readonly title?: string;
  readonly generated?: Date;
  /** Most detections embedded in the table (default 100,000); intrusion detections are always embedded. */
  readonly maxDetections?: number;
  /** Detections left out before they reached `detections` (counted as not in the table). */
  readonly omittedDetections?: number;
}

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Serialises a value as JSON safe inside `<script type="application/json">`: `<`, `>`, `&` and the line
 * separators U+2028/U+2029 become \u escapes, so no value can close the element or start markup.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, unicodeEscape);
}

/** Renders the report as one HTML string (no external resources). */
export function renderHtmlReport(input: HtmlReportInput): string {
  return htmlReportLines(input).join('\n');
}

/** Writes the report to a file line by line (no second copy of the embedded data in memory). */
export function writeHtmlReport(path: string, input: HtmlReportInput): void {
  const lines = htmlReportLines(input);
  const fd = openSync(path, 'w');
  try {
    lines.forEach((line, i) => {
      writeSync(fd, line);
      if (i < lines.length - 1) writeSync(fd, '\n');
    });
  } finally {
    closeSync(fd);
  }
}

function htmlReportLines(input: HtmlReportInput): string[] {
  const title = input.title ?? 'Dwell report';
  const payload = buildReportPayload({
    detections: input.detections,
    intrusions: input.intrusions,
    summary: input.summary,
    table: input.table ?? loadAttackTable(),
    title,
    generated: input.generated ?? new Date(),
    maxRows: Math.max(0, input.maxDetections ?? 100_000),
    omitted: input.omittedDetections,
  });
  const nonce = randomBytes(18).toString('base64');
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Our own constant and a base64 nonce: no quote can occur in it.
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style nonce="${nonce}">${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    `<header class="top"><h1>${escapeHtml(title)}</h1><div class="meta">Generated ${escapeHtml(payload.generated)}` +
      ` by Dwell \u00b7 ATT&amp;CK ${escapeHtml(payload.attackVersion)}</div></header>`,
    '<main id="app"><noscript>This report needs JavaScript to render its data.</noscript></main>',
    `<script type="application/json" id="dwell-data">${jsonForScript(payload)}</script>`,
    `<script nonce="${nonce}">${REPORT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ];
}
