/**
 * The documented defaults and accepted ranges of perfgate.yml, kept as data so the schema, the README
 * and the action's docs cannot drift apart.
 */
import { DEFAULT_GATED_METRICS } from '../model/metrics.js';
import type { GateConfig, HttpScenario, ProfileConfig, ServerConfig } from './types.js';

/** HTTP method of a scenario. */
export type HttpMethod = HttpScenario['method'];

/** HTTP methods a scenario may use (config input is case-insensitive, stored upper-case). */
export const HTTP_METHODS = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
] as const satisfies readonly HttpMethod[];

/** Values of every optional key, in `Config`'s units (durations in ms, threshold as a fraction). */
export interface ConfigDefaults {
  readonly build: readonly string[];
  readonly server: Omit<ServerConfig, 'command'>;
  readonly http: Omit<HttpScenario, 'name' | 'path' | 'body'>;
  readonly gate: GateConfig;
  readonly profile: ProfileConfig;
}

/**
 * Value used for every optional key of perfgate.yml when it is left out. `formatDurationMs` prints the
 * durations the way the file spells them (`startupTimeoutMs: 60000` is `startup-timeout: 1m`).
 */
export const DEFAULTS: ConfigDefaults = {
  build: [],
  server: { ready: '/', env: {}, cwd: '.', startupTimeoutMs: 60_000, restart: 'pair' },
  http: { method: 'GET', headers: {}, connections: 16, durationMs: 5_000, warmupMs: 1_000, pipelining: 1 },
  gate: {
    threshold: 0.05,
    alpha: 0.05,
    metrics: DEFAULT_GATED_METRICS,
    trials: 20,
    minTrials: 8,
    budgetMs: 160_000,
    pairing: 'sequential',
  },
  profile: { tool: 'auto', durationMs: 5_000, windows: 2, rateHz: 200, when: 'always' },
};

/** Inclusive bounds of a numeric key; no `max` means no upper bound. */
export interface Range {
  readonly min: number;
  readonly max?: number;
}

/**
 * Accepted ranges of the numeric keys (durations in ms). The threshold must lie in (0, 1) and alpha in
 * (0, 0.5]: open bounds, so they are spelled out in the schema rather than here.
 */
export const LIMITS = {
  // Upper bounds keep every wait far below Node's longest timer (2^31 - 1 ms, about 24.8 days): an
  // hour for one server start, warm-up or trial, and 5 days (GitHub's self-hosted job limit) for a gate.
  startupTimeoutMs: { min: 1_000, max: 3_600_000 },
  connections: { min: 1, max: 1_000 },
  durationMs: { min: 1_000, max: 3_600_000 },
  warmupMs: { min: 0, max: 3_600_000 },
  pipelining: { min: 1, max: 100 },
  trials: { min: 2, max: 200 },
  budgetMs: { min: 1_000, max: 432_000_000 },
  profileDurationMs: { min: 1_000, max: 3_600_000 },
  profileRateHz: { min: 1, max: 1_000 },
  profileWindows: { min: 1, max: 10 },
} as const satisfies Readonly<Record<string, Range>>;
