import { PerfgateError } from '../errors.js';

/**
 * The token may not write the pull request's comment: HTTP 403 (a fork's read-only GITHUB_TOKEN,
 * missing `pull-requests: write`) or 401/404 (no access to the repository). Publishers turn it into a
 * warning and print the report to the log instead; it never fails a gate.
 */
export class CommentPermissionError extends PerfgateError {
  readonly exitCode = 3 as const;
  constructor(
    message: string,
    hint: string,
    /** HTTP status the API answered. */
    readonly status: number,
  ) {
    super(message, hint);
  }
}
