import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DefaultArtifactClient, GHESNotSupportedError } from '@actions/artifact';
import { describeError } from '../errors.js';
import type { ArtifactStore, Log, UploadedArtifact } from '../ports.js';

/** How often and how patiently an upload is retried. */
export interface ArtifactRetry {
  /** Attempts in all, at least 1. */
  readonly attempts: number;
  /** Wait before the second attempt in ms; doubled before each further one. */
  readonly firstDelayMs: number;
}

/** Three attempts, 2 s then 4 s apart: a blob store or twirp hiccup passes, a broken service costs 6 s. */
export const DEFAULT_ARTIFACT_RETRY: ArtifactRetry = { attempts: 3, firstDelayMs: 2_000 };

/** An artifact could not be uploaded: `retryable` is false when trying again cannot help. */
export class ArtifactUploadError extends Error {
  override readonly name = 'ArtifactUploadError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * The runner's artifact storage through @actions/artifact (v2 artifacts: twirp calls to
 * ACTIONS_RESULTS_URL, the zip to an Azure blob URL). The client already retries each twirp call on
 * 5xx; this retries the whole upload (create, blob upload, finalize) `retry.attempts` times, since a
 * stalled or refused blob upload is not retried by the client.
 *
 * Off a runner (no ACTIONS_RUNTIME_TOKEN or ACTIONS_RESULTS_URL) and on GitHub Enterprise Server
 * (which the client does not support) every upload fails at once, without retries.
 * @param env the process environment (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID for the URL).
 */
export function createActionsArtifactStore(
  env: NodeJS.ProcessEnv,
  log: Log,
  retry: ArtifactRetry = DEFAULT_ARTIFACT_RETRY,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): ArtifactStore {
  const client = new DefaultArtifactClient();
  return {
    async upload(name, files, rootDir, options) {
      const missing = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL'].filter((variable) => !env[variable]);
      if (missing.length > 0) {
        throw new ArtifactUploadError(
          `could not upload artifact "${name}": ${missing.join(' and ')} not set (not on a GitHub Actions runner?)`,
          false,
        );
      }
      for (let attempt = 1; ; attempt++) {
        try {
          const uploaded = await client.uploadArtifact(name, [...files], rootDir, {
            ...(options.retentionDays === undefined ? {} : { retentionDays: options.retentionDays }),
          });
          if (uploaded.id === undefined) throw new Error('the artifact service answered no artifact id');
          return toUploaded(uploaded.id, uploaded.size ?? 0, env);
        } catch (error) {
          const retryable = !(error instanceof GHESNotSupportedError);
          const why = describeCause(error);
          if (!retryable || attempt >= retry.attempts) {
            throw new ArtifactUploadError(
              `could not upload artifact "${name}" (${attempt} attempt${attempt === 1 ? '' : 's'}): ${why}`,
              retryable,
            );
          }
          const delayMs = retry.firstDelayMs * 2 ** (attempt - 1);
          log.info(
            `artifact upload attempt ${attempt} of ${retry.attempts} failed (${why}); retrying in ${delayMs} ms`,
          );
          await sleep(delayMs);
        }
      }
    },
  };
}

/** An error's message; an Azure error without one (an empty error body) by its HTTP status. */
function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return describeError(error);
  if (error.message.trim() !== '') return error.message;
  const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : undefined;
  return status === undefined ? error.name : `${error.name}: HTTP ${status} from the blob store`;
}

function toUploaded(id: number, sizeBytes: number, env: NodeJS.ProcessEnv): UploadedArtifact {
  return { id, sizeBytes, url: artifactPageUrl(env, id) };
}

/**
 * The artifact's download page on GitHub:
 * `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}/artifacts/${id}`
 * (server `https://github.com` when unset).
 */
export function artifactPageUrl(env: NodeJS.ProcessEnv, id: number): string {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const repository = env.GITHUB_REPOSITORY ?? '';
  const runId = env.GITHUB_RUN_ID ?? '';
  return `${server}/${repository}/actions/runs/${encodeURIComponent(runId)}/artifacts/${id}`;
}

/**
 * Every regular file under `dir`, recursively, as absolute paths in a stable (sorted) order; files
 * and folders whose names start with `.` (the results folder's lock) are left out.
 * @throws Error when `dir` cannot be read (e.g. it was never created).
 */
export async function listResultFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listResultFiles(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}
