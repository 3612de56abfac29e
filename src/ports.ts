/**
 * The small interfaces the pipeline (src/run.ts) needs from the outside world, named for what it
 * needs rather than for the library behind them. Implementations live in src/adapters/ and are
 * wired up only by the composition roots (src/main.ts, src/cli.ts); the trial phase's view of the
 * servers (`PairServers`) is implemented by src/targets/ and used by src/measure/, so neither of
 * the two imports the other's types.
 */
import type { HttpScenario } from './config/types.js';
import type { RunnerFacts, Side } from './model/results.js';
import type { Profile } from './profile/model.js';

/** A checked-out commit in its own directory (a git worktree). */
export interface Checkout {
  /** Absolute path of the worktree. */
  readonly dir: string;
  /** 40-hex commit SHA checked out. */
  readonly sha: string;
}

/** Git access for the repository being gated. The user's working tree is never modified. */
export interface Workspace {
  /**
   * Resolves a revision (branch, tag, `HEAD~1`, SHA) to a 40-hex SHA.
   * @throws RevisionError when the revision does not exist in the repository (hint: fetch-depth: 0).
   */
  resolve(rev: string): Promise<string>;
  /**
   * The best common ancestor of two commits (`git merge-base`), as a 40-hex SHA, or undefined when
   * the clone holds none (unrelated histories, or a shallow clone cut above it).
   * @throws RevisionError when either commit does not exist in the repository.
   */
  mergeBase(a: string, b: string): Promise<string | undefined>;
  /**
   * Commits reachable from `to` but not from `from` (`git rev-list --count from..to`), both 40-hex
   * SHAs; undefined when the clone cannot tell (a commit missing, e.g. a shallow clone). Never throws.
   */
  countCommits(from: string, to: string): Promise<number | undefined>;
  /**
   * Checks `sha` out into a new detached worktree under a temporary directory.
   * @param label short name used in the directory name (`base`, `head`).
   * @throws RevisionError when git fails.
   */
  checkout(sha: string, label: string): Promise<Checkout>;
  /** Removes every worktree this workspace created (idempotent, never throws). */
  cleanup(): Promise<void>;
}

/** Outcome of a shell command. */
export interface CommandResult {
  readonly exitCode: number;
  /** Wall time in ms. */
  readonly durationMs: number;
  /** Last lines of combined stdout/stderr. */
  readonly logTail: string;
}

/** Runs shell commands (build steps). */
export interface Shell {
  /**
   * Runs `command` with `sh -c` in `cwd`, appending combined output to `logFile`.
   * Resolves with the exit code (never rejects on a non-zero exit; rejects only if it cannot spawn).
   * When `signal` aborts, the command's process group is stopped and the promise rejects with the
   * abort reason.
   */
  run(
    command: string,
    options: { cwd: string; env?: Record<string, string>; logFile: string; signal?: AbortSignal },
  ): Promise<CommandResult>;
}

/** What to start: a server command in a checkout. */
export interface ServerSpec {
  /** Label for logs and errors (`base`, `head`). */
  readonly label: string;
  /** Shell command; `$PORT` already substituted. */
  readonly command: string;
  readonly cwd: string;
  /** Extra environment (PORT is included by the caller). */
  readonly env: Readonly<Record<string, string>>;
  readonly port: number;
  /** Absolute URL polled until it answers 2xx. */
  readonly readyUrl: string;
  /** Readiness timeout in ms. */
  readonly startupTimeoutMs: number;
  /** File receiving the server's stdout and stderr. */
  readonly logFile: string;
  /** Aborts the wait for readiness: the server is stopped and `start` rejects with the reason. */
  readonly signal?: AbortSignal;
  /**
   * Values put before a variable's value (from `env`, else inherited), e.g. a profiler's bootstrap
   * folder before PYTHONPATH; only the profiling phase's servers have any.
   */
  readonly prepend?: readonly EnvPrepend[];
}

/** A value put before an environment variable's existing value. */
export interface EnvPrepend {
  /** `PYTHONPATH`, `NODE_OPTIONS`. */
  readonly name: string;
  readonly value: string;
  /** Between the value and the existing one: `:` for paths, a space for options. */
  readonly separator: string;
}

/**
 * How a profiler that loads into the server (a bootstrap on the start-up path, as cProfile, yappi,
 * tracemalloc and Node's inspector need) wants the profiling phase's servers started. A profiler
 * that attaches from outside (py-spy) has none.
 */
export interface ProfilerLaunch {
  /** Variables added after the config's `server.env` (the bootstrap's control folder, its mode). */
  readonly env: Readonly<Record<string, string>>;
  readonly prepend: readonly EnvPrepend[];
}

/** A started, ready server. */
export interface RunningServer {
  readonly label: string;
  /** PID of the process-group leader (the shell or the server itself). */
  readonly pid: number;
  /** `http://127.0.0.1:PORT` */
  readonly baseUrl: string;
  readonly logFile: string;
  /** True while the process-group leader has not exited. */
  isAlive(): boolean;
  /** Last `lines` lines of the server's log. */
  logTail(lines?: number): Promise<string>;
  /** Stops the whole process group: SIGTERM, then SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Processes of one server that had left its process group (a daemonizing server: `--daemon`,
 * `setsid … &`), found by the server's environment tag when it was stopped, and stopped too.
 */
export interface DetachedStop {
  /** The server's label (`base`, `head`), or `run` for a process only the run's tag named. */
  readonly label: string;
  readonly pids: readonly number[];
  /** Their command lines as read before they were stopped, one per PID. */
  readonly commands: readonly string[];
}

/** Starts servers and hands out free ports. */
export interface ServerLauncher {
  /** A free loopback TCP port. */
  freePort(): Promise<number>;
  /**
   * Starts the server in its own process group and waits until `readyUrl` answers 2xx.
   * @throws RunError with the log tail when the process exits first or readiness times out
   *   (the process group is stopped before throwing).
   */
  start(spec: ServerSpec): Promise<RunningServer>;
  /** Stops every server started by this launcher, then whatever still carries the run's tag. */
  stopAll(): Promise<void>;
  /** Every stop so far that had to hunt down detached processes, in order. */
  detachedStops(): readonly DetachedStop[];
}

/** One HTTP load run. */
export interface LoadSpec {
  /** Absolute URL (base URL + scenario path). */
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly connections: number;
  readonly pipelining: number;
  /** Length of the load in ms. */
  readonly durationMs: number;
  /**
   * Requests after which each connection closes and connects anew (autocannon's `reconnectRate`),
   * so the kernel deals the connections over a server's workers again; absent: keep-alive
   * connections last the whole load.
   */
  readonly reconnectRate?: number;
  /** Ends the load early: `run` rejects with the abort reason and keeps no result. */
  readonly signal?: AbortSignal;
}

/** What a load run observed. Latencies are decimal ms from per-response times. */
export interface LoadResult {
  /** Responses received, any status. */
  readonly responses: number;
  /** Responses with a 2xx or 3xx status. */
  readonly ok: number;
  /** Responses with other statuses. */
  readonly non2xx: number;
  /** Connection errors (resets, refused). */
  readonly errors: number;
  readonly timeouts: number;
  /** Actual wall time of the run, in ms. */
  readonly durationMs: number;
  /** Latency percentiles in decimal ms over every response. */
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number };
  /** Total response bytes. */
  readonly bytes: number;
  /** True when the server answered `Connection: close` on keep-alive requests. */
  readonly connectionClose: boolean;
  /**
   * CPU the load generator's own process used during the run (user + system), ms; absent when the
   * load ran inside perfgate's process, whose CPU it cannot be told apart from.
   */
  readonly clientCpuMs?: number;
}

/** Drives HTTP load (autocannon). */
export interface LoadGenerator {
  /** @throws RunError when the load cannot be run at all (bad URL...). */
  run(spec: LoadSpec): Promise<LoadResult>;
}

/** Per-process CPU over a window (from /proc). */
export interface ProcessWindowCpu {
  readonly pid: number;
  /** Parent PID as last seen (lets the run tell workers, which are leaves, from their master). */
  readonly ppid?: number;
  readonly command: string;
  /**
   * CPU time during the window, CPU ms (decimal): its threads' run time at ns resolution where the
   * kernel keeps it, else utime+stime in clock ticks (see `TreeWindow.cpuResolutionMs`).
   */
  readonly cpuMs: number;
}

/** What a process-tree watch saw over a window. */
export interface TreeWindow {
  /** CPU time of the whole tree during the window, CPU ms (processes that exited included as far as seen). */
  readonly cpuMs: number;
  readonly processes: readonly ProcessWindowCpu[];
  /**
   * Step of the coarsest clock behind `cpuMs`, CPU ms: 1e-6 when every process was read at ns
   * resolution, one clock tick (usually 10) when any was counted in ticks. Absent: not known.
   */
  readonly cpuResolutionMs?: number;
  /** Caveats of the reading itself (e.g. CPU counted in clock ticks), to travel with the trial. */
  readonly warnings?: readonly string[];
  /** Peak resident set of the tree during the window (sampled), bytes. */
  readonly rssPeakBytes: number;
  /** Machine-wide CPU steal during the window, fraction 0..1. */
  readonly stealFraction: number;
  /** 1-minute load average at the end of the window. */
  readonly loadAverage: number;
}

/** An open measurement window on a process tree. */
export interface TreeWatch {
  /** Ends the window and returns what was seen. */
  stop(): Promise<TreeWindow>;
}

/** Reads CPU and memory of a process tree, and machine-wide steal. */
/** What the machine is (RunnerFacts without the per-run steal figures). */
export type MachineFacts = Omit<RunnerFacts, 'stealMean' | 'stealMax'>;

export interface ProcessStats {
  /** Starts a window on the tree rooted at `rootPid` (sampling RSS periodically until stop). */
  watch(rootPid: number): Promise<TreeWatch>;
  /** Machine facts for the report. */
  machine(): MachineFacts;
}

/** Writes result files (report.json, report.md) into the output folder. */
export interface ResultStore {
  /** Absolute path of the output folder. */
  readonly dir: string;
  /**
   * Claims the folder for this run before anything is built or served: creates it, proves it is
   * writable, and takes its lock, so a second run sharing the folder is refused instead of mixing its
   * logs and reports into this one's.
   * @throws ConfigError naming the folder when it cannot be created or written, or another live run
   *   holds it.
   */
  open(): Promise<void>;
  /** Releases the lock taken by `open` (idempotent; never throws). */
  close(): Promise<void>;
  /** Writes `name` (relative) with `content`, creating folders; returns the absolute path. */
  write(name: string, content: string): Promise<string>;
  /**
   * Absolute path for a log file `name` inside the output folder's `logs/`. The first call for a name
   * in a run removes that file as an earlier run left it, so every log holds this run's output only.
   */
  logPath(name: string): string;
}

/** Progress and diagnostics. On GitHub, groups fold in the log. */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Runs `fn` inside a collapsible group named `name`. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** Wall clock, injectable for tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The pull request's sticky comment. */
export interface PullRequestComments {
  /**
   * Creates the comment carrying `marker` (a hidden HTML comment inside `body`) or edits the one that
   * already carries it, so a PR holds at most one perfgate comment per config. With
   * `createIfMissing: false` it only edits an existing comment and answers `absent` when there is none.
   * @throws CommentPermissionError when the token may not comment (HTTP 403, e.g. a fork's PR).
   */
  upsert(
    marker: string,
    body: string,
    options?: { readonly createIfMissing?: boolean },
  ): Promise<'created' | 'updated' | 'absent'>;
}

/** The job summary of the current step. */
export interface JobSummary {
  /** Appends Markdown to the step summary. */
  append(markdown: string): Promise<void>;
}

/** A stored artifact, as the artifact service reports it after an upload. */
export interface UploadedArtifact {
  /** The service's artifact id. */
  readonly id: number;
  /** Size of the uploaded archive in bytes. */
  readonly sizeBytes: number;
  /** The artifact's download page (`…/actions/runs/<run>/artifacts/<id>`). */
  readonly url: string;
}

/** The workflow run's artifact storage. */
export interface ArtifactStore {
  /**
   * Uploads `files` (absolute paths under `rootDir`, stored relative to it) as one zipped artifact.
   * @param options.retentionDays days to keep it (1..90); absent means the repository's default.
   * @throws Error when the upload fails for good (after the store's own retries): the message says why.
   */
  upload(
    name: string,
    files: readonly string[],
    rootDir: string,
    options: { readonly retentionDays?: number },
  ): Promise<UploadedArtifact>;
}

/** Step outputs. */
export interface Outputs {
  set(name: string, value: string): void;
}

/** One response to one request, kept as evidence when a side fails its requests. */
export interface ResponseSample {
  /** HTTP status, or undefined when no response came. */
  readonly status: number | undefined;
  /** The first part of the body as text (at most ~500 characters). */
  readonly bodyStart: string;
  /** Why no response came (refused, reset, timed out). */
  readonly error?: string;
}

/** Sends one request of a scenario and keeps what came back. */
export interface ResponseSampler {
  /** Never rejects: a failure to get any response is described in `error`. */
  sample(spec: LoadSpec): Promise<ResponseSample>;
}

/** What one profiled load window recorded. */
export interface ProfileCapture {
  /** Every process and thread of the server merged (see src/profile/model.ts). */
  readonly profile: Profile;
  /**
   * The profiler's own files kept beside the converted ones (absolute paths in the results folder's
   * `profiles/`: pstats files for snakeviz, `.cpuprofile` files for Chrome DevTools), listed in the
   * report with the others.
   */
  readonly files?: readonly string[];
}

/** A profiler recording while the caller drives load. */
export interface ProfileRecording {
  /** Waits for the recording to end and returns it. @throws ProfilerUnavailableError when it failed. */
  finish(): Promise<ProfileCapture>;
}

/** Records a server for one load window: attached from outside (py-spy) or loaded into it (a bootstrap). */
export interface Profiler {
  /** The tool and its version as the report names it, e.g. `py-spy 0.4.3`. */
  readonly tool: string;
  /**
   * For a profiler loaded into the server: how `side`'s profiling-phase servers must start (they are
   * always fresh ones, whatever `server.restart` says). Absent for one that attaches.
   */
  readonly launch?: (side: Side) => ProfilerLaunch;
  /** Removes what the profiler kept for itself (a bootstrap, control folders) once the phase ends; never throws. */
  readonly dispose?: () => Promise<void>;
  /**
   * Starts recording `server`'s process tree for `durationMs` (ms) at `rateHz` (samples/s) and resolves
   * once recording runs, so the caller can start the load.
   * @throws ProfilerUnavailableError when it cannot record this server (no Python process, no ptrace
   *   permission); the gate notes it and goes on.
   */
  start(
    server: RunningServer,
    options: {
      readonly durationMs: number;
      readonly rateHz: number;
      /** File name stem of the window, `<scenario>-<side>`. */
      readonly name: string;
      readonly side: Side;
    },
  ): Promise<ProfileRecording>;
}

/** The ports a trial needs. */
export interface TrialDeps {
  readonly load: LoadGenerator;
  /** Fetches a sample response when a side fails most of its requests (optional: tests may omit it). */
  readonly sampler?: ResponseSampler;
  readonly stats: ProcessStats;
  readonly clock: Clock;
  /** Aborted when perfgate is told to stop: a load under way ends at once and nothing is kept. */
  readonly signal?: AbortSignal;
}

/** What a warm-up saw and did. */
export interface WarmUpOutcome {
  /** Extra short warm-ups run on fresh connections because a worker took no load (0: none needed). */
  readonly redeals: number;
  /** Workers that took no load in the last warm-up window (empty when every worker took some). */
  readonly idlePids: readonly number[];
}

/**
 * The servers of one pair, one per side in `S`: both sides in a same-runner gate, head alone when
 * head is compared with a stored baseline.
 */
export type ServerPair<S extends Side = Side> = Readonly<Record<S, RunningServer>>;

/** What the trial phase needs from the servers (of the sides `S` it measures). */
export interface PairServers<S extends Side = Side> {
  /**
   * The servers for the pair after `pairsDone` complete pairs: the current ones, or (restart
   * `pair`, `pairsDone` ≥ 1) fresh ones, the old ones stopped by the time they are returned.
   * @throws RunError with the log tail when a server fails to start.
   */
  forPair(pairsDone: number): Promise<ServerPair<S>>;
  /**
   * The servers to measure a set-aside pair again on (the pair after `pairsDone` complete pairs):
   * fresh base and head servers, the old ones stopped by the time they are returned, so whatever
   * made the pair unfair (a worker dealt no connection, a process that started badly) is dealt
   * anew; with restart `never` the current ones, since the user asked for one process per side.
   * @throws RunError with the log tail when a server fails to start.
   */
  forRerun(pairsDone: number): Promise<ServerPair<S>>;
  /**
   * The servers for the profiling phase: as {@link forRerun}, or, with `launch` (a profiler loaded
   * into the server), always fresh ones started with what `launch(side)` asks for.
   * @throws RunError with the log tail when a server fails to start.
   */
  forProfiling(pairsDone: number, launch?: (side: S) => ProfilerLaunch): Promise<ServerPair<S>>;
  /**
   * The discarded warm-up of `scenario` on `side`'s current server, run right before its first
   * trial of that scenario since it started (later calls return at once, with no re-deals). Each
   * side is warmed just before it is measured, so neither side idles longer between its warm-up
   * and its trial.
   * @throws RunError with the log tail when the server dies during the warm-up.
   */
  warmUpBefore(side: S, scenario: HttpScenario): Promise<WarmUpOutcome>;
}
