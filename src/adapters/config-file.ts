/** Reads perfgate.yml from disk and finds the repository it belongs to. */
import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import type { Config } from '../config/types.js';
import { hashConfig, parseConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';

/** A loaded config and where it sits. */
export interface LoadedConfig {
  readonly config: Config;
  readonly hash: string;
  /** Absolute path of the repository root (git top level). */
  readonly repoRoot: string;
  /** Folder of the config relative to the repository root ('' at the root). */
  readonly dirInRepo: string;
}

/**
 * Reads and validates the config at `configPath` (relative to `cwd`).
 * @throws ConfigError when the file is missing, invalid, or not inside a git repository.
 */
export async function loadConfigFile(configPath: string, cwd: string): Promise<LoadedConfig> {
  const absolute = path.resolve(cwd, configPath);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch {
    throw new ConfigError(
      `config file not found: ${absolute}`,
      'create perfgate.yml (the README section "Configure: perfgate.yml" has a minimal one) or point `config` / --config at it',
    );
  }
  const config = parseConfig(text, configPath);
  const repoRoot = await gitTopLevel(path.dirname(absolute));
  return {
    config,
    hash: hashConfig(config),
    repoRoot,
    dirInRepo: path.relative(repoRoot, path.dirname(absolute)),
  };
}

async function gitTopLevel(dir: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', '--show-toplevel'], { cwd: dir });
    return stdout.trim();
  } catch {
    throw new ConfigError(
      `${dir} is not inside a git repository`,
      'run perfgate inside the repository to gate (on GitHub: actions/checkout with fetch-depth: 0 first)',
    );
  }
}
