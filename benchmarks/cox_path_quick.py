"""Our 50-alpha Cox paths (cox.py's sets and alphas, tol 1e-8) only: median of 7 and the
KKT / target, for before/after comparisons of one change.  Usage: python cox_path_quick.py
"whas500,synthetic 1000x200" (set names as cox.py prints them)."""
import sys, time, warnings, numpy as np
sys.path.insert(0, __import__("os").path.dirname(__file__))
import cox as C
import penalized
from threadpoolctl import threadpool_limits
sets = sys.argv[1].split(",") if len(sys.argv) > 1 else ["synthetic 1000x200"]
for name, X, t, e in C.datasets_():
    if name not in sets: continue
    P = C.Problem(X, t, e)
    amax = P.alpha_max(); alphas = np.geomspace(amax, amax/100, 50)
    y = np.c_[t, e]
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ts = []
        for r in range(7):
            t0 = time.perf_counter(); W = penalized.cox_path(X, y, alphas=alphas, tol=1e-8, max_iter=10000)[1]; ts.append(time.perf_counter()-t0)
    k = max(P.kkt(W[:, i], a)/(1e-4*a) for i, a in enumerate(alphas))
    print(f"{name}: median {np.median(ts):.4f} min {min(ts):.4f} kkt/target {k:.3f} F {sum(P.objective(W[:,i],a) for i,a in enumerate(alphas)):.12f}")
