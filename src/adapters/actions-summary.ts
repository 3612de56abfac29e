import { stat } from 'node:fs/promises';
import * as core from '@actions/core';
import type { JobSummary } from '../ports.js';
import { truncateMarkdown } from '../publish/truncate-markdown.js';

/** GitHub drops a step's summary that grows beyond this many bytes (1 MiB). */
export const SUMMARY_MAX_BYTES = 1024 * 1024;

/**
 * The job summary through `core.summary`, appended to the file named by GITHUB_STEP_SUMMARY.
 *
 * GitHub silently drops a step summary over 1 MiB, so each append is cut (at a line break, with a
 * note) to what is left of `maxBytes` after what the file already holds.
 *
 * @param options.maxBytes the cap, default SUMMARY_MAX_BYTES (smaller in tests).
 * @throws (from `append`) when GITHUB_STEP_SUMMARY is unset or not writable (core.summary's errors).
 */
export function createActionsSummary(options: { maxBytes?: number } = {}): JobSummary {
  const maxBytes = options.maxBytes ?? SUMMARY_MAX_BYTES;
  return {
    async append(markdown) {
      const room = maxBytes - (await sizeOfFile(process.env.GITHUB_STEP_SUMMARY));
      const note =
        'Truncated: GitHub keeps at most 1 MiB of job summary per step; report.md in the results holds the full report.';
      await core.summary.addRaw(truncateMarkdown(markdown, { max: room, unit: 'bytes' }, note)).write();
    },
  };
}

async function sizeOfFile(file: string | undefined): Promise<number> {
  if (file === undefined || file === '') return 0;
  try {
    return (await stat(file)).size;
  } catch {
    return 0; // core.summary reports the missing file itself, with its own message.
  }
}
