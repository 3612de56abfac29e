import { describe, expect, it } from 'vitest';
import { isAuthoredBy } from '../../src/publish/comment-author.js';

const known = { assumed: false };

describe('isAuthoredBy', () => {
  it.each([
    // GraphQL viewer for the GITHUB_TOKEN vs the REST author of its comments.
    ['github-actions[bot]', { login: 'github-actions[bot]', type: 'Bot' }, true],
    // GraphQL spells bot authors without the suffix; either spelling of the viewer matches.
    ['github-actions', { login: 'github-actions[bot]', type: 'Bot' }, true],
    ['GitHub-Actions[bot]', { login: 'github-actions[bot]', type: 'Bot' }, true],
    // Another app carrying our marker is not us.
    ['github-actions[bot]', { login: 'other-perf-tool[bot]', type: 'Bot' }, false],
    // A person called like the app is not the app.
    ['github-actions[bot]', { login: 'github-actions', type: 'User' }, false],
    // A PAT writes as its user.
    ['perf-robot', { login: 'perf-robot', type: 'User' }, true],
    ['perf-robot', { login: 'Perf-Robot', type: 'User' }, true],
    ['perf-robot', { login: 'octocat', type: 'User' }, false],
    ['perf-robot', { login: 'github-actions[bot]', type: 'Bot' }, false],
  ])('viewer %s, author %o: %s', (login, author, expected) => {
    expect(isAuthoredBy({ login, ...known }, author)).toBe(expected);
  });

  it('a comment without an author (a deleted account) is nobody’s', () => {
    expect(isAuthoredBy({ login: 'github-actions[bot]', ...known }, null)).toBe(false);
  });
});
