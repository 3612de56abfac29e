/**
 * The vocabulary of results: one side's reading of one scenario in one trial, comparisons, verdicts,
 * and the versioned report that is written to report.json.
 */
import type { MetricName } from './metrics.js';
import type { FunctionChange, FunctionShare } from '../profile/hot-functions.js';

/** Which commit a measurement belongs to. */
export type Side = 'base' | 'head';

/** CPU time one process of the server tree used during a trial window. */
export interface ProcessCpu {
  readonly pid: number;
  /** Parent PID (tells a master from its workers). */
  readonly ppid?: number;
  /** Command line, shortened, for the report. */
  readonly command: string;
  /** utime+stime consumed during the window, in CPU ms. */
  readonly cpuMs: number;
}

/**
 * One side's measurement of one scenario in one trial (a "sample" in the statistics: one number per
 * metric).
 */
export interface TrialReading {
  readonly scenario: string;
  readonly side: Side;
  /** Index of the base/head pair this trial belongs to (0-based). */
  readonly pair: number;
  /** 0 when this side ran first in its pair, 1 when second. */
  readonly position: 0 | 1;
  /** ISO-8601 start time. */
  readonly startedAt: string;
  /** Length of the measured window, in ms. */
  readonly durationMs: number;
  /** One value per metric, in the metric's unit (see METRICS). */
  readonly metrics: Readonly<Record<MetricName, number>>;
  /** Responses received (any status). */
  readonly responses: number;
  /** Connection errors + timeouts + non-2xx/3xx responses. */
  readonly errors: number;
  /** Fraction (0..1) of CPU time stolen by the hypervisor during the window, machine-wide. */
  readonly stealFraction: number;
  /** The machine's 1-minute load average at the end of the window (optional: older reports lack it). */
  readonly loadAverage?: number;
  /** Per-process CPU of the server tree during the window. */
  readonly processes: readonly ProcessCpu[];
  /** Things a reader should know about this trial (e.g. an idle worker, Connection: close). */
  readonly warnings: readonly string[];
  /**
   * True when the server answered `Connection: close` (or HTTP/1.0 without keep-alive) to keep-alive
   * requests in this trial, so the load generator reconnected after responses. Absent when it did not
   * (and in reports written before this field existed).
   */
  readonly connectionClose?: true;
  /**
   * Why this reading was set aside and its pair measured again (a worker left idle, errors,
   * extreme steal). Set-aside readings stay in the report but are never compared.
   */
  readonly discarded?: string;
}

/** The outcome for one scenario × metric. */
export type Verdict = 'regression' | 'improvement' | 'unchanged' | 'inconclusive';

/** The outcome of a whole gate. `regression` fails the check. */
export type GateVerdict = Verdict;

/**
 * How a change reads: `relative` — a fraction of base (+0.05 = head 5% above base; never below −1);
 * `points` — a difference of two fractions (error_rate: +0.05 = 5 percentage points more).
 */
export type ChangeScale = 'relative' | 'points';

/**
 * The one-sided p-values a comparison's verdict was decided on (src/compare/decide-verdict.ts), with
 * t = threshold and "worse" oriented by the metric's better direction.
 */
export interface VerdictEvidence {
  /** Of H0 "worse by at most t/2", after false-discovery control across the comparison's family. */
  readonly regression: number;
  /** Of H0 "better by at most t/2", after false-discovery control across the comparison's family. */
  readonly improvement: number;
  /** Of H0 "changed by t or more" (two one-sided tests at ±t; the larger p). */
  readonly equivalence: number;
}

/**
 * When errors decided a comparison instead of the statistics: `fails` — head's error rate rose
 * beyond the limit (error_rate, always gated); `voids` — a side failed requests beyond the limit,
 * so this metric is not read as a speed change.
 */
export interface ErrorRuling {
  readonly effect: 'fails' | 'voids';
  /** One sentence for the report, e.g. "head fails 100.0% of requests (base 0.0%)". */
  readonly text: string;
}

/**
 * Head compared with base for one scenario × metric. Carries everything its rendering needs (level,
 * confidence, significance, the pairs), so a report never re-decides anything.
 * Relative changes are fractions of base: +0.05 means head's value is 5% higher than base's
 * (for throughput that is an improvement; for latency a regression).
 */
export interface Comparison {
  readonly scenario: string;
  readonly metric: MetricName;
  /** Whether this metric can fail the gate (listed in `gate.metrics`, or error_rate, always). */
  readonly gated: boolean;
  /** Number of base/head pairs compared. */
  readonly pairs: number;
  /** Pair indices compared (TrialReading.pair), ascending. */
  readonly pairIndices: readonly number[];
  /** Median of base's trial values, in the metric's unit. */
  readonly baseMedian: number;
  /** Median of head's trial values, in the metric's unit. */
  readonly headMedian: number;
  /** How `change` and `ci` read. */
  readonly scale: ChangeScale;
  /** Point estimate of the change (Hodges–Lehmann estimate of the per-pair differences, read on `scale`). */
  readonly change: number;
  /** Confidence interval of the change on `scale`, [low, high], at confidence `confidence`. */
  readonly ci: readonly [number, number];
  /**
   * Two-sided confidence `ci` really has (e.g. 0.948): each end is the boundary of a one-sided test
   * at `level`; lower when too few pairs were compared to reach it.
   */
  readonly confidence: number;
  /** One-sided significance level the verdict was decided at (the look's share of alpha). */
  readonly level: number;
  /** Whether the change is distinguishable from noise: q ≤ 2·level, i.e. `ci` excludes 0 (benchstat's `~` when false). */
  readonly significant: boolean;
  /** Two-sided p-value of "no change" before false-discovery control. */
  readonly pValue: number;
  /** `pValue` after Benjamini–Hochberg adjustment across the comparison's family. */
  readonly qValue: number;
  /** The one-sided p-values the verdict was decided on. */
  readonly evidence: VerdictEvidence;
  readonly verdict: Verdict;
  /** Set when errors decided this comparison rather than the statistics. */
  readonly errors?: ErrorRuling;
  /** Why the verdict may mislead (too few trials, zero variance, errors, steal...). */
  readonly warnings: readonly string[];
}

/** Facts about the machine the gate ran on. */
export interface RunnerFacts {
  /** OS name and kernel release (`Linux 6.8.0-1017-azure`). */
  readonly os: string;
  readonly cpuModel: string;
  readonly cores: number;
  /** CPU architecture (`x64`, `arm64`). Absent in older reports. */
  readonly arch?: string;
  /** GitHub's runner image (`ubuntu24 20241201.1.0`, from ImageOS and ImageVersion), when known. */
  readonly image?: string;
  /** Node version perfgate ran on (`v24.11.0`). Absent in older reports. */
  readonly node?: string;
  /** `python3 --version` on PATH (`3.12.3`), when there is one. Absent in older reports. */
  readonly python?: string;
  /** Mean and max CPU steal fraction (0..1) over measured trials. */
  readonly stealMean: number;
  readonly stealMax: number;
}

/** A commit as the gate saw it. */
export interface CommitRef {
  /** What the user asked for (`main`, `HEAD~1`, a SHA). */
  readonly ref: string;
  /** The resolved 40-hex commit SHA. */
  readonly sha: string;
}

/**
 * What base and head stand for, as the gate resolved them (see docs/comparison-basis.md):
 * - `merge-commit`: head is the merge commit GitHub built for the pull request, base its first parent;
 * - `merge-base`: head is the pull request's head commit, base where its branch left the base branch;
 * - `push`: the commits before and after a push;
 * - `given`: revisions named by the user, compared as named.
 */
export interface ComparisonBasis {
  readonly kind: 'merge-commit' | 'merge-base' | 'push' | 'given';
  /** 40-hex SHA of the pull request's head commit (pull requests only). */
  readonly pullRequestHead?: string;
  /** 40-hex SHA of the base branch's tip the event named (pull requests only). */
  readonly baseTip?: string;
  /** Why the gate fell back from the merge commit to the merge base, when it did. */
  readonly fallback?: string;
}

/** The scenario as it was run (copied from config so a report stands alone). */
export interface ScenarioSummary {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly connections: number;
  readonly durationMs: number;
  readonly warmupMs: number;
}

/** How an adaptive gate went: its planned looks and why it stopped (src/compare/sequential.ts). */
export interface SequentialSummary {
  /** Pair counts at the planned looks. */
  readonly looks: readonly number[];
  /** Significance level spent at each look; they add up to the gate's alpha. */
  readonly alphas: readonly number[];
  /** Pairs per scenario when the gate stopped. */
  readonly stoppedAfterPairs: number;
  /** e.g. "regression at look 1 (p ≤ 0.0261)", "every gated metric settled at look 2 (...)". */
  readonly reason: string;
  /** One-sided significance level the verdicts were decided at (the stopping look's share of alpha). */
  readonly level: number;
}

/** Phases of a gate, in order, as named in `GateReport.timings` and `Interruption.phase`. */
export type GatePhase = 'resolve' | 'checkout' | 'build' | 'start' | 'trials' | 'profile' | 'report';

/** How a gate was interrupted (`GateReport.status` `interrupted`). */
export interface Interruption {
  /** The signal perfgate received: SIGINT (Ctrl-C, exit 130) or SIGTERM (a cancelled job, exit 143). */
  readonly signal: 'SIGINT' | 'SIGTERM';
  /** The phase it arrived in. */
  readonly phase: GatePhase;
  /** Complete pairs measured by then (every scenario, both sides, not set aside). */
  readonly pairs: number;
}

/**
 * How head was compared (`GateReport.mode`):
 * - `same-runner`: base and head built, served and measured in interleaved pairs in this gate;
 * - `stored`: head alone measured, compared with the head trials of an earlier run's result file
 *   (a stored baseline, unpaired and possibly from another machine: docs/stored-baselines.md).
 */
export type ComparisonMode = 'same-runner' | 'stored';

/** The stored run head was compared with (`GateReport.mode` `stored`); base was not measured. */
export interface StoredBaseline {
  /** Where its result file was read from: a file path, or the artifact and run it came from. */
  readonly source: string;
  /** 40-hex SHA the stored run measured (its head). */
  readonly sha: string;
  /** Branch it ran on, when known. */
  readonly branch?: string;
  /** ISO-8601 time the stored run finished. */
  readonly finishedAt: string;
  /** GitHub run id and page of the stored run, when it ran on GitHub. */
  readonly runId?: number;
  readonly runUrl?: string;
  /** The machine the stored run measured on (its `runner`). */
  readonly runner: RunnerFacts;
  /** Hash of the stored run's normalized config (equal to this gate's: another is refused). */
  readonly configHash: string;
  /** The stored run's head trials compared per scenario (set-aside readings not counted). */
  readonly trials: Readonly<Record<string, number>>;
  /**
   * Earlier runs of the history the between-run spread was learned from (0: too few, the default
   * spread was used; see src/compare/between-run-spread.ts).
   */
  readonly historyRuns: number;
  /** How this gate's runner differs from the stored run's (`cores: 4 → 2`), one phrase each. */
  readonly runnerChanges: readonly string[];
  /**
   * The commit the baseline stands for (a pull request's base, a push's previous commit) and how
   * far the stored run's commit is from it: `behind`, commits the expected one has and the
   * baseline lacks (their changes count as part of head's); `ahead`, the other way. Counts are
   * absent when the clone cannot tell.
   */
  readonly expected?: { readonly sha: string; readonly behind?: number; readonly ahead?: number };
}

/** Current version of the report.json schema. Bump on any breaking change. */
export const REPORT_SCHEMA_VERSION = 2;

/** Everything a gate produced: written as report.json and rendered as Markdown. */
export interface GateReport {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly tool: { readonly name: 'perfgate'; readonly version: string };
  /**
   * `complete` when every planned phase ran; `failed` when the run stopped early (see `error`);
   * `interrupted` when perfgate was told to stop (Ctrl-C, a cancelled job: see `interruption`), with
   * the trials of the pairs measured by then and nothing gated.
   */
  readonly status: 'complete' | 'failed' | 'interrupted';
  readonly error?: string;
  /** Set when `status` is `interrupted`: which signal, in which phase, after how many pairs. */
  readonly interruption?: Interruption;
  /** Config file path as given, and a hash of its normalized content. */
  readonly configPath: string;
  readonly configHash: string;
  readonly base: CommitRef;
  readonly head: CommitRef;
  /** What base and head stand for (absent in older reports: compared as named). */
  readonly basis?: ComparisonBasis;
  /**
   * How head was compared (absent in older reports: `same-runner`). With `stored`, `base` names the
   * stored run's commit (or, with no baseline yet, head's) and every trial is head's.
   */
  readonly mode?: ComparisonMode;
  /** The stored baseline (mode `stored`; absent when none was found or it was refused: see `warnings`). */
  readonly baseline?: StoredBaseline;
  /** Pull request number when run on one. */
  readonly pullRequest?: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly runner: RunnerFacts;
  readonly gate: {
    /** Smallest relative change worth failing for, as a fraction (0.05 = 5%). */
    readonly threshold: number;
    readonly alpha: number;
    readonly metrics: readonly MetricName[];
    /** Planned pairs, and the time budget in ms. */
    readonly trials: number;
    readonly budgetMs: number;
    /** Pairs before the first look (`gate.min-trials`). Absent in older reports. */
    readonly minTrials?: number;
    /** Seed of the trial order (see plan/schedule.ts), so the order can be replayed. */
    readonly seed: number;
    /**
     * How each pair's two trials were taken (`gate.pairing`): at the same time (`duet`) or one
     * after the other. Absent in reports from before duets (they were sequential).
     */
    readonly pairing?: 'duet' | 'sequential';
  };
  readonly scenarios: readonly ScenarioSummary[];
  /** Every measured trial reading, in the order they ran. */
  readonly trials: readonly TrialReading[];
  readonly comparisons: readonly Comparison[];
  readonly verdict: GateVerdict;
  /** Number of gated comparisons whose verdict is `regression`. */
  readonly regressions: number;
  /** The planned looks of the sequential design and where the gate stopped (absent when it never looked). */
  readonly sequential?: SequentialSummary;
  /** Gate-wide warnings (e.g. high steal, budget ran out before the planned trials). */
  readonly warnings: readonly string[];
  /**
   * How the servers ran: `restart` as configured (`pair`: fresh base and head processes before every
   * pair), and `starts`, the times each side was started. Absent in older reports.
   */
  readonly servers?: { readonly restart: 'pair' | 'never'; readonly starts: number };
  /**
   * Pairs set aside and measured again, on fresh servers unless `server.restart: never`
   * (src/measure/run-trials.ts; why this cannot bias the verdict: docs/reruns.md). Absent in older
   * reports.
   */
  readonly reruns?: {
    /** Re-runs that ran. */
    readonly count: number;
    /** Why each ran, in order, e.g. `pair 4 customer-summary: base: worker pid 4134 idle`. */
    readonly reasons: readonly string[];
    /** Wall time they took (fresh servers, warm-ups and trials), ms. */
    readonly spentMs: number;
    /** Most wall time re-runs may take (a quarter of `gate.budgetMs`), ms. */
    readonly capMs: number;
    /** Set-aside pairs kept without a re-run because the cap or the budget left no room. */
    readonly refused: number;
    /** Extra warm-ups on fresh connections because a worker took no load in the warm-up. */
    readonly redeals: number;
  };
  /**
   * Wall time of each phase in ms (checkout, build, start, warmup, stop, trials, report, total), for
   * overhead accounting; start, warmup and stop (of the servers replaced between pairs) cover every
   * restart, and trials excludes them.
   */
  readonly timings: Readonly<Record<string, number>>;
  /** The profiling phase (absent when it did not run: `profile.when`, `tool: none`, a failed run). */
  readonly profiles?: ProfilesSummary;
}

/**
 * What the profiling phase found: after the measured trials, one profiled load window per side and
 * scenario on fresh servers (src/measure/profile-phase.ts). Profiles never decide the verdict.
 */
export interface ProfilesSummary {
  /** The profiler that ran, e.g. `py-spy 0.4.3`; absent when none could. */
  readonly tool?: string;
  /** Why this profiler, or why none, e.g. `auto: py-spy is installed`. */
  readonly reason: string;
  /** One sentence per thing that went wrong (a side that could not be profiled); never fatal. */
  readonly notices: readonly string[];
  readonly scenarios: readonly ScenarioProfiles[];
}

/** One scenario's profiles of both sides. */
/** What a profile's weights measure (see {@link ScenarioProfiles.measure}). */
export type ProfileMeasure = 'samples' | 'traced-cpu' | 'memory-growth';

export interface ScenarioProfiles {
  readonly scenario: string;
  /** Profiled load time of each side, ms (all its windows). */
  readonly durationMs: number;
  /** Windows recorded per side, each on its own fresh servers. Absent in older reports: 1 each. */
  readonly windows?: Readonly<Record<Side, number>>;
  /**
   * The noise mark's dispersion φ measured between each side's windows (variance of a share against
   * binomial for sampled profiles, per window for traced ones); absent with one window per side.
   */
  readonly dispersion?: number;
  /** Samples behind each side's profile (0 when the side could not be profiled or was traced). */
  readonly samples: Readonly<Record<Side, number>>;
  /**
   * What the shares are shares of: `samples` (py-spy, Node: sampled call stacks), `traced-cpu`
   * (cProfile, yappi: CPU time measured per call), `memory-growth` (tracemalloc: bytes allocated in the
   * windows and still live at their end). Absent in older reports: `samples`.
   */
  readonly measure?: ProfileMeasure;
  /** Each side's whole profile: seconds (`samples`, `traced-cpu`) or bytes (`memory-growth`). */
  readonly totals?: Readonly<Record<Side, number>>;
  /** Each side's top functions by self share (at most 20), shares as fractions 0..1. */
  readonly top: Readonly<Record<Side, readonly FunctionShare[]>>;
  /** Each side's top functions by total share (callees included; at most 20). Absent in older reports. */
  readonly topByTotal?: Readonly<Record<Side, readonly FunctionShare[]>>;
  /** Head against base, largest growth of self share first (at most 20 rows); [] unless both sides ran. */
  readonly diff: readonly FunctionChange[];
  /** Profile files in the results folder, relative to it (`profiles/search-head.speedscope.json`). */
  readonly files: readonly string[];
}
