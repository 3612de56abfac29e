/**
 * Recorded pools of trials (`bench/pools/<condition>.jsonl`): one header line describing how the
 * pool was recorded, then one TrialReading per line in the order the trials ran. Pair indices and
 * positions are kept exactly as recorded, so a replay sees the same pairing and time order as a gate.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { MetricName } from '../../src/model/metrics.js';
import type { TrialReading } from '../../src/model/results.js';

/** Version of the pool file format; bump on any breaking change. */
export const POOL_FORMAT_VERSION = 1;

/** How a pool was recorded (the first line of the file). */
export interface PoolHeader {
  readonly perfgatePool: typeof POOL_FORMAT_VERSION;
  /** Condition name, e.g. `aa` or `slowdown-10`. */
  readonly condition: string;
  /** PERFGATE_SLOWDOWN of the head server (0 for A/A); the base server always runs with 0. */
  readonly nominalSlowdown: number;
  /** The example served (path relative to the repository root). */
  readonly example: string;
  readonly scenario: { readonly name: string; readonly path: string; readonly connections: number };
  /** Measured window of every trial, in ms. */
  readonly trialDurationMs: number;
  /** Discarded warm-up per side after every start, right before that side's first trial, in ms. */
  readonly warmupMs: number;
  /** Time from spawning each server to its first 2xx readiness answer, in ms (first start). */
  readonly serverStartMs: { readonly base: number; readonly head: number };
  /**
   * Base and head were started anew before every `restartEveryPairs`-th pair (pools recorded
   * before that field existed warmed both up at the start; later ones warm each side up right
   * before its first trial on a fresh server):
   * 1 = fresh processes per pair, as a gate with `server.restart: pair` runs; 0 (or absent, in
   * pools recorded before restarts existed) = one process per side for the whole pool.
   */
  readonly restartEveryPairs?: number;
  /** Seed of the pair order (src/plan/schedule.ts planTrials). */
  readonly seed: number;
  readonly startedAt: string;
  readonly machine: string;
}

/** One base/head pair of a pool, in time order. */
export interface PoolPair {
  readonly pair: number;
  readonly base: TrialReading;
  readonly head: TrialReading;
}

/** A parsed pool: its header and complete pairs ordered by pair index (= time order). */
export interface Pool {
  readonly header: PoolHeader;
  readonly pairs: readonly PoolPair[];
}

const headerSchema = z.strictObject({
  perfgatePool: z.literal(POOL_FORMAT_VERSION),
  condition: z.string().min(1),
  nominalSlowdown: z.number().min(0),
  example: z.string(),
  scenario: z.strictObject({ name: z.string(), path: z.string(), connections: z.number().int().positive() }),
  trialDurationMs: z.number().positive(),
  warmupMs: z.number().min(0),
  serverStartMs: z.strictObject({ base: z.number().min(0), head: z.number().min(0) }),
  restartEveryPairs: z.number().int().min(0).optional(),
  seed: z.number().int(),
  startedAt: z.string(),
  machine: z.string(),
});

const metricsShape = {
  throughput: z.number(),
  latency_p50: z.number(),
  latency_p90: z.number(),
  latency_p99: z.number(),
  cpu_per_request: z.number(),
  rss_peak: z.number(),
  error_rate: z.number(),
} satisfies Record<MetricName, z.ZodNumber>;

const readingSchema = z.strictObject({
  scenario: z.string(),
  side: z.enum(['base', 'head']),
  pair: z.number().int().min(0),
  position: z.union([z.literal(0), z.literal(1)]),
  startedAt: z.string(),
  durationMs: z.number(),
  metrics: z.strictObject(metricsShape),
  responses: z.number(),
  errors: z.number(),
  stealFraction: z.number(),
  loadAverage: z.number().optional(),
  processes: z.array(
    z.strictObject({ pid: z.number(), ppid: z.number().optional(), command: z.string(), cpuMs: z.number() }),
  ),
  warnings: z.array(z.string()),
  discarded: z.string().optional(),
});

/** Serialises a header line (no trailing newline). */
export function formatPoolHeader(header: PoolHeader): string {
  return JSON.stringify(header);
}

/**
 * Parses pool text. Pairs missing a side (a recording cut short) are dropped.
 * @throws Error naming the line when the header or a reading does not match the format.
 */
export function parsePool(text: string, source: string): Pool {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const [first, ...rest] = lines;
  if (first === undefined) throw new Error(`${source}: empty pool file`);
  const header = headerSchema.safeParse(JSON.parse(first));
  if (!header.success) throw new Error(`${source}:1: not a pool header: ${header.error.message}`);
  const byPair = new Map<number, { base?: TrialReading; head?: TrialReading }>();
  rest.forEach((line, index) => {
    const reading = readingSchema.safeParse(JSON.parse(line));
    if (!reading.success)
      throw new Error(`${source}:${index + 2}: not a trial reading: ${reading.error.message}`);
    const slot = byPair.get(reading.data.pair) ?? {};
    slot[reading.data.side] = reading.data;
    byPair.set(reading.data.pair, slot);
  });
  const pairs: PoolPair[] = [];
  for (const [pair, { base, head }] of [...byPair.entries()].sort(([a], [b]) => a - b)) {
    if (base && head) pairs.push({ pair, base, head });
  }
  return { header: header.data, pairs };
}

/** Reads and parses a pool file. @throws Error when it cannot be read or parsed. */
export function readPool(file: string): Pool {
  return parsePool(readFileSync(file, 'utf8'), file);
}
