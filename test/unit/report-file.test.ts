import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  assertBaselineUsable,
  baselineTrials,
  compareRunners,
  describeBaseline,
  parseBaselineFile,
  parseReportFile,
  ReportFileError,
  type ReportFileProblem,
} from '../../src/history/index.js';
import { locateJsonError } from '../../src/history/locate-json-error.js';
import type { GateReport, RunnerFacts } from '../../src/model/results.js';
import { renderJson } from '../../src/report/index.js';
import { createSeededRandom } from '../../src/stats/index.js';
import { makeReport, type FixtureKind } from './report-fixture.js';

/** A real report.json of the bundled CLI (provenance: test/fixtures/report/README.md). */
const FIXTURE = readFileSync(new URL('../fixtures/report/stdlib-report.json', import.meta.url), 'utf8');
const SOURCE = 'baseline/report.json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const fixtureJson = (): Record<string, Json> => JSON.parse(FIXTURE) as Record<string, Json>;

/**
 * Keys report.json holds that GateReport does not declare, so the reader drops them as unknown.
 * `gate.minTrials`: run.ts spreads the whole GateConfig into `gate`, GateReport['gate'] lacks it.
 * When GateReport declares it the schema must too (the typecheck says so), and this list empties.
 */
const UNDECLARED_KEYS_WRITTEN: readonly string[] = [];

/** Dotted key paths of every object key in `value`, array indices as `[]`. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return [...new Set(value.flatMap((item) => keyPaths(item, `${prefix}[]`)))];
  return Object.entries(value).flatMap(([key, item]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [path, ...keyPaths(item, path)];
  });
}

/** `report` without the keys of UNDECLARED_KEYS_WRITTEN (plain object paths only). */
function withoutUndeclared<T>(report: T): T {
  const copy = structuredClone(report);
  for (const path of UNDECLARED_KEYS_WRITTEN) {
    const keys = path.split('.');
    const parent = keys
      .slice(0, -1)
      .reduce<unknown>(
        (node, key) => (typeof node === 'object' && node !== null ? Reflect.get(node, key) : undefined),
        copy,
      );
    if (typeof parent === 'object' && parent !== null)
      Reflect.deleteProperty(parent, keys[keys.length - 1] ?? '');
  }
  return copy;
}

function refusal(text: string, maxBytes?: number): ReportFileError {
  try {
    parseReportFile(text, { source: SOURCE, ...(maxBytes === undefined ? {} : { maxBytes }) });
  } catch (error) {
    if (error instanceof ReportFileError) return error;
    throw error;
  }
  throw new Error('expected a ReportFileError, but the text parsed');
}

const edited = (edit: (json: Record<string, Json>) => void): string => {
  const json = fixtureJson();
  edit(json);
  return JSON.stringify(json);
};

describe('parseReportFile on real reports', () => {
  it('reads the real report.json whole: values unchanged, no key dropped but the undeclared ones', () => {
    const report = parseReportFile(FIXTURE, { source: SOURCE });
    const read = new Set(keyPaths(report));
    expect(keyPaths(JSON.parse(FIXTURE)).filter((path) => !read.has(path))).toEqual(UNDECLARED_KEYS_WRITTEN);
    expect(report).toStrictEqual(withoutUndeclared(JSON.parse(FIXTURE)));
    expect(report.trials).toHaveLength(8);
    expect(report.profiles?.scenarios[0]?.diff.length).toBeGreaterThan(0);
  });

  it('reads back what renderJson writes, for every story the report fixture tells', () => {
    const kinds: FixtureKind[] = [
      'regression',
      'improvement',
      'unchanged',
      'inconclusive',
      'failed',
      'interrupted',
    ];
    for (const kind of kinds) {
      const report = makeReport(kind);
      expect(parseReportFile(renderJson(report), { source: `${kind}.json` }), kind).toStrictEqual(
        withoutUndeclared(report),
      );
    }
  });

  it('accepts and drops keys it does not know, at any depth (a newer writer of the same schema)', () => {
    const text = edited((json) => {
      json.uploadedBy = 'perfgate 0.9';
      const trial = (json.trials as Record<string, Json>[])[0];
      if (trial) trial.gcPauses = [1, 2];
    });
    const report = parseReportFile(text, { source: SOURCE });
    expect(report).not.toHaveProperty('uploadedBy');
    expect(report.trials[0]).not.toHaveProperty('gcPauses');
    expect(report.trials[0]?.metrics.throughput).toBeCloseTo(925.9, 1);
  });
});

describe('parseReportFile refusals', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('refuses an oversized file before parsing it, in UTF-8 bytes', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const big = FIXTURE + ' '.repeat(Math.round(70.1 * 1024 * 1024) - FIXTURE.length);
    const error = refusal(big);
    expect(error.problem).toBe('oversized');
    expect(error.message).toBe(
      `${SOURCE} is 70.1 MiB; perfgate reads result files up to 64 MiB: ` +
        'check that it is the report.json of a perfgate results folder',
    );
    expect(parse).not.toHaveBeenCalled();
    expect(refusal(FIXTURE, 1000).message).toMatch(
      /is 56\.\d KiB; perfgate reads result files up to 1000 bytes/,
    );
    // é is 2 bytes, 😀 (a surrogate pair) 4: counted as written, not as UTF-16 units
    expect(refusal('"éé"', 5).problem).toBe('oversized');
    expect(refusal('"éé"', 6).problem).toBe('not-perfgate');
    expect(refusal('"😀"', 5).message).toMatch(/ is 6 bytes; .* up to 5 bytes/);
  });

  it('refuses text that is not JSON, saying where it stops being JSON', () => {
    const error = refusal(FIXTURE.slice(0, 5000));
    expect(error.problem).toBe('not-json');
    expect(error.message).toMatch(
      /^baseline\/report\.json is not JSON: unexpected end of input \(.+\) at line \d+, column \d+ \(character 5000\); the file is truncated or corrupt: run a fresh baseline on the base branch$/,
    );
    expect(refusal('{\n  "a": 1,\n  "b": tru\n}').message).toContain(
      'expected a value at line 3, column 8 (character 19)',
    );
    expect(refusal('').message).toContain('unexpected end of input (expected a value) at line 1, column 1');
  });

  it('refuses JSON that is not a perfgate report', () => {
    expect(refusal('[1, 2]').message).toBe(
      `${SOURCE} is not a perfgate report: it holds an array, not an object; point perfgate at the report.json of its results folder`,
    );
    expect(refusal('{"tool":"perfgate","schemaVersion":1,"entries":[]}').message).toContain(
      'tool.name is missing, expected "perfgate"',
    );
    expect(refusal(edited((json) => (json.tool = { name: 'bencher', version: '1' }))).message).toContain(
      'tool.name is "bencher", expected "perfgate"',
    );
    expect(refusal(edited((json) => (json.schemaVersion = '2'))).message).toContain(
      'schemaVersion is "2", expected an integer',
    );
    expect(refusal('null').problem).toBe('not-perfgate');
  });

  it('refuses an older or newer schemaVersion, saying what to do', () => {
    const older = refusal(edited((json) => (json.schemaVersion = 1)));
    expect(older.problem).toBe('older-schema');
    expect(older.message).toBe(
      `${SOURCE} was written by an older perfgate 0.1.0 (schema 1); this perfgate reads schema 2: run a fresh baseline on the base branch`,
    );
    const newer = refusal(edited((json) => (json.schemaVersion = 3)));
    expect(newer.problem).toBe('newer-schema');
    expect(newer.message).toBe(
      `${SOURCE} was written by a newer perfgate 0.1.0 (schema 3); this perfgate reads schema 2: upgrade perfgate`,
    );
  });

  it('names the field path of each schema violation, listing at most 5', () => {
    const one = refusal(
      edited((json) => {
        const trial = (json.trials as { metrics: Record<string, Json> }[])[3];
        if (trial) trial.metrics.throughput = 'fast';
      }),
    );
    expect(one.problem).toBe('invalid');
    expect(one.message).toBe(
      `${SOURCE} is not a valid perfgate report: trials[3].metrics.throughput: expected number, received string. ` +
        'It was edited or damaged after perfgate wrote it: run a fresh baseline on the base branch',
    );
    const many = refusal(
      edited((json) => {
        for (const trial of json.trials as { metrics: Record<string, Json> }[])
          trial.metrics.throughput = null;
      }),
    );
    expect(
      many.message.match(/trials\[\d\]\.metrics\.throughput: expected number, received null/g),
    ).toHaveLength(5);
    expect(many.message).toContain('; and 3 more problems.');
    expect(refusal(edited((json) => delete json.configHash)).message).toContain(
      'configHash: expected string, received undefined',
    );
    expect(refusal(edited((json) => ((json.head as Record<string, Json>).sha = 'abc123'))).message).toContain(
      'head.sha: expected a 40-hex lowercase commit SHA',
    );
    expect(
      refusal(edited((json) => ((json.trials as Record<string, Json>[])[0]!.position = 2))).message,
    ).toContain('trials[0].position: ');
  });
});

describe('assertBaselineUsable', () => {
  it('accepts a complete run and refuses a failed or interrupted one, saying why', () => {
    expect(() => {
      assertBaselineUsable(makeReport('regression'), SOURCE);
    }).not.toThrow();
    expect(() => {
      assertBaselineUsable(makeReport('failed'), SOURCE);
    }).toThrow(
      `${SOURCE}: the run failed: server for head exited before it was ready (exit code 3); a failed/interrupted run cannot be a baseline: run a fresh baseline on the base branch`,
    );
    expect(() => {
      assertBaselineUsable(makeReport('interrupted'), SOURCE);
    }).toThrow(
      `${SOURCE}: the run was interrupted (SIGINT in trials, after 3 pairs); a failed/interrupted run`,
    );
    const error = (() => {
      try {
        parseBaselineFile(renderJson(makeReport('failed')), { source: SOURCE });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ReportFileError);
    expect((error as ReportFileError).problem).toBe<ReportFileProblem>('unusable');
    expect(parseBaselineFile(FIXTURE, { source: SOURCE }).status).toBe('complete');
  });
});

describe('baselineTrials', () => {
  it('is the head trials not set aside, in the order they ran', () => {
    const report = parseReportFile(FIXTURE, { source: SOURCE });
    expect(baselineTrials(report).map((t) => [t.side, t.pair])).toEqual([
      ['head', 0],
      ['head', 1],
      ['head', 2],
      ['head', 3],
    ]);
    const withDiscarded: GateReport = {
      ...report,
      trials: report.trials.map((t) =>
        t.side === 'head' && t.pair === 2 ? { ...t, discarded: 'worker idle' } : t,
      ),
    };
    expect(baselineTrials(withDiscarded).map((t) => t.pair)).toEqual([0, 1, 3]);
  });
});

describe('describeBaseline', () => {
  const report = parseReportFile(FIXTURE, { source: SOURCE });
  const finished = Date.parse(report.finishedAt);
  const at = (ms: number): Date => new Date(finished + ms);

  it('names the commit, runner and config hash of the stored run', () => {
    expect(describeBaseline(report, at(0))).toEqual({
      sha: '2355d4cb2ccad175853656b24121ce18ab37182d',
      shortSha: '2355d4c',
      finishedAt: '2026-12-03T12:12:54.737Z',
      ageText: 'just now',
      runner: { cpuModel: 'AMD EPYC', cores: 2, os: 'Linux 6.18.44-fc-v1098' },
      configHash: '7e79a411503f319f',
    });
    const onGitHub = { ...report, runner: { ...report.runner, image: 'ubuntu24 20241201.1.0' } };
    expect(describeBaseline(onGitHub, at(0)).runner.image).toBe('ubuntu24 20241201.1.0');
  });

  it('says how old it is, rounded down', () => {
    const minute = 60_000;
    const hour = 60 * minute;
    const cases: [number, string][] = [
      [59_999, 'just now'],
      [minute, '1 min ago'],
      [59 * minute + 59_999, '59 min ago'],
      [3 * hour + 40 * minute, '3 h ago'],
      [47 * hour + 59 * minute, '47 h ago'],
      [48 * hour, '2 days ago'],
      [30 * 24 * hour, '30 days ago'],
      [-30_000, 'just now'],
      [-2 * minute, 'in the future (clocks disagree)'],
    ];
    for (const [ms, text] of cases) expect(describeBaseline(report, at(ms)).ageText, String(ms)).toBe(text);
  });
});

describe('compareRunners', () => {
  const runner: RunnerFacts = {
    os: 'Linux 6.8.0-1017-azure',
    cpuModel: 'AMD EPYC 7763 64-Core Processor',
    cores: 4,
    arch: 'x64',
    image: 'ubuntu24 20241201.1.0',
    node: 'v24.11.0',
    python: '3.12.3',
    stealMean: 0.001,
    stealMax: 0.01,
  };

  it('finds no difference between a runner and itself, nor in OS, kernel or steal', () => {
    expect(compareRunners(runner, runner)).toEqual([]);
    expect(
      compareRunners(runner, { ...runner, os: 'Linux 6.8.0-1020-azure', stealMean: 0.2, stealMax: 0.5 }),
    ).toEqual([]);
  });

  it('lists each difference a reader should be warned about, one phrase each', () => {
    const other: RunnerFacts = {
      os: 'Linux 6.8.0-1017-azure',
      cpuModel: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz',
      cores: 2,
      arch: 'arm64',
      node: 'v20.20.2',
      python: '3.11.7',
      stealMean: 0,
      stealMax: 0,
    };
    expect(compareRunners(runner, other)).toEqual([
      'CPU model: "AMD EPYC 7763 64-Core Processor" → "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz"',
      'cores: 4 → 2',
      'image: "ubuntu24 20241201.1.0" → unknown',
      'arch: "x64" → "arm64"',
      'python: "3.12.3" → "3.11.7"',
      'node: "v24.11.0" → "v20.20.2"',
    ]);
  });
});

describe('parseReportFile on mutated real reports (fuzz)', () => {
  /** Paths to every value in `json` (objects and arrays included), the root excluded. */
  function paths(json: Json, prefix: (string | number)[] = []): (string | number)[][] {
    if (typeof json !== 'object' || json === null) return [];
    const entries: [string | number, Json][] = Array.isArray(json)
      ? json.map((value, index) => [index, value])
      : Object.entries(json);
    return entries.flatMap(([key, value]) => [[...prefix, key], ...paths(value, [...prefix, key])]);
  }
  function parentOf(json: Json, path: readonly (string | number)[]): Json {
    return path.slice(0, -1).reduce<Json>((node, key) => Reflect.get(node as object, key) as Json, json);
  }
  const OTHER_TYPES: Json[] = [null, 'text', -1, 1e308, true, [], {}, [1, 'a'], { x: 1 }, ''];

  it('either parses or throws ReportFileError for 300 seeded mutations, never anything else', () => {
    const random = createSeededRandom(20261203);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 300; i += 1) {
      const kind = pick(['delete-key', 'change-type', 'truncate', 'random-bytes'] as const);
      let text: string;
      if (kind === 'truncate') text = FIXTURE.slice(0, Math.floor(random() * (FIXTURE.length - 1)));
      else if (kind === 'random-bytes') {
        const chars = [...FIXTURE];
        for (let n = 1 + Math.floor(random() * 4); n > 0; n -= 1)
          chars[Math.floor(random() * chars.length)] = String.fromCharCode(Math.floor(random() * 0x10000));
        text = chars.join('');
      } else {
        const json: Json = fixtureJson();
        const path = pick(paths(json));
        const parent = parentOf(json, path) as Record<string | number, Json>;
        const key = path[path.length - 1] as string | number;
        if (kind === 'delete-key' && !Array.isArray(parent)) Reflect.deleteProperty(parent, key);
        else parent[key] = pick(OTHER_TYPES.filter((v) => typeof v !== typeof parent[key]));
        text = JSON.stringify(json);
      }
      let outcome: string;
      try {
        parseReportFile(text, { source: `mutation ${i}` });
        outcome = 'parsed';
      } catch (error) {
        if (!(error instanceof ReportFileError))
          throw new Error(`mutation ${i} (${kind}) threw ${String(error)}`);
        expect(error.message.startsWith(`mutation ${i} `)).toBe(true);
        outcome = error.problem;
      }
      // The scanner that locates JSON errors agrees with JSON.parse on every text.
      const parses = (() => {
        try {
          JSON.parse(text);
          return true;
        } catch {
          return false;
        }
      })();
      expect(locateJsonError(text) === undefined, `mutation ${i} (${kind})`).toBe(parses);
      if (kind === 'truncate') expect(outcome).toBe('not-json');
      outcomes.set(`${kind} ${outcome}`, (outcomes.get(`${kind} ${outcome}`) ?? 0) + 1);
    }
    const refused = [...outcomes]
      .filter(([key]) => !key.endsWith('parsed'))
      .reduce((sum, [, n]) => sum + n, 0);
    expect(refused).toBeGreaterThan(150);
    expect([...outcomes.keys()].some((key) => key.startsWith('change-type invalid'))).toBe(true);
  });
});

describe('locateJsonError', () => {
  it('finds nothing in valid JSON and the first error in invalid JSON', () => {
    for (const valid of [
      '0',
      '-1.5e+3',
      '"a\\u00e9\\n"',
      ' [ ] ',
      '{"a":[{},{"b":null}],"c":true}',
      '[false]',
    ])
      expect(locateJsonError(valid), valid).toBeUndefined();
    const cases: [string, number, string][] = [
      ['{"a":}', 5, 'expected a value'],
      ['{"a":1', 6, "unexpected end of input (expected ',' or '}')"],
      ['{"a":1,}', 7, 'expected a double-quoted property name'],
      ['[1 2]', 3, "expected ',' or ']'"],
      ['{"a":1}x', 7, 'unexpected text after the JSON value'],
      ['01', 1, 'unexpected text after the JSON value'],
      ['"a\tb"', 2, 'control character in a string (escape it)'],
      ['"\\x"', 1, 'invalid escape in a string'],
      ['{"a" 1}', 5, "expected ':' after a property name"],
    ];
    for (const [text, offset, reason] of cases)
      expect(locateJsonError(text), text).toMatchObject({ offset, reason });
    // Deep nesting is scanned without recursion.
    expect(locateJsonError('['.repeat(200_000))?.reason).toBe('unexpected end of input (expected a value)');
  });
});
