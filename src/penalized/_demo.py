"""``python -m penalized demo``: choose a sparse model by cross-validation on real data.

Data: Golub et al. (1999) leukemia expression (72 samples x 7129 genes,
AML = +1 / ALL = -1), bundled in ``penalized/data``.  Preprocessing as in
Dudoit, Fridlyand & Speed (2002): intensities clipped to [100, 16000],
log10, columns standardised with the training-set statistics.  The original
38/34 train/test split is kept.  Lasso and ElasticNet paths are fitted by
5-fold cross-validation on the training set; the test set is scored by the
sign of the prediction.
"""

import time
import numpy as np

from .datasets import load_leukemia


def _preprocess(X, is_test):
    X = np.log10(np.clip(X, 100, 16000))
    train = ~is_test
    mu, sd = X[train].mean(0), X[train].std(0)
    keep = sd > 0
    return (X[:, keep] - mu[keep]) / sd[keep], np.flatnonzero(keep)


def main(argv=None):
    """Entry point kept for compatibility: the command line lives in :mod:`penalized._cli`."""
    from ._cli import main as cli_main

    return cli_main(argv)


def demo_models(cv):
    """The demo's comparison: display name -> (unfitted CV estimator, kind).

    kind 'regression' models predict a real number (the class is its sign);
    'classifier' models predict the label.  One entry per model.
    """
    import penalized

    common = dict(cv=cv, eps=1e-2, alphas=100, tol=1e-6)
    return {
        "Lasso": (penalized.LassoCV(**common), "regression"),
        "Lasso (1-SE)": (penalized.LassoCV(alpha_selection="1se", **common), "regression"),
        "ElasticNet": (penalized.ElasticNetCV(l1_ratio=[0.2, 0.5, 0.8], **common),
                       "regression"),
        "Ridge": (penalized.RidgeCV(cv=cv, n_alphas=100), "regression"),
        "Logistic L1": (penalized.LogisticRegressionCV("l1", **common), "classifier"),
    }


def run_demo(out=".", plots=True, compare=True):
    from sklearn.model_selection import KFold

    import penalized

    X, y, is_test = load_leukemia()
    X, genes = _preprocess(X, is_test)
    Xtr, ytr, Xte, yte = X[~is_test], y[~is_test], X[is_test], y[is_test]
    print(f"Golub leukemia: {X.shape[0]} samples x {X.shape[1]} genes "
          f"({len(ytr)} train / {len(yte)} test), AML=+1 / ALL=-1\n")
    cv = KFold(5, shuffle=True, random_state=0)
    models = demo_models(cv)
    rows = []
    for name, (model, kind) in models.items():
        t0 = time.perf_counter()
        model.fit(Xtr, ytr)
        elapsed = time.perf_counter() - t0
        pred = model.predict(Xte)
        label = np.sign(pred) if kind == "regression" else pred
        errors = int(np.sum(label != yte))
        mse = f"{np.mean((pred - yte) ** 2):.3f}" if kind == "regression" else "-"
        gap = float(np.max(model.dual_gap_))
        rows.append((name, getattr(model, "l1_ratio_", 0.0), model.alpha_,
                     np.count_nonzero(model.coef_),
                     errors, mse, gap, elapsed))
    header = ("model", "l1_ratio", "alpha", "genes", "test errors", "test MSE",
              "duality gap", "fit+CV s")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        print(f"| {r[0]} | {r[1]:.2f} | {r[2]:.4g} | {r[3]} | {r[4]}/{len(yte)} | "
              f"{r[5]} | {r[6]:.1e} | {r[7]:.2f} |")
    lasso = models["Lasso"][0]
    top = np.argsort(-np.abs(lasso.coef_))[:10]
    top = top[lasso.coef_[top] != 0]
    print("\nLasso genes (column index in the 7129-gene matrix, coefficient):")
    print(", ".join(f"{genes[j]}:{lasso.coef_[j]:+.3f}" for j in top))

    t0 = time.perf_counter()
    alphas, coefs, gaps = penalized.lasso_path(Xtr, ytr, alphas=lasso.alphas_,
                                               fit_intercept=True, tol=1e-6)
    t_path = time.perf_counter() - t0
    print(f"\nFull Lasso path on the training set: {len(alphas)} alphas in {t_path:.3f} s, "
          f"largest duality gap {gaps.max():.1e} (every point certified to tol=1e-6); "
          f"5-fold LassoCV cost {rows[0][7] / t_path:.1f} path fits.")
    if compare:
        try:
            from sklearn.linear_model import LassoCV as SkLassoCV

            t0 = time.perf_counter()
            SkLassoCV(cv=cv, alphas=lasso.alphas_, tol=1e-6, max_iter=100_000).fit(Xtr, ytr)
            t_sk = time.perf_counter() - t0
            print(f"scikit-learn LassoCV on the same grid and folds: {t_sk:.2f} s "
                  f"({t_sk / rows[0][7]:.1f}x the time of penalized.LassoCV).")
        except Exception as exc:  # pragma: no cover - comparison is informative only
            print(f"(scikit-learn comparison skipped: {exc})")

    if plots:
        try:
            import os

            from . import plot

            os.makedirs(out, exist_ok=True)
            ax = plot.path((alphas, coefs), feature_names=[f"gene {g}" for g in genes],
                           mark=lasso)
            ax.set_title("Lasso path, Golub leukemia (training set)")
            p1 = os.path.join(out, "penalized_demo_path.png")
            ax.figure.savefig(p1, dpi=110, bbox_inches="tight")
            ax = plot.cv(lasso)
            ax.set_title("5-fold CV error, Lasso, Golub leukemia")
            p2 = os.path.join(out, "penalized_demo_cv.png")
            ax.figure.savefig(p2, dpi=110, bbox_inches="tight")
            print(f"\nPlots written: {p1}, {p2}")
        except ImportError:
            print("\n(matplotlib not installed: plots skipped; pip install 'penalized[plot]')")
    return 0
