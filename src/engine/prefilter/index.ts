// The literal-needle prefilter: Aho-Corasick automata that tell which rules can still match a record.
export { AhoCorasick, type AhoCorasickOptions } from './aho-corasick.js';
export {
  Prefilter,
  PREFIX_MIN_LENGTH,
  shortenNeedles,
  needlePrefixes,
  KEYWORD_FIELD,
  KEYWORD_SEPARATOR,
  NON_STRING_VALUE_CHARS,
  type FieldFeed,
  type KeywordFeed,
  type KeywordSink,
  type PrefilterEntry,
  type PrefilterNeedle,
  type CandidateSet,
  type PrefilterOptions,
  type NeedlePrefixes,
} from './prefilter.js';
export { regexFacts, type RegexFacts, type RegexFactFlags } from './regex-facts.js';
export { SkipScanner, skipScanEligible, SKIP_MIN_LENGTH, SKIP_MAX_NEEDLES } from './skip-scan.js';
export {
  GUARD_MATCH,
  GUARD_MAYBE,
  GUARD_NO,
  regexGuard,
  type GuardVerdict,
  type RegexGuard,
} from './regex-guard.js';
