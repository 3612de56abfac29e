// Fixtures in test/fixtures/events/ are trimmed payloads in the shapes of GitHub's webhook docs
// ("Webhook events and payloads": pull_request, push, workflow_dispatch), with invented SHAs and names.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { planFromEvent } from '../../src/plan/event.js';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/events/${name}`, import.meta.url), 'utf8'));
}

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('planFromEvent', () => {
  it.each([
    [
      'pull_request',
      'pull_request.opened.json',
      '33ac0c23b0e44b9970fdd7bb34010c91cc2b0f96',
      '1a6f9fbf7f26c02dc3f008a063e53f7ae78e756c',
      42,
    ],
    [
      'pull_request_target',
      'pull_request_target.fork.synchronize.json',
      'f97f7d5818061f437c559af0c2e8d6a18a686b40',
      'ac1d532b3c739bd028992316c4f3c26bf2f8925f',
      77,
    ],
  ])(
    '%s without a merge commit compares the PR head with where it branched off (%s)',
    (eventName, file, baseTip, head, pullRequest) => {
      expect(planFromEvent(eventName, fixture(file))).toMatchObject({
        base: baseTip,
        head,
        basis: { kind: 'merge-base', pullRequestHead: head, baseTip },
        pullRequest,
        mode: 'pull_request',
      });
    },
  );

  it('pull_request compares the merge commit GitHub built (GITHUB_SHA) with its first parent', () => {
    const merge = 'c'.repeat(40);
    expect(planFromEvent('pull_request', fixture('pull_request.opened.json'), {}, { sha: merge })).toEqual({
      base: `${merge}^1`,
      head: merge,
      basis: {
        kind: 'merge-commit',
        mergeCommit: merge,
        pullRequestHead: '1a6f9fbf7f26c02dc3f008a063e53f7ae78e756c',
        baseTip: '33ac0c23b0e44b9970fdd7bb34010c91cc2b0f96',
      },
      pullRequest: 42,
      baseBranch: 'main',
      mode: 'pull_request',
    });
  });

  it.each([
    ['the PR head is checked out', '1a6f9fbf7f26c02dc3f008a063e53f7ae78e756c'],
    ['GITHUB_SHA is not a SHA', 'refs/pull/42/merge'],
  ])('pull_request falls back to the merge base when %s', (_, sha) => {
    expect(planFromEvent('pull_request', fixture('pull_request.opened.json'), {}, { sha }).basis.kind).toBe(
      'merge-base',
    );
  });

  it('pull_request_target never reads GITHUB_SHA (the base branch tip there) as a merge commit', () => {
    const plan = planFromEvent(
      'pull_request_target',
      fixture('pull_request_target.fork.synchronize.json'),
      {},
      {
        sha: 'd'.repeat(40),
      },
    );
    expect(plan.basis.kind).toBe('merge-base');
    expect(plan.head).toBe('ac1d532b3c739bd028992316c4f3c26bf2f8925f');
  });

  it('uses the synchronize payload’s PR SHAs, not its before/after', () => {
    const plan = planFromEvent('pull_request', fixture('pull_request_target.fork.synchronize.json'));
    expect(plan.base).not.toBe('c0e658c03b162067d9687218611ebbae77fff788');
  });

  it('takes the top-level number when pull_request.number is absent', () => {
    const payload = {
      number: 5,
      pull_request: { base: { sha: 'a'.repeat(40) }, head: { sha: 'b'.repeat(40) } },
    };
    expect(planFromEvent('pull_request', payload).pullRequest).toBe(5);
  });

  it('compares a push with the commit before it', () => {
    expect(planFromEvent('push', fixture('push.json'))).toEqual({
      base: '33ac0c23b0e44b9970fdd7bb34010c91cc2b0f96',
      head: 'aaaed2b904e3e3da7f717de75a28e3fc7ed0bf1b',
      basis: { kind: 'push' },
      mode: 'push',
    });
  });

  it('refuses the first push of a branch with a hint, unless a base is given', () => {
    const error = thrown(() => planFromEvent('push', fixture('push.new-branch.json')));
    expect(error.message).toContain('refs/heads/new-feature');
    expect(error.hint).toMatch(/^no base commit on the first push of a branch; set the `base` input/);
    expect(error.exitCode).toBe(2);
    expect(planFromEvent('push', fixture('push.new-branch.json'), { base: 'main' })).toEqual({
      base: 'main',
      head: 'aaaed2b904e3e3da7f717de75a28e3fc7ed0bf1b',
      basis: { kind: 'given' },
      mode: 'push',
    });
  });

  it('refuses a branch deletion', () => {
    expect(thrown(() => planFromEvent('push', fixture('push.delete-branch.json'))).message).toMatch(
      /deletes refs\/heads\/old-feature/,
    );
  });

  it('lets explicit revisions win over the event', () => {
    expect(
      planFromEvent(
        'pull_request',
        fixture('pull_request.opened.json'),
        { base: 'v1.2.0', head: 'HEAD' },
        { sha: 'c'.repeat(40) },
      ),
    ).toMatchObject({
      base: 'v1.2.0',
      head: 'HEAD',
      basis: { kind: 'given' },
      pullRequest: 42,
      mode: 'pull_request',
    });
  });

  it('names the event and the supported ones for anything else', () => {
    const error = thrown(() => planFromEvent('workflow_dispatch', fixture('workflow_dispatch.json')));
    expect(error.message).toContain('"workflow_dispatch"');
    expect(error.message).toContain('pull_request, pull_request_target, push');
  });

  it.each([
    ['pull_request', null, '(root)'],
    [
      'pull_request',
      { pull_request: { base: { sha: 'main' }, head: { sha: 'b'.repeat(40) }, number: 1 } },
      'pull_request.base.sha',
    ],
    [
      'pull_request',
      { pull_request: { base: { sha: 'a'.repeat(40) }, head: { sha: 'b'.repeat(40) } } },
      'no pull request number',
    ],
    [
      'pull_request',
      { pull_request: { base: { sha: 'a'.repeat(40) }, head: { sha: 'b'.repeat(40) }, number: -3 } },
      'pull_request.number',
    ],
    ['push', fixture('pull_request.opened.json'), 'before'],
    ['push', { before: 'A'.repeat(40), after: 'b'.repeat(40) }, 'before'],
  ])('rejects a malformed %s payload naming the field (%#)', (eventName, payload, mention) => {
    const error = thrown(() => planFromEvent(eventName, payload));
    expect(error.message).toContain(mention);
  });
});
