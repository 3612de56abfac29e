import type { VerdictEvidence } from '../model/results.js';
import { benjaminiHochberg } from '../stats/benjamini-hochberg.js';

/** One-sided p-values of one comparison before false-discovery control, and the two-sided p of "no change". */
export interface FamilyTests {
  readonly regression: number;
  readonly improvement: number;
  readonly equivalence: number;
  readonly noChange: number;
}

/** A comparison as its family sees it. */
export interface FamilyMember {
  /** Whether it can fail the gate (the gated family) or is informational. */
  readonly gated: boolean;
  /** Decided by the error rule, not by a test: in neither family. */
  readonly byRule: boolean;
  readonly tests: FamilyTests;
}

/** A comparison's evidence after false-discovery control. */
export interface AdjustedTests {
  readonly evidence: VerdictEvidence;
  /** The no-change p after control (the comparison's q-value). */
  readonly qValue: number;
}

/**
 * Benjamini–Hochberg (`benjaminiHochberg`) of the regression, improvement and no-change p-values,
 * separately over the gated comparisons and over the informational rest: adding an informational
 * metric must not make the gate less sensitive (docs/statistics.md, decision 4). Equivalence is an
 * intersection–union test of each comparison alone and is not adjusted. Members decided by the error
 * rule keep their raw p-values.
 * @returns one entry per member, in input order.
 */
export function adjustByFamily(members: readonly FamilyMember[]): AdjustedTests[] {
  const adjusted: AdjustedTests[] = members.map((m) => ({
    evidence: {
      regression: m.tests.regression,
      improvement: m.tests.improvement,
      equivalence: m.tests.equivalence,
    },
    qValue: m.tests.noChange,
  }));
  for (const family of [true, false]) {
    const indices = members.flatMap((m, index) => (m.gated === family && !m.byRule ? [index] : []));
    const pick = (test: keyof FamilyTests): number[] =>
      benjaminiHochberg(indices.map((index) => members[index]?.tests[test] ?? 1));
    const [regression, improvement, noChange] = [pick('regression'), pick('improvement'), pick('noChange')];
    indices.forEach((index, k) => {
      adjusted[index] = {
        evidence: {
          regression: regression[k] ?? 1,
          improvement: improvement[k] ?? 1,
          equivalence: members[index]?.tests.equivalence ?? 1,
        },
        qValue: noChange[k] ?? 1,
      };
    });
  }
  return adjusted;
}
