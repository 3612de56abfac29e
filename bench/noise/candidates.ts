/**
 * The measurement set-ups compared by `npm run bench:noise:record` / `npm run bench:noise` (issue
 * 12: cut measurement noise at its sources), and the apps they are recorded on.
 */

/** One way of measuring a base/head pair. */
export interface Candidate {
  /** Record name, e.g. `process-5s`. */
  readonly name: string;
  /**
   * Where autocannon runs: `inline` in the measuring process's own event loop (perfgate before
   * issue 12), `process` in a process of its own (src/adapters/load-process.ts).
   */
  readonly load: 'inline' | 'process';
  /**
   * `sequential`: base and head one after the other, each warmed up right before its trial (a
   * gate's pair); `duet`: both warmed up and measured at the same time, each by its own load
   * process (Bulej et al., "Duet Benchmarking", ICPE 2020).
   */
  readonly schedule: 'sequential' | 'duet';
  /** Measured window of each trial, ms. */
  readonly durationMs: number;
  /**
   * `matched-hash-seed`: both servers of a pair get the same PYTHONHASHSEED, drawn anew for every
   * pair (common random numbers: the layout of str-keyed dicts and sets is the same on both sides
   * of a pair and still random across pairs). Absent: each process draws its own (Python's
   * default). `hash-seed-0`: PYTHONHASHSEED=0 for every server (what perfgate set before issue 12).
   */
  readonly pairEnv?: 'matched-hash-seed' | 'hash-seed-0';
  /** What it tests, for the report. */
  readonly describe: string;
}

export const CANDIDATES: readonly Candidate[] = [
  {
    name: 'inline-5s',
    load: 'inline',
    schedule: 'sequential',
    durationMs: 5_000,
    describe: 'autocannon in perfgate’s event loop, sequential pair, 5 s trials (perfgate before issue 12)',
  },
  {
    name: 'process-5s',
    load: 'process',
    schedule: 'sequential',
    durationMs: 5_000,
    describe: 'autocannon in its own process, sequential pair, 5 s trials',
  },
  {
    name: 'duet-5s',
    load: 'process',
    schedule: 'duet',
    durationMs: 5_000,
    describe: 'duet: both sides at once, a load process each, 5 s trials',
  },
  {
    name: 'process-2s',
    load: 'process',
    schedule: 'sequential',
    durationMs: 2_000,
    describe: 'autocannon in its own process, sequential pair, 2 s trials',
  },
  {
    name: 'duet-2s',
    load: 'process',
    schedule: 'duet',
    durationMs: 2_000,
    describe: 'duet: both sides at once, a load process each, 2 s trials',
  },
  {
    name: 'duet-5s-seed',
    load: 'process',
    schedule: 'duet',
    durationMs: 5_000,
    pairEnv: 'matched-hash-seed',
    describe: 'duet-5s, both servers of a pair with the same PYTHONHASHSEED (a new one each pair)',
  },
  {
    name: 'process-5s-seed',
    load: 'process',
    schedule: 'sequential',
    durationMs: 5_000,
    pairEnv: 'matched-hash-seed',
    describe: 'process-5s, both servers of a pair with the same PYTHONHASHSEED (a new one each pair)',
  },
  {
    name: 'duet-5s-seed0',
    load: 'process',
    schedule: 'duet',
    durationMs: 5_000,
    pairEnv: 'hash-seed-0',
    describe: 'duet-5s, PYTHONHASHSEED=0 for every server',
  },
  {
    name: 'process-5s-seed0',
    load: 'process',
    schedule: 'sequential',
    durationMs: 5_000,
    pairEnv: 'hash-seed-0',
    describe: 'process-5s, PYTHONHASHSEED=0 for every server (perfgate’s servers before issue 12)',
  },
];

/** An app served on both sides (A/A: the same code and settings). */
export interface App {
  readonly name: string;
  readonly example: string;
  /** Server command; `$PORT` is set in its environment. */
  readonly command: string;
  readonly path: string;
  readonly ready: string;
  readonly connections: number;
}

export const APPS: readonly App[] = [
  {
    name: 'stdlib',
    example: 'examples/stdlib',
    command: 'exec python3 app.py',
    path: '/search?tag=garden&q=solar+lamp&limit=20',
    ready: '/healthz',
    connections: 8,
  },
  {
    name: 'flask',
    example: 'examples/flask',
    command: 'exec gunicorn -k gthread -w 2 --threads 4 -b 127.0.0.1:$PORT app:app',
    path: '/api/customers/42/summary',
    ready: '/healthz',
    connections: 8,
  },
];
