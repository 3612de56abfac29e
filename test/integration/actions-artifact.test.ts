// The artifact adapter with the real @actions/artifact client against the loopback artifact service
// and blob store: what it uploads, how it retries, and what it refuses at once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ArtifactUploadError,
  createActionsArtifactStore,
  listResultFiles,
} from '../../src/adapters/actions-artifact.js';
import type { Log } from '../../src/ports.js';
import { fakeRuntimeToken, startArtifactStandIn, type ArtifactStandIn } from '../e2e/artifact-stand-in.js';

function recordingLog(): Log & { infos: string[] } {
  const infos: string[] = [];
  return {
    infos,
    info: (message) => infos.push(message),
    warn: () => undefined,
    error: () => undefined,
    group: (_name, fn) => fn(),
  };
}

describe('the @actions/artifact store', () => {
  let standIn: ArtifactStandIn;
  let dir: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    standIn = await startArtifactStandIn();
    dir = mkdtempSync(path.join(tmpdir(), 'perfgate-results-'));
    mkdirSync(path.join(dir, 'profiles'));
    writeFileSync(path.join(dir, 'report.json'), '{}');
    writeFileSync(path.join(dir, 'profiles/search-base.svg'), '<svg/>');
    writeFileSync(path.join(dir, '.perfgate.lock'), '{"pid":1}');
    // The client reads its runtime from the process environment.
    Object.assign(process.env, {
      ACTIONS_RUNTIME_TOKEN: fakeRuntimeToken(),
      ACTIONS_RESULTS_URL: standIn.url,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '99',
    });
    delete process.env.GITHUB_SERVER_URL;
  });
  afterEach(() => {
    standIn.failBlobWritesWith = undefined;
    standIn.failBlobWritesCount = undefined;
  });
  afterAll(async () => {
    process.env = saved;
    await standIn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the results folder recursively and sorted, without dot files (the lock)', async () => {
    expect(await listResultFiles(dir)).toEqual([
      path.join(dir, 'profiles/search-base.svg'),
      path.join(dir, 'report.json'),
    ]);
  });

  it('uploads the files and answers the id, size and download page', async () => {
    const sleeps: number[] = [];
    const store = createActionsArtifactStore(process.env, recordingLog(), undefined, async (ms) => {
      sleeps.push(ms);
    });
    const uploaded = await store.upload('plain', await listResultFiles(dir), dir, { retentionDays: 3 });
    const stored = standIn.artifacts.find((a) => a.name === 'plain');
    expect(uploaded).toEqual({
      id: stored?.id,
      sizeBytes: stored?.zip.length,
      url: `https://github.com/acme/shop/actions/runs/99/artifacts/${stored?.id}`,
    });
    expect(sleeps).toEqual([]);
    // The zip holds the paths relative to the root (a local file header names each entry).
    expect(stored?.zip.includes('profiles/search-base.svg')).toBe(true);
    expect(stored?.zip.includes('.perfgate.lock')).toBe(false);
  });

  it('retries a refused blob upload and succeeds on the second attempt', async () => {
    standIn.failBlobWritesWith = 403;
    standIn.failBlobWritesCount = 1;
    const sleeps: number[] = [];
    const log = recordingLog();
    const store = createActionsArtifactStore(process.env, log, undefined, async (ms) => {
      sleeps.push(ms);
    });
    const uploaded = await store.upload('second-try', await listResultFiles(dir), dir, {});
    expect(uploaded.id).toBe(standIn.artifacts.find((a) => a.name === 'second-try')?.id);
    expect(sleeps).toEqual([2_000]);
    expect(log.infos.join('\n')).toMatch(/artifact upload attempt 1 of 3 failed .*retrying in 2000 ms/);
  });

  it('gives up after three attempts, 2 s then 4 s apart, naming the artifact and the cause', async () => {
    standIn.failBlobWritesWith = 403;
    const sleeps: number[] = [];
    const before = standIn.requests.length;
    const store = createActionsArtifactStore(process.env, recordingLog(), undefined, async (ms) => {
      sleeps.push(ms);
    });
    const upload = store.upload('never', await listResultFiles(dir), dir, {});
    await expect(upload).rejects.toThrow(ArtifactUploadError);
    await expect(upload).rejects.toThrow(/could not upload artifact "never" \(3 attempts\): .*HTTP 403/);
    expect(sleeps).toEqual([2_000, 4_000]);
    const created = standIn.requests.slice(before).filter((r) => r.twirp === 'CreateArtifact');
    expect(created).toHaveLength(3);
  });

  it('refuses at once, without a request, off a runner (no runtime token)', async () => {
    const before = standIn.requests.length;
    const env = { ...process.env, ACTIONS_RUNTIME_TOKEN: '' };
    const store = createActionsArtifactStore(env, recordingLog(), undefined, () => {
      throw new Error('must not wait');
    });
    const upload = store.upload('off-runner', [path.join(dir, 'report.json')], dir, {});
    await expect(upload).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/ACTIONS_RUNTIME_TOKEN not set \(not on a GitHub Actions runner\?\)/),
    });
    expect(standIn.requests.length).toBe(before);
  });
});
