"""Penalised Cox proportional hazards regression on the native GLM engine.

Objective, for right-censored data (time t_i, event d_i in {0, 1}), sample
weights s rescaled to sum to n and eta = X w + offset (no intercept: the
partial likelihood does not identify one)::

    F(w) = 1/n * l(eta) + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

    Breslow:  l(eta) = sum_{i: d_i = 1} s_i [log sum_{j in R(t_i)} s_j exp(eta_j) - eta_i]
    Efron:    the events D_b of each tie block b (nd_b of them with s_i > 0, total
              weight Dw_b) share l_b = Dw_b / nd_b * sum_{l < nd_b} log(S_b - l / nd_b SD_b)
              - sum_{i in D_b} s_i eta_i, S_b = sum_{R_b} s_j exp(eta_j),
              SD_b = sum_{D_b} s_j exp(eta_j)

R(t) = {j : t_j >= t} (within the sample's stratum with ``strata``).  The
same mean-loss scaling as every model of the project.  Solved by the one
native proximal Newton driver (``_native/glm.pxi``, loss kind LOSS_COX in
``_native/cox.pxi``): the quadratic model uses the diagonal of the Hessian in eta
(glmnet's choice), an Armijo line search guards every step.

Certificate: a duality gap.  The conjugate of Dw log sum_R s_j exp(eta_j) is
Dw times a relative entropy over the distributions on R (docs/design.rst); the
dual point is Theta = -grad l(eta), scaled by t in (0, 1] for the L1
constraints, with the feasible representation p_b = t pi_b + (1 - t) e_b.  The
dual is not strongly concave: no gap-safe screening (the strong rule and the
full gap check still run).  ``tol`` bounds the gap relative to F(0) = l(offset)
/ n, the null model's loss (1.0 if that is 0).
"""

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ._alphas import cv_alphas, is_count, path_alphas
from ._core import cox_solve, cox_value_gradient
from ._enet import alpha_grid
from ._features import check_max_features
from ._logistic import LogisticProblem, solve_logistic_path
from ._progress import path_progress
from ._validation import (
    aligned,
    check_1d_float,
    check_choice,
    check_init,
    check_sample_weight,
    check_scalar_param,
    check_X,
    validate_X,
)
from .linear_model import (SparseInputMixin, check_offset, keeps_state_on_error,
                           logistic_l1_ratio)
from .model_selection import (CVRouterMixin, check_fold_weights, cv_folds, fold_rows,
                              glm_path_length, one_standard_error_index, reject_unrouted,
                              store_full_path)
from .linear_model import check_return_sparse

__all__ = ["CoxRegression", "CoxRegressionCV", "concordance_index", "cox_loss", "cox_path",
           "check_survival"]

_TIES = {"breslow", "efron"}


# ---------------------------------------------------------------------------
# The survival response
# ---------------------------------------------------------------------------

def check_survival(y, n_samples=None):
    """(time, event) of a survival response as float64 arrays; errors name ``y``.

    ``y``: a structured array of two fields (event, time), as scikit-survival's
    ``Surv.from_arrays`` makes (the first field the event indicator, bool or 0/1,
    the second the time); or an (n, 2) numeric array of columns (time, event);
    or a 1-D array of times (every event observed).  Times must be finite and
    >= 0, events 0/1, at least one event.
    """
    if y is None:
        raise ValueError("y is required: a survival response (event, time).")
    if sp.issparse(y):
        raise ValueError("y must be dense: a structured (event, time) array or (time, event) "
                         "columns.")
    arr = np.asarray(y)
    if arr.dtype.names is not None:
        if len(arr.dtype.names) != 2 or arr.ndim != 1:
            raise ValueError("y as a structured array needs exactly two fields (event, time), "
                             f"got fields {arr.dtype.names} and shape {arr.shape}.")
        ev_raw, time_raw = arr[arr.dtype.names[0]], arr[arr.dtype.names[1]]
    elif arr.ndim == 2 and arr.shape[1] == 2:
        time_raw, ev_raw = arr[:, 0], arr[:, 1]
    elif arr.ndim == 1:
        time_raw, ev_raw = arr, np.ones(arr.shape[0])
    else:
        raise ValueError("y must be a structured (event, time) array, an (n, 2) array of "
                         f"(time, event) columns or 1-D times; got shape {arr.shape}.")
    try:
        time = np.asarray(time_raw, dtype=np.float64)
        event_f = np.asarray(ev_raw, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"y must hold numeric times and 0/1 (or bool) events: {exc}") from None
    if n_samples is not None and time.shape[0] != n_samples:
        raise ValueError(f"y has {time.shape[0]} samples, X has {n_samples}.")
    if time.shape[0] == 0:
        raise ValueError("y is empty.")
    if not np.all(np.isfinite(time)):
        raise ValueError("y contains NaN or infinite times.")
    if np.any(time < 0):
        raise ValueError(f"y's times must be non-negative; found min = {time.min():.4g}.")
    if not np.all((event_f == 0) | (event_f == 1)):
        raise ValueError("y's event indicator must be boolean or 0/1.")
    if not np.any(event_f == 1):
        raise ValueError("y has no event (every sample is censored): the partial likelihood "
                         "has no finite maximiser.")
    return np.ascontiguousarray(time), np.ascontiguousarray(event_f)


def check_strata(strata, n_samples):
    """Integer codes 0..G-1 of ``strata`` (any labels), or None."""
    if strata is None:
        return None
    a = np.asarray(strata)
    if a.ndim != 1 or a.shape[0] != n_samples:
        raise ValueError(f"strata must have shape ({n_samples},), got {a.shape}.")
    return np.unique(a, return_inverse=True)[1].astype(np.intp)


class SurvivalStructure:
    """The samples sorted by stratum then time, cut into tie blocks and strata.

    ``order`` (n,): sorted position -> sample; ``blk_ptr`` (n_blocks + 1) the
    blocks' starts in the order (equal stratum and time); ``strat_ptr``
    (n_strata + 1) the strata's first blocks.  Built once per problem; the
    native loss trusts it.
    """

    def __init__(self, time, event, strata=None):
        n = time.shape[0]
        codes = np.zeros(n, dtype=np.intp) if strata is None else strata
        self.time, self.codes, self.has_strata = time, codes, strata is not None
        self.event = np.ascontiguousarray(event, dtype=np.float64)
        # stable: equal keys keep the samples' order (lexsort is stable too)
        order = (np.argsort(time, kind="stable") if strata is None
                 else np.lexsort((time, codes))).astype(np.intp, copy=False)
        ts = time[order]
        new = np.empty(n, dtype=bool)
        new[0] = True
        np.not_equal(ts[1:], ts[:-1], out=new[1:])
        if strata is not None:
            cs = codes[order]
            new[1:] |= cs[1:] != cs[:-1]
        starts = np.flatnonzero(new)
        nb = starts.size
        self.order = np.ascontiguousarray(order)
        self.blk_ptr = np.empty(nb + 1, dtype=np.intp)
        self.blk_ptr[:nb] = starts
        self.blk_ptr[nb] = n
        if strata is None:
            self.strat_ptr = np.array([0, nb], dtype=np.intp)
        else:
            bc = cs[starts]
            first = np.flatnonzero(bc[1:] != bc[:-1]) + 1
            self.strat_ptr = np.concatenate([[0], first, [nb]]).astype(np.intp)
        self.n_blocks = nb
        self._block_of = None

    @property
    def block_of(self):
        """The block of every sorted position (the numpy loss's; built on first use)."""
        if self._block_of is None:
            self._block_of = np.repeat(np.arange(self.n_blocks), np.diff(self.blk_ptr))
        return self._block_of

    def subset(self, rows):
        if not self.has_strata:
            return SurvivalStructure(self.time[rows], self.event[rows])
        return SurvivalStructure(self.time[rows], self.event[rows], self.codes[rows])


def cox_loss(eta, st, s, ties="breslow", gradient=False):
    """l(eta) (sum scaling, see the module docstring) in numpy, and -grad l (Theta)
    with ``gradient``.  ``st``: a SurvivalStructure; ``s``: the sample weights.

    O(n) cumulative sums over the sorted samples, each stratum's exp shifted by
    its largest eta (the Python layer's value, used for alpha_max, the KKT check
    and CV scoring; the native solver has its own).
    """
    eta = np.asarray(eta, dtype=np.float64)
    o = st.order
    es, ss, ds = eta[o], s[o], st.event[o]
    bo, bp, nb = st.block_of, st.blk_ptr, st.n_blocks
    value = -float(np.sum(ss * ds * es))
    A = np.zeros(nb)        # per block: sum_l wbar / Z_l (non-event members)
    C = np.zeros(nb)        # per block: the events' sum_l wbar (1 - l/nd) / Z_l
    e_all = np.empty_like(es)
    for g in range(st.strat_ptr.size - 1):
        b0, b1 = st.strat_ptr[g], st.strat_ptr[g + 1]
        q0, q1 = bp[b0], bp[b1]
        c = es[q0:q1].max()
        e = np.exp(es[q0:q1] - c)
        e_all[q0:q1] = e
        w = ss[q0:q1] * e
        d = ds[q0:q1]
        blk = bo[q0:q1] - b0
        nbg = b1 - b0
        starts = bp[b0:b1] - q0         # every block is non-empty: sums by reduceat
        Wb = np.add.reduceat(w, starts)
        SDb = np.add.reduceat(w * d, starts)
        Dw = np.add.reduceat(ss[q0:q1] * d, starts)
        nd = np.add.reduceat(d * (ss[q0:q1] > 0), starts)
        S = np.cumsum(Wb[::-1])[::-1]                 # risk-set sums
        # without the block's events: its non-events and every later block
        Sc = np.cumsum((Wb - SDb)[::-1])[::-1] + np.r_[np.cumsum(SDb[::-1])[::-1][1:], 0.0]
        has = Dw > 0
        tied = has & (nd > 1) if ties == "efron" else np.zeros(nbg, dtype=bool)
        plain = has & ~tied
        value += float(np.sum(Dw[plain] * (np.log(S[plain]) + c)))
        A[b0:b1][plain] = Dw[plain] / S[plain]
        C[b0:b1][plain] = Dw[plain] / S[plain]
        if np.any(tied):
            # one term per event (with s > 0) of a tied block: l = its rank in the block
            pos = np.flatnonzero((d > 0) & (ss[q0:q1] > 0) & tied[blk])
            pb = blk[pos]
            rank = np.arange(pos.size) - np.searchsorted(pb, pb, side="left")
            frac = 1.0 - rank / nd[pb]
            Z = Sc[pb] + frac * SDb[pb]
            wbar = Dw[pb] / nd[pb]
            value += float(np.sum(wbar * (np.log(Z) + c)))
            A[b0:b1] += np.bincount(pb, wbar / Z, nbg)
            C[b0:b1] += np.bincount(pb, wbar * frac / Z, nbg)
    if not gradient:
        return value
    theta_s = np.empty_like(es)
    for g in range(st.strat_ptr.size - 1):
        b0, b1 = st.strat_ptr[g], st.strat_ptr[g + 1]
        q0, q1 = bp[b0], bp[b1]
        before = np.cumsum(A[b0:b1]) - A[b0:b1]       # blocks strictly earlier
        blk = bo[q0:q1] - b0
        own = np.where(ds[q0:q1] > 0, C[b0:b1][blk], A[b0:b1][blk])
        theta_s[q0:q1] = ss[q0:q1] * (ds[q0:q1] - e_all[q0:q1] * (before[blk] + own))
    theta = np.empty_like(theta_s)
    theta[o] = theta_s
    return value, theta


def native_cox_loss(eta, st, s, ties="breslow", gradient=False):
    """cox_loss's value (and Theta with ``gradient``) by the native sums of the
    solver (the LOSS_COX loss): faster than the numpy reference, which the tests and
    benchmarks keep as the independent check (measured: 7-12x at n = 500, where numpy's
    per-call overhead dominates; 1.2-2x at n = 5000, where both are bound by the exps)."""
    out = cox_value_gradient(np.ascontiguousarray(eta, dtype=np.float64), st.event,
                             np.ascontiguousarray(s, dtype=np.float64), st.order, st.blk_ptr,
                             st.strat_ptr, ties == "efron", gradient)
    return (float(out[0]), out[1]) if gradient else float(out)


class CoxLoss:
    """The Cox partial likelihood loss of the Python layer (K = 1); the Newton
    model, dual point and conjugate are native (``_native/cox.pxi``)."""

    n_outputs = 1

    def __init__(self, st, s, ties):
        self.st = st
        self.s = np.ascontiguousarray(s, dtype=np.float64)
        self.ties = ties
        self.event = np.ascontiguousarray(st.event, dtype=np.float64)

    def value(self, E):
        return native_cox_loss(E[:, 0], self.st, self.s, self.ties)

    def neg_gradient(self, E):
        return native_cox_loss(E[:, 0], self.st, self.s, self.ties, gradient=True)[1][:, None]

    def native_solve(self, design, w, b, eta, s, L1, L2, tol_abs, **options):
        st = self.st
        return cox_solve(design, w, b, eta, self.event, s, st.order, st.blk_ptr, st.strat_ptr,
                         self.ties, L1, L2, tol_abs, **options)

    def null_intercept(self, fit_intercept):
        return np.zeros(1)


class CoxProblem(LogisticProblem):
    """X, the survival structure and weights of a Cox problem, prepared once (as
    :class:`penalized._logistic.LogisticProblem`, without intercept)."""

    model_name = "Cox regression"
    tol_meaning = "tol * null-model loss F(0)"

    def __init__(self, X, time, event, sample_weight=None, strata=None, ties="breslow",
                 penalty_factor=None, exclude=None, standardize=False, offset=None,
                 groups=None, group_weights=None, structure=None, lower_bounds=None,
                 upper_bounds=None):
        self.ties = ties
        self.st = SurvivalStructure(time, event, strata) if structure is None else structure
        # The loss is invariant to a constant shift of eta (every risk set is
        # shifted alike), so the model has no intercept; but the solver works on
        # the centred columns and carries a free constant b in eta, which the
        # loss ignores: raw columns far from 0 (X + 100) would otherwise make every
        # weighted least-squares model ill-conditioned along that flat direction.
        # The coefficients, objective and gap are those of X w; b is dropped.
        super().__init__(X, event, sample_weight, True, penalty_factor=penalty_factor,
                         exclude=exclude, standardize=standardize, offset=offset,
                         groups=groups, group_weights=group_weights,
                         lower_bounds=lower_bounds, upper_bounds=upper_bounds)
        if not self.null_loss > 0:
            self.tol_reference = 1.0

    def make_loss(self, y, s):
        return CoxLoss(self.st, s, self.ties)

    def kkt_violation(self, E, W, l1, l2):
        """As LogisticProblem's; without per-feature options or groups in one
        BLAS product X^T Theta (Theta by the native sums)."""
        if self.factors or self.grouping is not None:
            return super().kkt_violation(E, W, l1, l2)
        n = self.n_samples
        theta = native_cox_loss(E[:, 0], self.st, self.s, self.ties, gradient=True)[1]
        w = np.asarray(W, dtype=np.float64).reshape(-1)
        g = -np.asarray(self.X.T @ theta.astype(self.X.dtype, copy=False),
                        dtype=np.float64).reshape(-1) / n + l2 * w
        viol = np.where(w != 0, np.abs(g + l1 * np.sign(w)), np.maximum(np.abs(g) - l1, 0.0))
        return max(float(viol.max()) if viol.size else 0.0, abs(float(theta.sum())) / n)

    def _null_intercept_with_offset(self, b):
        return np.zeros(1)      # the loss does not depend on a constant shift


def validate_fit_X(estimator, X):
    """``validate_X(estimator, X, reset=True)``, without scikit-learn's per-call
    overhead for the common input: a 2-D float32 / float64 ndarray (no feature
    names) with at least one row and column whose sum is finite (then every entry
    is).  Such X gets exactly what ``validate_data(reset=True)`` would give it: F
    order (copied once if needed), ``n_features_in_`` set and a previous fit's
    ``feature_names_in_`` removed.  Anything else (NaN / inf, other types, frames,
    sparse) goes through ``validate_X``.  (A small fit spent a fifth of its time in
    ``validate_data``'s dataframe checks.)"""
    if (type(X) is np.ndarray and X.ndim == 2 and X.dtype in (np.float64, np.float32)
            and X.shape[0] >= 1 and X.shape[1] >= 1 and np.isfinite(X.sum())):
        X = aligned(X if X.flags.f_contiguous else np.asfortranarray(X))
        estimator.n_features_in_ = X.shape[1]
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
        return X
    return validate_X(estimator, X, reset=True)


def _check_common(l1_ratio, tol, max_iter, ties):
    check_scalar_param(tol, "tol", low=0)
    check_scalar_param(max_iter, "max_iter", low=1, integer=True)
    check_choice(ties, "ties", _TIES)


def _prepare(X, y, sample_weight, offset, strata, validate):
    """Validated X (already validated if ``validate`` is None), time, event, raw and
    rescaled weights, offset (n, 1), strata codes."""
    X = check_X(X) if validate is None else validate(X)
    n = X.shape[0]
    time, event = check_survival(y, n)
    raw_sw = None if sample_weight is None else check_1d_float(sample_weight, "sample_weight")
    sw = check_sample_weight(raw_sw, n, np.float64)
    if sw is not None and not np.any((event == 1) & (sw > 0)):
        raise ValueError("no event has a positive sample_weight: the partial likelihood has "
                         "no finite maximiser.")
    return X, time, event, raw_sw, sw, check_offset(offset, n, 1), check_strata(strata, n)


def cox_path(X, y, *, l1_ratio=1.0, eps=1e-3, alphas=100, ties="breslow", sample_weight=None,
             offset=None, strata=None, tol=1e-4, max_iter=1000, coef_init=None,
             return_n_iter=False, verbose=False, penalty_factor=None, exclude=None,
             standardize=False, groups=None, group_weights=None, lower_bounds=None,
             upper_bounds=None, max_features=None, dfmax=None, return_sparse=False):
    """Penalised Cox regression along a decreasing grid of alphas.

    Minimises, for each alpha, with sample weights s rescaled to sum to n and
    eta = X w + offset::

        1/n * l(eta) + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

    with l the negative log partial likelihood (``ties`` 'breslow' or 'efron',
    risk sets within ``strata``; see :class:`CoxRegression`).  Warm-started
    native proximal Newton, certified by a duality gap.  ``alphas``: an int (the
    number of alphas of the grid from alpha_max, the smallest alpha with w = 0,
    down to eps * alpha_max) or an array.  ``y``: structured (event, time) or
    (n, 2) (time, event).  Other options as in :class:`CoxRegression`;
    ``max_features`` / ``dfmax`` (glmnet's pmax / dfmax) as in
    :func:`penalized.enet_path` (the returned alphas may then be fewer);
    ``return_sparse``: ``coefs`` as a ``scipy.sparse.csc_matrix``, as in
    :func:`penalized.enet_path`.

    Returns
    -------
    alphas : ndarray (n_alphas,)
    coefs : ndarray (n_features, n_alphas), or csc_matrix with ``return_sparse``
    dual_gaps : ndarray (n_alphas,), in the objective's 1/n scaling.
    n_iters : ndarray (n_alphas,), Newton iterations, only if ``return_n_iter``.
    """
    l1_ratio = check_scalar_param(l1_ratio, "l1_ratio", low=0, high=1)
    _check_common(l1_ratio, tol, max_iter, ties)
    return_sparse = check_return_sparse(return_sparse)
    X, time, event, _, sw, offset, strata = _prepare(X, y, sample_weight, offset, strata, None)
    problem = CoxProblem(X, time, event, sw, strata, ties, penalty_factor=penalty_factor,
                         exclude=exclude, standardize=standardize, offset=offset,
                         groups=groups, group_weights=group_weights,
                         lower_bounds=lower_bounds, upper_bounds=upper_bounds)
    alphas = path_alphas(alphas, "deprecated")
    if is_count(alphas):
        check_scalar_param(eps, "eps", low=0, high=1, low_inclusive=False)
        alphas = alpha_grid(problem.alpha_max(l1_ratio), alphas, eps)
    coef_init = check_init(coef_init, (X.shape[1],), "coef_init")
    coefs, _, gaps, n_iters = solve_logistic_path(
        problem, alphas, l1_ratio=l1_ratio, coef_init=coef_init, tol=tol, max_iter=max_iter,
        callback=path_progress(verbose, "cox_path"),
        max_features=check_max_features(max_features), dfmax=check_max_features(dfmax, "dfmax"),
        return_sparse=return_sparse)
    alphas = alphas[:gaps.size]
    if return_n_iter:
        return alphas, coefs, gaps, n_iters
    return alphas, coefs, gaps


# ---------------------------------------------------------------------------
# Concordance and the baseline hazard
# ---------------------------------------------------------------------------

def concordance_index(time, event, risk, strata=None, sample_weight=None):
    """Harrell's concordance index of the risk scores ``risk`` (higher = earlier event).

    A pair (i, j) is comparable when d_i = 1 and t_i < t_j, or t_i = t_j with j
    censored (two events tied in time are not comparable; with ``strata`` only
    pairs of one stratum count); it is
    concordant when risk_i > risk_j, and counts 1/2 when the risks tie; with
    ``sample_weight`` each pair counts s_i s_j.  Returns concordant / comparable
    (unweighted: scikit-survival's
    ``concordance_index_censored`` and lifelines' ``concordance_index`` of
    -risk on the same data).  O(n log n): a Fenwick tree over the risk ranks.
    """
    time = np.asarray(time, dtype=np.float64)
    event = np.asarray(event, dtype=np.float64)
    risk = np.asarray(risk, dtype=np.float64)
    if not np.all(np.isfinite(risk)):
        raise ValueError("risk scores contain NaN or infinity.")
    codes = np.zeros(time.shape[0], dtype=np.intp) if strata is None else strata
    sw = np.ones(time.shape[0]) if sample_weight is None else \
        np.asarray(sample_weight, dtype=np.float64)
    if sw.shape != time.shape or not np.all(np.isfinite(sw)) or np.any(sw < 0):
        raise ValueError("sample_weight must be finite, non-negative, one per sample.")
    num = 0.0
    den = 0.0
    for g in np.unique(codes):
        idx = np.flatnonzero(codes == g)
        c, p = _concordant_pairs(time[idx], event[idx], risk[idx], sw[idx])
        num += c
        den += p
    if den == 0:
        raise ValueError("no comparable pair: the concordance index is undefined.")
    return num / den


def _concordant_pairs(time, event, risk, sw):
    n = time.shape[0]
    ranks = np.unique(risk, return_inverse=True)[1] + 1      # 1..R
    R = int(ranks.max()) if n else 0
    tree = np.zeros(R + 1)
    sw = sw.tolist()

    def add(k, v):
        while k <= R:
            tree[k] += v
            k += k & -k

    def count(k):       # the weight of the inserted ranks <= k
        s = 0
        while k > 0:
            s += tree[k]
            k -= k & -k
        return s

    order = np.argsort(-time, kind="stable")
    conc = 0.0
    pairs = 0.0
    inserted = 0.0
    q = 0
    while q < n:
        e = q
        while e < n and time[order[e]] == time[order[q]]:
            e += 1
        # the tree holds the samples with a later time, then this time's censored ones
        for k in order[q:e]:
            if event[k] != 1:
                add(int(ranks[k]), sw[k])
                inserted += sw[k]
        for k in order[q:e]:
            if event[k] == 1 and inserted > 0:
                r = int(ranks[k])
                below = count(r - 1)
                tie = count(r) - below
                conc += sw[k] * (below + 0.5 * tie)
                pairs += sw[k] * inserted
        for k in order[q:e]:
            if event[k] == 1:
                add(int(ranks[k]), sw[k])
                inserted += sw[k]
        q = e
    return conc, pairs


def breslow_log_cumulative_hazard(time, event, eta, s, strata=None, structure=None):
    """Breslow's estimator of the baseline cumulative hazard per stratum, as logs:
    {g: (event times, log H0)} with H0(t) = sum_{t_b <= t} Dw_b / sum_{R_b} s_j exp(eta_j)
    (log H0 stays finite where H0 itself, the hazard at eta = 0, would overflow).
    ``structure``: the SurvivalStructure of (time, event, strata) if already built
    (the samples sorted once; built here otherwise)."""
    st = SurvivalStructure(time, event, strata) if structure is None else structure
    o, bp = st.order, st.blk_ptr
    es, ss, ds, ts = eta[o], s[o], st.event[o], st.time[o]
    out = {}
    for g in range(st.strat_ptr.size - 1):
        b0, b1 = st.strat_ptr[g], st.strat_ptr[g + 1]
        q0, q1 = bp[b0], bp[b1]
        starts = bp[b0:b1] - q0
        e = es[q0:q1]
        c = e.max()
        tail = np.cumsum((ss[q0:q1] * np.exp(e - c))[::-1])[::-1]   # sum over t_j >= t_q
        has = np.add.reduceat(ds[q0:q1], starts) > 0       # the blocks holding an event
        risk = tail[starts[has]]
        Dw = np.add.reduceat(ss[q0:q1] * ds[q0:q1], starts)[has]
        step = np.divide(Dw, risk, out=np.zeros_like(Dw), where=risk > 0)
        with np.errstate(divide="ignore"):
            out[int(st.codes[o[q0]])] = (ts[q0:q1][starts[has]], np.log(np.cumsum(step)) - c)
    return out


# ---------------------------------------------------------------------------
# Estimators
# ---------------------------------------------------------------------------



class CoxRegression(SparseInputMixin, BaseEstimator):
    """Cox proportional hazards regression with L1, L2 or elastic-net penalty, certified
    by a duality gap.

    Minimises, with sample weights s rescaled to sum to n and eta = X w + offset
    (no intercept)::

        1/n * l(eta) + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

        l(eta) = sum_{i: d_i = 1} s_i [log sum_{j in R(t_i)} s_j exp(eta_j) - eta_i]

    (Breslow's negative log partial likelihood; R(t) = {j : t_j >= t}, within
    the sample's stratum with ``strata``).  ``ties='efron'``: the events D_b
    tied at one time (nd_b of them with s_i > 0, total weight Dw_b) contribute
    Dw_b / nd_b * sum_{l < nd_b} log(S_b - l / nd_b * SD_b) - sum_{D_b} s_i eta_i,
    S_b = sum_{R_b} s_j exp(eta_j), SD_b = sum_{D_b} s_j exp(eta_j) (as R's
    ``survival::coxph`` weights it).  Peers: scikit-survival's
    ``CoxnetSurvivalAnalysis(l1_ratio=r, alphas=[a])`` minimises the same
    objective (Breslow, unit weights) with the same alpha; lifelines'
    ``CoxPHFitter(penalizer=c, l1_ratio=r)`` (Efron) minimises l / n + c (r |v|_1 +
    (1 - r)/2 ||v||^2) in the coefficients v of the columns it standardizes
    (pandas' std, ddof=1; |.| smoothed): on X standardized that way, alpha = c.  With glmnet's per-feature options (pf the
    rescaled ``penalty_factor``, sd_j the weighted standard deviation with
    ``standardize=True``, else 1), the penalty is alpha * sum_j pf_j (l1_ratio
    sd_j |w_j| + (1 - l1_ratio)/2 sd_j^2 w_j^2), w_j = 0 for j in ``exclude``.

    Solved natively by proximal Newton on the engine of the other GLMs: the
    loss's value, gradient and the diagonal of its Hessian in eta are O(n)
    cumulative sums over the samples sorted once by (stratum, time); each step
    minimises the weighted least-squares model of that diagonal (glmnet's
    choice) plus the penalty, then an Armijo line search.  Certificate: the
    duality gap of the Fenchel dual (the conjugate of the partial likelihood is
    a sum of relative entropies over the risk sets; derivation in the design
    notes); ``dual_gap_`` bounds F(coef_) - min F.  Gap-safe screening is off
    (the dual is not strongly concave); the strong rule and full gap checks run.

    Parameters
    ----------
    penalty : {'l1', 'l2', 'elasticnet'}, default='l2'
    alpha : float >= 0, default=1.0
    l1_ratio : float in [0, 1] or None, required for penalty='elasticnet'.
    ties : {'breslow', 'efron'}, default='breslow'
    tol : float, default=1e-4
        Stop when the duality gap is <= tol * F(0), the null model's loss
        l(offset) / n (1.0 if that is 0).
    max_iter : int, default=1000, Newton iterations (more than the other GLMs'
        100: the diagonal model converges linearly, not quadratically).
    warm_start : bool, default=False
    penalty_factor, exclude, standardize : glmnet's per-feature options, as in
        :class:`PoissonRegression`; penalty_factor_j = 0 leaves w_j unpenalized
        (not with finite limits on it).  The certificate then uses Theta = -grad
        l at a virtual eta with the unpenalized block refitted (X_U^T Theta = 0 to
        rounding; the primal point is unchanged); ``dual_gap_`` still bounds
        F(coef_) - min F.
    groups, group_weights : user-defined groups of features, as in
        :class:`penalized.GroupLasso` (penalty 'l1' or 'elasticnet'; not with
        the three options above); groups of weight 0 are unpenalized (certified
        as unpenalized features).
    lower_bounds, upper_bounds : float or array of shape (n_features,), default=None
        glmnet's limits lower_j <= w_j <= upper_j (lower <= 0 <= upper; not with
        ``groups``); the certificate stays a duality gap (the boxed penalty's
        conjugate).

    ``fit(X, y, sample_weight=None, offset=None, strata=None)``: ``y`` a
    structured array (event, time) as scikit-survival's ``Surv.from_arrays``
    makes, an (n, 2) array of (time, event) columns, or 1-D times (every event
    observed); ``offset`` (n_samples,) a fixed term of eta; ``strata``
    (n_samples,) labels of the strata (one baseline hazard each).

    Attributes
    ----------
    coef_ : ndarray (n_features,)
    alpha_ : float
    dual_gap_ : float, the duality gap reached (the objective's 1/n scaling)
    kkt_violation_ : float, largest violation of the optimality conditions,
        recomputed from coef_ after the solve (the loss's gradient by its native sums)
    n_iter_ : int, Newton iterations
    unique_times_ : event times of the training data (sorted)
    baseline_cumulative_hazard_ : ndarray, Breslow's estimator at unique_times_
        (eta = X w + offset of the training data; the hazard at x = 0, offset 0,
        which can overflow for columns far from 0: predictions use its log);
        with strata, a dict {stratum label: (times, H0)} instead
    log_baseline_cumulative_hazard_ : its log (same layout)
    baseline_survival_ : exp(-baseline_cumulative_hazard_) (same layout)
    n_features_in_, feature_names_in_
    """

    def __init__(self, penalty="l2", *, alpha=1.0, l1_ratio=None, ties="breslow", tol=1e-4,
                 max_iter=1000, warm_start=False, penalty_factor=None, exclude=None,
                 standardize=False, groups=None, group_weights=None, lower_bounds=None,
                 upper_bounds=None):
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.ties = ties
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.penalty_factor = penalty_factor
        self.exclude = exclude
        self.standardize = standardize
        self.groups = groups
        self.group_weights = group_weights
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds

    def _l1_ratio(self):
        return logistic_l1_ratio(self.penalty, self.l1_ratio,
                                 choices=("l1", "l2", "elasticnet"))

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, offset=None, strata=None):
        """Fit the model (see the class docstring for y, offset, strata)."""
        l1_ratio = self._l1_ratio()
        if self.groups is not None and self.penalty not in ("l1", "elasticnet"):
            raise ValueError("groups= replaces the L1 norm by the group norm: it needs "
                             f"penalty='l1' or 'elasticnet', got penalty={self.penalty!r}.")
        alpha = check_scalar_param(self.alpha, "alpha", low=0)
        _check_common(l1_ratio, self.tol, self.max_iter, self.ties)
        X, time, event, raw_sw, sw, offset, codes = _prepare(
            X, y, sample_weight, offset, strata,
            lambda X: validate_fit_X(self, X))
        p = X.shape[1]
        problem = CoxProblem(X, time, event, sw, codes, self.ties,
                             penalty_factor=self.penalty_factor, exclude=self.exclude,
                             standardize=self.standardize, offset=offset,
                             groups=self.groups, group_weights=self.group_weights,
                             lower_bounds=self.lower_bounds, upper_bounds=self.upper_bounds)
        prev = getattr(self, "coef_", None) if self.warm_start else None
        if prev is not None and np.shape(prev) != (p,):
            prev = None
        c, _, g, it, E = solve_logistic_path(problem, [alpha], l1_ratio=l1_ratio, tol=self.tol,
                                             max_iter=self.max_iter, coef_init=prev,
                                             return_eta=True)
        w = np.asarray(c[:, 0], dtype=np.float64)
        E = problem.linear(w)       # X w + offset, without the solver's free shift
        if offset is not None:
            E = E + offset
        self.coef_ = w
        self.alpha_ = alpha
        self.dual_gap_ = float(g[0])
        self.kkt_violation_ = problem.kkt_violation(E, w[:, None], alpha * l1_ratio,
                                                    alpha * (1 - l1_ratio))
        self.n_iter_ = int(it[0])
        s = problem.s
        logH = breslow_log_cumulative_hazard(time, event, E[:, 0], s, codes,
                                             structure=problem.st)
        # the event times (Breslow's steps) of the one stratum, else of all the strata
        self.unique_times_ = (logH[0][0] if codes is None
                              else np.unique(time[event == 1]))
        self.strata_labels_ = None if strata is None else np.unique(np.asarray(strata))
        with np.errstate(over="ignore"):
            if strata is None:
                self.log_baseline_cumulative_hazard_ = logH[0][1]
                self.baseline_cumulative_hazard_ = np.exp(logH[0][1])
                self.baseline_survival_ = np.exp(-self.baseline_cumulative_hazard_)
            else:
                labels = self.strata_labels_
                self.log_baseline_cumulative_hazard_ = {labels[g]: v for g, v in logH.items()}
                self.baseline_cumulative_hazard_ = {
                    labels[g]: (t, np.exp(h)) for g, (t, h) in logH.items()}
                self.baseline_survival_ = {
                    labels[g]: (t, np.exp(-np.exp(h))) for g, (t, h) in logH.items()}
        return self

    def predict(self, X, offset=None):
        """The risk score eta = X @ coef_ (+ offset): the log relative hazard."""
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc", "coo"], reset=False, order=None)
        eta = np.asarray(X @ self.coef_, dtype=np.float64).reshape(-1)
        if offset is not None:
            eta = eta + check_offset(offset, X.shape[0], 1)[:, 0]
        return eta

    def predict_cumulative_hazard_function(self, X, times=None, offset=None, strata=None):
        """H(t | x) = H0(t) exp(eta(x)) at ``times`` (default unique_times_):
        (n_samples, n_times).  With strata in fit, ``strata`` labels each row."""
        eta = self.predict(X, offset)
        times = self.unique_times_ if times is None else np.asarray(times, dtype=np.float64)
        if self.strata_labels_ is None:
            if strata is not None:
                raise ValueError("strata: the model was fitted without strata.")
            base = self._step(self.unique_times_, self.log_baseline_cumulative_hazard_, times)
            with np.errstate(over="ignore"):
                return np.exp(base[None, :] + eta[:, None])
        if strata is None:
            raise ValueError("strata is required: the model was fitted with strata.")
        strata = np.asarray(strata)
        if strata.shape != eta.shape:
            raise ValueError(f"strata must have shape {eta.shape}.")
        out = np.empty((eta.shape[0], times.shape[0]))
        for lab in np.unique(strata):
            if lab not in self.log_baseline_cumulative_hazard_:
                raise ValueError(f"strata: unknown stratum {lab!r}.")
            t, h = self.log_baseline_cumulative_hazard_[lab]
            rows = strata == lab
            with np.errstate(over="ignore"):
                out[rows] = np.exp(self._step(t, h, times)[None, :] + eta[rows][:, None])
        return out

    def predict_survival_function(self, X, times=None, offset=None, strata=None):
        """S(t | x) = exp(-H0(t) exp(eta(x))) at ``times`` (default unique_times_):
        (n_samples, n_times), Breslow's baseline."""
        return np.exp(-self.predict_cumulative_hazard_function(X, times, offset, strata))

    @staticmethod
    def _step(t, log_h, times):
        """log H0 at ``times`` (right-continuous steps; -inf before the first event)."""
        k = np.searchsorted(t, times, side="right")
        return np.r_[-np.inf, log_h][k]

    def score(self, X, y, sample_weight=None, offset=None, strata=None):
        """Harrell's concordance index of predict(X) on y (see concordance_index; with
        ``sample_weight`` a pair counts s_i s_j)."""
        risk = self.predict(X, offset)
        time, event = check_survival(y, risk.shape[0])
        return concordance_index(time, event, risk, check_strata(strata, risk.shape[0]),
                                 sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags


# ---------------------------------------------------------------------------
# Cross-validation
# ---------------------------------------------------------------------------

def _fold_scores(X, time, event, sw, offset, codes, st, train, test, alphas, l1_ratio,
                 ties, options, tol, max_iter, scoring):
    """The path on the training rows; per alpha the held-out deviance (Verweij and
    van Houwelingen's: 2 (l_full - l_train) / events of the fold) or C-index."""
    Xtr = check_X(fold_rows(X, train))
    sw_tr = None if sw is None else check_sample_weight(sw[train], len(train), np.float64)
    o_tr = None if offset is None else np.ascontiguousarray(offset[train])
    c_tr = None if codes is None else codes[train]
    problem = CoxProblem(Xtr, time[train], event[train], sw_tr, c_tr, ties, offset=o_tr,
                         **options)
    coefs, _, _, _ = solve_logistic_path(problem, alphas, l1_ratio=l1_ratio, tol=tol,
                                         max_iter=max_iter, warn=False)
    coefs = coefs.astype(np.float64)
    s = np.ones(time.shape[0]) if sw is None else sw
    if scoring == "deviance":
        eta = np.asarray(X @ coefs, dtype=np.float64)
        if offset is not None:
            eta = eta + offset
        st_tr = st.subset(train)
        d_k = float(s[test] @ event[test])
        out = np.empty(alphas.size)
        for k in range(alphas.size):
            full = native_cox_loss(eta[:, k], st, s, ties)
            part = native_cox_loss(eta[train, k], st_tr, s[train], ties)
            out[k] = 2.0 * (full - part) / d_k if d_k > 0 else np.nan
    else:
        eta = np.asarray(X[test] @ coefs, dtype=np.float64)
        if offset is not None:
            eta = eta + offset[test]
        c_te = None if codes is None else codes[test]
        out = np.array([_safe_cindex(time[test], event[test], eta[:, k], c_te)
                        for k in range(alphas.size)])
    return out, np.count_nonzero(coefs, axis=0)


def _safe_cindex(time, event, risk, codes):
    try:
        return concordance_index(time, event, risk, codes)
    except ValueError:
        return np.nan


class CoxRegressionCV(CVRouterMixin, SparseInputMixin, BaseEstimator):
    """Cox regression with alpha chosen by cross-validation.

    Each fit is that of :class:`CoxRegression` (same objective, scaling and
    options; ``penalty`` 'l1' (default) or 'elasticnet' with one ``l1_ratio``;
    'l2' needs an explicit ``alphas`` grid).  One grid from the full data
    (alpha_max down to eps * alpha_max, ``alphas`` points, or the given array) is
    solved as a warm-started path on every fold's training rows.  ``scoring``:
    'deviance' (default; lower is better): the cross-validated partial-likelihood
    deviance of Verweij and van Houwelingen (glmnet's ``cv.glmnet(family='cox')``
    default), per fold 2 (l(w^(-k); all rows) - l(w^(-k); training rows)) / (events
    of the fold), l the (raw-weight) negative log partial likelihood; or
    'concordance': Harrell's C of the held-out rows (higher is better).
    ``alpha_selection``: 'min' (the best mean) or '1se' (the largest alpha within
    one standard error of it).  ``cv``: int (KFold, unshuffled), splitter or
    iterable (a stratified splitter sees the event indicator as y).
    ``max_features`` / ``dfmax`` (glmnet's pmax / dfmax, as in
    :class:`penalized.ElasticNetCV`): the grid is cut before the first alpha at
    which the full-data path (one extra path) has had more than ``max_features``
    features non-zero so far, or has more than ``dfmax`` now, keeping at least the
    first alpha; only those alphas are cross-validated (``alphas_``).

    Attributes
    ----------
    alpha_, alpha_min_, alpha_1se_, l1_ratio_ : chosen values.
    alphas_ : (n_alphas,); cv_values_ : (n_alphas, n_folds) (deviances or C);
    cv_mean_, cv_se_, n_nonzero_path_ : (n_alphas,).
    coef_path_ (n_features, n_alphas), dual_gap_path_ : the full-data path.
    estimator_ : the refitted :class:`CoxRegression`; coef_, dual_gap_,
    kkt_violation_, n_iter_ are its.
    """

    def __init__(self, penalty="l1", *, alphas=100, eps=1e-3, l1_ratio=None, ties="breslow",
                 cv=None, scoring="deviance", alpha_selection="min", tol=1e-4, max_iter=1000,
                 n_jobs=None, penalty_factor=None, exclude=None, standardize=False,
                 lower_bounds=None, upper_bounds=None, max_features=None, dfmax=None):
        self.max_features = max_features
        self.dfmax = dfmax
        self.penalty = penalty
        self.alphas = alphas
        self.eps = eps
        self.l1_ratio = l1_ratio
        self.ties = ties
        self.cv = cv
        self.scoring = scoring
        self.alpha_selection = alpha_selection
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.penalty_factor = penalty_factor
        self.exclude = exclude
        self.standardize = standardize
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, offset=None, strata=None, **params):
        """Cross-validate the path, choose alpha, refit on all rows."""
        reject_unrouted(self, params)
        est = CoxRegression(self.penalty, alpha=1.0, l1_ratio=self.l1_ratio, ties=self.ties,
                            tol=self.tol, max_iter=self.max_iter,
                            penalty_factor=self.penalty_factor, exclude=self.exclude,
                            standardize=self.standardize, lower_bounds=self.lower_bounds,
                            upper_bounds=self.upper_bounds)
        l1_ratio = est._l1_ratio()
        check_choice(self.alpha_selection, "alpha_selection", {"min", "1se"})
        check_choice(self.scoring, "scoring", {"deviance", "concordance"})
        _check_common(l1_ratio, self.tol, self.max_iter, self.ties)
        X, time, event, raw_sw, sw, offset2, codes = _prepare(
            X, y, sample_weight, offset, strata, lambda X: validate_fit_X(self, X))
        offset1 = None if offset2 is None else offset2[:, 0]
        options = dict(penalty_factor=self.penalty_factor, exclude=self.exclude,
                       standardize=self.standardize, lower_bounds=self.lower_bounds,
                       upper_bounds=self.upper_bounds)
        st = SurvivalStructure(time, event, codes)
        max_features = check_max_features(self.max_features)
        dfmax = check_max_features(self.dfmax, "dfmax")
        spec = cv_alphas(self.alphas, "deprecated")
        full = None
        if is_count(spec):
            check_scalar_param(self.eps, "eps", low=0, high=1, low_inclusive=False)
            if l1_ratio <= 0:
                raise ValueError("penalty='l2' has no alpha_max: pass an explicit alphas grid.")
            full = CoxProblem(X, time, event, sw, codes, self.ties, offset=offset2,
                              structure=st, **options)
            grid = alpha_grid(full.alpha_max(l1_ratio), spec, self.eps)
        else:
            grid = np.asarray(spec, dtype=np.float64)
        if max_features is not None or dfmax is not None:
            # glmnet's pmax / dfmax: the grid cut where the full-data path exceeds them
            if full is None:
                full = CoxProblem(X, time, event, sw, codes, self.ties, offset=offset2,
                                  structure=st, **options)
            grid = grid[:glm_path_length([full], grid, l1_ratio, self.tol, self.max_iter,
                                         max_features, dfmax)]
        folds = check_fold_weights(cv_folds(self, X, event, params), sw)
        results = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(_fold_scores)(X, time, event, sw, offset2, codes, st, tr, te, grid,
                                  l1_ratio, self.ties, options, self.tol, self.max_iter,
                                  self.scoring)
            for tr, te in folds)
        vals = np.column_stack([r[0] for r in results])          # (n_alphas, n_folds)
        nnz = np.mean([r[1] for r in results], axis=0)
        higher = self.scoring == "concordance"
        mean = np.nanmean(vals, axis=1)
        k = np.sum(np.isfinite(vals), axis=1)
        se = np.where(k > 1, np.nanstd(vals, axis=1, ddof=1) / np.sqrt(np.maximum(k, 1)), 0.0) \
            if vals.shape[1] > 1 else np.zeros_like(mean)
        if not np.any(np.isfinite(mean)):
            raise ValueError("no fold could be scored (too few events per fold).")
        i_best = int(np.nanargmax(mean) if higher else np.nanargmin(mean))
        i_1se = one_standard_error_index(mean, se, higher_is_better=higher)
        self.alphas_ = grid
        self.cv_values_ = vals
        # what cv_mean_ measures, for plots and the command line
        self.cv_criterion_ = ("concordance (higher is better)" if higher else
                              "partial-likelihood deviance (lower is better)")
        self.cv_mean_, self.cv_se_ = mean, se
        self.n_nonzero_path_ = nnz
        self.alpha_min_ = float(grid[i_best])
        self.alpha_1se_ = float(grid[i_1se])
        self.alpha_ = self.alpha_min_ if self.alpha_selection == "min" else self.alpha_1se_
        self.l1_ratio_ = l1_ratio
        _, coefs, gaps = cox_path(X, np.column_stack([time, event]), l1_ratio=l1_ratio,
                                  alphas=grid, ties=self.ties, sample_weight=raw_sw,
                                  offset=offset1, strata=strata, tol=self.tol,
                                  max_iter=self.max_iter, **options)
        store_full_path(self, coefs, np.zeros(grid.size), gaps)
        self.estimator_ = est.set_params(alpha=self.alpha_).fit(
            X, np.column_stack([time, event]), sample_weight=raw_sw, offset=offset1,
            strata=strata)
        for name in ("coef_", "dual_gap_", "kkt_violation_", "n_iter_"):
            setattr(self, name, getattr(self.estimator_, name))
        return self

    def predict(self, X, offset=None):
        """The refitted model's risk score X @ coef_ (+ offset)."""
        check_is_fitted(self)
        return self.estimator_.predict(X, offset)

    def predict_survival_function(self, X, times=None, offset=None, strata=None):
        check_is_fitted(self)
        return self.estimator_.predict_survival_function(X, times, offset, strata)

    def score(self, X, y, sample_weight=None, offset=None, strata=None):
        """Harrell's C of the refitted model."""
        check_is_fitted(self)
        return self.estimator_.score(X, y, sample_weight, offset, strata)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags

