import type { Comparison, GateVerdict } from '../model/results.js';

/**
 * The gate's verdict from its gated comparisons: `regression` if any is a regression (this fails the
 * check); else `inconclusive` if any is inconclusive or `incomplete` (something that should have been
 * compared was not); else `improvement` if any is an improvement; else `unchanged`. Comparisons of
 * metrics outside `gate.metrics` never move it.
 */
export function decideGateVerdict(comparisons: readonly Comparison[], incomplete: boolean): GateVerdict {
  const verdicts = new Set(comparisons.filter((c) => c.gated).map((c) => c.verdict));
  if (verdicts.has('regression')) return 'regression';
  if (incomplete || verdicts.has('inconclusive')) return 'inconclusive';
  if (verdicts.has('improvement')) return 'improvement';
  return 'unchanged';
}
