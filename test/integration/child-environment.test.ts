import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_ID, RUN_ID_VARIABLE } from '../../src/adapters/child-environment.js';
import { createServerLauncher } from '../../src/adapters/server-launcher.js';
import { createShell } from '../../src/adapters/shell.js';

/** Runner credentials and inputs set in perfgate's own environment for these tests. */
const CREDENTIALS: Record<string, string> = {
  ACTIONS_RUNTIME_TOKEN: 'runtime-secret',
  ACTIONS_RUNTIME_URL: 'http://127.0.0.1:9/runtime',
  ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/results',
  ACTIONS_CACHE_URL: 'http://127.0.0.1:9/cache',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-secret',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/oidc',
  'INPUT_GITHUB-TOKEN': 'ghs_secret',
  INPUT_CONFIG: 'perfgate.yml',
};

const work = mkdtempSync(join(tmpdir(), 'perfgate-child-env-'));
const saved = new Map<string, string | undefined>();

beforeAll(() => {
  for (const [name, value] of Object.entries({ ...CREDENTIALS, PERFGATE_USER_VAR: 'from-job-env' })) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
});

afterAll(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(work, { recursive: true, force: true });
});

/** Parses `env -0` output (NUL-separated, so values with newlines stay whole). */
function readEnvDump(file: string): Map<string, string> {
  const entries = readFileSync(file, 'utf8').split('\0').filter(Boolean);
  return new Map(
    entries.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

function expectClean(env: Map<string, string>): void {
  for (const name of Object.keys(CREDENTIALS)) expect(env.has(name), name).toBe(false);
  expect(env.get('PERFGATE_USER_VAR')).toBe('from-job-env');
  expect(env.get('PERFGATE_CONFIG_VAR')).toBe('from-config');
  expect(env.get('PATH')).toBe(process.env.PATH);
  expect(env.get(RUN_ID_VARIABLE)).toBe(RUN_ID);
}

describe('what user commands see', () => {
  it('a bash build step gets no runner credential and no INPUT_*, but the user env and the run tag', async () => {
    const dump = join(work, 'build.env');
    const result = await createShell().run(`bash -c 'env -0 > ${dump}'`, {
      cwd: work,
      env: { PERFGATE_CONFIG_VAR: 'from-config' },
      logFile: join(work, 'build.log'),
    });
    expect(result.exitCode).toBe(0);
    expectClean(readEnvDump(dump));
  });

  it('a bash server gets no runner credential and no INPUT_*, but the user env and the run tag', async () => {
    const launcher = createServerLauncher({ graceMs: 2_000, pollIntervalMs: 100 });
    const port = await launcher.freePort();
    const dump = join(work, 'server.env');
    const server = await launcher.start({
      label: 'head',
      command: `bash -c 'env -0 > ${dump}; exec python3 -m http.server ${port} --bind 127.0.0.1'`,
      cwd: work,
      env: { PORT: String(port), PERFGATE_CONFIG_VAR: 'from-config' },
      port,
      readyUrl: `http://127.0.0.1:${port}/`,
      startupTimeoutMs: 15_000,
      logFile: join(work, 'server.log'),
    });
    try {
      expectClean(readEnvDump(dump));
    } finally {
      await server.stop();
    }
  });
});
