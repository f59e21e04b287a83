// The few record fields a Detection carries for people to read: the ones the rule tested, then the usual
// suspects (process, user, network, service), each capped in length.
import type { CompiledRule } from './compile-rule.js';
import type { RecordView } from './record-view.js';

const MAX_VALUE = 2_000;
const MAX_FIELDS = 24;

/** Fields worth showing whenever present, in this order after the rule's own fields. */
export const CONTEXT_FIELDS: readonly string[] = [
  'Image',
  'CommandLine',
  'ParentImage',
  'ParentCommandLine',
  'User',
  'TargetUserName',
  'TargetDomainName',
  'SubjectUserName',
  'SubjectDomainName',
  'IpAddress',
  'WorkstationName',
  'LogonType',
  'ServiceName',
  'ImagePath',
  'TargetFilename',
  'TargetObject',
  'Details',
  'DestinationIp',
  'DestinationPort',
  'DestinationHostname',
  'QueryName',
  'ImageLoaded',
  'PipeName',
  'TargetImage',
  'ScriptBlockText',
  'NewProcessName',
  'ParentProcessName',
  'Hashes',
];

/** Picks and caps the fields of a matched record for its Detection. */
export function detectionFields(rule: CompiledRule, view: RecordView): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  const take = (name: string): void => {
    if (count >= MAX_FIELDS || name in out) return;
    const v = view.raw(name);
    if (v === undefined || v === '') return;
    out[name] = v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE)}…` : v;
    count++;
  };
  for (const f of rule.fields) take(f);
  for (const f of CONTEXT_FIELDS) take(f);
  return out;
}
