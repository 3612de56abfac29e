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
 * and gives exactly the JSON `--cpu-prof` and Chrome DevTools write (`Profiler.Profile`), so the
 * `.cpuprofile` files open in DevTools and speedscope.
 *
 * Why the profiler runs from start-up: a V8 CPU profiler builds its map of compiled code when it
 * starts and then follows code as it is compiled. One started only when the window opens misses code
 * optimized before it (on-stack replacement of a hot loop, compiled during the warm-up) and charges
 * those samples to the caller: the fixture's regressed `search` showed up as its caller `handle` in
 * four runs of six (none of six since). So each process starts a profile at start-up that is never read (the keeper),
 * and a window is a second profile on the same profiler, opened and closed with the inspector's
 * `console.profile(title)` / `console.profileEnd(title)`, which hands the window's profile to this
 * session as `Profiler.consoleProfileFinished`. Cost: sampling from start-up (the profiling phase's
 * servers only, never the measured trials) and the keeper's samples in memory until exit.
 *
 * Protocol, all files in $PERFGATE_PROFILE_DIR (the same as src/adapters/bootstrap/sitecustomize.py;
 * perfgate's side is src/adapters/bootstrap-control.ts, the adapter src/adapters/node-bootstrap.ts):
 *
 * - at start-up each process connects a Session, runs Profiler.enable,
 *   Profiler.setSamplingInterval (µs, from $PERFGATE_PROFILE_RATE_HZ when set; else V8's default of
 *   1000 µs, the same as --cpu-prof's) and Profiler.start (the keeper), and writes `ready-<pid>.json`
 *   ({pid, ppid, tool: `node <version> inspector`, node, executable, argv}, or `error` when this Node
 *   cannot profile);
 * - perfgate writes `control.json` ({"seq": n, "state": "start" | "stop", "window": name}) by renaming
 *   a temporary file over it; an unref'd timer polls it every 50 ms, so it never keeps a server alive;
 * - on `start`: `console.profile`, then `<window>-<pid>.started`;
 * - on `stop` (or at a graceful exit during a window): `console.profileEnd`,
 *   `<window>-<pid>.cpuprofile`, then `<window>-<pid>.done`. A failure writes `<window>-<pid>.json`
 *   ({tool, pid, error}) instead of the profile; nothing is ever thrown into the server.
 *
 * An in-process Session answers `post` and delivers its events synchronously, which is what lets the
 * exit handler close the window and write the file before the process ends.
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
  const rateHz = Number(process.env.PERFGATE_PROFILE_RATE_HZ);
  const intervalUs =
    Number.isFinite(rateHz) && rateHz > 0 ? Math.max(1, Math.round(1e6 / rateHz)) : undefined;

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

  // The keeper: see the header for why the profiler runs from start-up.
  let inspector;
  let session;
  const finished = new Map();
  try {
    inspector = require('node:inspector');
    session = new inspector.Session();
    session.connect();
    session.on('Profiler.consoleProfileFinished', ({ params }) => finished.set(params.title, params.profile));
    post(session, 'Profiler.enable');
    if (intervalUs !== undefined) post(session, 'Profiler.setSamplingInterval', { interval: intervalUs });
    post(session, 'Profiler.start');
    ready.tool = `node ${process.versions.node} inspector`;
  } catch (error) {
    ready.error = `node:inspector cannot profile in ${process.execPath} (${describe(error)})`;
    try {
      session?.disconnect();
    } catch {
      // never connected
    }
  }
  try {
    writeJson(path.join(directory, `ready-${pid}.json`), ready);
  } catch {
    return; // the folder is gone: this server is not being profiled
  }
  if (ready.tool === undefined) return;

  const control = path.join(directory, 'control.json');
  const readControl = () => {
    try {
      return JSON.parse(fs.readFileSync(control, 'utf8'));
    } catch {
      return undefined;
    }
  };
  // A window opened before this process started is not ours.
  const state = { seq: readControl()?.seq, window: null };
  const stemOf = (window) => path.join(directory, `${window}-${pid}`);
  const titleOf = (window) => `perfgate ${window}`;

  function begin(window) {
    state.window = window;
    try {
      inspector.console.profile(titleOf(window));
    } catch (error) {
      writeJson(`${stemOf(window)}.json`, { tool: ready.tool, pid, error: describe(error) });
    }
    touch(`${stemOf(window)}.started`);
  }

  function closeWindow() {
    const window = state.window;
    if (window === null) return;
    state.window = null;
    const stem = stemOf(window);
    try {
      inspector.console.profileEnd(titleOf(window));
      const profile = finished.get(titleOf(window));
      finished.delete(titleOf(window));
      if (profile === undefined) throw new Error(`the inspector sent no profile for ${titleOf(window)}`);
      writeFileAtomic(`${stem}.cpuprofile`, JSON.stringify(profile));
    } catch (error) {
      writeJson(`${stem}.json`, { tool: ready.tool, pid, error: describe(error) });
    } finally {
      touch(`${stem}.done`);
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
