import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RevisionError } from '../../src/errors.js';
import { createGitWorkspace } from '../../src/adapters/git-workspace.js';

const root = mkdtempSync(join(tmpdir(), 'perfgate-git-test-'));
const repo = join(root, 'repo');
const worktrees = join(root, 'worktrees');

function git(...args: string[]): string {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 't@example.com',
  };
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env }).trim();
}

/** Everything a user would look at to see whether their checkout was touched. */
function userState(): { status: string; staged: string; unstaged: string; app: string; scratch: string } {
  return {
    status: git('status', '--porcelain=v1', '--untracked-files=all'),
    staged: git('diff', '--cached'),
    unstaged: git('diff'),
    app: readFileSync(join(repo, 'app.py'), 'utf8'),
    scratch: readFileSync(join(repo, 'scratch.txt'), 'utf8'),
  };
}

let firstSha = '';
let secondSha = '';

beforeAll(() => {
  mkdirSync(repo);
  mkdirSync(worktrees);
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'app.py'), 'VERSION = 1\n');
  writeFileSync(join(repo, 'README.md'), 'readme\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first');
  firstSha = git('rev-parse', 'HEAD');
  writeFileSync(join(repo, 'app.py'), 'VERSION = 2\n');
  git('commit', '-q', '-am', 'second');
  secondSha = git('rev-parse', 'HEAD');
  git('tag', 'v2');
  // A dirty working tree: a staged change, an unstaged change on top, an untracked file.
  writeFileSync(join(repo, 'README.md'), 'staged edit\n');
  git('add', 'README.md');
  writeFileSync(join(repo, 'app.py'), 'VERSION = "work in progress"\n');
  writeFileSync(join(repo, 'scratch.txt'), 'notes\n');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('createGitWorkspace', () => {
  it('resolves branches, tags, relative revisions and short SHAs to full SHAs', async () => {
    const workspace = createGitWorkspace(repo, worktrees);
    expect(await workspace.resolve('main')).toBe(secondSha);
    expect(await workspace.resolve('v2')).toBe(secondSha);
    expect(await workspace.resolve('HEAD~1')).toBe(firstSha);
    expect(await workspace.resolve(firstSha.slice(0, 8))).toBe(firstSha);
  });

  it('counts the commits between two commits, and says nothing for one it does not have', async () => {
    const workspace = createGitWorkspace(repo, worktrees);
    expect(await workspace.countCommits(firstSha, secondSha)).toBe(1);
    expect(await workspace.countCommits(secondSha, firstSha)).toBe(0);
    expect(await workspace.countCommits(firstSha, 'f'.repeat(40))).toBeUndefined();
    expect(await workspace.countCommits('--all', secondSha)).toBeUndefined();
  });

  it('counts the commits between two commits, and says nothing for one it does not have', async () => {
    const workspace = createGitWorkspace(repo, worktrees);
    expect(await workspace.countCommits(firstSha, secondSha)).toBe(1);
    expect(await workspace.countCommits(secondSha, firstSha)).toBe(0);
    expect(await workspace.countCommits(firstSha, 'f'.repeat(40))).toBeUndefined();
    expect(await workspace.countCommits('--all', secondSha)).toBeUndefined();
  });

  it('names an unknown revision and says how to fix it', async () => {
    const workspace = createGitWorkspace(repo, worktrees);
    const error: unknown = await workspace.resolve('no-such-branch').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(RevisionError);
    expect(error).toMatchObject({
      message: `revision "no-such-branch" was not found in ${repo}`,
      hint: 'fetch the history (actions/checkout with fetch-depth: 0) or check the name',
    });
    // A revision that looks like an option is still only a revision.
    await expect(workspace.resolve('--output=/tmp/x')).rejects.toBeInstanceOf(RevisionError);
  });

  it('checks both commits out side by side without touching the user tree, and cleans up', async () => {
    const before = userState();
    const workspace = createGitWorkspace(repo, worktrees);
    const base = await workspace.checkout(firstSha, 'base');
    const head = await workspace.checkout(secondSha.slice(0, 10), 'head');
    expect(base.sha).toBe(firstSha);
    expect(head.sha).toBe(secondSha);
    expect(basename(base.dir)).toMatch(/^perfgate-base-/);
    expect(basename(head.dir)).toMatch(/^perfgate-head-/);
    expect(readFileSync(join(base.dir, 'app.py'), 'utf8')).toBe('VERSION = 1\n');
    expect(readFileSync(join(head.dir, 'app.py'), 'utf8')).toBe('VERSION = 2\n');
    expect(readFileSync(join(head.dir, 'README.md'), 'utf8')).toBe('readme\n');
    expect(existsSync(join(head.dir, 'scratch.txt'))).toBe(false);
    expect(git('worktree', 'list', '--porcelain')).toContain(base.dir);
    expect(userState()).toEqual(before);

    await workspace.cleanup();
    expect(existsSync(base.dir)).toBe(false);
    expect(existsSync(head.dir)).toBe(false);
    expect(
      git('worktree', 'list', '--porcelain')
        .split('\n')
        .filter((line) => line.startsWith('worktree ')),
    ).toEqual([`worktree ${repo}`]);
    expect(userState()).toEqual(before);
    await workspace.cleanup();
  });

  it('removes a worktree whose checkout was modified by a build', async () => {
    const workspace = createGitWorkspace(repo, worktrees);
    const head = await workspace.checkout('main', 'head');
    writeFileSync(join(head.dir, 'app.py'), 'built\n');
    writeFileSync(join(head.dir, 'build-output.bin'), 'x');
    await workspace.cleanup();
    expect(existsSync(head.dir)).toBe(false);
    expect(git('worktree', 'list', '--porcelain')).not.toContain(head.dir);
  });

  it('refuses to check out an unknown commit', async () => {
    const workspace = createGitWorkspace(repo, worktrees);
    await expect(workspace.checkout('0'.repeat(40), 'base')).rejects.toBeInstanceOf(RevisionError);
    await workspace.cleanup();
  });
});
