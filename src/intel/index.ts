// Public face of intel: the ATT&CK table, Sigma tag mapping, kill-chain order, group attribution and indicator sets.
export {
  ATTACK_TABLE_FORMAT,
  type AttackGroup,
  type AttackTable,
  type AttackTactic,
  type AttackTechnique,
  type AttributionMatch,
} from './attack-types.js';
export { buildAttackTable, compareTechniqueIds, type BuildTableSource } from './build-table.js';
export { indexOf, loadAttackTable, shippedAttackTablePath, type AttackIndex } from './attack-table.js';
export {
  ENTERPRISE_TACTICS,
  killChainRank,
  parentTechnique,
  sortTactics,
  tacticsOf,
  techniquesOf,
} from './tags.js';
export { attribute } from './attribution.js';
export {
  IocSet,
  buildIocSet,
  loadIocs,
  parseIocCsv,
  parseStixIndicators,
  readIocFile,
  readStixObject,
  type Indicator,
  type IocProblem,
  type IocReadOptions,
  type IocSink,
  type IocType,
} from './iocs.js';
