/**
 * The schema of perfgate.yml: kebab-case keys as users write them in, `Config` (camelCase, ms,
 * fractions) out. Unknown keys are errors at every level, so a typo never silently means "default".
 */
import { formatDurationMs } from './durations.js';
import { z } from 'zod';
import { HTTP_METRICS } from '../model/metrics.js';
import { DEFAULTS, HTTP_METHODS, LIMITS } from './defaults.js';
import {
  durationIn,
  integerIn,
  nonBlankString,
  oneOf,
  oneOrMany,
  rejectDuplicates,
  stringMap,
} from './field-schemas.js';
import {
  GATE_PAIRINGS,
  PROFILE_TOOLS,
  PROFILE_WHENS,
  SERVER_RESTARTS,
  type Config,
  type GatePairing,
  type HttpScenario,
} from './types.js';

const serverShape = {
  command: nonBlankString(
    'expected the shell command that starts the server, e.g. "gunicorn -b 127.0.0.1:$PORT app:app"',
  ),
  ready: z
    .string({ error: 'expected a path starting with "/" or an http(s):// URL' })
    .regex(/^(?:\/|https?:\/\/)\S*$/, { error: 'expected a path starting with "/" or an http(s):// URL' })
    .default(DEFAULTS.server.ready),
  env: stringMap(checkEnvName).default(DEFAULTS.server.env),
  cwd: z
    .string({ error: 'expected a folder relative to the repository root' })
    .transform((cwd, ctx) => {
      const normalized = normalizeRelativePath(cwd);
      if (normalized === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected a folder inside the repository (relative, no "..")',
          input: cwd,
        });
        return z.NEVER;
      }
      return normalized;
    })
    .default(DEFAULTS.server.cwd),
  'startup-timeout': durationIn(LIMITS.startupTimeoutMs).default(DEFAULTS.server.startupTimeoutMs),
  restart: oneOf(SERVER_RESTARTS, (restart) => restart.trim().toLowerCase()).default(DEFAULTS.server.restart),
};

const scenarioShape = {
  name: z
    .string({ error: 'expected a name of letters, digits, ".", "_" and "-"' })
    .regex(/^[A-Za-z0-9._-]+$/, { error: 'expected a name of letters, digits, ".", "_" and "-"' }),
  path: z
    .string({ error: 'expected a request path starting with "/", e.g. "/items?page=1"' })
    .regex(/^\/\S*$/, {
      error: 'expected a request path starting with "/" and without spaces, e.g. "/items?page=1"',
    }),
  method: oneOf(HTTP_METHODS, (method) => method.trim().toUpperCase()).default(DEFAULTS.http.method),
  headers: stringMap((name) =>
    /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)
      ? undefined
      : 'expected an HTTP header name (letters, digits, "-")',
  ).default(DEFAULTS.http.headers),
  body: z
    .union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())], {
      error: 'expected a string, or a mapping or list to send as JSON',
    })
    .optional(),
  connections: integerIn(LIMITS.connections).default(DEFAULTS.http.connections),
  duration: durationIn(LIMITS.durationMs).default(DEFAULTS.http.durationMs),
  warmup: durationIn(LIMITS.warmupMs).default(DEFAULTS.http.warmupMs),
  pipelining: integerIn(LIMITS.pipelining).default(DEFAULTS.http.pipelining),
};

const gateShape = {
  threshold: z
    .union([z.string(), z.number()], { error: 'expected a percentage like "5%" or a fraction like 0.05' })
    .transform((threshold, ctx) => {
      const fraction = parseThreshold(threshold);
      if (fraction === undefined) {
        const likely =
          typeof threshold === 'number' && threshold >= 1 && threshold < 100 ? `"${threshold}%"` : '"5%"';
        ctx.addIssue({
          code: 'custom',
          message: `expected a percentage above 0% and below 100% like ${likely}, or a fraction like 0.05`,
          input: threshold,
        });
        return z.NEVER;
      }
      return fraction;
    })
    .default(DEFAULTS.gate.threshold),
  alpha: z
    .number({ error: 'expected a significance level above 0 and at most 0.5, like 0.05' })
    .gt(0, { error: 'expected a significance level above 0 and at most 0.5, like 0.05' })
    .lte(0.5, { error: 'expected a significance level above 0 and at most 0.5, like 0.05' })
    .default(DEFAULTS.gate.alpha),
  metrics: z
    .array(oneOf(HTTP_METRICS), {
      error: 'expected a list of metric names, e.g. [cpu_per_request, latency_p50]',
    })
    .min(1, { error: 'expected at least one metric (leave `metrics` out for the defaults)' })
    .check(rejectDuplicates('metric'))
    .default([...DEFAULTS.gate.metrics]),
  trials: integerIn(LIMITS.trials).default(DEFAULTS.gate.trials),
  'min-trials': integerIn(LIMITS.trials).optional(),
  budget: durationIn(LIMITS.budgetMs).optional(),
  pairing: oneOf(GATE_PAIRINGS, (pairing) => pairing.trim().toLowerCase()).default(DEFAULTS.gate.pairing),
};

const profileShape = {
  tool: oneOf(PROFILE_TOOLS, (tool) => tool.trim().toLowerCase()).default(DEFAULTS.profile.tool),
  duration: durationIn(LIMITS.profileDurationMs).default(DEFAULTS.profile.durationMs),
  windows: integerIn(LIMITS.profileWindows).default(DEFAULTS.profile.windows),
  rate: integerIn(LIMITS.profileRateHz).default(DEFAULTS.profile.rateHz),
  when: oneOf(PROFILE_WHENS, (when) => when.trim().toLowerCase()).default(DEFAULTS.profile.when),
};

const topShape = {
  build: oneOrMany(
    nonBlankString('expected a non-blank shell command'),
    'expected a shell command or a list of them',
  ).default([...DEFAULTS.build]),
  server: z.strictObject(serverShape, { error: 'expected a mapping with at least `command`' }),
  http: z
    .array(z.strictObject(scenarioShape, { error: 'expected a mapping with at least `name` and `path`' }), {
      error: 'expected a list of scenarios, each with at least `name` and `path`',
    })
    .min(1, { error: 'expected at least one scenario with `name` and `path`' })
    .check(rejectDuplicates('scenario name', 'name')),
  gate: z
    .strictObject(gateShape, { error: 'expected a mapping of gate settings' })
    .check(
      z.superRefine((gate, ctx) => {
        const minTrials = gate['min-trials'];
        if (minTrials !== undefined && minTrials > gate.trials) {
          ctx.addIssue({
            code: 'custom',
            message: `expected at most \`trials\` (${gate.trials}): the first look cannot come after the last pair`,
            input: minTrials,
            path: ['min-trials'],
          });
        }
      }),
    )
    .prefault({}),
  profile: z.strictObject(profileShape, { error: 'expected a mapping of profile settings' }).prefault({}),
};

/** Known keys of each mapping in perfgate.yml, by section (`''` top level, `http[]` any scenario). */
export const CONFIG_KEYS: Readonly<Record<'' | 'server' | 'http[]' | 'gate' | 'profile', readonly string[]>> =
  {
    '': Object.keys(topShape),
    server: Object.keys(serverShape),
    'http[]': Object.keys(scenarioShape),
    gate: Object.keys(gateShape),
    profile: Object.keys(profileShape),
  };

/**
 * The perfgate.yml schema: parses the YAML's JS value into a `Config`. Parse with
 * `{ reportInput: true }` so issues carry the received value for `formatIssues`.
 */
export const configSchema = z
  .strictObject(topShape)
  .check(z.superRefine(({ http, gate }, ctx) => checkOnePairFits(http, gate.budget, gate.pairing, ctx)))
  .transform(({ build, server, http, gate, profile }): Config => ({
    build,
    server: {
      command: server.command,
      ready: server.ready,
      env: server.env,
      cwd: server.cwd,
      startupTimeoutMs: server['startup-timeout'],
      restart: server.restart,
    },
    http: http.map((scenario): HttpScenario => ({
      name: scenario.name,
      path: scenario.path,
      method: scenario.method,
      ...encodeBody(scenario.body, scenario.headers),
      connections: scenario.connections,
      durationMs: scenario.duration,
      warmupMs: scenario.warmup,
      pipelining: scenario.pipelining,
    })),
    gate: {
      threshold: gate.threshold,
      alpha: gate.alpha,
      metrics: gate.metrics,
      trials: gate.trials,
      minTrials: gate['min-trials'] ?? Math.min(DEFAULTS.gate.minTrials, gate.trials),
      // Each scenario gets the default share, so adding a scenario does not starve the others.
      budgetMs: gate.budget ?? DEFAULTS.gate.budgetMs * http.length,
      pairing: gate.pairing,
    },
    profile: {
      tool: profile.tool,
      durationMs: profile.duration,
      windows: profile.windows,
      rateHz: profile.rate,
      when: profile.when,
    },
  }));

/**
 * Refuses a budget that cannot hold even one pair of trials of every scenario (each side warmed up and
 * measured once: 2 × (warmup + duration) per scenario, ms), which would otherwise run its minimum
 * pairs regardless, far past the budget (`duration: 10h` with `budget: 1s` ran for about 40 hours).
 */
function checkOnePairFits(
  http: readonly { readonly duration: number; readonly warmup: number }[],
  budget: number | undefined,
  pairing: GatePairing,
  ctx: z.RefinementCtx,
): void {
  const budgetMs = budget ?? DEFAULTS.gate.budgetMs * http.length;
  // A duet takes both trials of a pair at once.
  const trialsInTurn = pairing === 'duet' ? 1 : 2;
  const onePairMs = http.reduce(
    (sum, scenario) => sum + trialsInTurn * (scenario.warmup + scenario.duration),
    0,
  );
  if (onePairMs <= budgetMs) return;
  const given = budget === undefined ? `the default budget (${formatDurationMs(budgetMs)})` : `\`budget\``;
  ctx.addIssue({
    code: 'custom',
    message:
      `expected room for at least one pair of trials: one pair of every scenario takes ${formatDurationMs(onePairMs)} ` +
      `(${trialsInTurn === 1 ? 'warmup + duration' : '2 × (warmup + duration)'} per scenario${trialsInTurn === 1 ? ', base and head at once' : ''}), more than ${given}; raise \`gate.budget\` or shorten \`duration\`/\`warmup\``,
    input: budget ?? budgetMs,
    path: ['gate', 'budget'],
  });
}

/** A body given as a mapping or list is sent as JSON, with a JSON content type unless one is set. */
function encodeBody(
  body: string | unknown[] | Record<string, unknown> | undefined,
  headers: Readonly<Record<string, string>>,
): Pick<HttpScenario, 'headers' | 'body'> {
  if (body === undefined) return { headers };
  if (typeof body === 'string') return { headers, body };
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  return {
    headers: hasContentType ? headers : { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

/** `5%` or `5 %` → 0.05; a number is a fraction. Only (0, 1) is a usable threshold. */
function parseThreshold(threshold: string | number): number | undefined {
  const percent =
    typeof threshold === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(threshold)?.[1] : undefined;
  const fraction =
    typeof threshold === 'number' ? threshold : percent === undefined ? NaN : Number(percent) / 100;
  return fraction > 0 && fraction < 1 ? fraction : undefined;
}

/** `a/b/./c/` → `a/b/c`, `''` → `.`; `undefined` for absolute paths and any `..` segment. */
function normalizeRelativePath(path: string): string | undefined {
  if (/^(?:[/\\~]|[A-Za-z]:)/.test(path)) return undefined;
  const segments = path.split(/[/\\]/).filter((segment) => segment !== '' && segment !== '.');
  return segments.includes('..') ? undefined : segments.join('/') || '.';
}

/** An environment variable name other than PORT, which perfgate sets to the port it picked. */
function checkEnvName(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return 'expected a variable name of letters, digits and _';
  return name === 'PORT'
    ? 'expected a name other than PORT: perfgate sets PORT itself (use $PORT)'
    : undefined;
}
