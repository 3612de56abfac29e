/**
 * github-action-benchmark's data file (`data.js` on its gh-pages branch, or the JSON of its
 * `external-data-json-path`): the schema perfgate reads it with, its tools' better directions, and its
 * range strings. Shapes follow that action's `src/write.ts` (DataJson), `src/extract.ts` (Benchmark,
 * BenchmarkResult) and `src/config.ts` (VALID_TOOLS), v1.22.0.
 */
import { z } from 'zod';
import type { Better } from '../model/metrics.js';

/**
 * The suffix `exportGab` gives the suite of a scenario's higher-is-better metrics; a
 * `customBiggerIsBetter` suite whose name ends with it imports under the scenario without it.
 */
export const GAB_HIGHER_SUITE_SUFFIX = ' (higher is better)';

/** The prefix github-action-benchmark writes before the JSON in data.js (its `SCRIPT_PREFIX`). */
export const GAB_SCRIPT_PREFIX = 'window.BENCHMARK_DATA = ';

/**
 * Which direction is better for each tool github-action-benchmark knows (its `biggerIsBetter` in
 * `src/write.ts`, v1.22.0): higher for benchmark.js ops/sec, pytest-benchmark ops and the custom
 * "bigger" tool; lower for every tool that reports a time per iteration.
 */
export const GAB_TOOL_BETTER = {
  cargo: 'lower',
  go: 'lower',
  benchmarkjs: 'higher',
  benchmarkluau: 'lower',
  pytest: 'higher',
  googlecpp: 'lower',
  catch2: 'lower',
  julia: 'lower',
  jmh: 'lower',
  benchmarkdotnet: 'lower',
  customBiggerIsBetter: 'higher',
  customSmallerIsBetter: 'lower',
} as const satisfies Record<string, Better>;

/** A tool name github-action-benchmark knows. */
export type GabTool = keyof typeof GAB_TOOL_BETTER;

/** The better direction of `tool`, or `undefined` for a tool github-action-benchmark does not list. */
export function betterOfGabTool(tool: string): Better | undefined {
  const table: Readonly<Record<string, Better>> = GAB_TOOL_BETTER;
  return Object.hasOwn(table, tool) ? table[tool] : undefined;
}

const finite = z.number().refine(Number.isFinite, 'expected a finite number');

const userSchema = z.object({
  email: z.string().optional(),
  name: z.string().optional(),
  username: z.string().optional(),
});

const benchSchema = z.object({
  name: z.string().min(1),
  // JSON.stringify writes NaN as null: github-action-benchmark coerces unparsable values to NaN.
  value: finite.nullable(),
  unit: z.string(),
  range: z.string().optional(),
  extra: z.string().optional(),
});

const runSchema = z.object({
  commit: z.object({
    id: z.string().regex(/^[0-9a-fA-F]{40}$/, 'expected a 40-hex commit SHA'),
    message: z.string().optional(),
    timestamp: z.string().optional(),
    url: z.string().optional(),
    author: userSchema.optional(),
    committer: userSchema.optional(),
  }),
  /** When the action ran, in ms since the epoch. */
  date: finite.refine((ms) => Math.abs(ms) <= 8.64e15, 'expected a time in ms since the epoch'),
  tool: z.string().min(1),
  benches: z.array(benchSchema),
});

/** The data file as perfgate reads it (unknown keys dropped). */
export const gabDataSchema = z.object({
  lastUpdate: finite.optional(),
  repoUrl: z.string().optional(),
  entries: z.record(z.string(), z.array(runSchema)),
});

/** One suite run in a data file: one commit, one tool, its benchmarks. */
export type GabRun = z.infer<typeof runSchema>;

/** A data file's content. */
export type GabData = z.infer<typeof gabDataSchema>;

/** One benchmark result of a run, as written. */
export type GabBench = z.infer<typeof benchSchema>;

// `± 4599` (cargo, catch2, julia, benchmarkdotnet), `±1.12%` (benchmark.js), `+- 3` (older
// versions), `stddev: 0.0012` (pytest). Thousands commas are allowed: older versions kept cargo's.
const RANGE = /^(?:±|\+-|\+\/-|stddev:)\s*(\d[\d,]*(?:\.\d+)?(?:e[+-]?\d+)?)\s*(%?)$/i;

/**
 * The `[low, high]` a github-action-benchmark range string describes around `value`: `± h` is
 * `[value − h, value + h]`; `± p%` is a relative half-width (benchmark.js's relative margin of error),
 * `h = |value| · p / 100`; pytest's `stddev: s` is read as `± s`.
 * @returns `undefined` when `range` is absent or not one of those forms (e.g. free text), as the action
 *   itself ignores such ranges (its `extractRangeInfo`).
 */
export function parseGabRange(
  value: number,
  range: string | undefined,
): readonly [number, number] | undefined {
  if (range === undefined) return undefined;
  const match = RANGE.exec(range.trim());
  if (match === null) return undefined;
  const size = Number((match[1] ?? '').replace(/,/g, ''));
  const half = match[2] === '%' ? (Math.abs(value) * size) / 100 : size;
  if (!Number.isFinite(half)) return undefined;
  return [value - half, value + half];
}
