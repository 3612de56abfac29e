import * as core from '@actions/core';
import type { Outputs } from '../ports.js';

/**
 * Step outputs through `core.setOutput`, which appends `name<<delimiter` blocks to the file named by
 * GITHUB_OUTPUT (it throws when that variable names a file that does not exist).
 */
export function createActionsOutputs(): Outputs {
  return { set: (name, value) => core.setOutput(name, value) };
}
