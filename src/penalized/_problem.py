"""The problem object every model family builds once: X, its design, weights, intercept.

A problem is prepared once for many penalties (a path, a CV grid) and, for
least squares, many targets: the native :class:`penalized._core.Design`
(column access for dense / CSC X, and the centring statistics x_mean and
x_c,j^T S x_c,j computed once in float64, so that sparse X stays sparse and
dense X is never copied for centring), the sample weights, the range checks
on X and y.  The family's subclass adds its target (least squares: a
:class:`penalized._enet.Target` per y; GLMs: the loss, the offset, the
intercept-only fit; multi-task: the centred Y) and its point solver for
:func:`penalized._path.run_path` (``path_steps``); :meth:`Problem.path` is
the one way every family solves a path:

- ``_enet.LeastSquaresProblem`` (Lasso, ElasticNet, their CV and relaxed fits),
- ``_logistic.LogisticProblem`` and its subclasses ``_families.LogLinkProblem``
  (Poisson, Gamma) and ``_cox.CoxProblem``,
- ``_multitask.MultiTaskProblem`` (multi-task and group least squares).
"""

import warnings

import numpy as np
import scipy.sparse as sp

from ._core import Design
from ._path import run_path
from ._validation import user_stacklevel

__all__ = ["NonFiniteError", "Problem", "check_magnitudes", "check_target_magnitude"]


class Problem:
    """X prepared once: shape, dtype, the intercept flag and the native Design.

    Parameters
    ----------
    X : F-ordered float ndarray or canonical CSC matrix (validated).
    sample_weight : ndarray summing to n, or None: the weights the design's
        centring uses (GLMs centre unweighted and carry their weights in the
        loss: they pass None).
    fit_intercept : bool
    design : Design of (X, sample_weight, fit_intercept), optional: shared by
        problems on the same X (one-vs-rest), then not re-checked.
    """

    def __init__(self, X, sample_weight=None, fit_intercept=True, design=None):
        self.X = X
        self.n_samples, self.n_features = X.shape
        self.dtype = X.dtype
        self.fit_intercept = fit_intercept
        if design is None:
            design = Design(X, sample_weight, fit_intercept)
            check_magnitudes(design, X)
        self.design = design

    def path_steps(self, **options):
        """The family's point solver (a :class:`penalized._path.PathSteps`)."""
        raise NotImplementedError

    def path(self, alphas, *, max_features=None, dfmax=None, return_sparse=False,
             warn=True, callback=None, **options):
        """Solve the path over ``alphas`` (decreasing), warm-started point to point.

        ``options`` go to the family's ``path_steps``; the rest to
        :func:`penalized._path.run_path`.  Returns its PathResult.
        """
        return run_path(self.path_steps(**options), alphas, max_features=max_features,
                        dfmax=dfmax, return_sparse=return_sparse, warn=warn,
                        callback=callback)


class NonFiniteError(FloatingPointError, ValueError):
    """The solver produced non-finite coefficients (data too large to square in its dtype).

    A FloatingPointError, and a ValueError as scikit-learn raises for the same failure.
    """


def check_magnitudes(design, X, name="X"):
    """Reject column statistics that overflowed; flag columns whose squares underflowed.

    ``design.col_sqnorm`` (x_c,j^T S x_c,j) and ``design.x_mean`` are computed
    once in native code in float64 (whatever X's dtype); the solver divides by
    the squared norms and treats a zero one as an empty column.  A NaN / inf
    statistic (values too large to square, or sums that overflow) made a
    column look empty or poisoned the fit, and raises here.  A non-constant
    column whose squared norm is below float64's smallest normal number has
    lost its precision (subnormal) and gave certificates of 0 for suboptimal
    fits: if every non-constant column is such, this raises; if some, it
    warns and names them (they get coefficient 0).  float32 Gram matrices
    have their own range check (``gram_matrix``).
    """
    sq = np.asarray(design.col_sqnorm, dtype=np.float64)
    info = np.finfo(np.float64)
    bad = ~np.isfinite(sq)
    if design.x_mean is not None:
        bad |= ~np.isfinite(np.asarray(design.x_mean))
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise NonFiniteError(
            f"{name}: values too large to square: the squared norm (or the mean) of "
            f"column {j} overflows float64. Rescale {name} (e.g. divide it by its largest "
            "absolute value).")
    top32 = float(np.finfo(design.dtype).max)
    if design.dtype != np.float64 and np.any(sq > top32):
        # the float32 kernels square columns in float32 (at 1e19 they overflowed to a
        # FloatingPointError, at 1e20 to a zero fit certified with gap 0)
        j = int(np.argmax(sq))
        raise ValueError(
            f"{name}: values too large to square in {np.dtype(design.dtype).name}: the "
            f"squared norm of column {j} is {sq[j]:.3g} > {top32:.3g}. Pass {name} as "
            "float64 or rescale it.")
    low = np.flatnonzero(sq < float(info.tiny))
    if low.size == 0:
        return
    rows = None if design.sample_weight is None else np.asarray(design.sample_weight) > 0
    if sp.issparse(X):       # an empty sparse column is legitimately 0
        Xc = X.tocsc()
        low = low[np.diff(Xc.indptr)[low] > 0]
        if rows is not None and low.size:
            # so is one whose entries all sit in zero-weight rows (a CV fold's held-out
            # rows, issue 18): constant on the weighted rows, never densified below
            sub = Xc[:, low]
            owner = np.repeat(np.arange(low.size), np.diff(sub.indptr))
            low = low[np.bincount(owner, weights=rows[sub.indices], minlength=low.size) > 0]
    if low.size == 0:
        return
    under = []
    for a in range(0, low.size, 256):      # bounded temporaries (n x 256 floats)
        cols = low[a:a + 256]
        block = (X[:, cols].toarray() if sp.issparse(X) else np.asarray(X[:, cols]))
        block = block if rows is None else block[rows]
        if block.shape[0]:
            # non-constant columns: real features whose squares underflowed
            under += [int(j) for j in cols[np.any(block != block[:1], axis=0)]]
    if not under:
        return
    msg = (f"{name}: the squared norms of column(s) {under[:10]}"
           f"{' ...' if len(under) > 10 else ''} underflow float64 "
           f"(below {float(info.tiny):.3g}): their values are too small to square. Rescale "
           f"{name} (e.g. standardize the columns).")
    if len(under) + int(np.sum(sq >= float(info.tiny))) == len(under):
        raise ValueError(msg)
    warnings.warn(msg + " They are effectively excluded (coefficient 0).", UserWarning,
                  stacklevel=user_stacklevel())


def check_target_magnitude(yy, y, name="y"):
    """The centred target's squared norm yy (float64): finite and, unless y is constant,
    not underflowed (the gap target tol * yy / n would be subnormal)."""
    info = np.finfo(np.float64)
    if not np.isfinite(yy):
        raise ValueError(
            f"{name}: values too large to square (the centred sum of squares overflows "
            f"float64). Rescale {name}.")
    rows = np.reshape(y, (np.shape(y)[0], -1))
    if yy < float(info.tiny) and np.any(rows != rows[:1]):     # some column not constant
        raise ValueError(
            f"{name}: values too small to square (the centred sum of squares {yy:.3g} "
            f"underflows float64). Rescale {name}.")
