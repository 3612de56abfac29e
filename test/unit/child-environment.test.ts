import { describe, expect, it } from 'vitest';
import {
  childEnvironment,
  DROPPED_RUNNER_VARIABLES,
  RUN_ID_VARIABLE,
} from '../../src/adapters/child-environment.js';

describe('childEnvironment', () => {
  const parent = {
    PATH: '/usr/bin',
    HOME: '/home/runner',
    MY_JOB_VAR: 'kept',
    ACTIONS_RUNTIME_TOKEN: 'secret',
    ACTIONS_RUNTIME_URL: 'u',
    ACTIONS_RESULTS_URL: 'u',
    ACTIONS_CACHE_URL: 'u',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'secret',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'u',
    'INPUT_GITHUB-TOKEN': 'ghs_secret',
    INPUT_CONFIG: 'perfgate.yml',
    UNSET: undefined,
  };

  it('drops the runner credentials and every INPUT_*, keeps the rest and tags the run', () => {
    const env = childEnvironment(parent, {}, 'run-1');
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      MY_JOB_VAR: 'kept',
      [RUN_ID_VARIABLE]: 'run-1',
    });
    for (const name of DROPPED_RUNNER_VARIABLES) expect(env).not.toHaveProperty(name);
  });

  it('applies the config env last, so it may re-add a dropped name', () => {
    const env = childEnvironment(parent, { ACTIONS_CACHE_URL: 'mine', PATH: '/opt/bin' }, 'run-1');
    expect(env.ACTIONS_CACHE_URL).toBe('mine');
    expect(env.PATH).toBe('/opt/bin');
  });
});
