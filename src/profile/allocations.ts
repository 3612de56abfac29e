/**
 * tracemalloc's growth of live memory over a profiled window, as the one stack model: each
 * allocation traceback whose live bytes grew between the window's first and last snapshot is a stack
 * weighted by the bytes it grew (unit `bytes`), so the same diff table and flame graphs read it.
 * Source of the data: Python's `tracemalloc.Snapshot.compare_to(old, 'traceback')`. Pure.
 */
import { buildProfile, type Profile, type ProfileFrame } from './model.js';

/** One traceback's growth as the bootstrap writes it (src/adapters/bootstrap/sitecustomize.py). */
export interface AllocationGrowth {
  /** Oldest frame first; `name` is the source line's text (tracemalloc records no function names). */
  readonly frames: readonly { readonly file: string; readonly line: number; readonly name: string }[];
  /** Growth of live memory allocated there, in bytes (> 0). */
  readonly bytes: number;
  /** Growth in live blocks. */
  readonly count: number;
}

/**
 * Every process's growth merged into one profile in bytes; `sampleCount` is the number of blocks that
 * grew (so the noise mark treats each block as one observation).
 */
export function allocationGrowthToProfile(
  processes: readonly (readonly AllocationGrowth[])[],
  exporter = 'tracemalloc',
): Profile {
  const stacks: { frames: ProfileFrame[]; weight: number }[] = [];
  let blocks = 0;
  for (const growth of processes) {
    for (const entry of growth) {
      stacks.push({
        frames: entry.frames.map((frame) => ({ name: frame.name, file: frame.file, line: frame.line })),
        weight: entry.bytes,
      });
      blocks += Math.max(0, entry.count);
    }
  }
  return buildProfile('bytes', stacks, { sampleCount: blocks, exporter });
}
