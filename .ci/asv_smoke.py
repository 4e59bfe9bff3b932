"""Run every asv benchmark once, in one process, so that the benchmarks cannot rot.

``asv run --quick`` ran every parameter combination, each in a fresh process
(import, setup, the real data sets loaded again): 8 of .ci/run's minutes.  Here each
benchmark class runs on a covering set of its parameter grid: combination k takes
the k-th value of every parameter (cycling), so every value of every parameter is
used once, and every ``time_`` / ``track_`` / ``peakmem_`` / ``mem_`` method is
called on it.  asv's own checks of the suite's structure run first (``asv check``,
in .ci/run).  A ``NotImplementedError`` from ``setup`` is asv's skip; any other
exception fails the run.  Timings are not looked at.

Usage: python .ci/asv_smoke.py [BENCHMARK_DIR]   (default: asv_bench/benchmarks)
"""

import importlib.util
import inspect
import sys
import time
import traceback
from pathlib import Path

PREFIXES = ("time_", "track_", "peakmem_", "mem_", "timeraw_")


def load(path):
    spec = importlib.util.spec_from_file_location(f"asv_smoke_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def covering(params):
    """Parameter tuples using every value of every parameter at least once."""
    if not params:
        return [()]
    if not isinstance(params[0], (list, tuple)):      # one parameter given as a flat list
        params = [params]
    width = max(len(p) for p in params)
    return [tuple(p[k % len(p)] for p in params) for k in range(width)]


def run_class(cls):
    """(runs, skips) of one benchmark class; raises on a failure."""
    methods = [name for name in dir(cls) if name.startswith(PREFIXES)]
    runs = skips = 0
    for args in covering(getattr(cls, "params", [])):
        bench = cls()
        try:
            if hasattr(bench, "setup"):
                bench.setup(*args)
        except NotImplementedError:
            skips += 1
            continue
        try:
            for name in methods:
                getattr(bench, name)(*args)
                runs += 1
        finally:
            if hasattr(bench, "teardown"):
                bench.teardown(*args)
    return runs, skips


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "asv_bench/benchmarks")
    failures = 0
    for path in sorted(root.glob("*.py")):
        if path.name == "__init__.py":
            continue
        module = load(path)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            if not any(m.startswith(PREFIXES) for m in dir(cls)):
                continue
            start = time.perf_counter()
            try:
                runs, skips = run_class(cls)
            except Exception:
                failures += 1
                print(f"FAILED {path.stem}.{name}")
                traceback.print_exc()
                continue
            print(f"ok {path.stem}.{name}: {runs} calls, {skips} skipped setups, "
                  f"{time.perf_counter() - start:.1f} s", flush=True)
    if failures:
        sys.exit(f"{failures} benchmark class(es) failed")


if __name__ == "__main__":
    main()
