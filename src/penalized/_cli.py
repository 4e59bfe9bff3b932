"""Command line: ``python -m penalized demo`` and ``python -m penalized fit DATA ...``.

``fit`` reads a data file, chooses alpha by cross-validation and prints the
chosen alpha, the selected features and the CV table.  Data layouts:

* ``.csv`` / ``.tsv``: a header row of column names, then numeric rows; the
  target is ``--target NAME`` (default: the last column).  For
  ``--model logistic`` the target may hold text labels.  ``--model cox`` takes two
  target columns, time then event (1 event, 0 censored): ``--target TIME,EVENT``
  (default: the last two columns).
* ``.npz`` dense: arrays ``X`` (n, p) and ``y`` (n,) (``--model cox``: (n, 2), time
  then event), optionally ``feature_names`` (p,).
* ``.npz`` sparse: the layout written by ``scipy.sparse.save_npz`` (keys
  ``format``, ``shape``, ``data``, ``indices``, ``indptr``) plus ``y``, e.g.
  ``np.savez(f, format=b"csr", shape=X.shape, data=X.data, indices=X.indices,
  indptr=X.indptr, y=y)``; optionally ``feature_names``.

Bad input ends with a one-line error on stderr and exit code 2.
"""

import argparse
import csv
import json
import os
import sys
import time
import zipfile
import zlib

import numpy as np
import scipy.sparse as sp

from .model_selection import chosen_cv_curve, cv_criterion


class CLIError(Exception):
    """A user error: printed as one line, exit code 2."""


def _tol(args):
    """``tol`` for the estimator: the user's, or none (the estimator's own default)."""
    return {} if args.tol is None else {"tol": args.tol}


# The models ``fit`` offers: name -> (task, factory(args, cv) -> unfitted CV estimator).
def _lasso(args, cv):
    from .model_selection import LassoCV

    return LassoCV(cv=cv, alphas=args.n_alphas, eps=args.eps, **_tol(args),
                   alpha_selection=args.alpha_selection, n_jobs=args.n_jobs,
                   verbose=args.verbose)


def _enet(args, cv):
    from .model_selection import ElasticNetCV

    return ElasticNetCV(l1_ratio=args.l1_ratio, cv=cv, alphas=args.n_alphas, eps=args.eps,
                        **_tol(args), alpha_selection=args.alpha_selection,
                        n_jobs=args.n_jobs, verbose=args.verbose)


def _logistic(args, cv):
    from .model_selection import LogisticRegressionCV

    return LogisticRegressionCV("l1", cv=cv, alphas=args.n_alphas, eps=args.eps,
                                **_tol(args), alpha_selection=args.alpha_selection, n_jobs=args.n_jobs,
                                verbose=args.verbose)


def _ridge(args, cv):
    from ._ridge import RidgeCV

    # its own grid (10 ||X_c||_2^2 / n down to 1e-6 of that): ridge has no alpha_max
    return RidgeCV(cv=cv, n_alphas=args.n_alphas, alpha_selection=args.alpha_selection,
                   n_jobs=args.n_jobs)


def _cox(args, cv):
    from ._cox import CoxRegressionCV

    return CoxRegressionCV("l1", cv=cv, alphas=args.n_alphas, eps=args.eps, **_tol(args),
                           alpha_selection=args.alpha_selection, n_jobs=args.n_jobs)


def _log_link(family):
    def factory(args, cv):
        from . import _families

        cls = getattr(_families, f"{family.capitalize()}RegressionCV")
        return cls("l1", cv=cv, alphas=args.n_alphas, eps=args.eps, **_tol(args),
                   alpha_selection=args.alpha_selection, n_jobs=args.n_jobs)
    return factory


MODELS = {
    "lasso": ("regression", _lasso),
    "enet": ("regression", _enet),
    "ridge": ("regression", _ridge),
    "logistic": ("classification", _logistic),
    "poisson": ("regression", _log_link("poisson")),
    "gamma": ("regression", _log_link("gamma")),
    "cox": ("survival", _cox),
}


# ---------------------------------------------------------------------------
# reading data
# ---------------------------------------------------------------------------

def read_data(path, target=None, numeric_target=True, n_targets=1):
    """(X, y, feature_names) from a .csv / .tsv / .npz file; CLIError on bad input.
    ``n_targets`` 2: y is (n, 2) (the survival time and event columns)."""
    if not os.path.exists(path):
        raise CLIError(f"data file not found: {path}")
    ext = os.path.splitext(path)[1].lower()
    if ext in (".csv", ".tsv"):
        return _read_table(path, "\t" if ext == ".tsv" else ",", target, numeric_target,
                           n_targets)
    if ext == ".npz":
        if target is not None:
            raise CLIError("--target applies to CSV/TSV files; a .npz file holds its "
                           "target as 'y'.")
        return _read_npz(path, n_targets)
    raise CLIError(f"unknown file extension {ext!r} of {path}: use .csv, .tsv or .npz")


def _read_table(path, delimiter, target, numeric_target, n_targets=1):
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = [r for r in csv.reader(f, delimiter=delimiter) if r]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CLIError(f"{path}: cannot read as text ({exc})") from None
    if len(rows) < 2:
        raise CLIError(f"{path}: need a header row and at least one data row")
    header = [h.strip() for h in rows[0]]
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(header):
            raise CLIError(f"{path}, line {i}: {len(r)} fields, the header has {len(header)}")
    names = (header[-n_targets:] if target is None
             else [t.strip() for t in target.split(",")] if n_targets > 1 else [target])
    if len(names) != n_targets:
        raise CLIError(f"--target needs {n_targets} comma-separated column names here "
                       f"(time, event), got {target!r}")
    for name in names:
        if name not in header:
            raise CLIError(f"{path}: target column {name!r} not found; columns: "
                           f"{', '.join(header[:10])}{', ...' if len(header) > 10 else ''}")
    ts = [header.index(name) for name in names]
    cells = np.array([r for r in rows[1:]], dtype=object)
    features = [h for j, h in enumerate(header) if j not in ts]
    if not features:
        raise CLIError(f"{path}: no feature columns besides the target {names!r}")
    X = _numeric(cells[:, [j for j in range(len(header)) if j not in ts]], features, path)
    if n_targets > 1:
        y = _numeric(np.array([[c.strip() for c in row] for row in cells[:, ts]]), names,
                     path)
        return X, y, features
    name, t = names[0], ts[0]
    y_raw = np.array([c.strip() for c in cells[:, t]])
    if numeric_target:
        y = _numeric(y_raw[:, None], [name], path)[:, 0]
    else:   # class labels: numbers when they all are, else text
        empty = np.flatnonzero(y_raw == "")
        if empty.size:
            raise CLIError(f"{path}, line {empty[0] + 2}, column {name!r}: an empty cell "
                           "where a class label is expected")
        try:
            y = y_raw.astype(np.float64)
        except ValueError:
            y = y_raw
    return X, y, features


def _numeric(cells, names, path):
    """Float array of string cells; CLIError naming the first bad cell (line and column)."""
    try:
        return np.array(cells, dtype=np.float64)
    except ValueError:
        pass
    for i, row in enumerate(cells):
        for j, c in enumerate(row):
            try:
                float(c)
            except ValueError:
                what = "an empty cell" if not str(c).strip() else f"text {str(c)!r}"
                raise CLIError(f"{path}, line {i + 2}, column {names[j]!r}: {what} "
                               "where a number is expected") from None
    raise CLIError(f"{path}: could not read the numbers")  # pragma: no cover


def _read_npz(path, n_targets=1):
    # a truncated or corrupt archive fails on open or only when an array is read
    # (zipfile / zlib errors, EOFError); object arrays need pickle, refused here
    bad_file = (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error, KeyError)
    try:
        z = np.load(path, allow_pickle=False)
    except bad_file as exc:
        raise CLIError(f"{path}: not a readable .npz file ({_one_line(exc)})") from None
    if not hasattr(z, "files"):
        raise CLIError(f"{path}: a single .npy array, not an .npz archive of X and y")
    try:
        with z:
            if "y" not in z.files:
                raise CLIError(f"{path}: no 'y' array (keys: {', '.join(z.files)})")
            if "X" in z.files:
                X = np.asarray(z["X"])
            elif {"data", "indices", "indptr", "shape", "format"} <= set(z.files):
                try:
                    X = sp.load_npz(path)
                except bad_file + (TypeError, IndexError) as exc:
                    raise CLIError(f"{path}: not a valid sparse matrix "
                                   f"({_one_line(exc)})") from None
            else:
                raise CLIError(f"{path}: need 'X' (dense) or scipy.sparse.save_npz keys "
                               f"(data, indices, indptr, shape, format); found "
                               f"{', '.join(z.files)}")
            y = np.asarray(z["y"])
            names = np.asarray(z["feature_names"]) if "feature_names" in z.files else None
    except bad_file as exc:
        raise CLIError(f"{path}: cannot read its arrays ({_one_line(exc)}); object "
                       "arrays are not accepted, save numbers or strings") from None
    if X.ndim != 2:
        raise CLIError(f"{path}: X must be 2-D, got shape {X.shape}")
    if not np.issubdtype(X.dtype, np.number):
        raise CLIError(f"{path}: X holds {X.dtype} values, not numbers")
    expected = (X.shape[0],) if n_targets == 1 else (X.shape[0], n_targets)
    if y.shape != expected:
        raise CLIError(f"{path}: y has shape {y.shape}, expected {expected}"
                       + (" (time, event)" if n_targets > 1 else ""))
    if names is None:
        names = [f"x{j}" for j in range(X.shape[1])]
    else:
        if names.shape != (X.shape[1],):
            raise CLIError(f"{path}: feature_names has shape {names.shape}, expected "
                           f"({X.shape[1]},) (one name per column of X)")
        names = [str(v) for v in names]
    return X, y, names


def _one_line(exc):
    """An exception's message on one line (the CLI's errors are one line)."""
    return " ".join(str(exc).split()) or type(exc).__name__


# ---------------------------------------------------------------------------
# fit
# ---------------------------------------------------------------------------

def _selected(model, names):
    coef = np.atleast_2d(model.coef_)
    weight = np.abs(coef).max(axis=0)
    order = np.argsort(-weight, kind="stable")
    order = order[weight[order] > 0]
    return [(names[j], coef[:, j].tolist() if coef.shape[0] > 1 else float(coef[0, j]))
            for j in order]


def _print_report(model, args, shape, selected, elapsed):
    alphas, mean, se, nnz = chosen_cv_curve(model)
    print(f"{args.model}: {shape[0]} samples x {shape[1]} features, {args.cv}-fold CV, "
          f"{elapsed:.2f} s")
    l1 = f", l1_ratio = {model.l1_ratio_:g}" if args.model == "enet" else ""
    print(f"chosen alpha = {model.alpha_:.6g} ({args.alpha_selection}){l1}; "
          f"alpha_min = {model.alpha_min_:.6g}, alpha_1se = {model.alpha_1se_:.6g}")
    shown = ", ".join(f"{n} ({c:+.4g})" if isinstance(c, float) else n
                      for n, c in selected[:20])
    more = f", ... and {len(selected) - 20} more" if len(selected) > 20 else ""
    print(f"selected features ({len(selected)}): {shown or '(none)'}{more}")
    print(f"\nCV {cv_criterion(model)}; * = chosen:")
    print(f"{'':2}{'alpha':>11} {'mean':>11} {'se':>10} {'nnz':>7}")
    candidates = [(model.alpha_min_, "min"), (model.alpha_1se_, "1se")]
    # ten rows spread over the grid, plus the two candidates
    rows = sorted(set(np.linspace(0, alphas.size - 1, min(alphas.size, 10)).astype(int))
                  | {int(np.flatnonzero(alphas == a)[0]) for a, _ in candidates})
    for k in rows:
        tag = "/".join(name for a, name in candidates if alphas[k] == a)
        star = "*" if alphas[k] == model.alpha_ else " "
        count = f"{nnz[k]:7.1f}" if nnz is not None else f"{shape[1]:7d}"
        print(f"{star} {alphas[k]:11.4e} {mean[k]:11.5g} {se[k]:10.3g} {count} {tag}")


def _result(model, args, shape, selected, elapsed):
    alphas, mean, se, nnz = chosen_cv_curve(model)
    result = {
        "model": args.model, "data": os.path.abspath(args.data),
        "n_samples": int(shape[0]), "n_features": int(shape[1]), "cv": args.cv,
        "alpha_selection": args.alpha_selection, "alpha": model.alpha_,
        "alpha_min": model.alpha_min_, "alpha_1se": model.alpha_1se_,
        "l1_ratio": getattr(model, "l1_ratio_", 0.0), "criterion": cv_criterion(model),
        "intercept": np.asarray(getattr(model, "intercept_", 0.0)).tolist(),
        "selected_features": [{"name": n, "coef": c} for n, c in selected],
        "cv_table": {"alpha": alphas.tolist(), "mean": mean.tolist(), "se": se.tolist(),
                     "n_nonzero": (nnz if nnz is not None
                                   else np.full(alphas.size, shape[1])).tolist()},
        "fit_seconds": elapsed,
    }
    if hasattr(model, "classes_"):
        result["classes"] = model.classes_.tolist()
    return result


def run_fit(args):
    task, factory = MODELS[args.model]
    if args.cv < 2:
        raise CLIError(f"--cv must be >= 2, got {args.cv}")
    if args.out and not os.path.isdir(os.path.dirname(os.path.abspath(args.out))):
        raise CLIError(f"--out {args.out}: the folder does not exist")
    X, y, names = read_data(args.data, args.target, numeric_target=task != "classification",
                            n_targets=2 if task == "survival" else 1)
    model = factory(args, args.cv)
    t0 = time.perf_counter()
    try:
        model.fit(X, y)
    except (ValueError, FloatingPointError) as exc:
        raise CLIError(f"fit failed: {_one_line(exc)}") from None
    elapsed = time.perf_counter() - t0
    selected = _selected(model, names)
    _print_report(model, args, X.shape, selected, elapsed)
    if args.out:
        try:
            with open(args.out, "w") as f:
                json.dump(_result(model, args, X.shape, selected, elapsed), f, indent=1)
        except OSError as exc:
            raise CLIError(f"cannot write {args.out}: {exc.strerror}") from None
        print(f"\nwrote {args.out}")
    return 0


def _l1_ratios(text):
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}")
    return values if len(values) > 1 else values[0]


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m penalized")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="cross-validated Lasso/ElasticNet on bundled real data")
    demo.add_argument("--out", default=".", help="folder for the PNG plots (default: .)")
    demo.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    demo.add_argument("--no-compare", action="store_true",
                      help="skip the timing comparison with scikit-learn")
    fit = sub.add_parser("fit", help="choose alpha by cross-validation on a data file",
                         description=__doc__.split("\n\n", 1)[1],
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    fit.add_argument("data", help="a .csv, .tsv or .npz file")
    fit.add_argument("--model", choices=sorted(MODELS), default="lasso",
                     help="lasso: LassoCV, enet: ElasticNetCV, ridge: RidgeCV, logistic: "
                          "L1 LogisticRegressionCV, poisson / gamma: L1 PoissonRegressionCV / "
                          "GammaRegressionCV (counts / positive responses), cox: L1 "
                          "CoxRegressionCV (two targets: time, event; default lasso)")
    fit.add_argument("--cv", type=int, default=5, help="number of folds (default 5)")
    fit.add_argument("--target", help="target column of a CSV/TSV (default: the last)")
    fit.add_argument("--out", help="write the result as JSON to this file")
    fit.add_argument("--alpha-selection", choices=["min", "1se"], default="min")
    fit.add_argument("--l1-ratio", type=_l1_ratios, default=[0.2, 0.5, 0.8],
                     help="enet: l1_ratio value(s), comma-separated (default 0.2,0.5,0.8)")
    fit.add_argument("--n-alphas", type=int, default=100)
    fit.add_argument("--eps", type=float, default=1e-3, help="alpha_min / alpha_max")
    fit.add_argument("--tol", type=float, default=None,
                     help="duality-gap tolerance (default: the estimator's, 1e-8 for the "
                          "least-squares CV, 1e-4 for logistic, Poisson and Gamma)")
    fit.add_argument("--n-jobs", type=int, default=None, help="parallel fold jobs")
    fit.add_argument("--verbose", type=int, default=0,
                     help="1: a line per fold on stderr, 2: per-alpha progress too")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            from ._demo import run_demo

            return run_demo(args.out, plots=not args.no_plots, compare=not args.no_compare)
        return run_fit(args)
    except CLIError as exc:
        print(f"python -m penalized {args.command}: error: {exc}", file=sys.stderr)
        return 2
