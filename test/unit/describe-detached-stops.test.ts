import { describe, expect, it } from 'vitest';
import { describeDetachedStops } from '../../src/targets/describe-detached-stops.js';

describe('describeDetachedStops', () => {
  it('says nothing when no process had detached', () => {
    expect(describeDetachedStops([])).toEqual([]);
  });

  it('gives one warning per server over all its stops, naming the PIDs and commands', () => {
    const warnings = describeDetachedStops([
      {
        label: 'head',
        pids: [123, 124],
        commands: ['gunicorn: master [app:app]', 'gunicorn: worker [app:app]'],
      },
      { label: 'base', pids: [200], commands: ['python3 -m http.server'] },
      { label: 'head', pids: [130], commands: ['gunicorn: master [app:app]'] },
    ]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^stopped 3 detached processes of the head server \(PIDs 123, 124, 130: gunicorn: master \[app:app\], gunicorn: worker \[app:app\]\) that had left its process group, found by their PERFGATE_SERVER_ID environment tag/,
    );
    expect(warnings[1]).toMatch(
      /^stopped 1 detached process of the base server \(PID 200: python3 -m http.server\)/,
    );
  });

  it('cuts long lists and names what only the run tag found', () => {
    const pids = Array.from({ length: 10 }, (_, i) => 300 + i);
    const [warning] = describeDetachedStops([{ label: 'run', pids, commands: ['a', 'b', 'c'] }]);
    expect(warning).toBe(
      "stopped 10 detached processes that perfgate's build steps or servers had left running " +
        '(PIDs 300, 301, 302, 303, 304, 305, 306, 307 and 2 more: a, b and 1 more), found by their PERFGATE_RUN_ID environment tag',
    );
  });
});
