/**
 * Stage: configuration (pure). perfgate.yml text → `parseConfig` → a validated `Config` with every
 * default applied (durations in ms, threshold as a fraction), or one `ConfigError` listing every
 * problem. `hashConfig` fingerprints a Config for the result file; `DEFAULTS` and `LIMITS` are the
 * documented defaults and ranges as data.
 */
export { parseConfig } from './parse-config.js';
export { hashConfig, canonicalJson, fnv1a64Hex } from './hash-config.js';
export {
  DEFAULTS,
  LIMITS,
  HTTP_METHODS,
  type ConfigDefaults,
  type HttpMethod,
  type Range,
} from './defaults.js';
export { parseDurationMs, formatDurationMs } from './durations.js';
export type { Config, GateConfig, HttpScenario, ServerConfig } from './types.js';
