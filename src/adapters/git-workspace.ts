/**
 * Git access for the gated repository: resolves revisions and checks commits out into detached
 * worktrees under a temporary folder. Arguments go to git as an array, never through a shell, and
 * the user's working tree and index are never touched.
 */
import { execFile, execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { RevisionError } from '../errors.js';
import type { Checkout, Workspace } from '../ports.js';

/** Longest any git command may take (a worktree of a large repository), in ms. */
const GIT_TIMEOUT_MS = 300_000;

const FETCH_HINT = 'fetch the history (actions/checkout with fetch-depth: 0) or check the name';

/** Variables that would redirect git away from `repoDir` (set when perfgate runs inside a git hook). */
const REDIRECTING_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_COMMON_DIR',
  'GIT_PREFIX',
];

interface GitResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

function gitEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  for (const name of REDIRECTING_VARIABLES) delete env[name];
  return env;
}

function git(repoDir: string, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', repoDir, ...args],
      { env: gitEnvironment(), timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({
          ok: error === null,
          stdout: stdout.trim(),
          stderr: (stderr.trim() || error?.message) ?? '',
        });
      },
    );
  });
}

/** Keeps a label usable inside a directory name. */
function safeLabel(label: string): string {
  return label.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 40) || 'checkout';
}

/**
 * Creates the {@link Workspace} for the repository at `repoDir`; worktrees go to
 * `<tmpRoot>/perfgate-<label>-XXXXXX` (`tmpRoot` defaults to the OS temporary folder).
 *
 * `resolve` runs `git rev-parse --verify <rev>^{commit}` (after `--end-of-options`, so a revision
 * starting with `-` is never an option); `mergeBase` runs `git merge-base`. `checkout` runs `git worktree add --detach`; `cleanup` runs
 * `git worktree remove --force` on each worktree it made (deleting the folder itself if git refuses),
 * then `git worktree prune`. `cleanupSync` (for a second signal, when nothing async may finish)
 * deletes every folder it ever made and runs `git worktree prune` synchronously. Git runs with GIT_DIR, GIT_INDEX_FILE and similar variables removed, so
 * a caller inside a git hook cannot redirect it to the user's index. Submodules are not checked out.
 * @throws RevisionError from `resolve` when the revision is unknown (the message says when the clone
 *   is shallow) and from `checkout` when git fails.
 */
export function createGitWorkspace(repoDir: string, tmpRoot?: string): Workspace & { cleanupSync(): void } {
  const repo = resolvePath(repoDir);
  const created: string[] = [];
  /** Every worktree ever made, for {@link cleanupSync} after an interrupted async cleanup. */
  const made: string[] = [];

  async function resolveRevision(rev: string): Promise<string> {
    const result = await git(repo, [
      'rev-parse',
      '--verify',
      '--quiet',
      '--end-of-options',
      `${rev}^{commit}`,
    ]);
    if (result.ok && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(result.stdout)) return result.stdout;
    const shallow = await git(repo, ['rev-parse', '--is-shallow-repository']);
    const why = !shallow.ok
      ? `: ${shallow.stderr}`
      : shallow.stdout === 'true'
        ? ' (the clone is shallow)'
        : '';
    throw new RevisionError(`revision ${JSON.stringify(rev)} was not found in ${repo}${why}`, FETCH_HINT);
  }

  return {
    resolve: resolveRevision,

    async mergeBase(a: string, b: string): Promise<string | undefined> {
      const [first, second] = await Promise.all([resolveRevision(a), resolveRevision(b)]);
      const result = await git(repo, ['merge-base', '--end-of-options', first, second]);
      return result.ok && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(result.stdout) ? result.stdout : undefined;
    },

    async countCommits(from: string, to: string): Promise<number | undefined> {
      if (!/^[0-9a-f]{40}$/.test(from) || !/^[0-9a-f]{40}$/.test(to)) return undefined;
      const result = await git(repo, ['rev-list', '--count', `${from}..${to}`, '--']);
      const count = Number(result.stdout);
      return result.ok && /^\d+$/.test(result.stdout) ? count : undefined;
    },

    async checkout(sha: string, label: string): Promise<Checkout> {
      const commit = await resolveRevision(sha);
      const dir = await mkdtemp(join(tmpRoot ?? tmpdir(), `perfgate-${safeLabel(label)}-`));
      const result = await git(repo, ['worktree', 'add', '--detach', dir, commit]);
      if (!result.ok) {
        await rm(dir, { recursive: true, force: true });
        throw new RevisionError(
          `could not check out ${commit} for ${label}: ${result.stderr}`,
          'Check free disk space and that the repository is not locked by another git process.',
        );
      }
      created.push(dir);
      made.push(dir);
      return { dir, sha: commit };
    },

    async cleanup(): Promise<void> {
      for (const dir of created.splice(0)) {
        const removed = await git(repo, ['worktree', 'remove', '--force', dir]);
        if (!removed.ok) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      }
      await git(repo, ['worktree', 'prune']);
    },

    cleanupSync(): void {
      for (const dir of made) rmSync(dir, { recursive: true, force: true });
      try {
        execFileSync('git', ['-C', repo, 'worktree', 'prune'], {
          env: gitEnvironment(),
          timeout: GIT_TIMEOUT_MS,
          stdio: 'ignore',
        });
      } catch {
        // The folders are gone; a stale entry is pruned by the next git gc.
      }
    },
  };
}
