// The job-summary adapter on a real GITHUB_STEP_SUMMARY file, and the CLI's console log.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionsSummary, SUMMARY_MAX_BYTES } from '../../src/adapters/actions-summary.js';
import { createConsoleLog } from '../../src/adapters/console-log.js';

describe('createActionsSummary', () => {
  let dir: string;
  let file: string;
  const previous = process.env.GITHUB_STEP_SUMMARY;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'perfgate-summary-'));
    file = path.join(dir, 'step_summary');
    writeFileSync(file, '');
    // core.summary remembers the first path it sees: one file for the whole suite.
    process.env.GITHUB_STEP_SUMMARY = file;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.GITHUB_STEP_SUMMARY;
    else process.env.GITHUB_STEP_SUMMARY = previous;
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends Markdown as given', async () => {
    writeFileSync(file, '');
    const summary = createActionsSummary();
    await summary.append('## first\n');
    await summary.append('## second\n');
    expect(readFileSync(file, 'utf8')).toBe('## first\n## second\n');
  });

  it('keeps the step summary within 1 MiB, counting what the file already holds', async () => {
    writeFileSync(file, 'x'.repeat(300_000) + '\n');
    const row = '| scenario | é |\n';
    await createActionsSummary().append(row.repeat(60_000));
    const text = readFileSync(file, 'utf8');
    expect(statSync(file).size).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(statSync(file).size).toBeGreaterThan(SUMMARY_MAX_BYTES - 1000);
    expect(text).toMatch(
      /\| scenario \| é \|\n\n> Truncated: GitHub keeps at most 1 MiB of job summary per step/,
    );
  });
});

describe('createConsoleLog', () => {
  it('prints one line per message, prefixes warnings and errors, and heads groups', async () => {
    const lines: string[] = [];
    const log = createConsoleLog({ write: (text: string) => lines.push(text) });
    const result = await log.group('build base', () => {
      log.info('pip install -r requirements.txt');
      log.warn('CPU steal 35%');
      return Promise.resolve(7);
    });
    log.error('server exited');
    expect(result).toBe(7);
    expect(lines.join('')).toBe(
      '== build base ==\npip install -r requirements.txt\nwarning: CPU steal 35%\nerror: server exited\n',
    );
  });

  it('prefixes ISO timestamps when asked', () => {
    const lines: string[] = [];
    const log = createConsoleLog(
      { write: (text: string) => lines.push(text) },
      { timestamps: true, now: () => Date.UTC(2026, 10, 26, 9, 30) },
    );
    log.info('ready');
    expect(lines).toEqual(['2026-11-26T09:30:00.000Z ready\n']);
  });
});
