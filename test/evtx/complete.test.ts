// Completeness: Dwell reads at least as many records as libevtx's evtxexport from every corpus file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { corpusPath, corpusSkip } from '../helpers/corpus.js';
import { readEvtxFile } from '../../src/evtx/index.js';

test(
  'record counts equal evtxexport’s, or are higher where Dwell recovers more',
  { skip: corpusSkip },
  (t) => {
    const lines = readFileSync(corpusPath('evtx', 'record_counts.tsv'), 'utf8').trim().split('\n').slice(1);
    assert.ok(lines.length >= 400);
    const higher: string[] = [];
    const lower: string[] = [];
    for (const line of lines) {
      const [path, count] = line.split('\t');
      const expected = Number(count);
      const reader = readEvtxFile(corpusPath(path));
      let normal = 0;
      let recovered = 0;
      for (const r of reader) {
        if (r.recovered) recovered++;
        else normal++;
      }
      assert.equal(reader.stats.records, normal);
      assert.equal(reader.stats.recovered, recovered);
      const total = normal + recovered;
      if (total < expected) lower.push(`${path}: ${total} < ${expected}`);
      else if (total > expected) {
        const why = [
          normal > expected ? `${normal - expected} more read normally` : '',
          recovered > 0 ? `${recovered} carved from slack/damaged chunks` : '',
        ]
          .filter(Boolean)
          .join(', ');
        higher.push(`${path}: +${total - expected} (${why})`);
      }
    }
    assert.deepEqual(lower, []);
    t.diagnostic(
      `${higher.length} of ${lines.length} files give more records than evtxexport:\n${higher.join('\n')}`,
    );
  },
);
