// Which of an intrusion's high-level detections are corroborated by the rest of it — the ones its malicious
// time span is read from, so an unrelated false positive on a compromised host cannot stretch the dwell time.
import type { Detection } from '../engine/types.js';
import { artifactsOf } from './artifacts.js';

/** Two distinct rules on one host within this long of each other corroborate each other (a burst of behaviours). */
export const BURST_MS = 86_400_000;

/**
 * A detection is corroborated when it is a correlation or IOC hit; or names an account that the signal names on
 * another host or in another rule; or shares a hash, archive, tool, command or domain with a signal detection
 * on another host; or its host shows a second, different rule within BURST_MS. Returns the corroborated ones,
 * or all of them when none is.
 */
export function corroborated(
  signal: readonly Detection[],
  /** Whether another rule fired on the detection's host within BURST_MS (default: among `signal`). */
  burstOf?: (d: Detection) => boolean,
): Detection[] {
  const accountSpread = new Map<string, Set<string>>();
  const artifactHosts = new Map<string, Set<string>>();
  const arts = signal.map((d) => artifactsOf(d));
  signal.forEach((d, i) => {
    for (const a of arts[i]) {
      if (a.kind === 'account') {
        let s = accountSpread.get(a.value);
        if (!s) accountSpread.set(a.value, (s = new Set()));
        s.add(`h:${d.host}`);
        s.add(`r:${d.rule.id}`);
      } else {
        const key = `${a.kind}:${a.value}`;
        let s = artifactHosts.get(key);
        if (!s) artifactHosts.set(key, (s = new Set()));
        s.add(d.host);
      }
    }
  });
  const byHost = new Map<string, Detection[]>();
  for (const d of burstOf ? [] : signal) {
    const list = byHost.get(d.host);
    if (list) list.push(d);
    else byHost.set(d.host, [d]);
  }
  for (const list of byHost.values()) list.sort((a, b) => a.timestamp - b.timestamp);
  const burst =
    burstOf ??
    ((d: Detection): boolean => {
      for (const o of byHost.get(d.host) ?? []) {
        if (o.rule.id !== d.rule.id && Math.abs(o.timestamp - d.timestamp) <= BURST_MS) return true;
      }
      return false;
    });
  const out = signal.filter((d, i) => {
    if (d.rule.kind !== 'rule' || d.rule.id.startsWith('ioc:')) return true;
    for (const a of arts[i]) {
      if (a.kind === 'account') {
        const s = accountSpread.get(a.value);
        // Seen with more than this host and this rule: at least 3 distinct host/rule marks.
        if (s && s.size >= 3) return true;
      } else if ((artifactHosts.get(`${a.kind}:${a.value}`)?.size ?? 0) >= 2) return true;
    }
    return burst(d);
  });
  return out.length > 0 ? out : [...signal];
}
