"""glmnet-style per-feature controls of the least-squares elastic net.

Penalty factors, box constraints, excluded features and standardization
(Friedman, Hastie & Tibshirani 2010, "Regularization paths for generalized
linear models via coordinate descent", J. Stat. Softw. 33(1); the R package
glmnet's ``penalty.factor``, ``lower.limits``/``upper.limits``, ``exclude``
and ``standardize``).  With sample weights s rescaled to sum to n, the
problem solved is

    min_{w, b}  1/(2n) sum_i s_i (y_i - x_i.w - b)^2
                + alpha * sum_j pf_j * (l1_ratio * |sd_j w_j| + (1 - l1_ratio)/2 * (sd_j w_j)^2)
    subject to  lower_j <= w_j <= upper_j,  w_j = 0 for j in exclude,

where

* pf is ``penalty_factor`` rescaled to sum to p (glmnet's convention, so
  pf = c * ones is the plain elastic net; excluded features count with
  factor 1 in that sum, as in glmnet);  pf_j = 0 leaves w_j unpenalized;
* sd_j = 1, or with ``standardize=True`` the weighted standard deviation
  sqrt(sum_i s_i (x_ij - m_j)^2 / n), m_j the weighted column mean (also
  without an intercept, as glmnet, which then scales without centring):
  the penalty acts on the coefficients of
  the standardized columns x_j / sd_j while ``coef_`` stays on the original
  scale; X is never copied (sd_j is folded into per-feature penalty
  weights, which is the same problem written in the original coordinates).
  Columns with sd_j = 0 get coefficient 0;
* the bounds act on the coefficients of the original columns (glmnet
  rescales its limits likewise) and must satisfy lower_j <= 0 <= upper_j;
  ``positive=True`` is lower = 0.

In the native core this is l1_j = n alpha l1_ratio pf_j sd_j and
l2_j = n alpha (1 - l1_ratio) pf_j sd_j^2 with the box [lower_j, upper_j]
(an excluded feature is the box [0, 0]).
"""

import numbers

import numpy as np

from ._core import Design
from ._enet import gram_matrix

# The free block (unpenalized, unbounded features) is eliminated from the dual
# with a dense |U| x |U| Cholesky factor, refactored per problem and used at
# every gap check: fine for the usual handful of such features.
MAX_FREE = 1000
# The relaxed dual (unpenalized features with a box) refactors
# the block of those inside their box at every gap check: O(|V|^3) each.
MAX_RELAX = 200
# Penalty factors (after rescaling to sum p) at most this small are also relaxed
# in that dual: dropping a penalty this weak costs at most its value in the gap.
WEAK_PF = 1e-3


def _per_feature(value, name, p):
    """A scalar or length-p array as a float64 (p,) array; None stays None."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be a number or an array of {p} numbers, got {value!r}.")
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number or an array of {p} numbers: {exc}") from None
    if a.ndim == 0:
        a = np.full(p, float(a))
    if a.ndim != 1 or a.shape[0] != p:
        raise ValueError(f"{name} must be a scalar or have shape ({p},), got shape {a.shape}.")
    if np.any(np.isnan(a)):
        raise ValueError(f"{name} contains NaN.")
    return a


def check_feature_options(p, penalty_factor=None, lower_bounds=None, upper_bounds=None,
                          exclude=None):
    """Validate the per-feature options for p features; errors name the argument.

    Returns (pf, lower, upper, excluded) with pf rescaled to sum to p (None if
    not given), lower/upper float64 arrays or None, excluded a boolean mask or None.
    """
    excluded = None
    if exclude is not None:
        idx = np.asarray(exclude)
        if idx.dtype == bool:
            raise ValueError("exclude must hold feature indices (integers), not a boolean mask.")
        idx = idx.reshape(-1)
        if idx.size and not np.issubdtype(idx.dtype, np.integer):
            if not (np.issubdtype(idx.dtype, np.floating) and np.all(idx == np.round(idx))):
                raise ValueError(f"exclude must hold integer feature indices, got {exclude!r}.")
            idx = idx.astype(np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= p):
            raise ValueError(
                f"exclude holds indices outside [0, {p - 1}]: "
                f"{sorted(set(idx[(idx < 0) | (idx >= p)].tolist()))[:5]}.")
        excluded = np.zeros(p, dtype=bool)
        excluded[idx.astype(np.int64)] = True
        if excluded.all():
            raise ValueError("exclude removes every feature; at least one must remain.")
        if not excluded.any():
            excluded = None
    pf = None
    if penalty_factor is not None:
        pf = _per_feature(penalty_factor, "penalty_factor", p)
        if not np.all(np.isfinite(pf)):
            raise ValueError("penalty_factor must be finite (use exclude to drop a feature).")
        if np.any(pf < 0):
            raise ValueError("penalty_factor must be >= 0.")
        if excluded is not None:
            pf = pf.copy()
            pf[excluded] = 1.0   # glmnet: an excluded feature does not move the rescaling
        live = pf if excluded is None else pf[~excluded]
        if not np.any(live > 0):
            raise ValueError(
                "penalty_factor is 0 for every (non-excluded) feature: nothing is penalized.")
        # divide by the largest first: pf.sum() overflowed for factors near 1e308 (every
        # feature then looked unpenalized) and p / pf.sum() for subnormal ones (inf * 0
        # = NaN penalties, a zero fit certified with gap 0); pf / max is in [0, 1]
        pf = pf / pf.max()
        pf = pf * (p / pf.sum())
    lower = _per_feature(lower_bounds, "lower_bounds", p)
    if lower is not None and np.any(lower > 0):
        raise ValueError("lower_bounds must be <= 0 (glmnet's convention: 0 must be feasible).")
    upper = _per_feature(upper_bounds, "upper_bounds", p)
    if upper is not None and np.any(upper < 0):
        raise ValueError("upper_bounds must be >= 0 (glmnet's convention: 0 must be feasible).")
    return pf, lower, upper, excluded


def check_max_features(max_features, name="max_features"):
    if max_features is None:
        return None
    if isinstance(max_features, bool) or not isinstance(max_features, numbers.Integral):
        raise TypeError(f"{name} must be an integer or None, got {max_features!r}.")
    if max_features < 0:
        raise ValueError(f"{name} must be >= 0, got {max_features}.")
    return int(max_features)


def column_scales(X, sample_weight, design, fit_intercept):
    """(sd, constant) of ``standardize=True``: the weighted standard deviations
    sqrt(sum_i s_i (x_ij - m_j)^2 / n) of X's columns (centred also without an
    intercept, as glmnet), and the mask of the constant columns (sd = 0, or
    rounding-sized against the mean they were centred with), which get
    coefficient 0 (excluded, never scaled up).  ``design``: X's Design (its
    centred statistics are reused when ``fit_intercept``)."""
    centred = design
    if not fit_intercept:
        # the centred statistics of the same columns (one pass, no copy of X)
        centred = Design(X, sample_weight, True)
    cq = np.asarray(centred.col_sqnorm, dtype=np.float64)
    sd = np.sqrt(cq / X.shape[0])
    mean = np.abs(np.asarray(centred.x_mean, dtype=np.float64))
    constant = ~(sd > 1e-13 * mean) | (cq <= 0)
    return sd, constant


class FeaturePenalty:
    """The per-feature options resolved for one LeastSquaresProblem (see module docstring).

    Attributes passed to the core (None when neutral, so the plain elastic
    net keeps its fast path): ``f1`` = pf * sd and ``f2`` = pf * sd^2 (the
    multipliers of l1 and l2), ``lower``/``upper``, and the free block
    ``free_idx`` with ``free_chol``, the Cholesky factor of X_c,U^T S X_c,U.
    """

    def __init__(self, problem, pf=None, lower=None, upper=None, excluded=None,
                 standardize=False, positive=False):
        p = problem.n_features
        sqnorm = np.asarray(problem.design.col_sqnorm, dtype=np.float64)
        weight = np.ones(p) if pf is None else pf
        if standardize:
            self.sd, constant = column_scales(problem.X, problem.sample_weight,
                                              problem.design, problem.fit_intercept)
            if constant.any():
                excluded = constant if excluded is None else (excluded | constant)
            f1, f2 = weight * self.sd, weight * self.sd ** 2
        else:
            self.sd = None
            f1 = f2 = weight
        self.f1 = None if np.all(f1 == 1.0) else np.ascontiguousarray(f1)
        self.f2 = None if np.all(f2 == 1.0) else np.ascontiguousarray(f2)
        if positive:
            lower = np.zeros(p)   # lower <= 0 was validated: max(lower, 0) = 0
        if excluded is not None:
            lower = np.full(p, -np.inf) if lower is None else lower.copy()
            upper = np.full(p, np.inf) if upper is None else upper.copy()
            lower[excluded] = 0.0
            upper[excluded] = 0.0
        self.lower = None if lower is None or np.all(lower == -np.inf) else lower
        self.upper = None if upper is None or np.all(upper == np.inf) else upper
        self.excluded = excluded
        lo = np.full(p, -np.inf) if self.lower is None else self.lower
        hi = np.full(p, np.inf) if self.upper is None else self.upper
        self._lo, self._hi = lo, hi
        self._f1 = f1
        unpen = (f1 == 0) & (f2 == 0) & (sqnorm > 0)
        self.free_idx = np.flatnonzero(unpen & (lo == -np.inf) & (hi == np.inf))
        live = (lo < 0) | (hi > 0)
        self.penalized = (f1 > 0) & live
        self.boxed_unpenalized = unpen & live & ((lo > -np.inf) | (hi < np.inf))
        # unpenalized with a box, or weakly penalized: relaxed in a second dual where
        # inside the box (see the core); a tiny l1_j leaves no room for rounding
        weak = (weight > 0) & (weight <= WEAK_PF) & live & (sqnorm > 0)
        self.relax_idx = np.flatnonzero(self.boxed_unpenalized | weak)
        self.free_chol = self.relax_gram = None
        self.gram_u = None
        if self.free_idx.size:
            self._factor_free(problem)
        if self.relax_idx.size:
            self._factor_relaxed(problem)

    @property
    def trivial(self):
        return (self.f1 is None and self.f2 is None and self.lower is None
                and self.upper is None and self.free_idx.size == 0)

    def _factor_free(self, problem):
        U = self.free_idx
        if U.size > min(MAX_FREE, problem.n_samples):
            raise ValueError(
                f"penalty_factor: {U.size} unpenalized, unbounded features; at most "
                f"min({MAX_FREE}, n_samples) = {min(MAX_FREE, problem.n_samples)} are "
                "supported (their least-squares block is factored densely).")
        G = self._gram_block(problem, U)
        L = _cholesky(G)
        if L is None:
            raise ValueError(
                "penalty_factor: the unpenalized, unbounded columns (penalty_factor == 0) are "
                "linearly dependent (after centring), so their coefficients are not unique; "
                "drop duplicates or give them a small penalty factor.")
        self.gram_u = G
        self.free_chol = np.asfortranarray(L)

    def _factor_relaxed(self, problem):
        """Gram block of the free features followed by the relaxed ones (the core
        factors the part inside their boxes at each gap check); with too many
        (more than MAX_RELAX, or n) the relaxed dual is not formed."""
        V = np.concatenate([self.free_idx, self.relax_idx])
        if V.size > min(MAX_RELAX, problem.n_samples):
            self.relax_idx = self.relax_idx[:0]
        else:
            self.relax_gram = np.asfortranarray(self._gram_block(problem, V))

    @staticmethod
    def _gram_block(problem, U):
        """X_c,U^T S X_c,U in float64 (from the Gram matrix in Gram mode)."""
        if problem.gram is not None:
            G = np.asarray(problem.gram, dtype=np.float64)[np.ix_(U, U)]
        else:
            G = gram_matrix(problem.X, problem.sample_weight, problem.x_mean, columns=U)
        return 0.5 * (G + G.T)

    def solver_kwargs(self):
        return dict(l1_weights=self.f1, l2_weights=self.f2, lower=self.lower,
                    upper=self.upper,
                    free_idx=self.free_idx if self.free_idx.size else None,
                    free_chol=self.free_chol,
                    relax_idx=self.relax_idx if self.relax_idx.size else None,
                    relax_gram=self.relax_gram)

    def clip(self, w):
        """A warm start moved into the box (excluded features to 0)."""
        if self.lower is None and self.upper is None:
            return w
        return np.clip(w, self._lo, self._hi).astype(w.dtype)

    def free_fit(self, problem, tgt):
        """X_c^T S r for r = y_c - X_c,U delta, the residual of the least-squares
        fit of the free block (= X_c^T S y_c without one)."""
        c = np.asarray(tgt.Xty, dtype=np.float64)
        U = self.free_idx
        if not U.size:
            return c
        delta = np.linalg.solve(self.gram_u, c[U])
        if problem.gram is not None:
            return c - np.asarray(problem.gram, dtype=np.float64)[:, U] @ delta
        v = np.asarray(problem.X[:, U] @ delta, dtype=np.float64).ravel()
        if problem.x_mean is not None:
            v -= float(np.asarray(problem.x_mean, dtype=np.float64)[U] @ delta)
        return c - problem.design.correlations(v.astype(problem.dtype))

    def reach(self, c, penalized_only=False):
        """max_j c_j / f1_j over the directions each box allows, free and excluded
        features left out: the smallest l1 for which w = 0 (on the penalized
        features) satisfies the optimality conditions.  A bounded feature with
        f1_j = 0 that can move gives +inf, unless ``penalized_only``."""
        up = np.where(self._hi > 0, c, -np.inf)
        down = np.where(self._lo < 0, -c, -np.inf)
        v = np.maximum(up, down)
        if self.excluded is not None:
            v = np.where(self.excluded, -np.inf, v)
        free = np.zeros(c.shape, dtype=bool)
        free[self.free_idx] = True
        v = np.where(free, -np.inf, v)
        f1 = self._f1
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(f1 > 0, v / np.where(f1 > 0, f1, 1.0),
                             np.where((v > 0) & (not penalized_only), np.inf, -np.inf))
        top = float(ratio.max()) if ratio.size else 0.0
        return max(top, 0.0)


def _cholesky(G):
    """Lower Cholesky factor of G, or None when G is singular to working accuracy
    (a pivot below 1e3 eps times the largest diagonal entry)."""
    try:
        L = np.linalg.cholesky(G)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.diag(L) ** 2 > 1e3 * np.finfo(np.float64).eps * np.max(np.diag(G))):
        return None
    return L


def resolve_features(problem, options):
    """FeaturePenalty for ``problem`` from validated ``options`` (a dict of
    pf, lower, upper, excluded, standardize, positive), or None when trivial."""
    if options is None:
        return None
    feat = FeaturePenalty(problem, **options)
    return None if feat.trivial else feat


def feature_options(p, penalty_factor=None, lower_bounds=None, upper_bounds=None,
                    exclude=None, standardize=False, positive=False):
    """Validated options for :func:`resolve_features`, or None when none is set
    (``positive`` alone stays on the core's plain path)."""
    if not isinstance(standardize, (bool, np.bool_)):
        raise TypeError(f"standardize must be True or False, got {standardize!r}.")
    pf, lower, upper, excluded = check_feature_options(
        p, penalty_factor, lower_bounds, upper_bounds, exclude)
    if pf is None and lower is None and upper is None and excluded is None and not standardize:
        return None
    return dict(pf=pf, lower=lower, upper=upper, excluded=excluded,
                standardize=bool(standardize), positive=bool(positive))


def has_box(options):
    """True if the options constrain some coefficient (bounds or exclude)."""
    return options is not None and (options["lower"] is not None or options["upper"] is not None
                                    or options["excluded"] is not None)
