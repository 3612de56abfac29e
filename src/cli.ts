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
  -o, --out <dir>       results folder for report.md, report.json, logs/ (default perfgate-results)
      --no-color        plain output
  -h, --help            this text
  -v, --version         print the version

Exit codes: 0 no regression, 1 regression, 2 usage or config error, 3 the run failed,
130/143 interrupted by SIGINT/SIGTERM (the trials measured so far are written first).`;

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
        out: { type: 'string', short: 'o', default: 'perfgate-results' },
        'no-color': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
    if (values.help) return print(USAGE, 0);
    if (values.version) return print(VERSION, 0);
    if (positionals[0] !== 'run' || positionals.length > 1) {
      throw new ConfigError(
        `unknown command: ${positionals.join(' ') || '(none)'}`,
        'use `perfgate run --base <rev>`; see --help',
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

function print(text: string, code: number): number {
  process.stdout.write(text + '\n');
  return code;
}

// Exit explicitly: a stray timer or socket of a dependency must not keep a finished gate alive.
process.exit(await main(process.argv.slice(2)));
