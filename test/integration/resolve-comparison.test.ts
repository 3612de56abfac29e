// Which commits a pull request's gate measures, on a real git repository: the merge commit GitHub
// builds against its first parent, or the merge base when the merge commit cannot be used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGitWorkspace } from '../../src/adapters/git-workspace.js';
import { RevisionError } from '../../src/errors.js';
import { planFromEvent } from '../../src/plan/event.js';
import { resolveComparison } from '../../src/targets/resolve-comparison.js';

let dir: string;
const git = (...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@perfgate.invalid', ...args], {
    cwd: dir,
    encoding: 'utf8',
  }).trim();
const commit = (file: string, content: string, message: string): string => {
  writeFileSync(path.join(dir, file), content);
  git('add', '-A');
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD');
};
// A: branch point; P: the pull request's commit; B: what landed on main since; M: GitHub's merge of P into B.
let branchPoint: string, prHead: string, baseTip: string, merge: string, orphan: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'perfgate-basis-'));
  git('init', '-q', '-b', 'main');
  branchPoint = commit('app.py', 'slow\n', 'A');
  git('checkout', '-q', '-b', 'feature');
  prHead = commit('NOTES.md', 'docs\n', 'P');
  git('checkout', '-q', 'main');
  baseTip = commit('app.py', 'fast\n', 'B');
  git('checkout', '-q', '--detach', baseTip);
  git('merge', '-q', '--no-ff', '-m', 'M', 'feature');
  merge = git('rev-parse', 'HEAD');
  git('checkout', '-q', '--orphan', 'unrelated');
  orphan = commit('other.txt', 'x\n', 'O');
  git('checkout', '-q', '--detach', merge);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = (base: string, head: string) => ({
  number: 7,
  pull_request: { number: 7, base: { sha: base, ref: 'main' }, head: { sha: head, ref: 'feature' } },
});

describe('resolveComparison', () => {
  it('measures the merge commit against its first parent, not the PR head against the base tip', async () => {
    const plan = planFromEvent('pull_request', event(baseTip, prHead), {}, { sha: merge });
    const resolved = await resolveComparison(createGitWorkspace(dir), { ...plan, baseBranch: 'main' });
    expect(resolved.base).toEqual({ ref: 'main', sha: baseTip });
    expect(resolved.head).toEqual({ ref: 'merge commit', sha: merge });
    expect(resolved.basis).toEqual({ kind: 'merge-commit', pullRequestHead: prHead, baseTip });
  });

  it('without a merge commit, measures the PR head against the commit it branched from', async () => {
    const plan = planFromEvent('pull_request', event(baseTip, prHead));
    const resolved = await resolveComparison(createGitWorkspace(dir), plan);
    expect(resolved.base.sha).toBe(branchPoint);
    expect(resolved.head.sha).toBe(prHead);
    expect(resolved.basis.fallback).toBeUndefined();
  });

  it.each([
    ['is not in the clone', () => 'e'.repeat(40), /is not in the clone/],
    ['is not a merge', () => branchPoint, /is not a merge commit/],
    ['merges something else', () => merge, /does not merge the pull request's head/],
  ])('falls back to the merge base, saying why, when GITHUB_SHA %s', async (_, sha, why) => {
    // For "merges something else" the event names a PR head the merge does not contain.
    const head = why.source.includes('does not') ? branchPoint : prHead;
    const plan = planFromEvent('pull_request', event(baseTip, head), {}, { sha: sha() });
    expect(plan.basis.kind).toBe('merge-commit');
    const resolved = await resolveComparison(createGitWorkspace(dir), plan);
    expect(resolved.basis.kind).toBe('merge-base');
    expect(resolved.basis.fallback).toMatch(why);
    expect(resolved.head.sha).toBe(head);
  });

  it('refuses a pull request that shares no history with its base, with a fetch hint', async () => {
    const plan = planFromEvent('pull_request', event(baseTip, orphan));
    const error = await resolveComparison(createGitWorkspace(dir), plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RevisionError);
    expect((error as RevisionError).message).toMatch(/no common ancestor/);
    expect((error as RevisionError).hint).toMatch(/fetch-depth: 0/);
  });

  it('compares named revisions as named', async () => {
    const resolved = await resolveComparison(createGitWorkspace(dir), { base: 'main', head: 'feature' });
    expect(resolved.base).toEqual({ ref: 'main', sha: baseTip });
    expect(resolved.head).toEqual({ ref: 'feature', sha: prHead });
    expect(resolved.basis).toEqual({ kind: 'given' });
  });
});
