// Lateral movement of one intrusion: action edges (logon, RDP, explicit credentials, admin share, PsExec, WMI,
// WinRM, remote service/task) into its hosts that either use one of its malicious accounts or are remote
// execution, and happened close to a malicious detection on either end. Also the hosts such edges reached that
// have no detection of their own.
import { tenantOfHostKey } from './normalize.js';
import type { ResolvedEdge } from './resolve.js';
import { ACTION_EDGES } from './roles.js';
import { nearSpans } from './spans.js';

/** An edge counts for an intrusion only within this long of a malicious detection on either of its ends. */
export const LATERAL_PROXIMITY_MS = 12 * 3_600_000;
const REMOTE_EXEC = new Set(['psexec', 'wmi', 'winrm', 'service', 'scheduled-task']);

export interface LateralStep {
  readonly time: number;
  readonly src: string;
  readonly dst: string;
  readonly account: string;
  readonly how: string;
  /** True when both ends are hosts of the intrusion (not an outside source). */
  readonly inside: boolean;
}

/** Lateral steps into (and out of) an intrusion's hosts, and hosts reached without detections. */
export function lateralSteps(input: {
  edges: readonly ResolvedEdge[];
  hostKeys: ReadonlySet<string>;
  /** Malicious detection times per host key, as spans (spans.ts). */
  signalTimes: ReadonlyMap<string, readonly number[]>;
  accounts: ReadonlySet<string>;
  tenants: ReadonlySet<string>;
}): { steps: LateralStep[]; reached: Map<string, number> } {
  const { edges, hostKeys, signalTimes, accounts, tenants } = input;
  const steps: LateralStep[] = [];
  const reached = new Map<string, number>();
  const timeNear = (e: ResolvedEdge, a: string, b: string): number => {
    let best = NaN;
    for (const t of e.edge.times) {
      if (!Number.isNaN(best) && t >= best) continue;
      if (
        nearSpans(signalTimes.get(a), t, LATERAL_PROXIMITY_MS) ||
        nearSpans(signalTimes.get(b), t, LATERAL_PROXIMITY_MS)
      ) {
        best = t;
      }
    }
    return best;
  };
  for (const e of edges) {
    if (!ACTION_EDGES.has(e.edge.how)) continue;
    const malicious = accounts.has(e.edge.account);
    if (!malicious && !REMOTE_EXEC.has(e.edge.how)) continue;
    const srcIn = hostKeys.has(e.src);
    const dstIn = hostKeys.has(e.dst);
    if (!srcIn && !dstIn) continue;
    if (srcIn && dstIn) {
      const t = timeNear(e, e.src, e.dst);
      if (!Number.isNaN(t))
        steps.push({
          time: t,
          src: e.src,
          dst: e.dst,
          account: e.edge.account,
          how: e.edge.how,
          inside: true,
        });
      continue;
    }
    if (!malicious) continue;
    const inside = srcIn ? e.src : e.dst;
    const other = srcIn ? e.dst : e.src;
    const otherResolved = srcIn ? e.dstResolved : e.srcResolved;
    const t = timeNear(e, inside, inside);
    if (Number.isNaN(t)) continue;
    if (otherResolved && tenants.has(tenantOfHostKey(other))) {
      // A host of the intrusion's tenants reached with its account, near its activity: part of the intrusion.
      reached.set(other, Math.min(reached.get(other) ?? t, t));
      steps.push({ time: t, src: e.src, dst: e.dst, account: e.edge.account, how: e.edge.how, inside: true });
    } else if (!otherResolved && dstIn) {
      // From an outside source (an address or a name no log of ours belongs to): initial access.
      steps.push({
        time: t,
        src: e.src,
        dst: e.dst,
        account: e.edge.account,
        how: e.edge.how,
        inside: false,
      });
    }
  }
  steps.sort((a, b) => a.time - b.time || (a.src < b.src ? -1 : a.src > b.src ? 1 : 0));
  return { steps, reached };
}
