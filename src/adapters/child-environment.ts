/**
 * The environment perfgate gives the user's build steps and server commands: its own, minus the
 * runner's credentials, plus a tag naming this run.
 */
import { randomUUID } from 'node:crypto';

/** Name of the variable every child of this perfgate process carries (see {@link RUN_ID}). */
export const RUN_ID_VARIABLE = 'PERFGATE_RUN_ID';

/**
 * Name of the variable each server command (and whatever it starts) carries besides
 * {@link RUN_ID_VARIABLE}: a random id per start, so that stopping one side's server finds that
 * server's detached processes without touching the other side's.
 */
export const SERVER_ID_VARIABLE = 'PERFGATE_SERVER_ID';

/**
 * A random id for this perfgate process, set as `PERFGATE_RUN_ID` in every child's environment so that
 * a process a build step or server started can be recognised however it detached (new session,
 * re-parented to PID 1): environments are inherited across fork/exec and setsid.
 */
export const RUN_ID = randomUUID();

/**
 * Runner variables dropped from every child's environment, because each one lets the holder act as
 * the workflow run: `ACTIONS_RUNTIME_TOKEN` (the runner's token for artifacts and caches) with
 * `ACTIONS_RUNTIME_URL`, `ACTIONS_RESULTS_URL` and `ACTIONS_CACHE_URL` (the services it unlocks), and
 * `ACTIONS_ID_TOKEN_REQUEST_TOKEN` with `ACTIONS_ID_TOKEN_REQUEST_URL` (mint OIDC tokens to cloud
 * accounts). Source: the runner's environment as documented in ENVIRONMENT.md and actions/toolkit.
 */
export const DROPPED_RUNNER_VARIABLES: readonly string[] = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
];

/**
 * Prefix of the action's inputs as the runner passes them (`INPUT_GITHUB-TOKEN` holds the token).
 * Every `INPUT_*` variable is dropped: a name with `-` is kept by bash even though dash drops it.
 */
export const DROPPED_INPUT_PREFIX = 'INPUT_';

/**
 * Builds a child's environment: `parent` (perfgate's `process.env`) without
 * {@link DROPPED_RUNNER_VARIABLES} and without any `INPUT_*` name (case-insensitively, as Windows
 * runners would treat names), then `own` (perfgate.yml's build/server `env`, which may re-add any
 * of them explicitly), then `PERFGATE_RUN_ID=runId`. Everything else (PATH, HOME, the workflow's
 * step and job `env:`) passes unchanged. Pure: reads nothing but its arguments.
 */
export function childEnvironment(
  parent: NodeJS.ProcessEnv,
  own: Readonly<Record<string, string>> = {},
  runId: string = RUN_ID,
): Record<string, string> {
  const dropped = new Set(DROPPED_RUNNER_VARIABLES);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    const upper = name.toUpperCase();
    if (dropped.has(upper) || upper.startsWith(DROPPED_INPUT_PREFIX)) continue;
    env[name] = value;
  }
  return { ...env, ...own, [RUN_ID_VARIABLE]: runId };
}
