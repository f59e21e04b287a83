// A detection with hostile field values, shared by the output tests.
import type { Detection } from '../../src/engine/types.js';

/** A detection; override any part. */
export function detection(over: Partial<Detection> = {}): Detection {
  return {
    rule: {
      id: 'r-1',
      title: 'Suspicious, "quoted" rule',
      level: 'high',
      tags: ['attack.credential-access', 'attack.t1003.001'],
      kind: 'rule',
    },
    timestamp: Date.parse('2024-01-02T03:04:05.678Z'),
    host: 'dc1.corp',
    channel: 'Security',
    eventId: 4688,
    recordId: 42,
    file: '/cases/acme/dc1/Security.evtx',
    tenant: 'acme',
    fields: { CommandLine: 'a\r\nb\nc\rd\u2028e', Image: '=HYPERLINK("http://x")' },
    ...over,
  };
}
