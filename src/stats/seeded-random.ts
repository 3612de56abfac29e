/**
 * A seeded pseudo-random generator, so trial orders and resampling reproduce run after run.
 * Method: mulberry32 (Tommy Ettinger, public domain), 32-bit state, period 2^32.
 */

/** Returns a generator of uniform numbers in [0, 1) determined entirely by `seed` (any integer). */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
