/**
 * The workflow's event as the runner describes it: GITHUB_EVENT_NAME and the JSON file named by
 * GITHUB_EVENT_PATH. Read here, not through `@actions/github`'s `context`, whose constructor parses the
 * file when the module is first imported and would end the action with a bare SyntaxError stack.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';

/** The event that started the workflow. */
export interface WorkflowEvent {
  /** GITHUB_EVENT_NAME, e.g. `pull_request`, `push`. */
  readonly name: string;
  /** The parsed webhook payload (shape unchecked: src/plan/event.ts validates what it reads). */
  readonly payload: unknown;
  /** GITHUB_REPOSITORY split, or the payload's `repository`; absent when neither names one. */
  readonly repository?: { readonly owner: string; readonly repo: string };
}

const RUNNER_HINT =
  'perfgate reads the event the GitHub runner writes; run it as a workflow step (`uses:`), or use the perfgate CLI outside Actions.';

/**
 * Reads the event from the runner's environment.
 * @param env the process environment (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_REPOSITORY).
 * @throws ConfigError naming the variable or the file when GITHUB_EVENT_NAME is unset, the event file
 *   is missing or unreadable, is not valid JSON (with the parser's message), or is not a JSON object.
 */
export async function readWorkflowEvent(env: NodeJS.ProcessEnv): Promise<WorkflowEvent> {
  const name = env.GITHUB_EVENT_NAME?.trim();
  if (!name)
    throw new ConfigError('GITHUB_EVENT_NAME is not set: no workflow event to plan a gate for.', RUNNER_HINT);
  const file = env.GITHUB_EVENT_PATH?.trim();
  if (!file)
    throw new ConfigError(
      `GITHUB_EVENT_PATH is not set: the ${name} event's payload cannot be read.`,
      RUNNER_HINT,
    );
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read the event file GITHUB_EVENT_PATH=${file} (${errorCode(error)}).`,
      'Check that GITHUB_EVENT_PATH points at the event file the runner wrote.',
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `the event file GITHUB_EVENT_PATH=${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`,
      'The runner writes this file; if a step rewrote it, restore the original (it holds the webhook payload).',
    );
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ConfigError(
      `the event file GITHUB_EVENT_PATH=${file} holds ${Array.isArray(payload) ? 'an array' : JSON.stringify(payload)}, not the JSON object of a webhook payload.`,
      'Check that GITHUB_EVENT_PATH points at the event file the runner wrote.',
    );
  }
  const repository = repositoryOf(env.GITHUB_REPOSITORY, payload);
  return { name, payload, ...(repository === undefined ? {} : { repository }) };
}

function repositoryOf(
  variable: string | undefined,
  payload: object,
): { owner: string; repo: string } | undefined {
  const [owner, repo] = (variable ?? '').split('/');
  if (owner && repo) return { owner, repo };
  const fromPayload = (payload as { repository?: { name?: unknown; owner?: { login?: unknown } } })
    .repository;
  const name = fromPayload?.name;
  const login = fromPayload?.owner?.login;
  return typeof name === 'string' && typeof login === 'string' ? { owner: login, repo: name } : undefined;
}

function errorCode(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}
