// The byte-keyed template cache: a chunk that repeats a definition skips parsing it, and definitions that
// differ in any byte (here: a field name of the same length) never share a shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChunk } from '../../src/evtx/chunk.js';
import { renderXml } from '../../src/evtx/render-xml.js';
import { cachedShapeCount, parsedTemplateCount } from '../../src/evtx/shape.js';
import { writeEvtx } from '../../src/evtx/writer.js';
import type { EventSpec } from '../../src/evtx/writer-types.js';

const TIME = Date.UTC(2024, 4, 1, 12, 30, 45, 123);

function event(fieldName: string, value: string): EventSpec {
  return {
    provider: 'Dwell-Template-Cache-Test',
    eventId: 7,
    channel: 'Application',
    computer: 'ws01.corp.example',
    time: TIME,
    data: { [fieldName]: value, Other: 'x' },
  };
}

/** The first chunk of a one-event file. */
function firstChunk(spec: EventSpec): Buffer {
  return writeEvtx([spec]).subarray(4096, 4096 + 65536);
}

function parse(chunk: Buffer, index: number) {
  return parseChunk(Buffer.from(chunk), { file: 'mem.evtx', chunkIndex: index, fileOffset: 4096 }, {});
}

test('a repeated chunk reuses the cached shape and reads the same', () => {
  const chunk = firstChunk(event('CacheProbeAlpha', 'one'));
  const first = parse(chunk, 0);
  const shapesAfterFirst = cachedShapeCount();
  const second = parse(chunk, 1);
  assert.equal(first.records.length, 1);
  assert.equal(second.records.length, 1);
  assert.equal(cachedShapeCount(), shapesAfterFirst, 'no shape compiled for the repeat');
  assert.equal(second.records[0].get('CacheProbeAlpha'), 'one');
  assert.equal(renderXml(second.records[0]), renderXml(first.records[0]));
});

test('definitions that differ only in a field name get their own shapes', () => {
  const a = parse(firstChunk(event('CacheProbeGamma', 'a')), 0);
  const b = parse(firstChunk(event('CacheProbeDelta', 'b')), 0);
  assert.equal(a.records[0].get('CacheProbeGamma'), 'a');
  assert.equal(a.records[0].get('CacheProbeDelta'), undefined);
  assert.equal(b.records[0].get('CacheProbeDelta'), 'b');
  assert.equal(b.records[0].get('CacheProbeGamma'), undefined);
});

test('a definition repeated at another offset in another chunk is not parsed again', () => {
  const other = (value: string): EventSpec => ({
    ...event('CacheProbeOther', value),
    provider: 'Dwell-Template-Cache-Other',
  });
  const probe = event('CacheProbeEpsilon', 'e');
  const chunkOf = (specs: EventSpec[]): Buffer => writeEvtx(specs).subarray(4096, 4096 + 65536);
  parse(chunkOf([other('o'), probe]), 0);
  const parsedBefore = parsedTemplateCount();
  // A longer value in the first record moves the probe's definition (inline in the second record) further on:
  // same bytes at another offset, sharing names with the first definition.
  const moved = parse(chunkOf([other('o'.repeat(40)), probe]), 1);
  assert.equal(parsedTemplateCount(), parsedBefore, 'both definitions came from the bytes cache');
  assert.equal(moved.records.length, 2);
  assert.equal(moved.records[1].get('CacheProbeEpsilon'), 'e');
  assert.equal(moved.records[0].get('CacheProbeOther'), 'o'.repeat(40));
});

test('a definition whose shared name differs is parsed, not taken from the cache', () => {
  const first = (name: string): EventSpec => ({
    ...event(name, 'v'),
    provider: 'Dwell-Template-Cache-Names',
  });
  const probe = { ...event('CacheProbeShared', 's'), data: { CacheProbeShared: 's', NameAAAA: 'n' } };
  const chunkOf = (specs: EventSpec[]): Buffer => writeEvtx(specs).subarray(4096, 4096 + 65536);
  const a = parse(chunkOf([first('NameAAAA'), probe]), 0);
  const b = parse(
    chunkOf([first('NameBBBB'), { ...probe, data: { CacheProbeShared: 's', NameBBBB: 'n' } }]),
    1,
  );
  assert.equal(a.records[1].get('NameAAAA'), 'n');
  assert.equal(b.records[1].get('NameBBBB'), 'n');
  assert.equal(b.records[1].get('NameAAAA'), undefined);
});
