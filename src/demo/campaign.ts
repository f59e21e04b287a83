// The Cicada-style campaign woven into the demo: every behaviour row of campaign.md, in the provider first,
// then the Japanese parent, then one subsidiary, with quiet weeks between stages. Returns plain stage plans
// (host + EventSpec per malicious event); the generator merges them into each host's timeline.
import { buildCampaignContext, type CampaignPlan } from './campaign-context.js';
import { domainStages } from './campaign-domain.js';
import { entryStages } from './campaign-entry.js';
import { spreadStages } from './campaign-spread.js';
import type { Prng } from './prng.js';
import type { DemoWorld } from './tenants.js';

export type { CampaignPlan, StageEvent, StagePlan } from './campaign-context.js';

/** Plans the whole campaign for one world and seed. */
export function planCampaign(world: DemoWorld, rng: Prng): CampaignPlan {
  const ctx = buildCampaignContext(world, rng);
  entryStages(ctx);
  domainStages(ctx);
  spreadStages(ctx);
  const { stages, msp, jp, mx, tech, stolenAdmin, c2Domain, c2Ip, attackerIp } = ctx;
  for (const s of stages) s.events.sort((a, b) => +a.spec.time - +b.spec.time);
  return {
    stages,
    hopOrder: [msp.id, jp.id, mx.id],
    compromisedAccounts: [
      `${msp.netbios}\\${tech.user}`,
      `${jp.netbios}\\${tech.user}`,
      `${mx.netbios}\\${tech.user}`,
      `${jp.netbios}\\${stolenAdmin.user}`,
    ],
    c2Domain,
    c2Ip,
    attackerIp,
  };
}
