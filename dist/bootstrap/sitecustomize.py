"""perfgate's profiling bootstrap for Python servers.

Python imports ``sitecustomize`` at start-up from the first folder on ``sys.path`` that has one;
perfgate puts this file's folder first on ``PYTHONPATH`` for the servers of its profiling phase only
(never for the measured trials). Every Python process of the server loads it: the gunicorn master,
its forked workers (an at-fork hook restarts the control thread in each child), uvicorn's spawned
workers, and any helper process.

Protocol, all files in ``$PERFGATE_PROFILE_DIR`` (written by perfgate's adapter,
src/adapters/python-bootstrap.ts):

- at start-up each process writes ``ready-<pid>.json``: its tool, Python version, argv, or why the
  tool cannot run here (``error``);
- perfgate writes ``control.json`` (``{"seq": n, "state": "start" | "stop", "window": name}``) by
  renaming a temporary file over it; a daemon thread per process polls it every 50 ms;
- on ``start`` the process opens a window and writes ``<window>-<pid>.started``; on ``stop`` (or at
  exit, when the server is stopped during a window) it writes the window's native file
  (``<window>-<pid>.pstats`` for cProfile and yappi, which snakeviz opens;
  ``<window>-<pid>.tracemalloc`` for tracemalloc, which ``tracemalloc.Snapshot.load`` reads), the
  converted ``<window>-<pid>.json``, then ``<window>-<pid>.done``.

Tools (``$PERFGATE_PROFILE_TOOL``, a comma-separated preference list; the first that imports runs):

- ``cprofile``: one ``cProfile.Profile`` per thread timed by the thread's CPU clock, enabled from start-up (the main thread here,
  later threads through ``threading.setprofile``), because before Python 3.12 a thread can only turn
  on profiling for itself and a threaded server's worker threads exist before the window opens. A
  window is the difference of two snapshots of every thread's statistics.
- ``yappi``: ``yappi.start(profile_threads=True)`` at the window's start (all threads, asyncio
  coroutines attributed correctly), CPU clock, saved as pstats at its end.
- ``tracemalloc``: tracing during the window only (``$PERFGATE_TRACEMALLOC_FRAMES`` frames, default
  12); a window's growth is the memory allocated during it and still live at its end, by allocation
  traceback (a leak, a cache that grows per request).

Finally the ``sitecustomize`` this file hides (a later one on ``sys.path``, e.g. Debian's) is run, so
the server starts as it would without perfgate.
"""

import os
import sys


def _perfgate_bootstrap():
    directory = os.environ.get("PERFGATE_PROFILE_DIR")
    if not directory:
        return
    import atexit
    import json
    import threading
    import time

    here = os.path.dirname(os.path.abspath(__file__))

    def write_json(path, value):
        temporary = "%s.%d.tmp" % (path, os.getpid())
        with open(temporary, "w") as handle:
            json.dump(value, handle)
        os.replace(temporary, path)

    def touch(path):
        with open(path, "w"):
            pass

    def frame_key(code_key):
        file, line, name = code_key
        return {"file": file, "line": line, "name": name}

    def stats_to_functions(stats):
        """pstats' {(file, line, name): (cc, nc, tt, ct, callers)} as perfgate's JSON rows (seconds)."""
        rows = []
        for key, (cc, nc, tt, ct, callers) in stats.items():
            row = frame_key(key)
            row.update(primitiveCalls=cc, calls=nc, selfSeconds=tt, totalSeconds=ct, callers=[])
            for caller, value in callers.items():
                edge = frame_key(caller)
                if isinstance(value, tuple):
                    edge.update(
                        calls=value[0], primitiveCalls=value[1], selfSeconds=value[2], totalSeconds=value[3]
                    )
                else:  # very old pstats: a call count only
                    edge.update(calls=value, primitiveCalls=value, selfSeconds=0.0, totalSeconds=0.0)
                row["callers"].append(edge)
            rows.append(row)
        return rows

    def own_file(file):
        return file.startswith(here)

    class CProfileTool:
        name = "cProfile"

        def __init__(self):
            import cProfile

            self._cProfile = cProfile
            self._lock = threading.Lock()
            self._profilers = {}
            self._start = None
            self._enable_here()
            threading.setprofile(self._thread_hook)

        def _enable_here(self):
            # CPU time of this thread: the gate measures CPU per request, and a wall clock would
            # charge every blocking socket call its wait.
            profiler = self._cProfile.Profile(time.thread_time)
            with self._lock:
                self._profilers[threading.get_ident()] = profiler
            profiler.enable()

        def _thread_hook(self, frame, event, arg):
            sys.setprofile(None)
            if threading.current_thread().name != "perfgate-profile-control":
                self._enable_here()

        def after_fork(self):
            # Only the forking thread lives on in the child; the lock may have been held by a thread
            # that did not, so the child gets a fresh one.
            ident = threading.get_ident()
            self._lock = threading.Lock()
            self._profilers = {k: v for k, v in self._profilers.items() if k == ident}
            self._start = None

        def _snapshot(self):
            with self._lock:
                profilers = list(self._profilers.values())
            merged = {}
            for profiler in profilers:
                profiler.snapshot_stats()
                for key, (cc, nc, tt, ct, callers) in profiler.stats.items():
                    if own_file(key[0]):
                        continue
                    old = merged.get(key)
                    if old is None:
                        merged[key] = (cc, nc, tt, ct, dict(callers))
                        continue
                    edges = old[4]
                    for caller, value in callers.items():
                        edges[caller] = tuple(a + b for a, b in zip(edges.get(caller, (0, 0, 0.0, 0.0)), value))
                    merged[key] = (old[0] + cc, old[1] + nc, old[2] + tt, old[3] + ct, edges)
            return merged

        def begin(self):
            self._start = self._snapshot()

        def end(self, stem):
            end = self._snapshot()
            start = self._start or {}
            window = {}
            for key, (cc, nc, tt, ct, callers) in end.items():
                before = start.get(key)
                if before is not None:
                    cc, nc, tt, ct = cc - before[0], nc - before[1], tt - before[2], ct - before[3]
                    edges = {}
                    for caller, value in callers.items():
                        old = before[4].get(caller, (0, 0, 0.0, 0.0))
                        diff = tuple(a - b for a, b in zip(value, old))
                        if diff[0] > 0:
                            edges[caller] = diff
                    callers = edges
                if nc > 0:
                    window[key] = (cc, nc, max(tt, 0.0), max(ct, 0.0), callers)
            return write_pstats(stem, window, self.name)

    class YappiTool:
        name = "yappi"

        def __init__(self):
            import yappi

            self._yappi = yappi
            self.name = "yappi %s" % getattr(yappi, "__version__", "")

        def after_fork(self):
            if self._yappi.is_running():
                self._yappi.stop()
            self._yappi.clear_stats()

        def begin(self):
            self._yappi.clear_stats()
            self._yappi.set_clock_type("cpu")
            self._yappi.start(builtins=False, profile_threads=True)

        def end(self, stem):
            import pstats

            yappi = self._yappi
            yappi.stop()
            native = stem + ".pstats"
            # Every thread but perfgate's control thread, merged.
            parts = []
            for thread in yappi.get_thread_stats():
                if thread.name == "perfgate-profile-control":
                    continue
                part = "%s.%d.part" % (native, thread.id)
                yappi.get_func_stats(filter={"ctx_id": thread.id}).save(part, type="pstat")
                parts.append(part)
            yappi.clear_stats()
            if parts:
                merged = pstats.Stats(*parts)
                merged.dump_stats(native)
                for part in parts:
                    os.remove(part)
                stats = merged.stats
            else:
                write_pstats(stem, {}, self.name)
                stats = {}
            stats = {k: v for k, v in stats.items() if not own_file(k[0])}
            return write_pstats(stem, stats, self.name, native_written=True)

    class TracemallocTool:
        name = "tracemalloc"

        def __init__(self):
            import tracemalloc

            self._tracemalloc = tracemalloc
            self._frames = int(os.environ.get("PERFGATE_TRACEMALLOC_FRAMES", "12"))

        def after_fork(self):
            if self._tracemalloc.is_tracing():
                self._tracemalloc.stop()

        def begin(self):
            # Tracing only during the window: what it allocates and still holds at its end is the
            # growth. Cheap to start (no snapshot of a whole heap), and no cost outside the window.
            tm = self._tracemalloc
            if tm.is_tracing():
                tm.clear_traces()
            else:
                tm.start(self._frames)

        def end(self, stem):
            import linecache

            tm = self._tracemalloc
            end = tm.take_snapshot().filter_traces(
                (tm.Filter(False, tm.__file__), tm.Filter(False, __file__), tm.Filter(False, "<frozen *>"))
            )
            tm.stop()
            end.dump(stem + ".tracemalloc")
            growth = []
            for stat in end.statistics("traceback"):
                frames = []
                for frame in stat.traceback:  # oldest first (Python 3.7+)
                    text = linecache.getline(frame.filename, frame.lineno).strip()
                    frames.append({"file": frame.filename, "line": frame.lineno, "name": text[:80] or "<unknown>"})
                growth.append({"frames": frames, "bytes": stat.size, "count": stat.count})
            write_json(
                stem + ".json",
                {"tool": self.name, "pid": os.getpid(), "kind": "memory", "growth": growth},
            )
            return stem + ".tracemalloc"

    def write_pstats(stem, stats, tool, native_written=False):
        import marshal

        native = stem + ".pstats"
        if not native_written:
            with open(native, "wb") as handle:
                marshal.dump(stats, handle)
        write_json(
            stem + ".json",
            {"tool": tool, "pid": os.getpid(), "kind": "calls", "functions": stats_to_functions(stats)},
        )
        return native

    tools = {"cprofile": CProfileTool, "yappi": YappiTool, "tracemalloc": TracemallocTool}
    wanted = [t.strip() for t in os.environ.get("PERFGATE_PROFILE_TOOL", "cprofile").split(",") if t.strip()]
    tool = None
    errors = []
    for name in wanted:
        factory = tools.get(name)
        if factory is None:
            errors.append("unknown tool %r" % name)
            continue
        try:
            tool = factory()
            break
        except ImportError as error:
            errors.append("%s is not installed for %s (%s)" % (name, sys.executable, error))
    ready = {
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "argv": list(sys.argv),
    }
    if tool is None:
        ready["error"] = "; ".join(errors) or "no tool requested"
    else:
        ready["tool"] = tool.name
        if errors:
            ready["fallback"] = "; ".join(errors)
    try:
        write_json(os.path.join(directory, "ready-%d.json" % os.getpid()), ready)
    except OSError:
        return
    if tool is None:
        return

    state = {"seq": None, "window": None}
    control = os.path.join(directory, "control.json")

    def stem_of(window):
        return os.path.join(directory, "%s-%d" % (window, os.getpid()))

    def close_window():
        window = state["window"]
        if window is None:
            return
        state["window"] = None
        stem = stem_of(window)
        try:
            tool.end(stem)
        except Exception as error:  # a failed dump is reported, never raised into the server
            write_json(stem + ".json", {"tool": tool.name, "pid": os.getpid(), "error": repr(error)})
        touch(stem + ".done")

    def poll():
        try:
            with open(control) as handle:
                message = json.load(handle)
        except (OSError, ValueError):
            return
        if message.get("seq") == state["seq"]:
            return
        state["seq"] = message.get("seq")
        if message.get("state") == "start" and state["window"] is None:
            window = str(message.get("window"))
            tool.begin()
            state["window"] = window
            touch(stem_of(window) + ".started")
        elif message.get("state") == "stop":
            close_window()

    def control_loop():
        while True:
            try:
                poll()
            except Exception as error:
                try:
                    write_json(
                        os.path.join(directory, "error-%d.json" % os.getpid()), {"error": repr(error)}
                    )
                except OSError:
                    pass
            time.sleep(0.05)

    def start_control_thread():
        thread = threading.Thread(target=control_loop, name="perfgate-profile-control", daemon=True)
        thread.start()

    def after_fork_in_child():
        tool.after_fork()
        state["seq"] = None
        state["window"] = None
        try:
            with open(control) as handle:
                state["seq"] = json.load(handle).get("seq")  # a window opened before the fork is not ours
        except (OSError, ValueError):
            pass
        ready["pid"] = os.getpid()
        ready["ppid"] = os.getppid()
        write_json(os.path.join(directory, "ready-%d.json" % os.getpid()), ready)
        start_control_thread()

    try:
        with open(control) as handle:
            state["seq"] = json.load(handle).get("seq")
    except (OSError, ValueError):
        pass
    os.register_at_fork(after_in_child=after_fork_in_child)
    atexit.register(close_window)
    start_control_thread()


def _perfgate_chain():
    """Runs the sitecustomize this one hides, if any, as Python would have without perfgate."""
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    path = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


try:
    _perfgate_bootstrap()
except Exception as _perfgate_error:  # never keep the server from starting
    sys.stderr.write("perfgate profiling bootstrap failed: %r\n" % (_perfgate_error,))
_perfgate_chain()
