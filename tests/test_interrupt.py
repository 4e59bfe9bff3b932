"""Ctrl-C during a long fit stops it promptly with KeyboardInterrupt."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigint_stops_a_long_fit_quickly():
    code = textwrap.dedent("""
        import signal, sys, time
        import numpy as np
        import penalized
        # a shell that starts jobs in the background (nohup ... &) makes them ignore
        # SIGINT, and Python keeps an inherited SIG_IGN: restore Python's handler
        signal.signal(signal.SIGINT, signal.default_int_handler)
        rng = np.random.default_rng(0)
        X = np.asfortranarray(rng.standard_normal((400, 4000)))
        y = X[:, :300] @ rng.standard_normal(300)
        est = penalized.Lasso(alpha=1e-6, tol=0.0, max_iter=10**9)
        print("ready", flush=True)
        try:
            est.fit(X, y)
        except KeyboardInterrupt:
            print("interrupted", hasattr(est, "coef_"), flush=True)
            sys.exit(0)
        print("finished", flush=True)
        sys.exit(1)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.0)  # well inside the fit, which would run for hours
    t0 = time.perf_counter()
    os.kill(proc.pid, signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    elapsed = time.perf_counter() - t0
    assert proc.returncode == 0, out
    assert out.strip() == "interrupted False"  # the estimator kept its previous (unfitted) state
    assert elapsed < 5.0


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("estimator", ["Lasso", "LogisticRegression"])
def test_interrupted_refit_keeps_the_previous_model(estimator):
    """Fit once, interrupt a refit on other data (other p, alpha): every attribute is unchanged."""
    code = textwrap.dedent("""
        import pickle, signal, sys
        import numpy as np
        import pandas as pd
        import penalized
        signal.signal(signal.SIGINT, signal.default_int_handler)
        rng = np.random.default_rng(0)
        X0 = pd.DataFrame(rng.standard_normal((30, 5)), columns=list("abcde"))
        y0 = X0["a"] - X0["b"] + 0.1 * rng.standard_normal(30)
        X = np.asfortranarray(rng.standard_normal((400, 4000)))
        y = X[:, :300] @ rng.standard_normal(300)
        if "{est}" == "Lasso":
            est = penalized.Lasso(alpha=0.1).fit(X0, y0)
            est.set_params(alpha=1e-6, tol=0.0, max_iter=10**9)
        else:
            y0, y = (y0 > 0).astype(int), (y > 0).astype(int)
            est = penalized.LogisticRegression(penalty="l1", alpha=0.05).fit(X0, y0)
            est.set_params(alpha=1e-7, tol=0.0, max_iter=10**9)
        before = {{k: v for k, v in vars(est).items() if k.endswith("_")}}
        print("ready", flush=True)
        try:
            est.fit(X, y)
        except KeyboardInterrupt:
            after = {{k: v for k, v in vars(est).items() if k.endswith("_")}}
            same = before.keys() == after.keys() and all(
                np.array_equal(np.asarray(before[k], dtype=object), np.asarray(after[k], dtype=object))
                for k in before)
            print("interrupted", same, list(est.feature_names_in_), est.predict(X0).shape,
                  flush=True)
            sys.exit(0)
        sys.exit(1)
    """).format(est=estimator)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.5)
    t0 = time.perf_counter()
    os.kill(proc.pid, signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    elapsed = time.perf_counter() - t0
    assert proc.returncode == 0, out
    assert out.strip() == "interrupted True ['a', 'b', 'c', 'd', 'e'] (30,)"
    assert elapsed < 5.0
