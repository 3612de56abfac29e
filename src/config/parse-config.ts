/** perfgate.yml text → validated `Config`, or one `ConfigError` listing every problem found. */
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { describeValue, formatIssues } from './format-issues.js';
import { configSchema } from './schema.js';
import type { Config } from './types.js';

const SCHEMA_HINT =
  'Fix the keys listed above; the README section "Configure: perfgate.yml" lists every key, its default and accepted values.';
const SYNTAX_HINT =
  'Fix the YAML at the line and column shown: indent with spaces, and quote values that contain ": " or " #".';
const EMPTY_HINT =
  'Start from the smallest valid config: `server: { command: "gunicorn -b 127.0.0.1:$PORT app:app" }` and `http: [{ name: home, path: / }]`.';

/**
 * Parses and validates the text of perfgate.yml.
 *
 * Applies the documented defaults (`DEFAULTS`), converts durations to ms and the threshold to a
 * fraction, upper-cases methods, stringifies env and header values, and JSON-encodes object bodies
 * (adding `content-type: application/json` unless a content type is given).
 *
 * @param yamlText the file's contents (UTF-8 text).
 * @param file the name to show in messages, e.g. `perfgate.yml` or the path the user passed.
 * @throws ConfigError when the text is not valid YAML (one line per syntax error, `file:line:col: ...`),
 *   is empty or not a mapping, or breaks the schema (one line per problem, `file: key.path: expected
 *   ..., got ...`, with "did you mean" for misspelled keys). `hint` says what to do next.
 */
export function parseConfig(yamlText: string, file: string): Config {
  const value = readYaml(yamlText, file);
  if (value === null || value === undefined) {
    throw new ConfigError(
      `${file}: the file is empty; expected a mapping with at least \`server\` and \`http\``,
      EMPTY_HINT,
    );
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(
      `${file}: expected a mapping of keys (build, server, http, gate) at the top level, got ${describeValue(value)}`,
      EMPTY_HINT,
    );
  }
  const result = configSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(formatIssues(result.error.issues, file).join('\n'), SCHEMA_HINT);
  }
  return result.data;
}

/** The YAML text as a plain JS value. */
function readYaml(yamlText: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const lines = document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return `${file}:${line}:${col}: ${error.message}`;
    });
    throw new ConfigError(lines.join('\n'), SYNTAX_HINT);
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Aliases are resolved only here: an unknown anchor or an alias bomb surfaces as a thrown error.
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      `${file}: ${reason}`,
      'Define each anchor (`&name`) before the aliases (`*name`) that use it.',
    );
  }
}
