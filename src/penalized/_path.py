"""The one path driver: warm-started solves over a decreasing alpha grid, for every loss.

A path is a sequence of point solves that share state (coefficients, the
residual or linear predictor, the dual point): glmnetpp's driver -> path ->
point, with the point solver a plug-in.  :func:`run_path` owns what is the same
for every loss: the loop over alphas, glmnet's ``max_features`` (pmax) and
``dfmax`` stopping rules, storing each point (a dense array, or one scipy.sparse
CSC column per alpha so that no dense path is ever formed), the progress
callback, the one ConvergenceWarning for the points that missed their target,
and the non-finite check.  The plug-in (a :class:`PathSteps`) owns the state
and the native point solve of its problem class:

- ``_enet.LeastSquaresSteps``: least squares (residual, dual certificate and
  the correlations of the last gap pass carried to the next alpha);
- ``_logistic.GLMSteps``: binomial, multinomial, Poisson, Gamma, Cox (the
  linear predictor carried; the intercept-only point made exact at alpha_max);
- ``_multitask.BlockSteps``: multi-task and group least squares (the residual
  matrix carried).

Every path returns one :class:`PathResult`.
"""

from dataclasses import dataclass

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ._validation import user_stacklevel

__all__ = ["PathResult", "PathSteps", "run_path", "warn_unconverged"]


@dataclass
class PathResult:
    """What a path returns, for every loss.

    coefs : the coefficient array of each point stacked on a last axis,
        ``coef_shape + (n_fitted,)`` (or, with ``return_sparse``, a
        scipy.sparse CSC matrix (prod(coef_shape), n_fitted) whose column k
        holds point k's coefficients in Fortran-order flat indexing).
    intercepts : ``intercept_shape + (n_fitted,)`` float64.
    gaps : (n_fitted,) certified duality gaps in the objective's 1/n scaling.
    n_iters : (n_fitted,) work per point (epochs, or Newton steps for GLMs).
    alphas : (n_fitted,) the alphas solved; fewer than asked when
        ``max_features`` / ``dfmax`` stopped the path.
    certificates : the plug-in's certificate per point, or None.
    final : the plug-in's state after the last point (e.g. the linear
        predictor of a GLM path), or None.
    """

    coefs: object
    intercepts: np.ndarray
    gaps: np.ndarray
    n_iters: np.ndarray
    alphas: np.ndarray
    certificates: object = None
    final: object = None

    @property
    def n_fitted(self):
        return self.gaps.size


@dataclass
class PointResult:
    """One point, as a plug-in's ``solve`` reports it.

    gap : the certified gap in the objective's 1/n scaling (>= 0).
    n_iter : the work spent (epochs / Newton steps).
    finite : whether the solution is finite (an infinite gap can be honest:
        no certificate exists for some problems, e.g. alpha = 0 with bounds).
    missed : None, or (gap, target) in 1/n scaling when the gap exceeds the
        target the user asked for.
    """

    gap: float
    n_iter: int
    finite: bool = True
    missed: tuple = None


class PathSteps:
    """The plug-in interface of :func:`run_path` (subclassed per problem class).

    Attributes set by subclasses: ``n_features``, ``coef_shape``, ``intercept_shape``,
    ``dtype`` (of the stored coefficients), ``order`` ('F' or 'C', of the dense
    stored path), ``model_name``, ``tol_meaning``, ``work_unit``.

    Methods: ``solve(k, alpha, alpha_prev)`` -> :class:`PointResult`, the
    solve at alphas[k] from the current state, in place; ``coef()`` the current
    coefficients (an array of ``coef_shape``); ``active_rows()`` a (p,) bool
    mask of the features with a non-zero coefficient; ``intercept()``;
    ``callback_coef()`` what the user callback receives; ``certificate()``
    the certificate of the current point (when ``keeps_certificates``); ``final_state()``;
    ``unconverged_hint()`` (optional) the warning's advice; ``finish(n_fitted)``
    (optional) after the last point;
    ``nonfinite_error()`` the exception for non-finite results.
    """

    order = "F"
    keeps_certificates = False

    def certificate(self):
        return None

    def final_state(self):
        return None

    def unconverged_hint(self):
        return None

    def finish(self, n_fitted):
        """Called once after the last point, with the number of points kept."""


class CoefStore:
    """The stored path: a dense ``shape + (n_alphas,)`` array, or CSC columns."""

    def __init__(self, shape, n_alphas, dtype, order, sparse):
        self.shape, self.dtype, self.sparse = tuple(shape), dtype, sparse
        self.size = int(np.prod(self.shape))
        if sparse:
            self.rows, self.values, self.ptr = [], [], [0]
        else:
            self.dense = np.empty(self.shape + (n_alphas,), dtype=dtype, order=order)

    def put(self, k, coef):
        if not self.sparse:
            self.dense[..., k] = coef
            return
        flat = np.asarray(coef).ravel(order="F")
        nz = np.flatnonzero(flat)
        self.rows.append(nz)
        self.values.append(flat[nz].astype(self.dtype, copy=False))
        self.ptr.append(self.ptr[-1] + nz.size)

    def result(self, n_fitted):
        if not self.sparse:
            return self.dense[..., :n_fitted]
        index_dtype = (np.int32 if max(self.size, self.ptr[-1]) < np.iinfo(np.int32).max
                       else np.int64)
        return sp.csc_matrix(
            (np.concatenate(self.values) if self.values else np.zeros(0, dtype=self.dtype),
             np.concatenate(self.rows).astype(index_dtype) if self.rows
             else np.zeros(0, index_dtype),
             np.asarray(self.ptr, dtype=index_dtype)), shape=(self.size, n_fitted))


def warn_unconverged(missed, n_alphas, what, target_meaning, work_unit, hint=None):
    """ConvergenceWarning for the path points in ``missed`` = [(alpha, gap, target, work)].

    ``hint`` replaces the closing advice (e.g. when rounding, not the
    iteration count, keeps the gap above the target)."""
    alpha, gap, target, work = missed[0]
    where = f"alpha={alpha:.4g}" if len(missed) == 1 else (
        f"{len(missed)} of {n_alphas} alphas (first: alpha={alpha:.4g})")
    # scikit-learn's sentence first (code matching on it keeps working), then the figures
    warnings.warn(
        f"{what} did not converge. You might want to increase the number of iterations, "
        "check the scale of the features or consider increasing regularisation. "
        f"At {where}: duality gap {gap:.3e} > target {target:.3e} ({target_meaning}) "
        f"after {work} {work_unit}. "
        + (hint or "Increase max_iter, increase tol, or standardize the features."),
        ConvergenceWarning,
        stacklevel=user_stacklevel(),
    )


def run_path(steps, alphas, *, max_features=None, dfmax=None, return_sparse=False,
             warn=True, callback=None):
    """Solve ``steps``' problem at each alpha in turn, each warm-started from the last.

    ``max_features`` (glmnet's pmax): stop once more than that many features
    have been non-zero at some point of the path so far; ``dfmax`` (glmnet's
    dfmax): stop once a solution has more than that many features non-zero.
    The point that crosses a limit is dropped, and the result holds only the
    alphas before it, possibly none.  ``return_sparse``: store the path as a
    CSC matrix (see :class:`PathResult`).  ``callback(k, n_alphas, alpha,
    coef, gap)``, if given, runs after each stored point.  ``warn``: one
    ConvergenceWarning naming the points whose gap missed the target.
    Returns a :class:`PathResult`.
    """
    alphas = np.asarray(alphas, dtype=np.float64)
    n_alphas = alphas.size
    store = CoefStore(steps.coef_shape, n_alphas, steps.dtype, steps.order, return_sparse)
    certificates = (CoefStore(steps.coef_shape, n_alphas, steps.dtype, steps.order, False)
                    if steps.keeps_certificates else None)
    intercepts = np.empty(tuple(steps.intercept_shape) + (n_alphas,))
    gaps = np.empty(n_alphas)
    n_iters = np.empty(n_alphas, dtype=np.int64)
    ever = None if max_features is None else np.zeros(steps.n_features, dtype=bool)
    missed = []
    finite = True
    fitted = n_alphas
    for k, alpha in enumerate(alphas):
        point = steps.solve(k, alpha, alphas[k - 1] if k > 0 else None)
        finite &= bool(point.finite)
        if max_features is not None or dfmax is not None:
            active = steps.active_rows()
            if ever is not None:
                ever |= active
            if ((ever is not None and np.count_nonzero(ever) > max_features)
                    or (dfmax is not None and np.count_nonzero(active) > dfmax)):
                fitted = k
                break
        store.put(k, steps.coef())
        if certificates is not None:
            certificates.put(k, steps.certificate())
        intercepts[..., k] = steps.intercept()
        gaps[k] = point.gap
        n_iters[k] = point.n_iter
        if point.missed is not None:
            missed.append((alpha, point.missed[0], point.missed[1], point.n_iter))
        if callback is not None:
            callback(k, n_alphas, alpha, steps.callback_coef(), gaps[k])
    intercepts, gaps, n_iters = intercepts[..., :fitted], gaps[:fitted], n_iters[:fitted]
    steps.finish(fitted)
    if missed and warn:
        warn_unconverged(missed, n_alphas, steps.model_name, steps.tol_meaning,
                         steps.work_unit, hint=steps.unconverged_hint())
    if not (finite and np.all(np.isfinite(intercepts))):
        raise steps.nonfinite_error()
    if certificates is not None:
        certificates = certificates.result(fitted)
    return PathResult(coefs=store.result(fitted), intercepts=intercepts, gaps=gaps,
                      n_iters=n_iters, alphas=alphas[:fitted], certificates=certificates,
                      final=steps.final_state())
