import * as core from '@actions/core';
import type { Log } from '../ports.js';

/**
 * Logging on a GitHub runner: `info` to stdout, `warn` and `error` as workflow annotations
 * (`::warning::` / `::error::`, of which GitHub keeps at most 10 per type per step), and groups as
 * collapsible `::group::` sections of the log.
 */
export function createActionsLog(): Log {
  return {
    info: (message) => core.info(message),
    warn: (message) => core.warning(message),
    error: (message) => core.error(message),
    group: (name, fn) => core.group(name, fn),
  };
}
