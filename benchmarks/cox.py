"""Cox proportional hazards (Breslow), L1: penalized against scikit-survival and skglm at
equal accuracy, single-threaded; lifelines (Efron, pure L2) for agreement and speed.

    pip install scikit-survival skglm lifelines
    OPENBLAS_NUM_THREADS=1 flock /tmp/penalized-bench.lock python benchmarks/cox.py
    ... python benchmarks/cox.py --path      # 50-alpha paths, alpha_max to alpha_max / 100
    python benchmarks/cox.py --adelie /work/venvs/adelie/bin/python   # agreement table

``--sets a,b``: only those sets (names as printed, e.g. whas500,gbsg2; to keep each
benchmark-lock hold short).  ``--no-adelie``: leave adelie out of the timing.  adelie
(``adelie_cox_runner.py`` in ``PENALIZED_ADELIE_PYTHON``, default
/work/venvs/adelie/bin/python, numpy < 2) is timed by the runner itself (its ``grpnet``
call only, not the subprocess start and import), tol along the same ladder.

``--adelie PYTHON``: agreement with adelie's Cox (``adelie_cox_runner.py`` in adelie's
numpy < 2 venv), Breslow and Efron, L1 and elastic net (l1_ratio 0.5), 20-alpha paths
alpha_max .. alpha_max / 20, both solvers at tol 1e-12; the objectives and KKT
violations recomputed here in numpy (no timing).

Objective of every solver: 1/n sum_{i: event} [log sum_{j in R(t_i)} exp(x_j w) - x_i w]
+ alpha ||w||_1 (Breslow; scikit-survival's CoxnetSurvivalAnalysis(l1_ratio=1, alphas=[alpha])
and skglm's Cox() datafit with L1(alpha) have exactly this scaling).  lifelines'
CoxPHFitter(penalizer=c, l1_ratio=0) minimises the Efron -loglik / n + c/2 ||v||^2 in the
coefficients v of its own standardized columns (pandas std, ddof=1): on X standardized
that way alpha = c (its L1 is a smoothed |.|, which never meets a KKT target: not run).
Accuracy target, checked here in numpy (BENCHMARKS.md's rule for L1 GLMs): the largest KKT
violation (distance of the gradient to -alpha * subdifferential) <= 1e-4 * alpha (for the
L2 task: the gradient's norm <= 1e-4 * alpha).  Each solver's tol is tightened along
1e-4 .. 1e-12 until it meets the target at every alpha; the time is the median of 3
interleaved runs at that tol after a warm-up (skglm compiles with numba first).  The
agreement table gives each peer's objective minus ours at its tightest tol.

Data: scikit-survival's bundled sets (loaded at run time from the installed package, not
copied: whas500, GBSG2, breast_cancer (GSE7390), flchain; categorical columns one-hot
encoded, rows with missing values dropped, columns standardized), and synthetic correlated
dense sets (seeds below; times rounded to 0.01 for ties).
"""

import sys
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

import penalized
from _common import median_time
from penalized._cox import SurvivalStructure, cox_loss

TOLS = [1e-4, 1e-6, 1e-8, 1e-10, 1e-12]


def standardize(X, ddof=0):
    X = np.asarray(X, dtype=np.float64)
    sd = X.std(0, ddof=ddof)
    keep = sd > 0
    return np.asfortranarray((X[:, keep] - X[:, keep].mean(0)) / sd[keep])


def synthetic(n, p, seed, rho=0.5, k=10):
    rng = np.random.default_rng(seed)
    C = rho ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    X = rng.standard_normal((n, p)) @ np.linalg.cholesky(C).T
    w = np.zeros(p)
    w[rng.choice(p, k, replace=False)] = rng.uniform(-0.5, 0.5, k)
    t = rng.exponential(np.exp(-X @ w))
    c = rng.exponential(np.median(t) * 2, n)
    return standardize(X), np.round(np.minimum(t, c), 2), (t <= c).astype(float)


def sksurv_set(name):
    from sksurv import datasets
    from sksurv.column import encode_categorical
    Xdf, y = getattr(datasets, f"load_{name}")()
    if name == "flchain":       # chapter: the cause of death (missing when censored)
        Xdf = Xdf.drop(columns="chapter")
    keep = ~np.asarray(Xdf.isna().any(axis=1))
    Xdf, y = encode_categorical(Xdf[keep]), y[keep]
    names = y.dtype.names
    return standardize(Xdf.values.astype(float)), y[names[1]].astype(float), \
        y[names[0]].astype(float)


def datasets_():
    out = []
    try:
        for name in ["whas500", "gbsg2", "breast_cancer", "flchain"]:
            out.append((name,) + sksurv_set(name))
    except ImportError:
        print("scikit-survival not installed: no bundled real sets")
    out.append(("synthetic 1000x200",) + synthetic(1000, 200, 0))
    out.append(("synthetic 5000x50",) + synthetic(5000, 50, 1))
    return out


class Problem:
    def __init__(self, X, time_, event, ties="breslow"):
        self.X, self.time, self.event, self.ties = X, time_, event, ties
        self.n = X.shape[0]
        self.st = SurvivalStructure(time_, event)
        self.s = np.ones(self.n)

    def grad(self, w):
        _, th = cox_loss(self.X @ w, self.st, self.s, self.ties, gradient=True)
        return -(self.X.T @ th) / self.n

    def objective(self, w, alpha, l1_ratio=1.0):
        return (cox_loss(self.X @ w, self.st, self.s, self.ties) / self.n
                + alpha * l1_ratio * np.abs(w).sum() + alpha * (1 - l1_ratio) / 2 * w @ w)

    def kkt(self, w, alpha, l1_ratio=1.0):
        g = self.grad(w) + alpha * (1 - l1_ratio) * w
        l1 = alpha * l1_ratio
        v = np.where(w != 0, np.abs(g + l1 * np.sign(w)), np.maximum(np.abs(g) - l1, 0.0))
        return float(v.max())

    def alpha_max(self):
        return float(np.abs(self.grad(np.zeros(self.X.shape[1]))).max())


# --- solvers: each returns the coefficients (p, n_alphas) for the grid -----------------

def run_ours(P, alphas, tol, l1_ratio=1.0, ties="breslow"):
    y = np.c_[P.time, P.event]
    if alphas.size == 1:
        pen = "l1" if l1_ratio == 1 else "l2"
        m = penalized.CoxRegression(pen, alpha=alphas[0], tol=tol, ties=ties,
                                    max_iter=10000).fit(P.X, y)
        return m.coef_[:, None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return penalized.cox_path(P.X, y, alphas=alphas, tol=tol, max_iter=10000)[1]


def run_sksurv(P, alphas, tol):
    from sksurv.linear_model import CoxnetSurvivalAnalysis
    from sksurv.util import Surv
    y = Surv.from_arrays(P.event.astype(bool), P.time)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = CoxnetSurvivalAnalysis(l1_ratio=1.0, alphas=alphas, tol=tol,
                                   max_iter=10 ** 7).fit(P.X, y)
    return np.asarray(m.coef_)


def run_skglm(P, alphas, tol):
    from skglm.datafits import Cox
    from skglm.penalties import L1
    from skglm.solvers import ProxNewton
    y = np.c_[P.time, P.event]
    datafit = Cox()
    datafit.initialize(P.X, y)
    out = np.empty((P.X.shape[1], alphas.size))
    for k, a in enumerate(alphas):
        # cold starts: skglm 0.5's ProxNewton warm-started (w_init) from a non-zero point
        # ends at a wrong point for the Cox datafit (objective above the cold solve's)
        solver = ProxNewton(fit_intercept=False, tol=tol, max_iter=1000, max_pn_iter=1000)
        out[:, k] = solver.solve(P.X, y, datafit, L1(a))[0][:P.X.shape[1]]
    return out


def run_lifelines(P, alphas, tol):
    import pandas as pd
    from lifelines import CoxPHFitter
    df = pd.DataFrame(P.X, columns=[f"x{j}" for j in range(P.X.shape[1])])
    df["T"], df["E"] = P.time, P.event
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = CoxPHFitter(penalizer=alphas[0], l1_ratio=0.0).fit(
            df, "T", "E", fit_options={"precision": tol, "max_steps": 1000})
    return m.params_.values[:, None]


def task(P, alphas, solvers, l1_ratio=1.0, repeats=3):
    """For each solver: the loosest tol meeting the target at every alpha, the median time
    there (interleaved), the worst target ratio, and its objective minus ours (tightest)."""
    def ok(W):
        return max(P.kkt(W[:, k], a, l1_ratio) / (1e-4 * a) for k, a in enumerate(alphas))

    chosen = {}
    for name, fn in solvers.items():
        try:
            fn(alphas[:1], TOLS[0])          # warm-up (numba)
        except Exception as exc:              # noqa: BLE001 - report, keep going
            chosen[name] = (None, f"error: {type(exc).__name__}: {exc}"[:80], None)
            continue
        got = None
        for tol in TOLS:
            W = fn(alphas, tol)
            r = ok(W)
            got = (tol, r, W)
            if r <= 1.0:
                break
        chosen[name] = got
    times = {name: [] for name, v in chosen.items() if v[0] is not None}
    inner = {}
    for name in times:          # fast fits are timed over several calls (>= 0.05 s)
        tol = chosen[name][0]
        if isinstance(solvers[name], SelfTimed):
            t1 = solvers[name].timed(alphas, tol, 2)
        else:
            t1 = median_time(lambda: solvers[name](alphas, tol), 1)
        inner[name] = max(1, int(0.05 / max(t1, 1e-6)))
    for _ in range(repeats):
        for name in times:
            tol, k = chosen[name][0], inner[name]
            if isinstance(solvers[name], SelfTimed):
                times[name].append(solvers[name].timed(alphas, tol, max(k, 3)))
                continue

            def run(name=name, tol=tol, k=k):
                for _ in range(k):
                    solvers[name](alphas, tol)

            times[name].append(median_time(run, 1) / k)
    ref = chosen.get(next(iter(solvers)))
    rows = []
    for name, (tol, r, W) in chosen.items():
        if tol is None:
            rows.append((name, None, None, None, r))
            continue
        dF = None
        if ref is not None and ref[0] is not None:
            dF = max(P.objective(W[:, k], a, l1_ratio) - P.objective(ref[2][:, k], a, l1_ratio)
                     for k, a in enumerate(alphas))
        rows.append((name, float(np.median(times[name])), tol, r, dF))
    return rows


def run_adelie(python, P, alphas, tol, l1_ratio, repeats=1):
    """adelie's path (adelie_cox_runner.py in its own venv): coefficients (p, n_alphas)
    and the median seconds of its grpnet call over ``repeats`` runs."""
    import subprocess
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
        np.savez(inp, X=P.X, time=P.time, event=P.event, alphas=alphas, ties=P.ties,
                 l1_ratio=l1_ratio)
        subprocess.run([python, str(Path(__file__).with_name("adelie_cox_runner.py")),
                        str(inp), str(out), "--tol", str(tol), "--repeats", str(repeats)],
                       check=True, capture_output=True)
        z = np.load(out)
        return z["coefs"], float(np.median(z["times"]))


class SelfTimed:
    """A solver timed by itself (adelie in its subprocess): called as the others for the
    tol ladder, ``timed(alphas, tol, k)`` gives the median seconds of k runs."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, alphas, tol):
        return self.fn(alphas, tol, 1)[0]

    def timed(self, alphas, tol, k):
        return self.fn(alphas, tol, k)[1]


def agreement(python, n_alphas=20):
    """adelie against us at tight tolerance: per set, ties and l1_ratio, the largest
    F_adelie - F_ours (numpy objectives) over a path alpha_max .. alpha_max / 20 and
    each solver's largest KKT violation / alpha (numpy)."""
    print("| set | n x p | ties | l1_ratio | max F_adelie - F_ours | max abs(dF) / F_ours |"
          " KKT / alpha (ours) | KKT / alpha (adelie) |")
    print("|---|---|---|---|---|---|---|---|")
    with threadpool_limits(1):
        for name, X, t, e in datasets_():
            for ties in ("breslow", "efron"):
                P = Problem(X, t, e, ties=ties)
                for l1_ratio in (1.0, 0.5):
                    amax = P.alpha_max() / l1_ratio
                    alphas = np.geomspace(amax, amax / 20, n_alphas)
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        W = penalized.cox_path(P.X, np.c_[P.time, P.event], alphas=alphas,
                                               ties=ties, l1_ratio=l1_ratio, tol=1e-12,
                                               max_iter=100000)[1]
                    A, _ = run_adelie(python, P, alphas, 1e-12, l1_ratio)
                    F = np.array([P.objective(W[:, k], a, l1_ratio) for k, a in enumerate(alphas)])
                    FA = np.array([P.objective(A[:, k], a, l1_ratio)
                                   for k, a in enumerate(alphas)])
                    ko = max(P.kkt(W[:, k], a, l1_ratio) / a for k, a in enumerate(alphas))
                    ka = max(P.kkt(A[:, k], a, l1_ratio) / a for k, a in enumerate(alphas))
                    print(f"| {name} | {X.shape[0]}x{X.shape[1]} | {ties} | {l1_ratio} | "
                          f"{np.max(FA - F):.2e} | {np.max(np.abs(FA - F) / F):.1e} | "
                          f"{ko:.1e} | {ka:.1e} |")


def adelie_python():
    import os
    from pathlib import Path
    if "--no-adelie" in sys.argv:
        return None
    py = os.environ.get("PENALIZED_ADELIE_PYTHON", "/work/venvs/adelie/bin/python")
    return py if Path(py).exists() else None


def main():
    if "--help" in sys.argv or "-h" in sys.argv:
        print(__doc__)
        return
    if "--adelie" in sys.argv:
        agreement(sys.argv[sys.argv.index("--adelie") + 1])
        return
    path = "--path" in sys.argv
    sets = (sys.argv[sys.argv.index("--sets") + 1].split(",") if "--sets" in sys.argv
            else None)
    ad_py = adelie_python()
    print(f"task: {'50-alpha path to alpha_max/100' if path else 'single fit at alpha_max/10'}"
          ", L1, Breslow; lifelines: Efron, L2 at alpha_max/10 (single fits only)\n")
    print("| set | n x p | events | solver | time (s) | tol | KKT / target | F - F_ours |"
          " ratio (peer / ours) |")
    print("|---|---|---|---|---|---|---|---|---|")
    summary = []
    with threadpool_limits(1):
        for name, X, t, e in datasets_():
            if sets is not None and name.replace("synthetic ", "") not in sets \
                    and name not in sets:
                continue
            P = Problem(X, t, e)
            amax = P.alpha_max()
            alphas = (np.geomspace(amax, amax / 100, 50) if path else np.array([amax / 10]))
            solvers = {"penalized": lambda a, tol: run_ours(P, a, tol),
                       "scikit-survival": lambda a, tol: run_sksurv(P, a, tol),
                       "skglm": lambda a, tol: run_skglm(P, a, tol)}
            if ad_py is not None:
                solvers["adelie"] = SelfTimed(
                    lambda a, tol, k: run_adelie(ad_py, P, a, tol, 1.0, repeats=k))
            rows = task(P, alphas, solvers)
            if not path:
                PE = Problem(standardize(X, ddof=1), t, e, ties="efron")
                rows_l2 = task(PE, alphas, {
                    "penalized (Efron, L2)": lambda a, tol: run_ours(PE, a, tol, 0.0, "efron"),
                    "lifelines (Efron, L2)": lambda a, tol: run_lifelines(PE, a, tol)},
                    l1_ratio=0.0)
            else:
                rows_l2 = []
            for group in (rows, rows_l2):
                ours = next((r[1] for r in group if r[0].startswith("penalized")), None)
                for sname, tm, tol, r, dF in group:
                    if tm is None:
                        print(f"| {name} | {X.shape[0]}x{X.shape[1]} | {int(e.sum())} | {sname}"
                              f" | - | - | - | - | {dF} |")
                        continue
                    ratio = tm / ours if ours else float("nan")
                    if not sname.startswith("penalized"):
                        summary.append((sname, ratio, r <= 1.0))
                    print(f"| {name} | {X.shape[0]}x{X.shape[1]} | {int(e.sum())} | {sname} | "
                          f"{tm:.4f} | {tol:.0e} | {r:.2g} | {dF:.2e} | {ratio:.2f} |")
    print()
    for sname in sorted({s for s, _, _ in summary}):
        rs = [r for s, r, _ in summary if s == sname]
        met = sum(ok for s, _, ok in summary if s == sname)
        print(f"{sname}: median time ratio peer / ours {np.median(rs):.2f} "
              f"(min {min(rs):.2f}, max {max(rs):.2f}; {met} of {len(rs)} sets meeting the "
              "target, the others timed at their tightest tol)")


if __name__ == "__main__":
    main()
