/**
 * The schema of report.json (zod 4): what a later run reads back as its stored baseline. It mirrors
 * `GateReport` (src/model/results.ts) field by field, and the checks at the bottom of this file make
 * `npm run typecheck` fail when the two drift apart (a field added to one and not the other, or a
 * type changed in one).
 */
import { z } from 'zod';
import { HTTP_METRICS } from '../model/metrics.js';
import { REPORT_SCHEMA_VERSION, type GateReport } from '../model/results.js';

/** JSON cannot hold NaN or ±Infinity, but a hand-edited file can hold `null` or a string: refused. */
const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const count = z.number().int().nonnegative();
const timestamp = z.iso.datetime({ offset: true });
const sha = z.string().regex(/^[0-9a-f]{40}$/, 'expected a 40-hex lowercase commit SHA');
const side = z.enum(['base', 'head']);
const metricName = z.enum(HTTP_METRICS);
const phase = z.enum(['resolve', 'checkout', 'build', 'start', 'trials', 'profile', 'report']);

/** One value per metric; written out so that a metric added to HTTP_METRICS fails the typecheck below. */
const metricValues = z.object({
  throughput: finite,
  latency_p50: finite,
  latency_p90: finite,
  latency_p99: finite,
  cpu_per_request: finite,
  rss_peak: finite,
  error_rate: finite,
});

const processCpu = z.object({
  pid: count,
  ppid: count.optional(),
  command: z.string(),
  cpuMs: finite,
});

const trialReading = z.object({
  scenario: z.string().min(1),
  side,
  pair: count,
  position: z.union([z.literal(0), z.literal(1)]),
  startedAt: timestamp,
  durationMs: finite,
  metrics: metricValues,
  responses: count,
  errors: count,
  stealFraction: finite,
  loadAverage: finite.optional(),
  processes: z.array(processCpu),
  warnings: z.array(z.string()),
  connectionClose: z.literal(true).optional(),
  discarded: z.string().optional(),
});

const verdict = z.enum(['regression', 'improvement', 'unchanged', 'inconclusive']);

const comparison = z.object({
  scenario: z.string(),
  metric: metricName,
  gated: z.boolean(),
  pairs: count,
  pairIndices: z.array(count),
  baseMedian: finite,
  headMedian: finite,
  scale: z.enum(['relative', 'points']),
  change: finite,
  ci: z.tuple([finite, finite]),
  confidence: finite,
  level: finite,
  significant: z.boolean(),
  pValue: finite,
  qValue: finite,
  evidence: z.object({ regression: finite, improvement: finite, equivalence: finite }),
  verdict,
  errors: z.object({ effect: z.enum(['fails', 'voids']), text: z.string() }).optional(),
  warnings: z.array(z.string()),
});

const runnerFacts = z.object({
  os: z.string(),
  cpuModel: z.string(),
  cores: count,
  arch: z.string().optional(),
  image: z.string().optional(),
  node: z.string().optional(),
  python: z.string().optional(),
  stealMean: finite,
  stealMax: finite,
});

const commitRef = z.object({ ref: z.string(), sha });

const scenarioSummary = z.object({
  name: z.string().min(1),
  method: z.string(),
  path: z.string(),
  connections: count,
  durationMs: finite,
  warmupMs: finite,
});

const perSide = z.object({ base: finite, head: finite });

// Profile summaries never decide a verdict, but they are checked as fully as the rest: a baseline's
// profiles end up in this run's report.
const frame = z.object({ name: z.string(), file: z.string().optional(), line: finite.optional() });
const functionShare = z.object({ key: z.string(), frame, self: finite, total: finite });
const functionChange = z.object({
  key: z.string(),
  frame,
  base: z.object({ self: finite, total: finite }),
  head: z.object({ self: finite, total: finite }),
  selfChangePp: finite,
  totalChangePp: finite,
  noise: z.boolean(),
});

const scenarioProfiles = z.object({
  scenario: z.string(),
  durationMs: finite,
  windows: perSide.optional(),
  dispersion: finite.optional(),
  samples: perSide,
  measure: z.enum(['samples', 'traced-cpu', 'memory-growth']).optional(),
  totals: perSide.optional(),
  top: z.object({ base: z.array(functionShare), head: z.array(functionShare) }),
  topByTotal: z.object({ base: z.array(functionShare), head: z.array(functionShare) }).optional(),
  diff: z.array(functionChange),
  files: z.array(z.string()),
});

/**
 * The schema of report.json, `schemaVersion` {@link REPORT_SCHEMA_VERSION}: every field of
 * `GateReport`, optional ones optional. Numbers must be finite; SHAs 40-hex lowercase; times ISO-8601
 * with a zone.
 *
 * Unknown keys, at any depth, are accepted and dropped (zod's default `strip`): a later perfgate of
 * the same schemaVersion only adds optional fields, and this perfgate reads what it knows of them.
 * A breaking change bumps {@link REPORT_SCHEMA_VERSION} instead.
 */
export const reportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('perfgate'), version: z.string() }),
  status: z.enum(['complete', 'failed', 'interrupted']),
  error: z.string().optional(),
  interruption: z.object({ signal: z.enum(['SIGINT', 'SIGTERM']), phase, pairs: count }).optional(),
  configPath: z.string(),
  configHash: z.string(),
  base: commitRef,
  head: commitRef,
  basis: z
    .object({
      kind: z.enum(['merge-commit', 'merge-base', 'push', 'given']),
      pullRequestHead: sha.optional(),
      baseTip: sha.optional(),
      fallback: z.string().optional(),
    })
    .optional(),
  mode: z.enum(['same-runner', 'stored']).optional(),
  baseline: z
    .object({
      source: z.string(),
      sha,
      branch: z.string().optional(),
      finishedAt: timestamp,
      runId: count.optional(),
      runUrl: z.string().optional(),
      runner: runnerFacts,
      configHash: z.string(),
      trials: z.record(z.string(), count),
      historyRuns: count,
      runnerChanges: z.array(z.string()),
      expected: z.object({ sha, behind: count.optional(), ahead: count.optional() }).optional(),
    })
    .optional(),
  pullRequest: count.optional(),
  startedAt: timestamp,
  finishedAt: timestamp,
  runner: runnerFacts,
  gate: z.object({
    threshold: finite,
    alpha: finite,
    metrics: z.array(metricName),
    trials: count,
    budgetMs: finite,
    minTrials: count.optional(),
    seed: finite,
    pairing: z.enum(['duet', 'sequential']).optional(),
  }),
  scenarios: z.array(scenarioSummary),
  trials: z.array(trialReading),
  comparisons: z.array(comparison),
  verdict,
  regressions: count,
  sequential: z
    .object({
      looks: z.array(count),
      alphas: z.array(finite),
      stoppedAfterPairs: count,
      reason: z.string(),
      level: finite,
    })
    .optional(),
  warnings: z.array(z.string()),
  servers: z.object({ restart: z.enum(['pair', 'never']), starts: count }).optional(),
  reruns: z
    .object({
      count,
      reasons: z.array(z.string()),
      spentMs: finite,
      capMs: finite,
      refused: count,
      redeals: count,
    })
    .optional(),
  timings: z.record(z.string(), finite),
  profiles: z
    .object({
      tool: z.string().optional(),
      reason: z.string(),
      notices: z.array(z.string()),
      scenarios: z.array(scenarioProfiles),
    })
    .optional(),
});

// --- Compile-time agreement of the schema with GateReport -------------------------------------
// Both directions of assignability (readonly aside), and the same keys at every depth: an optional
// field added to GateReport alone passes both assignability checks, so keys are compared too.

/** What the schema yields. */
type Parsed = z.infer<typeof reportSchema>;

type Assert<T extends true> = T;
type IsAssignable<From, To> = [From] extends [To] ? true : false;
/** Fails with the offending paths in the message (`Type '"(top).trials[].loadAverage"' does not satisfy the constraint 'never'`). */
type ExpectNever<T extends never> = T;
type DeepReadonly<T> = T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/**
 * Paths (`profiles.scenarios[].top.base[].frame.line`) where `A` and `B` have different keys; never
 * when they agree at every depth.
 */
type KeyDrift<A, B, P extends string = '(top)'> = [A] extends [readonly (infer EA)[]]
  ? [B] extends [readonly (infer EB)[]]
    ? KeyDrift<EA, EB, `${P}[]`>
    : P
  : [A] extends [object]
    ? [B] extends [object]
      ? | `${P}.${Exclude<keyof A, keyof B> & string}`
        | `${P}.${Exclude<keyof B, keyof A> & string}`
        | {
            [K in keyof A & keyof B & string]: KeyDrift<NonNullable<A[K]>, NonNullable<B[K]>, `${P}.${K}`>;
          }[keyof A & keyof B & string]
      : P
    : never;

// Each alias is unused by design: it exists to fail the typecheck.
/* eslint-disable @typescript-eslint/no-unused-vars */
type SchemaYieldsGateReport = Assert<IsAssignable<Parsed, GateReport>>;
type GateReportFitsSchema = Assert<IsAssignable<GateReport, DeepReadonly<Parsed>>>;
type SameKeysEverywhere = ExpectNever<KeyDrift<GateReport, Parsed>>;
/* eslint-enable @typescript-eslint/no-unused-vars */
