// `npm run demo [-- --aa | --slowdown 0.10] [--example flask] [--connections 8]`: the main job on a
// throwaway repository. Builds a git repo from examples/stdlib (Python standard library only; with
// --example, another bundled example, whose Python packages must be installed) with a base commit and a
// head commit that carries the example's known regression (with --aa: unchanged code; with
// --slowdown F: the example's calibrated knob set to F, i.e. F more CPU per request), then gates it
// with the bundled CLI exactly as a user would: `perfgate run --base HEAD~1`. --connections sets
// the example's `connections` on both commits.
// Exits 0 when the verdict is the expected one (regression found, or A/A passed), 1 otherwise.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: {
    aa: { type: 'boolean', default: false },
    slowdown: { type: 'string' },
    example: { type: 'string', default: 'stdlib' },
    connections: { type: 'string' },
  },
});
const mode = values.aa ? 'aa' : values.slowdown !== undefined ? 'slowdown' : 'regression';
const EXAMPLES = ['stdlib', 'flask', 'fastapi'];
if (!EXAMPLES.includes(values.example))
  throw new Error(`--example must be one of ${EXAMPLES.join(', ')}, got ${values.example}`);
if (mode === 'slowdown' && values.example !== 'stdlib')
  throw new Error('--slowdown needs --example stdlib (only its app.py has the knob)');
const example = path.join(root, 'examples', values.example);
const repo = mkdtempSync(path.join(tmpdir(), 'perfgate-demo-'));
const out = path.join(
  root,
  'perfgate-results',
  { aa: 'demo-aa', slowdown: 'demo-slowdown', regression: 'demo' }[mode] +
    (values.example === 'stdlib' ? '' : `-${values.example}`),
);

function git(...args) {
  const identity = ['-c', 'user.name=perfgate demo', '-c', 'user.email=demo@perfgate.invalid'];
  const result = spawnSync('git', [...identity, ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed`);
  return result.stdout.trim();
}

/** Changes the head commit makes, by mode. */
function makeHead() {
  if (mode === 'aa') {
    writeFileSync(path.join(repo, 'NOTES.md'), 'A/A: the code is unchanged.\n');
    return 'head: unchanged code';
  }
  if (mode === 'slowdown') {
    const app = path.join(repo, 'app.py');
    const knob = 'os.environ.get("PERFGATE_SLOWDOWN", "0")';
    const source = readFileSync(app, 'utf8');
    if (!source.includes(knob)) throw new Error(`examples/stdlib/app.py no longer reads ${knob}`);
    writeFileSync(
      app,
      source.replace(knob, `os.environ.get("PERFGATE_SLOWDOWN", "${Number(values.slowdown)}")`),
    );
    return `head: ${Number(values.slowdown) * 100}% more CPU per request`;
  }
  cpSync(path.join(example, 'variants', 'regressed', 'app.py'), path.join(repo, 'app.py'));
  return 'head: the regression';
}

/** Sets every scenario's `connections` in the copied perfgate.yml. */
function setConnections(connections) {
  if (!Number.isInteger(connections) || connections < 1)
    throw new Error(`--connections must be a positive integer, got ${values.connections}`);
  const file = path.join(repo, 'perfgate.yml');
  const source = readFileSync(file, 'utf8');
  if (!/^ {4}connections: \d+/m.test(source)) throw new Error(`${file} sets no connections to change`);
  writeFileSync(file, source.replace(/^( {4}connections: )\d+/gm, `$1${connections}`));
}

try {
  cpSync(example, repo, {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}variants`) && !src.includes('__pycache__'),
  });
  if (values.connections !== undefined) setConnections(Number(values.connections));
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  const message = makeHead();
  git('add', '-A');
  git('commit', '-q', '-m', message);

  console.log(`perfgate demo: ${message} in ${repo}\n`);
  const started = Date.now();
  const cli = spawnSync(
    process.execPath,
    [path.join(root, 'dist', 'cli.js'), 'run', '--base', 'HEAD~1', '--head', 'HEAD', '--out', out],
    { cwd: repo, stdio: 'inherit' },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const expected = mode === 'aa' ? 0 : 1;
  console.log(
    `\nperfgate exited with ${cli.status} after ${seconds} s; report: ${path.join(out, 'report.md')}`,
  );
  if (cli.status === expected) {
    console.log(
      mode === 'aa'
        ? 'As expected: no regression on unchanged code.'
        : 'As expected: the regression was found (exit 1 fails a CI check).',
    );
  } else {
    console.log(`Unexpected: the demo expected exit ${expected}.`);
    process.exitCode = 1;
  }
} finally {
  rmSync(repo, { recursive: true, force: true });
}
