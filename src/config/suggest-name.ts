/** "Did you mean ...?" for misspelled keys and names. */
import { distance } from 'fastest-levenshtein';

// Spelling variants of one key (`startup_timeout`, `startupTimeout`, `Startup-Timeout`) compare equal.
function canonical(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

// `GTE` for `GET`: Levenshtein counts a swap of neighbours as two edits, a reader as one typo.
function isOneSwapAway(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const differ = [...a].flatMap((char, index) => (char === b[index] ? [] : [index]));
  const [first, second] = differ;
  return (
    differ.length === 2 &&
    first !== undefined &&
    second === first + 1 &&
    a[first] === b[second] &&
    a[second] === b[first]
  );
}

/**
 * The candidate closest to `input` in Levenshtein distance, ignoring case, `-`, `_` and spaces, when it
 * is close enough to be a likely typo: at most a third of the candidate's length (and at least 1) apart,
 * one swap of neighbouring letters away (`GTE` → `GET`), or containing `input` whole (`p50` →
 * `latency_p50`). Ties go to the earlier candidate.
 *
 * @returns the candidate as spelled in `candidates`, or `undefined` when none is close.
 * @example suggestName('startup_timeout', ['ready', 'startup-timeout']) // 'startup-timeout'
 */
export function suggestName(input: string, candidates: readonly string[]): string | undefined {
  const wanted = canonical(input);
  if (wanted === '') return undefined;
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const known = canonical(candidate);
    const edits = isOneSwapAway(wanted, known) ? 1 : distance(wanted, known);
    const isClose =
      edits <= Math.max(1, Math.floor(known.length / 3)) || (wanted.length >= 3 && known.includes(wanted));
    if (isClose && (best === undefined || edits < best.score)) best = { candidate, score: edits };
  }
  return best?.candidate;
}
