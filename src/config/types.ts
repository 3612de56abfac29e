/**
 * The validated configuration (the parsed form of perfgate.yml). Durations are in ms, the threshold
 * is a fraction. Produced only by `parseConfig` (src/config/parse-config.ts).
 */
import type { MetricName } from '../model/metrics.js';

/** How to start the service under test in one checkout. */
export interface ServerConfig {
  /** Shell command; `$PORT` is substituted and `PORT` is also set in its environment. */
  readonly command: string;
  /** Readiness probe: a path on the server (`/healthz`) or a full URL; polled until it answers 2xx. */
  readonly ready: string;
  /** Extra environment variables for the server. */
  readonly env: Readonly<Record<string, string>>;
  /** Working directory relative to the checkout root ('.' by default). */
  readonly cwd: string;
  /** How long to wait for readiness, in ms (default 60 000). */
  readonly startupTimeoutMs: number;
  /**
   * When base and head get fresh server processes: `pair` (default) starts both anew (and warms
   * them up) before every base/head pair, so a lasting difference between two processes of the same
   * code (memory layout, hash seeds, which worker got which connection) varies from pair to pair and
   * is counted as noise; `never` keeps one process per side for the whole gate (faster, but such a
   * difference then reads as a change).
   */
  readonly restart: ServerRestart;
}

/** Values of `server.restart`. */
export const SERVER_RESTARTS = ['pair', 'never'] as const;
/** When servers are started anew: before every pair, or never (see `ServerConfig.restart`). */
export type ServerRestart = (typeof SERVER_RESTARTS)[number];

/** One HTTP load scenario. */
export interface HttpScenario {
  readonly name: string;
  /** Request path with query, e.g. `/items?page=1`. */
  readonly path: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Concurrent connections (default 16). */
  readonly connections: number;
  /** Measured window per trial, in ms (default 5 000). */
  readonly durationMs: number;
  /** Discarded warm-up per side after every server start, in ms (default 1 000). */
  readonly warmupMs: number;
  /** Requests pipelined per connection (default 1). */
  readonly pipelining: number;
}

/** When a verdict fails the check. */
export interface GateConfig {
  /** Smallest relative change worth failing for, as a fraction (default 0.05 = 5%). */
  readonly threshold: number;
  /** Significance level after false-discovery control (default 0.05). */
  readonly alpha: number;
  /** Metrics whose regression fails the gate (default: cpu_per_request only). */
  readonly metrics: readonly MetricName[];
  /**
   * Most base/head pairs to run per scenario (default 20). The gate looks at the results after
   * `minTrials` pairs and every few pairs after that, and stops as soon as every gated metric is
   * settled (src/compare/sequential.ts).
   */
  readonly trials: number;
  /** Pairs before the first look (default 8, or `trials` when that is smaller). */
  readonly minTrials: number;
  /**
   * Time budget for the trials, in ms (default 160 000 per scenario, so one scenario with checkout,
   * build and report stays within 3 minutes): no new pair starts when it would end after the budget.
   * Restarts and warm-ups between pairs (`server.restart: pair`) count against it.
   */
  readonly budgetMs: number;
  /**
   * How the two trials of a pair are taken: `sequential` (default) measures them one after the
   * other in a randomized order (src/plan/schedule.ts); `duet` loads base and head at the same
   * time, each through its own connections and load process, so CPU steal, frequency changes and
   * noisy neighbours hit both sides of a pair alike (Bulej et al., "Duet Benchmarking: Improving
   * Measurement Accuracy in the Cloud", ICPE 2020). On 2 cores a duet narrowed the per-pair spread
   * of a single-process server's CPU per request about 1.8× but widened a 2-worker gunicorn's
   * 2.6× (BENCHMARKS.md, "Measurement noise"), hence not the default. A gate against a stored
   * baseline measures head alone either way.
   */
  readonly pairing: GatePairing;
}

/** Values of `gate.pairing`. */
export const GATE_PAIRINGS = ['duet', 'sequential'] as const;
/** How a pair's two trials are taken (see `GateConfig.pairing`). */
export type GatePairing = (typeof GATE_PAIRINGS)[number];

/** Values of `profile.tool`. */
export const PROFILE_TOOLS = ['auto', 'py-spy', 'cprofile', 'yappi', 'tracemalloc', 'node', 'none'] as const;
/** Which profiler records the profiling phase; `auto` picks one per server (see ProfileConfig). */
export type ProfileTool = (typeof PROFILE_TOOLS)[number];

/** Values of `profile.when`. */
export const PROFILE_WHENS = ['always', 'regression', 'never'] as const;
/** When the profiling phase runs: every gate, only a gate that found a regression, or never. */
export type ProfileWhen = (typeof PROFILE_WHENS)[number];

/**
 * The profiling phase: after the measured trials, one extra load window per side and scenario with a
 * profiler attached, on fresh servers, never during a measured trial (a sampler slows the server).
 */
export interface ProfileConfig {
  /**
   * `auto` (default): Node's CPU profiler for a Node server command (`isNodeCommand`), else py-spy when it is installed,
   * else yappi for an asyncio server (uvicorn, hypercorn, aiohttp, daphne; cProfile where yappi does not
   * import), else cProfile. `py-spy` attaches from outside; `cprofile`, `yappi` (CPU time, threads
   * and coroutines), `tracemalloc` (memory allocated in the window and still live at its end, bytes) and `node` (V8's CPU profiler
   * through the inspector) load into the profiling phase's servers through a bootstrap on
   * PYTHONPATH / NODE_OPTIONS. `none` turns profiling off like `when: never`. The report says which
   * ran and why.
   */
  readonly tool: ProfileTool;
  /** Profiled load time per side and scenario, in ms (default 5 000), split over `windows`. */
  readonly durationMs: number;
  /**
   * Windows per side and scenario, each on its own fresh servers (default 2): how much two windows of
   * one side differ sets the diff table's noise mark, which one window per side cannot measure.
   */
  readonly windows: number;
  /** Sampling rate of samplers (py-spy), in samples per second (default 200). */
  readonly rateHz: number;
  /** `always` (default), `regression` (only when the gate found one) or `never`. */
  readonly when: ProfileWhen;
}

/** The whole validated config. */
export interface Config {
  /** Commands run in each checkout before starting the server (empty: nothing to build). */
  readonly build: readonly string[];
  readonly server: ServerConfig;
  readonly http: readonly HttpScenario[];
  readonly gate: GateConfig;
  readonly profile: ProfileConfig;
}
