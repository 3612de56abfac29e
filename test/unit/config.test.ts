import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULTS,
  canonicalJson,
  fnv1a64Hex,
  formatDurationMs,
  hashConfig,
  parseConfig,
  parseDurationMs,
  type Config,
} from '../../src/config/index.js';
import { suggestName } from '../../src/config/suggest-name.js';
import { ConfigError } from '../../src/errors.js';

const FILE = 'perfgate.yml';

/** Parses `text` expecting failure; returns the ConfigError. */
function configErrorOf(text: string): ConfigError {
  try {
    parseConfig(text, FILE);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for:\n${text}`);
}

const MINIMAL = `
server:
  command: gunicorn -b 127.0.0.1:$PORT app:app
http:
  - name: home
    path: /
`;

/** MINIMAL plus `extra` lines appended under the first scenario or at the top level. */
const withScenarioKeys = (lines: string) => `${MINIMAL}${lines.replace(/^/gm, '    ')}\n`;
const withGate = (lines: string) => `${MINIMAL}gate:\n${lines.replace(/^/gm, '  ')}\n`;

describe('parseConfig: valid files', () => {
  it('reads every key of a full file into the exact Config', () => {
    const text = `
build:
  - pip install -r requirements.txt
  - python -m compileall .
server:
  command: gunicorn -k gthread -w 2 -b 127.0.0.1:$PORT app:app
  ready: /healthz
  env: { APP_MODE: bench, WORKERS: 2, DEBUG: false }
  cwd: ./service/
  startup-timeout: 1m30s
  restart: Never
http:
  - name: list-items
    path: /items?page=1
    method: get
    headers: { accept: application/json }
    connections: 32
    duration: 10s
    warmup: 500ms
    pipelining: 4
  - name: create.item_v2
    path: /items
    method: Post
    body: { name: widget, tags: [a, b], price: 9.5 }
gate:
  threshold: 2.5%
  alpha: 0.01
  metrics: [throughput, latency_p99, rss_peak]
  trials: 30
  min-trials: 12
  budget: 10m
  pairing: Duet
profile:
  tool: Py-Spy
  duration: 3s
  windows: 3
  rate: 150
  when: regression
`;
    const expected: Config = {
      build: ['pip install -r requirements.txt', 'python -m compileall .'],
      server: {
        command: 'gunicorn -k gthread -w 2 -b 127.0.0.1:$PORT app:app',
        ready: '/healthz',
        env: { APP_MODE: 'bench', WORKERS: '2', DEBUG: 'false' },
        cwd: 'service',
        startupTimeoutMs: 90_000,
        restart: 'never',
      },
      http: [
        {
          name: 'list-items',
          path: '/items?page=1',
          method: 'GET',
          headers: { accept: 'application/json' },
          connections: 32,
          durationMs: 10_000,
          warmupMs: 500,
          pipelining: 4,
        },
        {
          name: 'create.item_v2',
          path: '/items',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"name":"widget","tags":["a","b"],"price":9.5}',
          connections: 16,
          durationMs: 5_000,
          warmupMs: 1_000,
          pipelining: 1,
        },
      ],
      gate: {
        threshold: 0.025,
        alpha: 0.01,
        metrics: ['throughput', 'latency_p99', 'rss_peak'],
        trials: 30,
        minTrials: 12,
        budgetMs: 600_000,
        pairing: 'duet',
      },
      profile: { tool: 'py-spy', durationMs: 3_000, windows: 3, rateHz: 150, when: 'regression' },
    };
    expect(parseConfig(text, FILE)).toStrictEqual(expected);
  });

  it('fills every documented default into a minimal file', () => {
    const expected: Config = {
      build: [],
      server: {
        command: 'gunicorn -b 127.0.0.1:$PORT app:app',
        ready: '/',
        env: {},
        cwd: '.',
        startupTimeoutMs: 60_000,
        restart: 'pair',
      },
      http: [
        {
          name: 'home',
          path: '/',
          method: 'GET',
          headers: {},
          connections: 16,
          durationMs: 5_000,
          warmupMs: 1_000,
          pipelining: 1,
        },
      ],
      gate: {
        threshold: 0.05,
        alpha: 0.05,
        metrics: ['cpu_per_request'],
        trials: 20,
        minTrials: 8,
        budgetMs: 160_000,
        pairing: 'sequential',
      },
      profile: { tool: 'auto', durationMs: 5_000, windows: 2, rateHz: 200, when: 'always' },
    };
    const config = parseConfig(MINIMAL, FILE);
    expect(config).toStrictEqual(expected);
    // The exported DEFAULTS are the ones applied, so docs built from them tell the truth.
    expect(config.gate).toStrictEqual(DEFAULTS.gate);
    expect(config.http[0]).toStrictEqual({ name: 'home', path: '/', ...DEFAULTS.http });
    expect(config.server).toStrictEqual({ ...DEFAULTS.server, command: config.server.command });
    expect(config.profile).toStrictEqual(DEFAULTS.profile);
  });

  it.each([
    ['one build command as a string', `build: make\n${MINIMAL}`, (c: Config) => c.build, ['make']],
    ['a lower-case method', withScenarioKeys('method: delete'), (c: Config) => c.http[0]?.method, 'DELETE'],
    ['cwd "./"', `${MINIMAL}`.replace('server:', 'server:\n  cwd: ./'), (c: Config) => c.server.cwd, '.'],
    [
      'cwd "a/./b//"',
      MINIMAL.replace('server:', 'server:\n  cwd: a/./b//'),
      (c: Config) => c.server.cwd,
      'a/b',
    ],
    [
      'an http URL as readiness probe',
      MINIMAL.replace('server:', 'server:\n  ready: http://localhost:$PORT/up'),
      (c: Config) => c.server.ready,
      'http://localhost:$PORT/up',
    ],
    [
      'a bare number of seconds',
      withScenarioKeys('duration: 12'),
      (c: Config) => c.http[0]?.durationMs,
      12_000,
    ],
    ['zero warm-up', withScenarioKeys('warmup: 0s'), (c: Config) => c.http[0]?.warmupMs, 0],
    [
      'upper bounds',
      withScenarioKeys('connections: 1000\npipelining: 100'),
      (c: Config) => c.http[0]?.pipelining,
      100,
    ],
    ['alpha at its bound', withGate('alpha: 0.5'), (c: Config) => c.gate.alpha, 0.5],
    ['an empty gate mapping', `${MINIMAL}gate: {}\n`, (c: Config) => c.gate, DEFAULTS.gate],
  ])('reads %s', (_label, text, select, want) => {
    expect(select(parseConfig(text, FILE))).toStrictEqual(want);
  });

  it('keeps a string body verbatim and a given content type over the JSON default', () => {
    const config = parseConfig(
      withScenarioKeys(`method: put\nbody: '{"a":1}'`) +
        `  - name: json\n    path: /j\n    method: PATCH\n    headers: { Content-Type: application/merge-patch+json }\n    body: [1, 2]\n`,
      FILE,
    );
    expect(config.http[0]).toMatchObject({ method: 'PUT', body: '{"a":1}', headers: {} });
    expect(config.http[1]).toMatchObject({
      method: 'PATCH',
      body: '[1,2]',
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
  });

  it.each([
    ['flask-gunicorn.yml', 2, 32, 0.05],
    ['fastapi-uvicorn.yml', 2, 24, 0.03],
    ['stdlib-minimal.yml', 1, 16, 0.05],
  ])('parses the example %s', (name, scenarios, connections, threshold) => {
    const text = readFileSync(new URL(`../fixtures/config/${name}`, import.meta.url), 'utf8');
    const config = parseConfig(text, name);
    expect(config.http).toHaveLength(scenarios);
    expect(config.http[0]?.connections).toBe(connections);
    expect(config.gate.threshold).toBe(threshold);
  });

  it('reads the fastapi example in detail: URL probe, cwd, build list, pipelining, zero warm-up', () => {
    const text = readFileSync(new URL('../fixtures/config/fastapi-uvicorn.yml', import.meta.url), 'utf8');
    const config = parseConfig(text, 'fastapi-uvicorn.yml');
    expect(config.build).toEqual(['pip install -r requirements.txt', 'python -m compileall -q service']);
    expect(config.server).toMatchObject({
      ready: 'http://127.0.0.1:$PORT/health',
      cwd: 'backend',
      startupTimeoutMs: 90_000,
    });
    expect(config.http[1]).toMatchObject({ pipelining: 2, warmupMs: 0, durationMs: 5_000 });
    expect(config.gate).toEqual({
      threshold: 0.03,
      alpha: 0.01,
      metrics: ['cpu_per_request', 'latency_p90', 'throughput', 'error_rate'],
      trials: 20,
      minTrials: 8,
      budgetMs: 300_000,
      pairing: 'sequential',
    });
  });
});

describe('parseConfig: sequential trials', () => {
  it('looks first after 8 pairs, or after all of them when fewer are planned', () => {
    const parse = (gate: string) =>
      parseConfig(`server: { command: x }\nhttp: [{ name: a, path: / }]\ngate: { ${gate} }\n`, 'perfgate.yml')
        .gate;
    expect(parse('trials: 30')).toMatchObject({ trials: 30, minTrials: 8 });
    expect(parse('trials: 6')).toMatchObject({ trials: 6, minTrials: 6 });
    expect(parse('trials: 12, min-trials: 4')).toMatchObject({ trials: 12, minTrials: 4 });
  });
});

describe('parseConfig: budget', () => {
  it('gives each scenario the default 2m40s unless the budget is set', () => {
    const two = 'server: { command: x }\nhttp: [{ name: a, path: / }, { name: b, path: /b }]\n';
    expect(parseConfig(two, 'perfgate.yml').gate.budgetMs).toBe(320_000);
    expect(parseConfig(`${two}gate: { budget: 1m }\n`, 'perfgate.yml').gate.budgetMs).toBe(60_000);
  });

  it('refuses a budget that cannot hold one pair of trials, naming gate.budget', () => {
    const error = configErrorOf(
      'server: { command: x }\nhttp: [{ name: a, path: /, duration: 50m }]\ngate: { budget: 1s }\n',
    );
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/gate\.budget/);
    // One after the other (the default), a pair takes 2 × (warm-up + duration).
    expect(error.message).toMatch(
      /one pair of every scenario takes 1h40m2s \(2 × \(warmup \+ duration\) per scenario\)/,
    );
    // A duet takes base and head at once.
    expect(
      configErrorOf(
        'server: { command: x }\nhttp: [{ name: a, path: /, duration: 50m }]\ngate: { budget: 1s, pairing: duet }\n',
      ).message,
    ).toMatch(
      /one pair of every scenario takes 50m1s \(warmup \+ duration per scenario, base and head at once\)/,
    );
    // The default budget is checked too, and one that fits is accepted.
    expect(
      configErrorOf('server: { command: x }\nhttp: [{ name: a, path: /, duration: 2m }]\n').message,
    ).toMatch(/default budget \(2m40s\)/);
    expect(
      parseConfig('server: { command: x }\nhttp: [{ name: a, path: /, duration: 1m }]\n', FILE).http,
    ).toHaveLength(1);
  });

  it.each([
    ['http[0].duration', 'http: [{ name: a, path: /, duration: 1000h }]'],
    ['http[0].warmup', 'http: [{ name: a, path: /, warmup: 2h }]'],
    ['server.startup-timeout', 'http: [{ name: a, path: / }]\nserver: { command: x, startup-timeout: 30d }'],
    ['gate.budget', 'http: [{ name: a, path: / }]\ngate: { budget: 1000h }'],
    ['http[0].duration', 'http: [{ name: a, path: /, duration: 10h }]\ngate: { budget: 1s }'],
  ])('refuses %s beyond what a timer can wait, naming the key', (key, text) => {
    const yaml = text.includes('server:') ? text : `server: { command: x }\n${text}`;
    const error = configErrorOf(yaml);
    expect(error.message).toContain(key);
  });
});

describe('parseConfig: invalid files', () => {
  it.each([
    [
      'a duration with a word unit',
      withScenarioKeys('duration: 10 sec'),
      ['perfgate.yml: http[0].duration: expected a duration like "10s" or "2m", got "10 sec"'],
    ],
    [
      'a misspelled key, with the likely one',
      MINIMAL.replace('server:', 'server:\n  startup_timeout: 10s'),
      ['perfgate.yml: server.startup_timeout: unknown key; did you mean `startup-timeout`?'],
    ],
    [
      'a key in the wrong section',
      withScenarioKeys('threshold: 5%'),
      ['perfgate.yml: http[0].threshold: unknown key; `threshold` belongs under `gate`'],
    ],
    [
      'an unknown key far from any known one',
      `commands: []\n${MINIMAL}`,
      ['perfgate.yml: commands: unknown key; expected one of build, server, http, gate, profile'],
    ],
    [
      'a missing server',
      'http:\n  - { name: a, path: / }\n',
      ['perfgate.yml: server: required key is missing; expected a mapping with at least `command`'],
    ],
    [
      'a missing http',
      'server: { command: run }\n',
      [
        'perfgate.yml: http: required key is missing; expected a list of scenarios, each with at least `name` and `path`',
      ],
    ],
    [
      'an empty server command',
      "server: { command: '' }\nhttp: [{ name: a, path: / }]\n",
      [
        'perfgate.yml: server.command: expected the shell command that starts the server, e.g. "gunicorn -b 127.0.0.1:$PORT app:app", got ""',
      ],
    ],
    [
      'an empty scenario list',
      'server: { command: run }\nhttp: []\n',
      ['perfgate.yml: http: expected at least one scenario with `name` and `path`, got an empty list'],
    ],
    [
      'a server section left empty',
      'server:\nhttp: [{ name: a, path: / }]\n',
      ['perfgate.yml: server: expected a mapping with at least `command`, got nothing'],
    ],
    [
      'a misspelled metric',
      withGate('metrics: [latency_p05]'),
      [
        'perfgate.yml: gate.metrics[0]: expected one of throughput, latency_p50, latency_p90, latency_p99, cpu_per_request, rss_peak, error_rate, got "latency_p05"; did you mean `latency_p50`?',
      ],
    ],
    [
      'a repeated metric',
      withGate('metrics: [throughput, throughput]'),
      [
        'perfgate.yml: gate.metrics[1]: expected each metric once; this one repeats an earlier one, got "throughput"',
      ],
    ],
    [
      'a repeated scenario name',
      `${MINIMAL}  - name: home\n    path: /again\n`,
      [
        'perfgate.yml: http[1].name: expected each scenario name once; this one repeats an earlier one, got "home"',
      ],
    ],
    [
      'a restart policy that does not exist',
      MINIMAL.replace('  command:', '  restart: pairs\n  command:'),
      ['perfgate.yml: server.restart: expected one of pair, never, got "pairs"; did you mean `pair`?'],
    ],
    [
      'an unknown method',
      withScenarioKeys('method: GTE'),
      [
        'perfgate.yml: http[0].method: expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, got "GTE"; did you mean `GET`?',
      ],
    ],
    [
      'a path without its slash',
      MINIMAL.replace('path: /', 'path: items'),
      [
        'perfgate.yml: http[0].path: expected a request path starting with "/" and without spaces, e.g. "/items?page=1", got "items"',
      ],
    ],
    [
      'out-of-range integers',
      withScenarioKeys('connections: 0\npipelining: 1.5'),
      [
        'perfgate.yml: http[0].connections: expected a whole number from 1 to 1000, got 0',
        'perfgate.yml: http[0].pipelining: expected a whole number from 1 to 100, got 1.5',
      ],
    ],
    [
      'too short a duration',
      withScenarioKeys('duration: 500ms'),
      ['perfgate.yml: http[0].duration: expected a duration from 1s to 1h, got "500ms"'],
    ],
    [
      'too few trials and a tiny budget',
      withGate('trials: 1\nbudget: 0.5'),
      [
        'perfgate.yml: gate.trials: expected a whole number from 2 to 200, got 1',
        'perfgate.yml: gate.budget: expected a duration from 1s to 120h, got 0.5',
      ],
    ],
    [
      'a first look after the last pair',
      withGate('trials: 6\nmin-trials: 10'),
      [
        'perfgate.yml: gate.min-trials: expected at most `trials` (6): the first look cannot come after the last pair, got 10',
      ],
    ],
    [
      'a cwd escaping the checkout',
      MINIMAL.replace('server:', 'server:\n  cwd: ../other'),
      [
        'perfgate.yml: server.cwd: expected a folder inside the repository (relative, no ".."), got "../other"',
      ],
    ],
    [
      'an absolute cwd',
      MINIMAL.replace('server:', 'server:\n  cwd: /srv/app'),
      [
        'perfgate.yml: server.cwd: expected a folder inside the repository (relative, no ".."), got "/srv/app"',
      ],
    ],
    [
      'PORT and bad names in env',
      MINIMAL.replace('server:', "server:\n  env: { PORT: 80, 'MY VAR': x, EMPTY: null }"),
      [
        'perfgate.yml: server.env.EMPTY: expected a string, number or boolean, got nothing',
        'perfgate.yml: server.env.PORT: expected a name other than PORT: perfgate sets PORT itself (use $PORT), got "PORT"',
        'perfgate.yml: server.env["MY VAR"]: expected a variable name of letters, digits and _, got "MY VAR"',
      ],
    ],
    [
      'a header value with a line break',
      withScenarioKeys('headers: { x-a: "one\\ntwo" }'),
      ['perfgate.yml: http[0].headers.x-a: expected a value on one line, got "one\\ntwo"'],
    ],
    [
      'a readiness probe that is neither a path nor a URL',
      MINIMAL.replace('server:', 'server:\n  ready: healthz'),
      ['perfgate.yml: server.ready: expected a path starting with "/" or an http(s):// URL, got "healthz"'],
    ],
    [
      'a build list with a non-string',
      `build: [make, 3]\n${MINIMAL}`,
      ['perfgate.yml: build[1]: expected a non-blank shell command, got 3'],
    ],
    [
      'a scenario that is not a mapping',
      `${MINIMAL}  - /items\n`,
      ['perfgate.yml: http[1]: expected a mapping with at least `name` and `path`, got "/items"'],
    ],
  ])('reports %s', (_label, text, lines) => {
    const error = configErrorOf(text);
    expect(error.message.split('\n')).toEqual(lines);
    expect(error.hint).toContain('README section "Configure: perfgate.yml"');
    expect(error.exitCode).toBe(2);
  });

  it('reports every problem at once, one per line, each naming the file', () => {
    const text = `
build: ''
server:
  command: run
  startup-timout: 1m
http:
  - name: bad name
    path: /
    duration: forever
gate:
  threshold: 5
  alpha: 0.9
`;
    expect(configErrorOf(text).message.split('\n')).toEqual([
      'perfgate.yml: build: expected a non-blank shell command, got ""',
      'perfgate.yml: server.startup-timout: unknown key; did you mean `startup-timeout`?',
      'perfgate.yml: http[0].name: expected a name of letters, digits, ".", "_" and "-", got "bad name"',
      'perfgate.yml: http[0].duration: expected a duration like "10s" or "2m", got "forever"',
      'perfgate.yml: gate.threshold: expected a percentage above 0% and below 100% like "5%", or a fraction like 0.05, got 5',
      'perfgate.yml: gate.alpha: expected a significance level above 0 and at most 0.5, like 0.05, got 0.9',
    ]);
  });

  it.each([
    [
      'an empty file',
      '',
      'perfgate.yml: the file is empty; expected a mapping with at least `server` and `http`',
    ],
    [
      'a file of comments',
      '# nothing yet\n',
      'perfgate.yml: the file is empty; expected a mapping with at least `server` and `http`',
    ],
    [
      'a list at the top level',
      '- server\n',
      'perfgate.yml: expected a mapping of keys (build, server, http, gate) at the top level, got a list',
    ],
    [
      'a scalar at the top level',
      'hello\n',
      'perfgate.yml: expected a mapping of keys (build, server, http, gate) at the top level, got "hello"',
    ],
  ])('explains %s', (_label, text, message) => {
    const error = configErrorOf(text);
    expect(error.message).toBe(message);
    expect(error.hint).toContain('smallest valid config');
  });

  it.each([
    [
      'a bad indent',
      'server:\n  command: run\n http: []\n',
      /^my\/perfgate\.yml:3:1: All mapping items must start at the same column/,
    ],
    [
      'a duplicate key',
      'server: { command: a }\nserver: { command: b }\n',
      /^my\/perfgate\.yml:2:1: Map keys must be unique/,
    ],
    ['an unclosed flow list', 'build: [a,\n', /^my\/perfgate\.yml:2:1: /],
    ['a tab as indentation', 'server:\n\tcommand: run\n', /^my\/perfgate\.yml:2:1: Tabs are not allowed/],
  ])('points at YAML syntax errors by file:line:col: %s', (_label, text, pattern) => {
    let caught: unknown;
    try {
      parseConfig(text, 'my/perfgate.yml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    if (!(caught instanceof ConfigError)) return;
    expect(caught.message).toMatch(pattern);
    expect(caught.hint).toContain('line and column');
  });

  it('reports an alias to an unknown anchor instead of crashing', () => {
    expect(configErrorOf(`${MINIMAL}gate: *defaults\n`).message).toBe(
      'perfgate.yml: Unresolved alias (the anchor must be set before the alias): defaults',
    );
  });
});

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1.5s', 1_500],
    ['1m500ms', 60_500],
    [' 3s ', 3_000],
    ['0', 0],
    ['0s', 0],
    ['45', 45_000],
    [10, 10_000],
    [0.25, 250],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', '10 sec', '10 s', '1m 30s', '30s1m', '1d', 's', '-1s', 'ms', '1ms2s', 'NaN'])(
    'rejects %j',
    (text) => {
      expect(parseDurationMs(text)).toBeUndefined();
    },
  );

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d', (value) => {
    expect(parseDurationMs(value)).toBeUndefined();
  });

  it.each([
    [0, '0s'],
    [500, '500ms'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [3_723_004, '1h2m3s4ms'],
  ])('writes %d ms as %s, which reads back', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
    expect(parseDurationMs(text)).toBe(ms);
  });

  it('refuses to write a negative or fractional duration', () => {
    expect(() => formatDurationMs(-1)).toThrow(RangeError);
    expect(() => formatDurationMs(1.5)).toThrow(RangeError);
  });
});

describe('gate.threshold forms', () => {
  it.each([
    ['5%', 0.05],
    ['"5%"', 0.05],
    ['2.5%', 0.025],
    ['10 %', 0.1],
    ['0.05', 0.05],
    ['0.2', 0.2],
    ['99.9%', 0.999],
  ])('reads threshold: %s as %d', (written, fraction) => {
    expect(parseConfig(withGate(`threshold: ${written}`), FILE).gate.threshold).toBeCloseTo(fraction, 12);
  });

  it.each([
    ['5', '"5%"', '5'],
    ['0', '"5%"', '0'],
    ['1', '"1%"', '1'],
    ['0%', '"5%"', '"0%"'],
    ['100%', '"5%"', '"100%"'],
    ['-5%', '"5%"', '"-5%"'],
    ['five percent', '"5%"', '"five percent"'],
  ])('rejects threshold: %s', (written, likely, got) => {
    expect(configErrorOf(withGate(`threshold: ${written}`)).message).toBe(
      `perfgate.yml: gate.threshold: expected a percentage above 0% and below 100% like ${likely}, or a fraction like 0.05, got ${got}`,
    );
  });
});

describe('hashConfig', () => {
  const base = `
server:
  command: run $PORT
  env: { A: '1', B: '2' }
http:
  - name: a
    path: /a
    headers: { accept: text/plain, x-b: y }
gate: { threshold: 5%, trials: 12 }
`;
  const reordered = `
gate: { trials: 12, threshold: 0.05 }
http:
  - path: /a
    headers: { x-b: y, accept: text/plain }
    name: a
server:
  env: { B: 2, A: 1 }
  command: run $PORT
`;

  it('matches the FNV-1a 64 reference vectors', () => {
    expect(fnv1a64Hex('')).toBe('cbf29ce484222325');
    expect(fnv1a64Hex('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Hex('foobar')).toBe('85944171f73967e8');
  });

  it('writes canonical JSON with sorted keys at every depth', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: 'x', u: undefined })).toBe(
      '{"a":"x","b":[{"c":2,"d":1}]}',
    );
  });

  it('is 16 hex digits and does not depend on key order or spelling of equal values', () => {
    const hash = hashConfig(parseConfig(base, FILE));
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(hashConfig(parseConfig(reordered, FILE))).toBe(hash);
  });

  it.each([
    ['the threshold', base.replace('threshold: 5%', 'threshold: 6%')],
    ['an env value', base.replace("A: '1'", "A: '3'")],
    ['a header', base.replace('x-b: y', 'x-b: z')],
    ['a defaulted key now set', base.replace('path: /a', 'path: /a\n    connections: 17')],
    ['the scenario order', `${base.replace('gate:', '  - { name: b, path: /b }\ngate:')}`],
  ])('changes when %s changes', (_label, changed) => {
    expect(hashConfig(parseConfig(changed, FILE))).not.toBe(hashConfig(parseConfig(base, FILE)));
  });
});

describe('suggestName', () => {
  it.each([
    ['startup_timeout', ['ready', 'startup-timeout'], 'startup-timeout'],
    ['startupTimeout', ['ready', 'startup-timeout'], 'startup-timeout'],
    ['conections', ['connections', 'duration'], 'connections'],
    ['p99', ['latency_p50', 'latency_p99'], 'latency_p99'],
    ['banana', ['build', 'server', 'http', 'gate'], undefined],
    ['GTE', ['GET', 'PUT'], 'GET'],
    ['url', ['cwd', 'env'], undefined],
    ['', ['build'], undefined],
  ])('suggests for %j', (input, candidates, want) => {
    expect(suggestName(input, candidates)).toBe(want);
  });
});

describe('parseConfig: profile', () => {
  const base = 'server:\n  command: python3 app.py\nhttp:\n  - name: home\n    path: /\n';
  const problem = (text: string): string => {
    try {
      parseConfig(text, 'perfgate.yml');
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    return '';
  };

  it('refuses an unknown profiler, naming the key and what is accepted', () => {
    const message = problem(`${base}profile:\n  tool: perf\n`);
    expect(message).toContain('profile.tool');
    expect(message).toContain('py-spy');
  });

  it('refuses an unknown key under profile with the likely one', () => {
    expect(problem(`${base}profile:\n  rates: 100\n`)).toMatch(/profile\.rates.*rate/);
  });

  it('refuses a rate no sampler can keep and a window too short to sample', () => {
    expect(problem(`${base}profile:\n  rate: 5000\n`)).toContain('profile.rate');
    expect(problem(`${base}profile:\n  duration: 100ms\n`)).toContain('profile.duration');
  });

  it('turns profiling off with when: never or tool: none', () => {
    expect(parseConfig(`${base}profile:\n  when: Never\n`, 'perfgate.yml').profile.when).toBe('never');
    expect(parseConfig(`${base}profile:\n  tool: none\n`, 'perfgate.yml').profile.tool).toBe('none');
  });
});
