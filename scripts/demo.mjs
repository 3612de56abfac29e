// `npm run demo [-- --aa]`: the main job on a throwaway repository.
// Builds a git repo from examples/stdlib (Python standard library only) with a base commit and a
// head commit that carries the example's known regression (or, with --aa, an unchanged head), then
// gates it with the bundled CLI exactly as a user would: `perfgate run --base HEAD~1`.
// Exits 0 when the verdict is the expected one (regression found, or A/A passed), 1 otherwise.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const aa = process.argv.includes('--aa');
const example = path.join(root, 'examples', 'stdlib');
const repo = mkdtempSync(path.join(tmpdir(), 'perfgate-demo-'));
const out = path.join(root, 'perfgate-results', aa ? 'demo-aa' : 'demo');

function git(...args) {
  const result = spawnSync('git', args, {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed`);
  return result.stdout.trim();
}

try {
  cpSync(example, repo, {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}variants`) && !src.includes('__pycache__'),
  });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=perfgate demo', '-c', 'user.email=demo@perfgate.invalid', 'add', '-A');
  git(
    '-c',
    'user.name=perfgate demo',
    '-c',
    'user.email=demo@perfgate.invalid',
    'commit',
    '-q',
    '-m',
    'base',
  );
  if (aa) {
    writeFileSync(path.join(repo, 'NOTES.md'), 'A/A: the code is unchanged.\n');
  } else {
    cpSync(path.join(example, 'variants', 'regressed', 'app.py'), path.join(repo, 'app.py'));
  }
  git('add', '-A');
  git(
    '-c',
    'user.name=perfgate demo',
    '-c',
    'user.email=demo@perfgate.invalid',
    'commit',
    '-q',
    '-m',
    aa ? 'head: unchanged code' : 'head: the regression',
  );

  console.log(`perfgate demo: ${aa ? 'A/A (unchanged code)' : 'known regression'} in ${repo}\n`);
  const started = Date.now();
  const cli = spawnSync(
    process.execPath,
    [path.join(root, 'dist', 'cli.js'), 'run', '--base', 'HEAD~1', '--head', 'HEAD', '--out', out],
    {
      cwd: repo,
      stdio: 'inherit',
    },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const expected = aa ? 0 : 1;
  console.log(
    `\nperfgate exited with ${cli.status} after ${seconds} s; report: ${path.join(out, 'report.md')}`,
  );
  if (cli.status === expected) {
    console.log(
      aa
        ? 'As expected: no regression on unchanged code.'
        : 'As expected: the known regression was found (exit 1 fails a CI check).',
    );
  } else {
    console.log(`Unexpected: the demo expected exit ${expected}.`);
    process.exitCode = 1;
  }
} finally {
  rmSync(repo, { recursive: true, force: true });
}
