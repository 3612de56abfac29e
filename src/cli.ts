/**
 * The CLI's composition root: `perfgate run --config perfgate.yml --base <rev> [--head <rev>] [--out DIR]`,
 * or against a stored baseline: `perfgate run --baseline stored --store DIR [--head <rev>]`.
 * Exit codes: 0 no regression, 1 regression, 2 usage or config error, 3 the run failed, 130/143
 * interrupted by SIGINT/SIGTERM (the report, status `interrupted`, is written first).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GateFailure, runGate } from './run.js';
import { renderTerminal } from './report/index.js';
import { ConfigError, describeError, InterruptedError, PerfgateError } from './errors.js';
import { VERSION } from './version.js';
import { loadConfigFile } from './adapters/config-file.js';
import { createDeps } from './adapters/create-deps.js';
import { createConsoleLog } from './adapters/console-log.js';
import { createBaselineFolder } from './adapters/baseline-folder.js';
import { readFile, writeFile } from 'node:fs/promises';
import { appendEntry } from './history/history-file.js';
import type { History } from './history/model.js';
import { HistoryFormatError } from './history/history-format-error.js';
import { describeChangePoint, findChangePoints } from './history/change-points.js';
import { exportGab, importGab } from './history/gab.js';
import { renderHistorySection } from './report/render-history-section.js';

const USAGE = `Usage: perfgate run --base <rev> [--head <rev>] [--config perfgate.yml] [--out perfgate-results]
       perfgate run --baseline stored --store <dir> [--head <rev>] [--config perfgate.yml] [--out ...]

Gates a git repository on performance: builds and serves <base> and <head> (default HEAD) in their
own worktrees, drives both with interleaved HTTP load trials, and reports whether head is slower.
With --baseline stored, only <head> is built and measured, and compared with the newest run stored
in <dir> (none yet: a notice, exit 0); the run is then added to <dir> with its history entry.

Options:
  -c, --config <file>   config file (default perfgate.yml)
  -b, --base <rev>      baseline revision (branch, tag, SHA, HEAD~1), required with same-runner
      --head <rev>      revision to test (default HEAD)
      --baseline <mode> same-runner (default: measure base and head here) or stored (compare with
                        the newest run in --store)
      --store <dir>     folder of stored runs and history.json: read with --baseline stored, and
                        every complete run is added to it
  -o, --out <dir>       results folder for report.md, report.json, logs/ (default perfgate-results);
                        with --store also history.md (change points and trend charts)
      --no-color        plain output
  -h, --help            this text
  -v, --version         print the version

Exit codes: 0 no regression, 1 regression, 2 usage or config error, 3 the run failed,
130/143 interrupted by SIGINT/SIGTERM (the trials measured so far are written first).

       perfgate history --store <dir> [--import-gab data.js [--better lower|higher]] [--export-gab data.js]

Prints the store's history (change points and trend charts, Markdown). --import-gab adds the runs
of a github-action-benchmark data file (data.js or its JSON) to the store's history; --better says
which way is better for a tool gab does not know. --export-gab writes the history as a data.js
that github-action-benchmark's dashboard reads.`;

async function main(argv: readonly string[]): Promise<number> {
  const log = createConsoleLog();
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c', default: 'perfgate.yml' },
        base: { type: 'string', short: 'b' },
        head: { type: 'string', default: 'HEAD' },
        baseline: { type: 'string', default: 'same-runner' },
        store: { type: 'string' },
        'import-gab': { type: 'string' },
        'export-gab': { type: 'string' },
        better: { type: 'string' },
        out: { type: 'string', short: 'o', default: 'perfgate-results' },
        'no-color': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
    if (values.help) return print(USAGE, 0);
    if (values.version) return print(VERSION, 0);
    if (positionals[0] === 'history' && positionals.length === 1) return await history(values);
    if (positionals[0] !== 'run' || positionals.length > 1) {
      throw new ConfigError(
        `unknown command: ${positionals.join(' ') || '(none)'}`,
        'use `perfgate run --base <rev>` or `perfgate history --store DIR`; see --help',
      );
    }
    const mode = values.baseline;
    if (mode !== 'same-runner' && mode !== 'stored')
      throw new ConfigError(
        `--baseline must be same-runner or stored, got ${JSON.stringify(mode)}`,
        'use --baseline stored --store DIR to compare with a stored run, or leave it out',
      );
    if (mode === 'stored' && values.store === undefined)
      throw new ConfigError(
        '--baseline stored needs --store <dir>',
        'name the folder that holds (or will hold) the stored runs, e.g. --store .perfgate-store',
      );
    if (mode === 'stored' && values.base !== undefined)
      throw new ConfigError(
        '--base is not used with --baseline stored: the baseline is the newest run in --store',
        'leave out --base, or use --baseline same-runner to measure base here',
      );
    if (mode === 'same-runner' && !values.base)
      throw new ConfigError(
        '--base is required',
        'name the baseline revision, e.g. --base main or --base HEAD~1 (or use --baseline stored --store DIR)',
      );
    const loaded = await loadConfigFile(values.config, process.cwd());
    const outDir = path.resolve(values.out);
    const folder = values.store === undefined ? undefined : createBaselineFolder(values.store);
    const stored = mode === 'stored' && folder ? await folder.read(loaded.hash) : undefined;
    const deps = createDeps(loaded.repoRoot, outDir, log);
    const report = await runGate(deps, {
      config: loaded.config,
      configPath: values.config,
      configHash: loaded.hash,
      configDirInRepo: loaded.dirInRepo,
      base: values.base ?? '',
      head: values.head,
      ...(stored === undefined ? {} : { stored }),
    }).finally(() => deps.dispose());
    const color = !values['no-color'] && process.stdout.isTTY && !process.env.NO_COLOR;
    process.stdout.write('\n' + renderTerminal(report, { color }) + '\n');
    process.stdout.write(`Results: ${path.join(outDir, 'report.md')} and report.json\n`);
    const code = report.verdict === 'regression' ? 1 : 0;
    if (folder === undefined) return code;
    try {
      const added = await folder.add(report);
      for (const warning of added.warnings) process.stderr.write(`perfgate: warning: ${warning}\n`);
      process.stdout.write(
        `Stored: ${added.reportPath} (history: ${added.historyEntries} run${added.historyEntries === 1 ? '' : 's'})\n`,
      );
      const changePoints = findChangePoints(added.history);
      const metrics = loaded.config.gate.metrics;
      const section = renderHistorySection(added.history, { metrics, changePoints });
      await writeFile(path.join(outDir, 'history.md'), section + '\n');
      for (const cp of changePoints.filter((c) => metrics.some((m) => m === c.metric)))
        process.stdout.write(`Change point (${cp.direction}): ${cp.scenario} ${describeChangePoint(cp)}\n`);
      process.stdout.write(`History: ${path.join(outDir, 'history.md')}\n`);
      return code;
    } catch (error) {
      process.stderr.write(
        `perfgate: could not add this run to ${folder.dir}: ${describeError(error)}\n` +
          `The results are in ${outDir}; the next --baseline stored run compares with the previous stored run.\n`,
      );
      return code === 1 ? 1 : 3;
    }
  } catch (thrown) {
    // The failed report is already written (report.md and report.json in --out).
    const error = thrown instanceof GateFailure ? thrown.cause : thrown;
    if (error instanceof InterruptedError) {
      const pairs = thrown instanceof GateFailure ? (thrown.report.interruption?.pairs ?? 0) : 0;
      process.stderr.write(
        `perfgate: ${error.message} after ${pairs} pair${pairs === 1 ? '' : 's'}; the trials measured so far are in report.md and report.json\n`,
      );
      return error.exitCode;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      // node:util parseArgs: an unknown flag or a missing value. Its message names the flag; no stack.
      process.stderr.write(`perfgate: ${error.message}\nHint: see \`perfgate --help\` for the options.\n`);
      return 2;
    }
    process.stderr.write(`perfgate: ${describeError(error)}\n`);
    if (error instanceof PerfgateError) return error.exitCode;
    return 3;
  }
}

/** `perfgate history`: print the store's history, import or export github-action-benchmark's format. */
async function history(values: {
  store?: string | undefined;
  'import-gab'?: string | undefined;
  'export-gab'?: string | undefined;
  better?: string | undefined;
}): Promise<number> {
  if (values.store === undefined)
    throw new ConfigError(
      'perfgate history needs --store <dir>',
      'name the store folder, e.g. --store .perfgate-store',
    );
  const better = values.better;
  if (better !== undefined && better !== 'lower' && better !== 'higher')
    throw new ConfigError(
      `--better must be lower or higher, got ${JSON.stringify(better)}`,
      'e.g. --better lower',
    );
  if (better !== undefined && values['import-gab'] === undefined)
    throw new ConfigError('--better is only read with --import-gab', 'leave out --better');
  const folder = createBaselineFolder(values.store);
  let current = await folder.history();
  const importFrom = values['import-gab'];
  if (importFrom !== undefined) {
    const text = await readFile(importFrom, 'utf8').catch((error: unknown) => {
      throw new ConfigError(
        `cannot read ${importFrom}: ${describeError(error)}`,
        'name a github-action-benchmark data.js (or its JSON)',
      );
    });
    let imported: History;
    try {
      imported = importGab(text, { source: importFrom, ...(better === undefined ? {} : { better }) });
    } catch (error) {
      if (!(error instanceof HistoryFormatError)) throw error;
      throw new ConfigError(
        error.message,
        'pass a github-action-benchmark data.js (or its JSON) and, for a tool it does not know, --better',
      );
    }
    // Imported runs first (they are older), then the store's own; appendEntry keeps the last 200.
    let merged: History | undefined;
    const entries = [...imported.entries, ...(current?.entries ?? [])];
    for (const entry of entries.sort((a, b) => a.finishedAt.localeCompare(b.finishedAt)))
      merged = appendEntry(merged, entry);
    if (merged === undefined)
      throw new ConfigError(`${importFrom} holds no runs`, 'check that it is a data.js with entries');
    const written = await folder.replaceHistory(merged);
    process.stdout.write(
      `Imported ${imported.entries.length} run${imported.entries.length === 1 ? '' : 's'} from ${importFrom}: ${written} holds ${merged.entries.length}\n`,
    );
    current = merged;
  }
  if (current === undefined) {
    process.stdout.write(
      `No history in ${folder.dir} yet: run perfgate run --baseline stored --store ${values.store}\n`,
    );
    return 0;
  }
  const exportTo = values['export-gab'];
  if (exportTo !== undefined) {
    await writeFile(exportTo, exportGab(current));
    process.stdout.write(
      `Exported ${current.entries.length} runs to ${exportTo} (github-action-benchmark's data.js)\n`,
    );
    return 0;
  }
  const metrics = [...new Set(current.entries.flatMap((entry) => entry.points.map((point) => point.metric)))];
  process.stdout.write(
    renderHistorySection(current, { metrics, changePoints: findChangePoints(current) }) + '\n',
  );
  return 0;
}

function print(text: string, code: number): number {
  process.stdout.write(text + '\n');
  return code;
}

// Exit explicitly: a stray timer or socket of a dependency must not keep a finished gate alive.
process.exit(await main(process.argv.slice(2)));
