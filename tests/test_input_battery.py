"""Input battery: every estimator and path function against every kind of input.

A table of *subjects* (how to fit, which objective to check) times a table of
*cases* (how to transform a small clean problem).  Each case either

* gives the right answer: the fit satisfies the optimality (KKT) conditions
  of its objective, checked in numpy on the clean float64 data
  (``conftest.enet_kkt_violation`` / ``logistic_kkt_violation``), and, when
  the case only changes the representation, equals the fit on the clean
  float64 dense array; or
* raises a clear error whose message names the argument.

In every case the user's inputs are left unmodified and a successful fit has
finite coefficients.  A new estimator is one more ``Subject`` line.
"""

import copy
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import penalized
from conftest import enet_kkt_violation, logistic_kkt_violation

N, P = 30, 6


# ---------------------------------------------------------------------------
# subjects: fit(X, y, sample_weight, scale) -> Fit
# ---------------------------------------------------------------------------

@dataclass
class Fit:
    points: list          # [(alpha, l1_ratio, coef (p,), intercept)]
    fit_intercept: bool
    est: object = None


@dataclass
class Subject:
    name: str
    task: str             # "regression" (y real) or "classification" (y binary)
    fit: Callable         # (X, y, sample_weight, scale) -> Fit
    multi_output: bool = False   # accepts a 2-D y (one model per column)
    multi_task: Callable = None  # a 2-D y is the multi-task problem: (X, Y) -> its coefs
    min_samples: int = 1         # fewer samples than this must raise

    def __repr__(self):
        return self.name


def _est_points(est):
    coef = np.atleast_2d(est.coef_)
    intercept = np.atleast_1d(est.intercept_)
    alpha = est.alpha_ if hasattr(est, "alpha_") else est.alpha
    return [(alpha, _l1(est), coef[k], intercept[k]) for k in range(coef.shape[0])]


def _l1(est):
    if isinstance(est, (penalized.Ridge, penalized.RidgeCV)):
        return 0.0
    if isinstance(est, penalized.LogisticRegression):
        return {"l1": 1.0, "l2": 0.0}.get(est.penalty, est.l1_ratio)
    if isinstance(est, penalized.Lasso):
        return 1.0
    return getattr(est, "l1_ratio_", getattr(est, "l1_ratio", 1.0))


def estimator(factory, scaled_params):
    """Fit an estimator; ``scaled_params(c)`` gives the parameters for data scaled by c."""
    def fit(X, y, sample_weight, scale):
        est = factory(**scaled_params(scale))
        est.fit(X, y, sample_weight=sample_weight)
        return Fit(_est_points(est), est.fit_intercept, est)
    return fit


def ls_path(path, l1_of_path=None, **kw):
    """A least-squares path; ``l1_of_path`` for paths without an l1_ratio (ridge: 0)."""
    def fit(X, y, sample_weight, scale):
        alphas, coefs, _ = path(X, y, sample_weight=sample_weight, **kw)
        l1 = kw.get("l1_ratio", 1.0) if l1_of_path is None else l1_of_path
        coefs = coefs if coefs.ndim == 3 else coefs[None]     # (targets, p, alphas)
        # alpha-major: the first n_targets points are the targets at the first alpha
        pts = [(a, l1, coefs[t, :, k], 0.0) for k, a in enumerate(alphas)
               for t in range(coefs.shape[0])]
        return Fit(pts, kw.get("fit_intercept", False))
    return fit


def logit_path(**kw):
    def fit(X, y, sample_weight, scale):
        alphas, coefs, intercepts, _ = penalized.logistic_path(
            X, y, sample_weight=sample_weight, **kw)
        pts = [(a, kw.get("l1_ratio", 1.0), coefs[:, k], intercepts[k])
               for k, a in enumerate(alphas)]
        return Fit(pts, kw.get("fit_intercept", True))
    return fit


def solver_point(solve, scaled_alpha, **kw):
    """A penalized.solvers function at one alpha (``scaled_alpha(c)`` for data scaled by c)."""
    def fit(X, y, sample_weight, scale):
        alpha = scaled_alpha(scale)
        sol = solve(X, y, alpha, sample_weight=sample_weight, **kw)
        return Fit([(alpha, kw["l1_ratio"], sol.coef, sol.intercept)], True)
    return fit


TIGHT = dict(tol=1e-12, max_iter=100000)
# Regression cases scale X and y by c: coefficients are unchanged when alpha is
# scaled by c^2.  Classification cases scale X only: coefficients scale by 1/c
# when an L1 alpha is scaled by c (an L2 alpha by c^2).
SUBJECTS = [
    Subject("Lasso", "regression", estimator(
        penalized.Lasso, lambda c: dict(alpha=0.1 * c * c, **TIGHT)), multi_output=True),
    Subject("ElasticNet", "regression", estimator(
        penalized.ElasticNet, lambda c: dict(alpha=0.1 * c * c, l1_ratio=0.5, **TIGHT)),
        multi_output=True),
    Subject("LassoCV", "regression", estimator(
        penalized.LassoCV, lambda c: dict(cv=3, alphas=6, **TIGHT)), min_samples=3),
    Subject("ElasticNetCV", "regression", estimator(
        penalized.ElasticNetCV, lambda c: dict(cv=3, alphas=6, l1_ratio=0.5, **TIGHT)),
        min_samples=3),
    Subject("lasso_path", "regression", ls_path(penalized.lasso_path, alphas=4, **TIGHT),
            multi_task=lambda X, Y: penalized.multitask_lasso_path(X, Y, alphas=4, **TIGHT)[1]),
    Subject("enet_path", "regression", ls_path(
        penalized.enet_path, l1_ratio=0.5, alphas=4, fit_intercept=True, **TIGHT),
        multi_task=lambda X, Y: penalized.multitask_enet_path(
            X, Y, l1_ratio=0.5, alphas=4, fit_intercept=True, **TIGHT)[1]),
    Subject("LogisticRegression-l1", "classification", estimator(
        penalized.LogisticRegression,
        lambda c: dict(penalty="l1", alpha=0.02 * c, tol=1e-11, max_iter=200))),
    Subject("LogisticRegression-l2", "classification", estimator(
        penalized.LogisticRegression,
        lambda c: dict(penalty="l2", C=1.0 / (c * c), tol=1e-11, max_iter=200))),
    Subject("logistic_path", "classification", logit_path(
        alphas=4, tol=1e-11, max_iter=200)),
    Subject("Ridge", "regression", estimator(
        penalized.Ridge, lambda c: dict(alpha=0.1 * c * c, **TIGHT)), multi_output=True),
    # one alpha in the grid: with 2-D y RidgeCV picks one alpha for all targets, so
    # only then does each column equal its own fit
    Subject("RidgeCV", "regression", estimator(
        penalized.RidgeCV, lambda c: dict(alphas=[0.1 * c * c])), multi_output=True,
        min_samples=3),
    Subject("ridge_path", "regression", ls_path(
        penalized.ridge_path, l1_of_path=0.0, n_alphas=4, fit_intercept=True, tol=1e-12),
        multi_output=True, min_samples=2),
    Subject("LogisticRegressionCV", "classification", estimator(
        penalized.LogisticRegressionCV,
        lambda c: dict(penalty="l1", cv=3, alphas=4, tol=1e-11, max_iter=200)),
        min_samples=3),
    # gamma = 1: the relaxed fit is the Lasso, so the Lasso's KKT conditions apply
    Subject("RelaxedLasso", "regression", estimator(
        penalized.RelaxedLasso, lambda c: dict(alpha=0.1 * c * c, gamma=1.0, **TIGHT))),
    Subject("RelaxedLassoCV", "regression", estimator(
        penalized.RelaxedLassoCV, lambda c: dict(gammas=[1.0], cv=3, alphas=6, **TIGHT)),
        min_samples=3),
    Subject("solvers.enet", "regression", solver_point(
        penalized.solvers.enet, lambda c: 0.1 * c * c, l1_ratio=0.5, **TIGHT)),
    Subject("solvers.logistic", "classification", solver_point(
        penalized.solvers.logistic, lambda c: 0.02 * c, l1_ratio=1.0, tol=1e-11,
        max_iter=200)),
]


# ---------------------------------------------------------------------------
# the clean problem and the checks
# ---------------------------------------------------------------------------

def clean_problem(task):
    rng = np.random.default_rng(7)
    X = rng.standard_normal((N, P)) + 0.5
    w = np.array([2.0, -1.5, 0.0, 0.0, 1.0, 0.0])
    if task == "regression":
        y = X @ w + 0.3 * rng.standard_normal(N) + 1.0
    else:
        y = (X @ w + 0.8 * rng.standard_normal(N) > 0.5).astype(np.int64)
    return np.asfortranarray(X), y


def _kkt(subject, X, y, fit, sample_weight):
    """Largest KKT violation over the fitted points, relative to alpha_max-like units."""
    worst = 0.0
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    for alpha, l1, coef, b in fit.points:
        if subject.task == "regression":
            v = enet_kkt_violation(Xd, y, coef, alpha, l1, sample_weight, fit.fit_intercept)
            unit = max(np.abs(Xd).max() * max(np.abs(y).max(), 1.0), 1e-300)
        else:
            ypm = np.where(y == np.unique(y)[-1], 1.0, -1.0)
            v = logistic_kkt_violation(Xd, ypm, coef, b, alpha, l1, sample_weight,
                                       fit.fit_intercept)
            # the logistic fits stop at a gap of 1e-11 relative: the gradient is then
            # ~sqrt of that (strong convexity), not 1e-11
            unit = max(np.abs(Xd).max(), 1e-300) * 100
        worst = max(worst, v / unit)
    return worst


def _snapshot(a):
    """A deep copy that keeps the exact representation (sparse index order included)."""
    if sp.issparse(a):
        return a.copy()
    if isinstance(a, (pd.DataFrame, pd.Series)):
        return a.copy(deep=True)
    if isinstance(a, np.ndarray):
        return np.array(a, copy=True)
    return copy.deepcopy(a)


def _same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if sp.issparse(a):
        if a.format != b.format or a.shape != b.shape:
            return False
        if a.format in ("csr", "csc", "bsr"):
            return (np.array_equal(a.data, b.data, equal_nan=True)
                    and np.array_equal(a.indices, b.indices)
                    and np.array_equal(a.indptr, b.indptr))
        if a.format == "coo":
            return (np.array_equal(a.data, b.data, equal_nan=True)
                    and np.array_equal(a.row, b.row) and np.array_equal(a.col, b.col))
        return np.array_equal(a.toarray(), b.toarray(), equal_nan=True)
    if isinstance(a, (pd.DataFrame, pd.Series)):
        return a.equals(b)
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    return a == b


# ---------------------------------------------------------------------------
# cases: (X, y, task) -> Case
# ---------------------------------------------------------------------------

@dataclass
class Case:
    X: object
    y: object
    sample_weight: object = None
    # "same": equals the clean fit (and KKT on clean data); "kkt": KKT on (X_ref, y_ref)
    expect: str = "same"
    raises: tuple = None          # (exception, regex naming the argument)
    scale: float = 1.0
    X_ref: object = None          # clean float64 data for the KKT check of "kkt" cases
    y_ref: object = None
    rtol: float = 1e-6


def err(X, y, exc, match, sw=None):
    return Case(X, y, sw, expect="raises", raises=(exc, match))


def kkt(X, y, sw=None):
    X_ref = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    return Case(X, y, sw, expect="kkt", X_ref=X_ref.astype(np.float64), y_ref=y)


def _set(X, i, j, v):
    X = np.array(X, dtype=np.float64, order="F")
    X[i, j] = v
    return X


def _sparse_fmt(fmt, array=False):
    def make(X, y, task):
        S = sp.csc_matrix(X)
        S = S.asformat(fmt)
        if array:
            S = {"csr": sp.csr_array, "csc": sp.csc_array, "coo": sp.coo_array}[fmt](S)
        return Case(S, y)
    return make


def _unsorted_csc(X, y, task):
    S = sp.csc_matrix(X)
    for j in range(S.shape[1]):   # reverse the rows inside every column
        a, b = S.indptr[j], S.indptr[j + 1]
        S.indices[a:b] = S.indices[a:b][::-1].copy()
        S.data[a:b] = S.data[a:b][::-1].copy()
    S.has_sorted_indices = False
    return Case(S, y)


def _duplicate_csc(X, y, task):
    S = sp.csc_matrix(X)
    data, ind, ptr = [], [], [0]
    for j in range(S.shape[1]):
        a, b = S.indptr[j], S.indptr[j + 1]
        data += [S.data[a:b] * 0.25, S.data[a:b] * 0.75]
        ind += [S.indices[a:b], S.indices[a:b]]
        ptr.append(ptr[-1] + 2 * (b - a))
    D = sp.csc_matrix((np.concatenate(data), np.concatenate(ind), np.array(ptr)), shape=S.shape)
    assert not D.has_canonical_format
    return Case(D, y)


def _int64_csc(X, y, task):
    S = sp.csc_matrix(X)
    # the constructor would downcast the indices to int32; set them afterwards
    S.indices, S.indptr = S.indices.astype(np.int64), S.indptr.astype(np.int64)
    assert S.indices.dtype == np.int64
    return Case(S, y)


def _corrupt(fmt, how):
    """A sparse X whose index arrays point outside the matrix (a memory fault if trusted)."""
    def make(X, y, task):
        S = sp.csc_matrix(X).asformat(fmt)
        ind, ptr = S.indices.copy(), S.indptr.copy()
        if how == "range":
            ind[4] = S.shape[0 if fmt == "csc" else 1] + 7
        elif how == "negative":
            ind[4] = -3
        elif how == "indptr":      # columns 1 and 2 swapped: a negative column length
            ptr[1], ptr[2] = ptr[2], ptr[1]
        C = type(S)((S.data, ind, ptr), shape=S.shape)
        return err(C, y, ValueError, r"\bX\b.*(indices|indptr|corrupt)")
    return make


def _explicit_zeros(X, y, task):
    Xz = X.copy()
    Xz[::3, 1] = 0.0
    S = sp.csc_matrix(Xz)
    rows = np.arange(0, N, 3)
    # store the zeros explicitly: data with zero entries at those positions
    C = sp.csc_matrix((np.r_[S.data, np.zeros(rows.size)],
                       (np.r_[S.tocoo().row, rows], np.r_[S.tocoo().col, np.full(rows.size, 1)])),
                      shape=S.shape)
    C = sp.csc_matrix((C.data, C.indices, C.indptr), shape=S.shape)
    assert np.any(C.data == 0)
    return Case(C, y, expect="kkt", X_ref=Xz, y_ref=y)


def _read_only(X, y, task):
    Xr, yr = np.array(X, order="F"), np.array(y)
    Xr.setflags(write=False)
    yr.setflags(write=False)
    return Case(Xr, yr)


def _unaligned(a):
    """A copy of a whose buffer starts one byte off its dtype's alignment."""
    a = np.asarray(a, dtype=np.float64)
    order = "F" if a.ndim == 2 else "C"
    raw = np.empty(a.nbytes + 1, dtype=np.uint8)
    out = np.frombuffer(raw[1:].data, dtype=np.float64, count=a.size)
    out = out.reshape(a.shape, order=order)
    out[...] = a
    assert not out.flags.aligned
    return out


def _misaligned(X, y, task):
    # np.frombuffer at an odd offset, or buffers unpickled from dask workers
    return Case(_unaligned(X), _unaligned(y) if task == "regression" else y)


_MEMMAP_DIR = []   # one temporary directory, removed at exit


def _memmap(X, y, task):
    import tempfile
    if not _MEMMAP_DIR:
        _MEMMAP_DIR.append(tempfile.TemporaryDirectory())
    path = f"{_MEMMAP_DIR[0].name}/X_{task}.dat"
    mm = np.memmap(path, dtype=np.float64, mode="w+", shape=X.shape, order="F")
    mm[:] = X
    mm.flush()
    return Case(np.memmap(path, dtype=np.float64, mode="r", shape=X.shape, order="F"), y)


def _pandas(X, y, task):
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    df["f1"] = (X[:, 1] * 0 + np.round(X[:, 1] * 100)).astype(np.int64)   # mixed dtypes
    Xref = df.to_numpy(dtype=np.float64)
    c = Case(df, pd.Series(y, name="target"), expect="kkt", X_ref=Xref, y_ref=y)
    c.feature_names = list(df.columns)
    return c


def _constant_y(X, y, task):
    if task == "regression":
        return kkt(X, np.full(N, 3.5))
    return err(X, np.full(N, 1), ValueError, "(one class|two classes|1 class)")


def _one_sample(X, y, task):
    if task == "classification":
        return err(X[:1], y[:1], ValueError, "(one class|two classes|1 class)")
    return kkt(X[:1], y[:1])


def _with_cols(fn):
    def make(X, y, task):
        return kkt(fn(X), y)
    return make


def _y_2d(X, y, task):
    return Case(X, np.column_stack([y, y[::-1]]), expect="multi")


def _dtype(dt, same=True):
    def make(X, y, task):
        Xt = np.round(X * 4).astype(dt) if np.dtype(dt).kind in "iu" else X.astype(dt)
        if dt is bool:
            Xt = X > 0.5
        return kkt(Xt, y) if same else Case(Xt, y)
    return make


def _y_dtype(kind):
    def make(X, y, task):
        if kind == "int":
            return kkt(X, np.round(y * 2).astype(np.int32) if task == "regression" else y)
        if kind == "bool":
            return kkt(X, (y > 0.5) if task == "classification" else (y > 1.0))
        if kind == "str":
            if task == "classification":
                return kkt(X, np.where(y > 0, "yes", "no"))
            return err(X, np.where(y > 0, "a", "b").astype(object), ValueError, r"\by\b")
        if kind == "complex":
            return err(X, y.astype(np.complex128), ValueError, r"\by\b.*[Cc]omplex|[Cc]omplex.*\by\b")
    return make


def _huge_tiny(c):
    def make(X, y, task):
        if task == "regression":
            return Case(np.asfortranarray(X * c), y * c, scale=c)
        return Case(np.asfortranarray(X * c), y, scale=c)
    return make


def _nan_sw(X, y, task):
    sw = np.ones(N)
    sw[2] = np.nan
    return err(X, y, ValueError, "sample_weight.*NaN", sw=sw)


CASES = {
    # non-finite values
    "nan_X": lambda X, y, t: err(_set(X, 3, 2, np.nan), y, ValueError, r"\bX\b.*NaN"),
    "inf_X": lambda X, y, t: err(_set(X, 3, 2, np.inf), y, ValueError, r"\bX\b.*infinity"),
    "-inf_X": lambda X, y, t: err(_set(X, 0, 0, -np.inf), y, ValueError, r"\bX\b.*infinity"),
    "nan_sparse_X": lambda X, y, t: err(sp.csc_matrix(_set(X, 3, 2, np.nan)), y, ValueError,
                                        r"\bX\b.*NaN"),
    "inf_sparse_csr_X": lambda X, y, t: err(sp.csr_matrix(_set(X, 3, 2, np.inf)), y,
                                            ValueError, r"\bX\b.*infinity"),
    "nan_y": lambda X, y, t: err(X, np.where(np.arange(N) == 4, np.nan, y), ValueError,
                                 r"\by\b.*NaN"),
    "inf_y": lambda X, y, t: err(X, np.where(np.arange(N) == 4, np.inf, y), ValueError,
                                 r"\by\b.*(infinity|NaN)"),
    "nan_pandas_X": lambda X, y, t: err(pd.DataFrame(_set(X, 1, 1, np.nan)), y, ValueError,
                                        r"\bX\b.*NaN"),
    # shapes
    "empty": lambda X, y, t: err(X[:0], y[:0], ValueError, r"\bX\b.*0 sample"),
    "no_features": lambda X, y, t: err(X[:, :0], y, ValueError, r"\bX\b.*0 feature"),
    "one_sample": _one_sample,
    "one_feature": lambda X, y, t: kkt(X[:, :1], y),
    "constant_feature": _with_cols(lambda X: _set(X, slice(None), 2, 3.0)),
    "zero_column": _with_cols(lambda X: _set(X, slice(None), 3, 0.0)),
    "duplicate_columns": _with_cols(lambda X: np.column_stack([X, X[:, :2]])),
    "constant_y": _constant_y,
    "y_too_short": lambda X, y, t: err(X, y[:-1], ValueError,
                                       r"(\bX\b.*\by\b|\by\b.*\bX\b).*(inconsistent|samples|entries)"),
    "y_2d_two_targets": _y_2d,
    "y_column_vector": lambda X, y, t: Case(X, y[:, None]),
    "X_0d": lambda X, y, t: err(np.float64(3.0), y, ValueError, r"\bX\b"),
    "X_1d": lambda X, y, t: err(X[:, 0], y, ValueError, r"\bX\b"),
    "X_3d": lambda X, y, t: err(X[None], y, ValueError, r"\bX\b"),
    "y_0d": lambda X, y, t: err(X, np.float64(1.0), (ValueError, TypeError), r"\by\b"),
    "y_3d": lambda X, y, t: err(X, y[:, None, None], ValueError, r"\by\b"),
    # dtypes
    "X_int": _dtype(np.int64),
    "X_int8": _dtype(np.int8),
    "X_uint16": _dtype(np.uint16),
    "X_bool": _dtype(bool),
    "X_float16": _dtype(np.float16),
    "X_float32": lambda X, y, t: Case(X.astype(np.float32), y, rtol=2e-3),
    "X_object_numbers": lambda X, y, t: Case(X.astype(object), y),
    "X_object_strings": lambda X, y, t: err(np.where(X > 0, "a", "b").astype(object), y,
                                            ValueError, r"\bX\b"),
    "X_complex": lambda X, y, t: err(X.astype(np.complex128), y, ValueError,
                                     r"\bX\b.*[Cc]omplex|[Cc]omplex.*\bX\b"),
    "y_int": _y_dtype("int"),
    "y_bool": _y_dtype("bool"),
    "y_strings": _y_dtype("str"),
    "y_complex": _y_dtype("complex"),
    # containers and memory layouts
    "C_order": lambda X, y, t: Case(np.ascontiguousarray(X), y),
    "strided_view": lambda X, y, t: Case(np.repeat(X, 2, axis=1)[:, ::2], y),
    "lists": lambda X, y, t: Case(X.tolist(), y.tolist()),
    "pandas": _pandas,
    "read_only": _read_only,
    "memmap": _memmap,
    "unaligned": _misaligned,
    # sparse
    "csr": _sparse_fmt("csr"),
    "csc": _sparse_fmt("csc"),
    "coo": _sparse_fmt("coo"),
    "lil": _sparse_fmt("lil"),
    "dok": _sparse_fmt("dok"),
    "bsr": _sparse_fmt("bsr"),
    "dia": _sparse_fmt("dia"),
    "csr_array": _sparse_fmt("csr", array=True),
    "csc_array": _sparse_fmt("csc", array=True),
    "coo_array": _sparse_fmt("coo", array=True),
    "csc_unsorted_indices": _unsorted_csc,
    "csc_duplicate_indices": _duplicate_csc,
    "csc_int64_indices": _int64_csc,
    "csc_explicit_zeros": _explicit_zeros,
    "csc_index_out_of_range": _corrupt("csc", "range"),
    "csc_negative_index": _corrupt("csc", "negative"),
    "csc_indptr_decreasing": _corrupt("csc", "indptr"),
    "csr_index_out_of_range": _corrupt("csr", "range"),
    "csr_indptr_decreasing": _corrupt("csr", "indptr"),
    "sparse_float32": lambda X, y, t: Case(sp.csc_matrix(X.astype(np.float32)), y, rtol=2e-3),
    "sparse_int": lambda X, y, t: kkt(sp.csc_matrix(np.round(X * 4).astype(np.int64)), y),
    # magnitudes
    "huge_1e150": _huge_tiny(1e150),
    "tiny_1e-150": _huge_tiny(1e-150),
    # beyond float64's range for squares: a clear error, never a NaN or falsely certified fit
    "overflow_1e155": lambda X, y, t: err(np.asfortranarray(X * 1e155),
                                          y * 1e155 if t == "regression" else y, ValueError,
                                          r"^X: values too large"),
    "underflow_1e-160": lambda X, y, t: err(np.asfortranarray(X * 1e-160),
                                            y * 1e-160 if t == "regression" else y,
                                            ValueError, r"^X: .*underflow"),
    # sample weights
    "sw_nan": _nan_sw,
    "sw_negative": lambda X, y, t: err(X, y, ValueError, "sample_weight.*negative",
                                       sw=np.r_[-1.0, np.ones(N - 1)]),
    "sw_zero": lambda X, y, t: err(X, y, ValueError, "sample_weight.*(zero|positive)",
                                   sw=np.zeros(N)),
    "sw_wrong_length": lambda X, y, t: err(X, y, ValueError, "sample_weight.*shape",
                                           sw=np.ones(N + 1)),
    "sw_2d": lambda X, y, t: err(X, y, ValueError, "sample_weight", sw=np.ones((N, 2))),
    "sw_list_int": lambda X, y, t: Case(X, y, [1, 2, 3] * (N // 3), expect="weighted"),
}


@pytest.mark.parametrize("case_name", list(CASES))
@pytest.mark.parametrize("subject", SUBJECTS, ids=repr)
def test_input_battery(subject, case_name):
    X0, y0 = clean_problem(subject.task)
    case = CASES[case_name](X0, y0, subject.task)
    expect = case.expect
    if expect == "multi" and subject.multi_task is not None:
        expect = "multi_task"
    if expect == "multi" and not subject.multi_output:
        case = err(case.X, case.y, ValueError, r"\by\b")
        expect = "raises"
    if (expect in ("kkt", "same") and subject.min_samples > 1
            and np.shape(case.y)[0] < subject.min_samples):
        case.raises, expect = (ValueError, "n_splits|samples"), "raises"
    before = [_snapshot(case.X), _snapshot(case.y), _snapshot(case.sample_weight)]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # convergence and conversion warnings are not the point
        if expect == "raises":
            exc, match = case.raises
            with pytest.raises(exc, match=match):
                subject.fit(case.X, case.y, case.sample_weight, case.scale)
        else:
            fit = subject.fit(case.X, case.y, case.sample_weight, case.scale)
            if expect in ("same", "weighted"):
                sw_ref = None if case.sample_weight is None else np.asarray(
                    case.sample_weight, dtype=np.float64)
                ref = subject.fit(X0, y0, sw_ref, 1.0)
                _check_same(subject, fit, ref, case)
                assert _kkt(subject, X0, y0, ref, sw_ref) < 1e-7
            elif expect == "kkt":
                _check_finite(fit)
                assert _kkt(subject, case.X_ref, np.asarray(case.y_ref), fit, None) < 1e-7
            elif expect == "multi_task":
                # scikit-learn's meaning of a 2-D y in the path functions: the
                # multi-task penalty, i.e. exactly the multitask_*_path solution
                _check_finite(fit)
                ref = subject.multi_task(case.X, case.y)
                n_targets = ref.shape[0]
                for j, (_, _, coef, _) in enumerate(fit.points):
                    k, t = divmod(j, n_targets)
                    np.testing.assert_allclose(coef, ref[t, :, k], rtol=1e-9, atol=1e-12)
            elif expect == "multi":
                _check_finite(fit)
                y2 = np.asarray(case.y)
                for k in range(y2.shape[1]):
                    one = subject.fit(X0, y2[:, k], None, 1.0)
                    np.testing.assert_allclose(fit.points[k][2], one.points[0][2], rtol=1e-9,
                                               atol=1e-12)
            if hasattr(case, "feature_names"):
                if fit.est is not None:
                    assert list(fit.est.feature_names_in_) == case.feature_names
    for b, a in zip(before, (case.X, case.y, case.sample_weight)):
        assert _same(b, a), "an input was modified"


def _check_finite(fit):
    for _, _, coef, b in fit.points:
        assert np.all(np.isfinite(coef)) and np.isfinite(b)


def _check_same(subject, fit, ref, case):
    _check_finite(fit)
    c = case.scale
    assert len(fit.points) == len(ref.points)
    for (a, _, coef, b), (a0, _, coef0, b0) in zip(fit.points, ref.points):
        if subject.task == "regression":
            coef, b = coef, b / c
        else:
            coef = coef * c
        scale = max(np.abs(coef0).max(), 1.0)
        np.testing.assert_allclose(coef, coef0, rtol=case.rtol, atol=case.rtol * scale)
        np.testing.assert_allclose(b, b0, rtol=case.rtol, atol=case.rtol * max(abs(b0), 1.0))


def test_battery_size():
    """The battery's size, reported in the reliability notes."""
    assert len(CASES) * len(SUBJECTS) >= 600


@pytest.mark.parametrize("subject", [s for s in SUBJECTS if s.name[0].isupper()], ids=repr)
def test_predict_rejects_bad_X(subject):
    X0, y0 = clean_problem(subject.task)
    est = subject.fit(X0, y0, None, 1.0).est
    with pytest.raises(ValueError, match=r"\bX\b.*7 features"):
        est.predict(np.ones((3, 7)))
    with pytest.raises(ValueError, match=r"\bX\b.*NaN"):
        est.predict(_set(X0[:3], 0, 0, np.nan))
    # LogisticRegression predicts through scikit-learn's LinearClassifierMixin, whose
    # 1-D message does not name X (left to the LogisticRegression owner)
    with pytest.raises(ValueError, match=r"\bX\b" if subject.task == "regression" else "1D"):
        est.predict(X0[0])
    np.testing.assert_allclose(est.predict(sp.csr_matrix(X0)), est.predict(X0))
    bad = sp.csr_matrix(X0[:4])
    bad = sp.csr_matrix((bad.data, np.where(np.arange(bad.nnz) == 2, 10**6, bad.indices),
                         bad.indptr), shape=bad.shape)
    with pytest.raises(ValueError, match=r"\bX\b.*indices"):
        est.predict(bad)


def test_errors_name_the_argument_without_dumping_data():
    """A complex X used to produce a message of several kB (the whole array)."""
    X0, y0 = clean_problem("regression")
    with pytest.raises(ValueError) as info:
        penalized.Lasso().fit(np.ones((2000, 5), dtype=complex), np.ones(2000))
    assert str(info.value).startswith("X: Complex data not supported")
    assert len(str(info.value)) < 300
