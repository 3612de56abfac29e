import { describe, expect, it } from 'vitest';
import { commentMarker, configKey, resultsFolderName } from '../../src/publish/index.js';

describe('configKey and resultsFolderName', () => {
  it.each([
    ['.', 'perfgate.yml', 'perfgate.yml', 'perfgate'],
    ['', './perfgate.yml', 'perfgate.yml', 'perfgate'],
    ['.', 'perf/api.yaml', 'perf/api.yaml', 'perf-api'],
    ['services/api', 'perfgate.yml', 'services/api/perfgate.yml', 'services-api-perfgate'],
    ['services/web/', './perfgate.yml', 'services/web/perfgate.yml', 'services-web-perfgate'],
    ['a\\b', 'c.yml', 'a/b/c.yml', 'a-b-c'],
    ['x', '../shared/perf gate.yml', 'shared/perf gate.yml', 'shared-perf_gate'],
    ['.', '/etc/perfgate.yml', '/etc/perfgate.yml', 'etc-perfgate'],
    ['.', '.perfgate.yml', '.perfgate.yml', '_perfgate'],
    ['..', '..', '../..', '__-..'],
  ])('working-directory %j + config %j → key %j, folder %j', (dir, config, key, folder) => {
    expect(configKey(dir, config)).toBe(key);
    expect(resultsFolderName(configKey(dir, config))).toBe(folder);
  });

  it('gives two configs of one repository two folders and two comment markers', () => {
    const root = configKey('.', 'perfgate.yml');
    const api = configKey('services/api', 'perfgate.yml');
    expect(resultsFolderName(root)).not.toBe(resultsFolderName(api));
    expect(commentMarker(root)).not.toBe(commentMarker(api));
    // The default config keeps the marker earlier versions wrote, so their comments are found again.
    expect(commentMarker(root)).toBe('<!-- perfgate:perfgate.yml -->');
  });

  it('never yields a name that leaves the results folder', () => {
    for (const key of ['..', '../..', '/', '.', '...', '../x']) {
      const name = resultsFolderName(key);
      expect(name).not.toMatch(/^\.|\//);
      expect(name.length).toBeGreaterThan(0);
    }
  });
});
