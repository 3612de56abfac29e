/**
 * Comparison: paired trial readings → per scenario × metric change, interval, p- and q-value and
 * verdict → the gate's verdict. The only place that decides "fail". Pure; the method and its limits
 * are in docs/statistics.md.
 */
export { compareGate, type CompareGateInput, type GateOutcome } from './compare-gate.js';
export { collectPairs, type CollectedPairs, type ReadingPair } from './collect-pairs.js';
export {
  estimatePairedChange,
  type ChangeMethod,
  type ChangeScale,
  type PairedChange,
  type PairedValues,
} from './estimate-paired-change.js';
export { decideVerdict, MINIMUM_EFFECT_SHARE } from './decide-verdict.js';
export {
  judgeErrors,
  judgeErrorRates,
  ERROR_RATE_LIMIT,
  type ErrorJudgement,
  type ErrorRates,
} from './judge-errors.js';
export { describeReach } from './describe-reach.js';
export { decideGateVerdict } from './decide-gate-verdict.js';
export { estimatePairsNeeded, type PairsNeededInput } from './estimate-pairs-needed.js';
export { describeTrialConditions, HIGH_STEAL_FRACTION } from './describe-trial-conditions.js';
export { formatPercent } from './format-percent.js';
export { formatLevel } from './format-level.js';
export {
  evaluateLook,
  LOOK_EVERY,
  planSequentialDesign,
  fitPairsToBudget,
  spendAlpha,
  type LookInput,
  type LookResult,
  type SequentialDesign,
} from './sequential.js';
export { compareStored, DEFAULT_BETWEEN_RUN_SD, type CompareStoredInput } from './compare-stored.js';
export {
  estimateBetweenRunSpread,
  MAX_SPREAD_RUNS,
  MIN_SPREAD_RUNS,
  type BetweenRunSpread,
} from './between-run-spread.js';
export {
  estimateUnpairedChange,
  type UnpairedChange,
  type UnpairedInference,
} from './estimate-unpaired-change.js';
export {
  adjustByFamily,
  type AdjustedTests,
  type FamilyMember,
  type FamilyTests,
} from './adjust-by-family.js';
