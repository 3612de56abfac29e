/**
 * Whose comment is it: the rule that keeps perfgate from editing a comment another tool (or a person
 * quoting ours) wrote, even when that comment carries our marker.
 */

/** A comment's author as GitHub's REST API reports it (`user` of an issue comment). */
export interface CommentAuthor {
  /** e.g. `octocat`, or `github-actions[bot]` for the GITHUB_TOKEN. */
  readonly login: string;
  /** `Bot` for apps (github-actions[bot] included), `User` for people and their PATs. */
  readonly type?: string;
}

/**
 * Who the token writes as. `login` is what GitHub named it (GraphQL `viewer.login` answers
 * `github-actions[bot]` for the GITHUB_TOKEN, while GraphQL comment authors drop the `[bot]`);
 * `assumed` is true when the token's identity could not be learned and this is the GITHUB_TOKEN's
 * bot taken on trust.
 */
export interface TokenIdentity {
  readonly login: string;
  readonly assumed: boolean;
}

/** The GITHUB_TOKEN's author on every comment it writes (REST `user.login`, `type: Bot`). */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/**
 * True when `author` is the token's own identity. Logins compare case-insensitively with a trailing
 * `[bot]` dropped on both sides, as sticky-pull-request-comment does
 * (marocchino/sticky-pull-request-comment, src/comment.ts `findPreviousComment`:
 * `author.login === viewer.login.replace("[bot]", "")`), because GitHub spells the same app with and
 * without the suffix depending on the API. When either login carries the suffix the author must
 * also be of type `Bot`, so a person's comment never passes for an app's (a person's login cannot
 * contain `[`). A viewer login without the suffix (a PAT's user) would still match an app of the same
 * name; no such pair is known to write our marker.
 */
export function isAuthoredBy(identity: TokenIdentity, author: CommentAuthor | null | undefined): boolean {
  if (author === null || author === undefined) return false;
  if (appName(author.login) !== appName(identity.login)) return false;
  const eitherIsApp = isAppLogin(identity.login) || isAppLogin(author.login);
  return !eitherIsApp || author.type === 'Bot';
}

function isAppLogin(login: string): boolean {
  return /\[bot\]$/i.test(login);
}

function appName(login: string): string {
  return login.toLowerCase().replace(/\[bot\]$/, '');
}
