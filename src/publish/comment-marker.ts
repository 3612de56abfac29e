/**
 * The hidden HTML comment that identifies perfgate's sticky comment on a pull request, one per config
 * file, so two gates in one repository (two perfgate.yml files) keep two comments.
 */

/**
 * Returns `<!-- perfgate:<config path> -->` for `configPath`.
 *
 * The path is made safe to sit inside an HTML comment: runs of `-` collapse to one (`--` may not appear
 * inside a comment), `<`, `>` and control characters become `_`, and a leading `./` is dropped so
 * `./perfgate.yml` and `perfgate.yml` share one comment.
 *
 * @example commentMarker('perfgate.yml') // '<!-- perfgate:perfgate.yml -->'
 */
export function commentMarker(configPath: string): string {
  const safe = configPath
    .trim()
    .replace(/^(\.\/)+/, '')
    .replace(/[<>\p{Cc}]/gu, '_')
    .replace(/-{2,}/g, '-');
  return `<!-- perfgate:${safe} -->`;
}
