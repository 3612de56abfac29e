/*
 * perfgate's profiling bootstrap for Node servers.
 *
 * perfgate puts `--require "<this file>"` first in NODE_OPTIONS for the servers of its profiling
 * phase only (never for the measured trials). Node reads NODE_OPTIONS in every process it starts, and
 * children inherit the environment, so every Node process of the server loads it: `npm start`'s
 * npm and the node it runs, `node:cluster` workers, `child_process.fork` children. Worker threads
 * share their process's PID and are left alone.
 *
 * Why the in-process inspector and not `node --cpu-prof`: `--cpu-prof` profiles from start-up to
 * exit and writes its file only when the process exits, so it cannot be limited to perfgate's load
 * window (start-up, warm-up and shutdown would be in the profile, and a server stopped by SIGTERM
 * writes nothing). `node:inspector`'s Session drives the same V8 CPU profiler from inside the process
 * and writes exactly the JSON `--cpu-prof` and Chrome DevTools write (`Profiler.Profile`), so the
 * `.cpuprofile` files open in DevTools and speedscope.
 *
 * Protocol, all files in $PERFGATE_PROFILE_DIR (the same as src/adapters/bootstrap/sitecustomize.py;
 * perfgate's side is src/adapters/bootstrap-control.ts, the adapter src/adapters/node-bootstrap.ts):
 *
 * - at start-up each process writes `ready-<pid>.json` ({pid, ppid, tool: `node <version> inspector`,
 *   node, executable, argv}, or `error` when this Node has no inspector);
 * - perfgate writes `control.json` ({"seq": n, "state": "start" | "stop", "window": name}) by renaming
 *   a temporary file over it; an unref'd timer polls it every 50 ms, so it never keeps a server alive;
 * - on `start`: Profiler.enable, Profiler.setSamplingInterval (µs, from $PERFGATE_PROFILE_RATE_HZ when
 *   set; else V8's default of 1000 µs, the same as --cpu-prof's), Profiler.start, then
 *   `<window>-<pid>.started`;
 * - on `stop` (or at a graceful exit during a window): Profiler.stop, `<window>-<pid>.cpuprofile`,
 *   then `<window>-<pid>.done`. A failure writes `<window>-<pid>.json` ({tool, pid, error}) instead of
 *   the profile; nothing is ever thrown into the server.
 *
 * An in-process Session answers `post` synchronously, which is what lets the exit handler stop the
 * profiler and write the file before the process ends.
 */
'use strict';

function perfgateNodeProfile() {
  const directory = process.env.PERFGATE_PROFILE_DIR;
  if (!directory) return;
  let isMainThread = true;
  try {
    isMainThread = require('node:worker_threads').isMainThread;
  } catch {
    // no worker_threads: only a main thread
  }
  if (!isMainThread) return;

  const fs = require('node:fs');
  const path = require('node:path');
  const pid = process.pid;

  function writeFileAtomic(file, text) {
    const temporary = `${file}.${pid}.tmp`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  }
  const writeJson = (file, value) => writeFileAtomic(file, JSON.stringify(value));
  const touch = (file) => fs.writeFileSync(file, '');
  const describe = (error) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

  const ready = {
    pid,
    ppid: process.ppid,
    node: process.versions.node,
    executable: process.execPath,
    argv: process.argv,
  };
  let inspector;
  try {
    inspector = require('node:inspector');
    ready.tool = `node ${process.versions.node} inspector`;
  } catch (error) {
    ready.error = `node:inspector is not available in ${process.execPath} (${describe(error)})`;
  }
  try {
    writeJson(path.join(directory, `ready-${pid}.json`), ready);
  } catch {
    return; // the folder is gone: this server is not being profiled
  }
  if (inspector === undefined) return;

  const control = path.join(directory, 'control.json');
  const readControl = () => {
    try {
      return JSON.parse(fs.readFileSync(control, 'utf8'));
    } catch {
      return undefined;
    }
  };
  const rateHz = Number(process.env.PERFGATE_PROFILE_RATE_HZ);
  const intervalUs =
    Number.isFinite(rateHz) && rateHz > 0 ? Math.max(1, Math.round(1e6 / rateHz)) : undefined;
  // A window opened before this process started is not ours.
  const state = { seq: readControl()?.seq, window: null, session: null, failed: false };
  const stemOf = (window) => path.join(directory, `${window}-${pid}`);

  /** Posts to the in-process session, whose callback runs before `post` returns. */
  function post(session, method, params) {
    let answered = false;
    let failure;
    let result;
    session.post(method, params, (error, value) => {
      answered = true;
      failure = error;
      result = value;
    });
    if (!answered) throw new Error(`the inspector did not answer ${method} synchronously`);
    if (failure) throw failure;
    return result;
  }

  function begin(window) {
    state.window = window;
    state.failed = false;
    try {
      const session = new inspector.Session();
      session.connect();
      state.session = session;
      post(session, 'Profiler.enable');
      if (intervalUs !== undefined) post(session, 'Profiler.setSamplingInterval', { interval: intervalUs });
      post(session, 'Profiler.start');
    } catch (error) {
      state.failed = true;
      writeJson(`${stemOf(window)}.json`, { tool: ready.tool, pid, error: describe(error) });
    }
    touch(`${stemOf(window)}.started`);
  }

  function closeWindow() {
    const window = state.window;
    if (window === null) return;
    const session = state.session;
    state.window = null;
    state.session = null;
    const stem = stemOf(window);
    try {
      if (!state.failed && session !== null) {
        const { profile } = post(session, 'Profiler.stop');
        writeFileAtomic(`${stem}.cpuprofile`, JSON.stringify(profile));
      }
    } catch (error) {
      writeJson(`${stem}.json`, { tool: ready.tool, pid, error: describe(error) });
    } finally {
      try {
        if (session !== null) session.disconnect();
      } finally {
        touch(`${stem}.done`);
      }
    }
  }

  function poll() {
    const message = readControl();
    if (message === undefined || message === null || message.seq === state.seq) return;
    state.seq = message.seq;
    if (message.state === 'start' && state.window === null) begin(String(message.window));
    else if (message.state === 'stop') closeWindow();
  }

  function reportError(error) {
    try {
      writeJson(path.join(directory, `error-${pid}.json`), { error: describe(error) });
    } catch {
      // nowhere left to say it
    }
  }

  const timer = setInterval(() => {
    try {
      poll();
    } catch (error) {
      reportError(error);
    }
  }, 50);
  timer.unref();
  // 'exit' listeners change neither the exit code nor whether the process exits; a server killed by a
  // signal it does not handle runs none (its window's profile is lost, as with --cpu-prof).
  process.on('exit', () => {
    try {
      closeWindow();
    } catch (error) {
      reportError(error);
    }
  });
}

try {
  perfgateNodeProfile();
} catch (error) {
  // never keep the server from starting
  process.stderr.write(
    `perfgate profiling bootstrap failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
}
