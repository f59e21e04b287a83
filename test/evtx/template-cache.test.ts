// The byte-keyed template cache: a chunk that repeats a definition skips parsing it, and definitions that
// differ in any byte (here: a field name of the same length) never share a shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChunk } from '../../src/evtx/chunk.js';
import { renderXml } from '../../src/evtx/render-xml.js';
import { cachedShapeCount, parsedTemplateCount } from '../../src/evtx/shape.js';
import { writeEvtx } from '../../src/evtx/writer.js';
import { nameHash } from '../../src/evtx/writer-template.js';
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

test('a long shared name (compared natively) that differs in its last character is parsed anew', () => {
  // UserData field names are element names: the writer stores each once per chunk, so the second template
  // refers to the name the first one defined (a name outside its body, compared byte for byte on lookup).
  const long = (last: string): string => `CacheProbeLongSharedName${'x'.repeat(20)}${last}`;
  const spec = (provider: string, fields: Record<string, string>): EventSpec => ({
    ...event('Unused', ''),
    provider,
    data: undefined,
    userData: { element: 'CacheProbeData', fields },
  });
  const chunk = writeEvtx([
    spec('Dwell-Template-Cache-Long-1', { [long('A')]: 'v', Other: 'x' }),
    spec('Dwell-Template-Cache-Long-2', { CacheProbeLong: 'l', [long('A')]: 'n' }),
  ]).subarray(4096, 4096 + 65536);
  // The same chunk with the shared name's last character changed (and its stored hash fixed): the second
  // template's own bytes and id are unchanged, only the name it refers to differs.
  const patched = Buffer.from(chunk);
  const at = patched.indexOf(Buffer.from(long('A'), 'utf16le'));
  assert.ok(
    at > 0 && patched.indexOf(Buffer.from(long('A'), 'utf16le'), at + 1) < 0,
    'the name is stored once',
  );
  patched.write('B', at + 2 * (long('A').length - 1), 'utf16le');
  patched.writeUInt16LE(nameHash(long('B')), at - 4);
  const a = parse(chunk, 0);
  const parsedBefore = parsedTemplateCount();
  const b = parse(patched, 1);
  assert.equal(
    parsedTemplateCount(),
    parsedBefore + 2,
    'both definitions parsed, neither taken from the cache',
  );
  assert.equal(a.records[1].get(long('A')), 'n');
  assert.equal(b.records[1].get(long('B')), 'n');
  assert.equal(b.records[1].get(long('A')), undefined);
});
