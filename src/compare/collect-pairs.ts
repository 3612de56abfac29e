import type { TrialReading } from '../model/results.js';

/** One base/head pair of adjacent trials of a scenario. */
export interface ReadingPair {
  /** The pair index both readings carry. */
  readonly pair: number;
  readonly base: TrialReading;
  readonly head: TrialReading;
}

/** Complete pairs of a scenario, and what was left out. */
export interface CollectedPairs {
  /** Pairs with both sides, ordered by pair index. */
  readonly pairs: readonly ReadingPair[];
  /** Every reading of the scenario, paired or not (for trial-condition warnings). */
  readonly readings: readonly TrialReading[];
  /** Why some readings were not used (a side missing, a duplicate). */
  readonly warnings: readonly string[];
}

/**
 * Matches base and head readings of `scenario` by their `pair` index. The comparison is paired, so a
 * pair missing a side is ignored (a run cut short by its budget ends on half a pair); a duplicated
 * side keeps its first reading, in the order given.
 */
export function collectPairs(trials: readonly TrialReading[], scenario: string): CollectedPairs {
  const all = trials.filter((t) => t.scenario === scenario);
  // Readings set aside by the run (and measured again) are evidence for the report, not samples.
  const readings = all.filter((t) => t.discarded === undefined);
  const setAside = all.length - readings.length;
  const byPair = new Map<number, { base?: TrialReading; head?: TrialReading; duplicates: number }>();
  for (const reading of readings) {
    const slot = byPair.get(reading.pair) ?? { duplicates: 0 };
    if (slot[reading.side] === undefined) slot[reading.side] = reading;
    else slot.duplicates += 1;
    byPair.set(reading.pair, slot);
  }
  const pairs: ReadingPair[] = [];
  const incomplete: number[] = [];
  const duplicated: number[] = [];
  for (const [pair, slot] of [...byPair.entries()].sort(([a], [b]) => a - b)) {
    if (slot.duplicates > 0) duplicated.push(pair);
    if (slot.base && slot.head) pairs.push({ pair, base: slot.base, head: slot.head });
    else incomplete.push(pair);
  }
  const warnings: string[] = [];
  if (setAside > 0) warnings.push(`${setAside} reading(s) were set aside and their pairs measured again`);
  if (incomplete.length > 0)
    warnings.push(`pair(s) ${incomplete.join(', ')} lack a base or head reading and were ignored`);
  if (duplicated.length > 0)
    warnings.push(`pair(s) ${duplicated.join(', ')} had more than one reading per side; the first was used`);
  return { pairs, readings, warnings };
}
