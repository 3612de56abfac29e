/** Report warnings for server processes perfgate had to hunt down by their environment tag. */
import type { DetachedStop } from '../ports.js';

/** PIDs and command lines named per warning before "and N more". */
const NAMED_PIDS = 8;
const NAMED_COMMANDS = 2;

/**
 * One warning per server label (`base`, `head`, or `run` for what only the run's tag named), over
 * every stop of the gate, e.g. `stopped 2 detached processes of the head server (PIDs 123, 124:
 * gunicorn: master [app:app]) that had left its process group; …`. Empty when nothing detached.
 * Pure.
 */
export function describeDetachedStops(stops: readonly DetachedStop[]): string[] {
  const byLabel = new Map<string, { pids: number[]; commands: Set<string> }>();
  for (const stop of stops) {
    const entry = byLabel.get(stop.label) ?? { pids: [], commands: new Set<string>() };
    entry.pids.push(...stop.pids);
    for (const command of stop.commands) entry.commands.add(command);
    byLabel.set(stop.label, entry);
  }
  return [...byLabel].map(([label, { pids, commands }]) => {
    const count = `${pids.length} detached process${pids.length === 1 ? '' : 'es'}`;
    const listed = `PID${pids.length === 1 ? '' : 's'} ${namedList(pids.map(String), NAMED_PIDS)}`;
    const what = `${listed}: ${namedList([...commands], NAMED_COMMANDS)}`;
    if (label === 'run') {
      return (
        `stopped ${count} that perfgate's build steps or servers had left running (${what}), found by ` +
        'their PERFGATE_RUN_ID environment tag'
      );
    }
    return (
      `stopped ${count} of the ${label} server (${what}) that had left its process group, found by ` +
      'their PERFGATE_SERVER_ID environment tag: keep `server.command` in the foreground (no `--daemon`, ' +
      'no trailing `&`) so that stopping it is a plain signal to its group'
    );
  });
}

function namedList(items: readonly string[], named: number): string {
  const more = items.length - named;
  return more > 0 ? `${items.slice(0, named).join(', ')} and ${more} more` : items.join(', ');
}
