"""No memory leak over 1,000 repeated fits: the resident set size stays flat.

Each problem has p = 2,000 features, so a leaked O(p) float64 buffer per fit
(16 kB) would add 16 MB over the 1,000 fits, above the 10 MB allowed for
allocator noise after the warm-up; ``test_the_measure_sees_a_leak`` checks
that such a leak is seen.  Skipped under AddressSanitizer, whose quarantine
of freed memory makes the RSS grow by design.  Each measure runs in a fresh
process: in a process that has already freed memory (the rest of the test
suite) a leak can hide in reused heap space.
"""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import penalized

N_FITS = 1000
ALLOWED_GROWTH = 10 * 2 ** 20


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _problems():
    rng = np.random.default_rng(0)
    n, p = 40, 2000
    X = np.asfortranarray(rng.standard_normal((n, p)))
    y = X[:, :3] @ np.array([2.0, -1.0, 1.0]) + 0.1 * rng.standard_normal(n)
    Xs = sp.random(n, p, density=0.05, format="csc", random_state=1)
    ys = np.asarray(Xs[:, :3] @ np.array([2.0, -1.0, 1.0])).ravel() + 0.1 * rng.standard_normal(n)
    labels = (y > np.median(y)).astype(int)
    return [
        ("dense Lasso", lambda: penalized.Lasso(alpha=0.3).fit(X, y)),
        ("sparse Lasso", lambda: penalized.Lasso(alpha=0.01).fit(Xs, ys)),
        ("dense EN path", lambda: penalized.enet_path(X, y, l1_ratio=0.5, alphas=2, eps=0.3)),
        ("logistic", lambda: penalized.LogisticRegression(penalty="l1", alpha=0.05).fit(X, labels)),
    ]


pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/statm"),
    pytest.mark.skipif("asan" in os.environ.get("LD_PRELOAD", ""),
                       reason="AddressSanitizer quarantines freed memory"),
]


def _measure(name):
    """RSS growth (bytes) over N_FITS fits after a warm-up, in this process."""
    if name == "leak canary":
        fit = dict(_problems())["dense Lasso"]
        kept = []
        def fit(fit=fit):
            kept.append(np.ones(2000))
    else:
        fit = dict(_problems())[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(50):       # warm-up: caches, allocator arenas, lazy imports
            fit()
        before = _rss_bytes()
        for _ in range(N_FITS):
            fit()
        return _rss_bytes() - before


PROBLEMS = ["dense Lasso", "sparse Lasso", "dense EN path", "logistic"]


def _measure_in_child(*names):
    """{name: growth}, measured one after the other in one fresh process."""
    out = subprocess.run([sys.executable, __file__, *names], capture_output=True, text=True,
                         check=True, timeout=300)
    return dict(zip(names, map(int, out.stdout.split())))


def test_rss_is_flat_over_repeated_fits():
    growth = _measure_in_child(*PROBLEMS)
    bad = {k: f"{v / 2**20:.1f} MB" for k, v in growth.items() if v >= ALLOWED_GROWTH}
    assert not bad, f"RSS grew over {N_FITS} fits: {bad}"


def test_the_measure_sees_a_leak():
    """The same measure, around a loop that keeps one O(p) buffer per iteration."""
    assert _measure_in_child("leak canary")["leak canary"] > ALLOWED_GROWTH


if __name__ == "__main__":
    print(*(_measure(name) for name in sys.argv[1:]))
