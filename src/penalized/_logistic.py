"""Penalised logistic regression (binary and multinomial) on the least-squares core.

Objective, for sample weights s normalised to sum n and K linear predictors
eta_i = x_i W + b (K = 1 for two classes, K = n_classes for the softmax)::

    F(W, b) = 1/n * sum_i s_i f_i(eta_i)
              + alpha * l1_ratio * ||W||_1 + alpha * (1 - l1_ratio)/2 * ||W||_F^2

with the binomial loss f_i(eta) = log(1 + exp(-y_i eta)), y_i in {-1, +1}, or
the multinomial loss f_i(eta) = logsumexp(eta) - eta_{c_i} for the class c_i
of sample i.  The intercepts b are not penalised.  scikit-learn's ``C`` is
``alpha = 1 / (n C)`` (n = sum of the raw sample weights).

Solver: proximal Newton (Lee, Sun, Saunders 2014; glmnet's IRLS-CD, Friedman,
Hastie, Tibshirani 2010; newGLMNET, Yuan, Ho, Lin 2012), entirely native
(``_native/glm.pxi``): an outer working set (Massias, Gramfort, Salmon 2018;
one pass over X per outer iteration gives the duality gap over every feature,
the gap-safe screening of Ndiaye et al. 2017 and the ranking), and on the
working set one Newton loop with one Armijo line search for every loss.  The
binomial model is a weighted least-squares elastic net solved by the core's
``_solve``; the softmax model keeps its exact Hessian (diag p_i - p_i p_i^T,
coupling the classes) and is minimised by coordinate descent over the
coefficients, or over the rows W_j with ``penalty='group'``.  This module only
prepares the problem (labels, weights, the intercept-only fit, alpha_max) and
runs the path.

Certificate.  The dual variable is Theta = -(d/d eta) sum_i s_i f_i (n x K).
Binomial: theta_i = s_i y_i a_i with a_i = sigmoid(-y_i eta_i) in [0, 1];
multinomial: Theta_i = s_i (Y_i - A_i) with A_i = softmax(eta_i) in the simplex
(Y one-hot).  The Fenchel dual of n F is

    D(Theta) = -sum_i s_i f_i*(-theta_i / s_i) - sum_jk psi*(x_j.Theta_k),
    subject to sum_i Theta_ik = 0 for every k (intercepts),

where f_i* is the negative entropy of a_i (binomial) or of A_i (softmax), and
psi*(v) = (|v| - L1)_+^2 / (2 L2) for L2 = n alpha (1 - l1_ratio) > 0, or the
constraint |x_j.Theta_k| <= L1 = n alpha l1_ratio when L2 = 0; scaling Theta by
t in (0, 1] keeps a (or A = Y + t (A - Y)) in the domain, which makes any
Theta feasible.  The sum-zero constraint is met exactly by a correction that
keeps the domain (see each loss).  The gap (n F(W, b) - D(Theta)) / n is
returned in F's 1/n scaling; ``tol`` bounds it relative to F(0, b_0), the loss
of the intercept-only model.  The dual is (mu / max s)-strongly concave (mu = 4
binomial, 1 softmax), which gives the gap-safe sphere.
"""


import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from ._core import Design, logistic_binary_solve, multinomial_solve
from ._path import PathSteps, PointResult
from ._problem import Problem
from ._features import check_feature_options
from ._grouping import check_groups


def _log1pexp(t):
    """log(1 + exp(t)) without overflow."""
    return np.logaddexp(0.0, t)


def _magnitudes(M, group):
    """|M_jk| entrywise, or the Euclidean norm of every row ||M_j||_2 (``group``)."""
    if not group or M.ndim == 1:
        return np.abs(M)
    return np.sqrt(np.einsum("jk,jk->j", M, M))


def box_magnitudes(corr, lower, upper):
    """The correlations (p, K) with the sides a zero limit blocks set to 0: a
    feature with upper_j = 0 cannot move up (corr > 0), one with lower_j = 0 not down."""
    corr = np.asarray(corr)
    up = (corr > 0) & (upper[:, None] <= 0)
    down = (corr < 0) & (lower[:, None] >= 0)
    return np.where(up | down, 0.0, corr)


def _log_softmax(E):
    """Row-wise log softmax and logsumexp of E (n, K), overflow-safe."""
    shifted = E - E.max(axis=1, keepdims=True)
    lse = np.log(np.exp(shifted).sum(axis=1))
    return shifted - lse[:, None], lse + (E[:, 0] - shifted[:, 0])


class BinomialLoss:
    """f_i(eta) = log(1 + exp(-y_i eta)), y_i in {-1, +1}; one predictor (K = 1).

    Only what the Python layer needs (value, gradient, intercept-only fit):
    its Newton model, dual point and conjugate are evaluated natively
    (``_native/glm.pxi``).
    """

    n_outputs = 1
    native_kkt = True       # its native solve can form the result's KKT violation

    def __init__(self, y, s):
        self.y = np.asarray(y, dtype=np.float64)
        self.s = s

    def value(self, E):
        """sum_i s_i log(1 + exp(-y_i eta_i)) (n F units)."""
        return float(self.s @ _log1pexp(-self.y * E[:, 0]))

    def neg_gradient(self, E):
        """Theta = s y sigmoid(-y eta), as an (n, 1) array."""
        return (self.s * self.y * expit(-self.y * E[:, 0]))[:, None]

    def native_solve(self, design, w, b, eta, s, L1, L2, tol_abs, **options):
        """The native solve of this loss (``logistic_binary_solve``), in place."""
        return logistic_binary_solve(design, w, b, eta, self.y, s, L1, L2, tol_abs, **options)

    def null_intercept(self, fit_intercept):
        if not fit_intercept:
            return np.zeros(1)
        pos = float(self.s[self.y > 0].sum())
        neg = float(self.s[self.y < 0].sum())
        if pos <= 0 or neg <= 0:
            raise ValueError("y has a single class (with positive weight); need two.")
        return np.array([np.log(pos / neg)])


class MultinomialLoss:
    """f_i(eta) = logsumexp(eta) - eta . Y_i, Y one-hot (n x K); K predictors.

    As for the binomial loss, only the Python layer's part: value, gradient,
    intercept-only fit; the rest is native (``_native/glm.pxi``).
    """

    def __init__(self, Y, s):
        self.Y = np.asarray(Y, dtype=np.float64)
        self.s = s
        self.n_outputs = self.Y.shape[1]
        self.class_weight = s @ self.Y     # c_k, summing to n
        self.codes = np.ascontiguousarray(np.argmax(self.Y, axis=1), dtype=np.intp)

    def value(self, E):
        return float(self.s @ (_log_softmax(E)[1] - np.sum(E * self.Y, axis=1)))

    def neg_gradient(self, E):
        return self.s[:, None] * (self.Y - np.exp(_log_softmax(E)[0]))

    def null_intercept(self, fit_intercept):
        if not fit_intercept:
            return np.zeros(self.n_outputs)
        if np.any(self.class_weight <= 0):
            raise ValueError("every class needs a positive total sample weight.")
        b = np.log(self.class_weight)
        return b - b.mean()

    def normalize_intercept(self, b, E):
        """Softmax is invariant to a common shift of the intercepts: make them sum to 0."""
        shift = float(b.mean())
        return b - shift, E - shift


class LogisticProblem(Problem):
    """X, labels and weights prepared once for many penalties.

    Parameters
    ----------
    X : F-ordered float ndarray or canonical CSC matrix (validated).
    y : ndarray of +1 / -1 (binomial loss), or an (n, K) one-hot indicator
        matrix (multinomial loss, K >= 2).
    sample_weight : ndarray summing to n, or None.
    fit_intercept : bool
    design : Design of (X, None, fit_intercept), optional
        Shared by problems on the same X (one-vs-rest): it does not depend on y.
    penalty_factor, exclude, standardize, lower_bounds, upper_bounds : glmnet's
        per-feature options (see :func:`glm_penalty_factors`).
    offset : ndarray (n, K) float64 or None (validated)
        glmnet's offset: a fixed term of the linear predictor, eta = X W + b + offset.
    groups, group_weights : user-defined groups of features (see
        :func:`check_groups`; one predictor only): the L1 part becomes
        sum_g omega_g ||w_g||_2.
    """

    #: the model's name in warnings and errors
    model_name = "Logistic regression"
    tol_meaning = "tol * intercept-only loss"

    def __init__(self, X, y, sample_weight=None, fit_intercept=True, design=None,
                 group=False, penalty_factor=None, exclude=None, standardize=False,
                 offset=None, groups=None, group_weights=None, lower_bounds=None,
                 upper_bounds=None):
        # unweighted, centred when there is an intercept: x_c,j.theta and ||x_c,j||
        super().__init__(X, None, fit_intercept, design)
        n = self.n_samples
        self.s = (np.ones(n) if sample_weight is None
                  else np.ascontiguousarray(sample_weight, dtype=np.float64))
        y = np.ascontiguousarray(y, dtype=np.float64)
        self.y = y
        self.loss = self.make_loss(y, self.s)
        self.n_outputs = self.loss.n_outputs
        # the L1 part acts on the rows W_j (one per feature, across the classes)
        self.group = bool(group) and self.n_outputs > 1
        self.factors = glm_penalty_factors(X, self.s, penalty_factor, exclude, standardize,
                                           lower_bounds, upper_bounds)
        if self.factors and "lower_bounds" in self.factors and self.group:
            raise ValueError("lower_bounds / upper_bounds need an entrywise penalty; "
                             "penalty='group' is not supported with limits.")
        self.grouping = None
        if groups is not None:
            self.grouping = glm_grouping(X.shape[1], self.n_outputs, self.factors, groups,
                                         group_weights)
            g = self.grouping
            self.factors = {"groups": (g.ptr, g.cols, g.weights, g.excluded)}
        self.offset = offset
        self.b0 = self.loss.null_intercept(fit_intercept)
        if offset is not None and fit_intercept:
            self.b0 = self._null_intercept_with_offset(self.b0)
        self.null_loss = self.loss.value(self.null_eta()) / n
        # the scale ``tol`` is relative to (F units): the intercept-only objective
        self.tol_reference = self.null_loss

    def has_free_features(self):
        """Whether some feature is unpenalized (penalty factor 0, not excluded, or in
        a group of weight 0)."""
        if self.grouping is not None:
            return bool(np.any(self.grouping.free))
        f = (self.factors or {}).get("l1_weights")
        if f is None:
            return False
        ex = (self.factors or {}).get("excluded")
        return bool(np.any((f == 0) & (True if ex is None else ~ex)))

    def null_fit_eta(self):
        """The linear predictor of the model with every penalized coefficient 0: the
        intercept-only model, or with unpenalized features, its fit with them (solved
        natively at an alpha that keeps every penalized feature at 0)."""
        if not self.has_free_features():
            return self.null_eta()
        if getattr(self, "_null_free_eta", None) is None:
            W = np.zeros((self.n_features, self.n_outputs))
            info = solve_logistic(self, W, self.b0.copy(), 1e100, 1.0,
                                  tol_abs=1e-13 * self.n_samples * self.tol_reference,
                                  max_iter=200)
            self._null_free_eta = info["eta"]
        return self._null_free_eta

    def path_steps(self, *, l1_ratio, coef_init=None, intercept_init=None, tol=1e-4,
                   max_iter=100, n_threads=1, want_kkt=False):
        """The GLM point solver (see :func:`solve_logistic_path`)."""
        return GLMSteps(self, l1_ratio=l1_ratio, coef_init=coef_init,
                        intercept_init=intercept_init, tol=tol, max_iter=max_iter,
                        n_threads=n_threads, want_kkt=want_kkt)

    def make_loss(self, y, s):
        """The loss of labels y (+-1: binomial; one-hot (n, K): multinomial)."""
        return BinomialLoss(y, s) if y.ndim == 1 else MultinomialLoss(y, s)

    def null_eta(self):
        """The linear predictor of the intercept-only model, b0 (+ offset), (n, K)."""
        E = np.broadcast_to(self.b0, (self.n_samples, self.n_outputs))
        return E if self.offset is None else E + self.offset

    def _null_intercept_with_offset(self, b):
        """argmin_b sum_i s_i f_i(b + offset_i) by Newton's method with backtracking
        (concave in b, no closed form with an offset); b starts at the offset-free fit."""
        n, K = self.n_samples, self.n_outputs
        for _ in range(100):
            E = b + self.offset
            G = -self.loss.neg_gradient(E).sum(axis=0)       # d/db of sum s f
            if np.abs(G).max() <= 1e-13 * n:
                break
            if K == 1:
                p = expit(E[:, 0])
                H = np.array([[float(self.s @ (p * (1.0 - p)))]])
            else:
                P = np.exp(_log_softmax(E)[0])
                H = np.diag(self.s @ P) - (P * self.s[:, None]).T @ P
            d = -np.linalg.lstsq(H, G, rcond=None)[0]
            f0, t = self.loss.value(E), 1.0
            while t > 1e-10 and self.loss.value(E + t * d) > f0 + 1e-4 * t * float(G @ d):
                t *= 0.5
            b = b + t * d
            if K > 1:
                b = b - b.mean()
        return b

    def loss_value(self, E):
        """(1/n) sum_i s_i f_i(eta_i)."""
        return self.loss.value(E) / self.n_samples

    def linear(self, W, cols=None, Xs=None):
        """X W as an (n, K) float64 array, over the columns ``cols`` when given."""
        if Xs is None:
            Xs = self.X if cols is None else self.column_block(cols)
        W = np.asarray(W)
        if W.ndim == 1:
            W = W[:, None]
        if W.size == 0 or not np.any(W):
            return np.zeros((self.n_samples, W.shape[1]))
        return np.asarray(Xs @ W.astype(Xs.dtype), dtype=np.float64)

    def column_block(self, cols):
        """X[:, cols] as F-ordered dense or CSC sparse (a copy of those columns only)."""
        if sp.issparse(self.X):
            return self.X[:, cols].tocsc()
        return np.asfortranarray(self.X[:, cols])

    def correlations(self, Theta):
        """x_c,j.Theta_k for every feature and predictor: (p, K) float64."""
        out = np.empty((self.n_features, Theta.shape[1]))
        for k in range(Theta.shape[1]):
            out[:, k] = self.design.correlations(np.ascontiguousarray(Theta[:, k],
                                                                      dtype=self.dtype))
        return out

    def alpha_max(self, l1_ratio):
        """Smallest alpha with W = 0 optimal: max_jk |x_c,j.Theta_0k| / (n l1_ratio)
        (with the group penalty: max_j ||x_c,j.Theta_0||_2 / (n l1_ratio))."""
        if l1_ratio <= 0:
            raise ValueError(
                "l1_ratio=0 (pure L2) has no alpha_max; pass an explicit alphas grid."
            )
        corr = self.correlations(self.loss.neg_gradient(self.null_fit_eta()))
        factors = self.factors or {}
        if "lower_bounds" in factors:
            # a zero limit blocks that side: only the directions a feature can move in
            corr = box_magnitudes(corr, factors["lower_bounds"], factors["upper_bounds"])
        mag = _magnitudes(corr, self.group)
        if mag.ndim == 2:
            mag = mag.max(axis=1)
        if self.grouping is not None:
            g = self.grouping
            w = g.weights
            mag = np.where((w > 0) & ~g.excluded,
                           np.sqrt(g.block_sums(mag * mag)) / np.where(w > 0, w, 1.0), 0.0)
        if "l1_weights" in factors:
            f1 = factors["l1_weights"]
            mag = np.where(f1 > 0, mag / np.where(f1 > 0, f1, 1.0), 0.0)
        if "excluded" in factors:
            mag = mag[~factors["excluded"]]
        top = float(mag.max()) if mag.size else 0.0
        return top / (self.n_samples * l1_ratio)

    def result_kkt(self, E, W, l1, l2):
        """The KKT violation of the point just solved (E, W): the native solve's value
        when it formed one (``logistic_binary_solve``'s ``kkt``: the same quantity from
        its last check and the few columns its bounds leave open, no full pass over X),
        else :meth:`kkt_violation`'s pass."""
        value = getattr(self, "last_kkt", np.nan)
        self.last_kkt = np.nan        # (one use: for this point only)
        if np.isfinite(value):
            return float(value)
        return self.kkt_violation(E, W, l1, l2)

    def kkt_violation(self, E, W, l1, l2):
        """Largest violation of the optimality conditions of F (1/n scaling), with
        the problem's penalty factors (excluded features have none)."""
        n = self.n_samples
        Theta = self.loss.neg_gradient(E)
        xt_theta = self.correlations(Theta)
        if self.fit_intercept:   # the design is centred: add back x_mean * sum(theta)
            xt_theta = xt_theta + np.outer(self.design.x_mean, Theta.sum(axis=0))
        W = np.asarray(W, dtype=np.float64).reshape(xt_theta.shape)
        factors = self.factors or {}
        f1 = factors.get("l1_weights", np.ones(W.shape[0]))[:, None]
        g = -xt_theta / n + l2 * factors.get("l2_weights", np.ones(W.shape[0]))[:, None] * W
        l1 = l1 * f1
        if self.grouping is not None:
            # groups: g_G + l1 omega w_G / ||w_G|| = 0 if w_G != 0, else ||g_G|| <= l1 omega
            # (an unpenalized group, omega = 0, has no ridge term either)
            grp = self.grouping
            om = np.where(grp.excluded, 1.0, grp.weights)[grp.labels]
            w, gr = W[:, 0], g[:, 0] - l2 * W[:, 0] * (om == 0)
            norm = grp.block_norms(w)
            unit = w / np.where(norm > 0, norm, 1.0)[grp.labels]
            at = np.sqrt(grp.block_sums((gr + l1[:, 0] * om * unit) ** 2))
            viol = np.where(norm > 0, at,
                            np.maximum(np.sqrt(grp.block_sums(gr * gr)) - l1[0, 0] * grp.weights,
                                       0.0))
            viol = np.where(grp.excluded, 0.0, viol)     # held at 0: no condition
        elif self.group:
            # rows: g_j + l1 W_j / ||W_j|| = 0 if W_j != 0, else ||g_j|| <= l1
            norm = _magnitudes(W, True)
            unit = W / np.where(norm > 0, norm, 1.0)[:, None]
            viol = np.where(norm > 0, _magnitudes(g + l1 * unit, True),
                            np.maximum(_magnitudes(g, True) - l1[:, 0], 0.0))
        else:
            viol = np.where(W != 0, np.abs(g + l1 * np.sign(W)),
                            np.maximum(np.abs(g) - l1, 0.0))
            if "lower_bounds" in factors:
                # at a limit the condition is one-sided: the gradient may push outward
                lo = factors["lower_bounds"][:, None]
                hi = factors["upper_bounds"][:, None]
                push = g + l1 * np.sign(W)       # the subgradient at a non-zero W
                at_hi = (W == hi) & (W != 0)
                at_lo = (W == lo) & (W != 0)
                viol = np.where(at_hi, np.maximum(push, 0.0), viol)
                viol = np.where(at_lo, np.maximum(-push, 0.0), viol)
                # at 0 with a zero limit: only the feasible side's condition
                zero = W == 0
                up = np.maximum(-g - l1, 0.0) * (hi > 0)
                down = np.maximum(g - l1, 0.0) * (lo < 0)
                viol = np.where(zero, np.maximum(up, down), viol)
        if "excluded" in factors:      # held at 0: no condition on their gradient
            viol = viol[~factors["excluded"]]
        out = float(viol.max()) if viol.size else 0.0
        if self.fit_intercept:
            out = max(out, float(np.abs(Theta.sum(axis=0)).max()) / n)
        return out


def glm_grouping(n_features, n_outputs, factors, groups, group_weights):
    """The validated groups of a GLM problem (one linear predictor, no factors):
    ``exclude`` (the features of ``factors["excluded"]``) must be whole groups,
    which are then kept at 0."""
    if n_outputs != 1:
        raise ValueError(
            "groups= needs one linear predictor per problem: two classes, or "
            "multi_class='ovr'. For the multinomial loss, penalty='group' groups each feature "
            "across the classes.")
    excluded = (factors or {}).get("excluded")
    if set(factors or {}) - {"excluded"}:
        raise ValueError("groups= does not combine with penalty_factor, limits or "
                         "standardize yet.")
    # weight 0: an unpenalized group (every unpenalized group merged into one, the
    # native driver's unpenalized features)
    grouping = check_groups(groups, n_features, group_weights, allow_zero=True)
    if excluded is not None:
        whole = grouping.block_sums(excluded.astype(np.float64)) == grouping.sizes
        if np.any(excluded & ~whole[grouping.labels]):
            split = np.flatnonzero(excluded & ~whole[grouping.labels])[:5].tolist()
            raise ValueError(f"exclude: with groups=, exclude whole groups; features {split} "
                             "leave part of their group in the model.")
        grouping = check_groups(groups, n_features, group_weights, allow_zero=True,
                                exclude=np.flatnonzero(whole))
    return grouping.merge_free()


def glm_penalty_factors(X, s, penalty_factor=None, exclude=None, standardize=False,
                        lower_bounds=None, upper_bounds=None):
    """The native GLM driver's per-feature factors for glmnet's options, or None.

    Feature j's penalty becomes alpha * pf_j * (l1_ratio |sd_j w_j| + (1 - l1_ratio)/2
    (sd_j w_j)^2): pf is ``penalty_factor`` rescaled to sum to p (glmnet's
    convention; excluded features count with 1), sd_j = 1 or with
    ``standardize`` the weighted standard deviation sqrt(sum_i s_i (x_ij - m_j)^2 / n)
    (the penalty acts on the standardized columns, coefficients stay on the
    original scale; constant columns are excluded).  ``exclude``: features kept
    at 0; pf_j = 0 leaves feature j unpenalized (one linear predictor only: the
    binomial, one-vs-rest, Poisson and Gamma losses; no limits on it).
    ``lower_bounds``, ``upper_bounds``: glmnet's limits on the coefficients
    (original scale; lower <= 0 <= upper; for the multinomial loss every class's
    coefficient of a feature has that feature's limits).  Returns
    dict(l1_weights=pf sd, l2_weights=pf sd^2, excluded=mask, lower_bounds=lo,
    upper_bounds=hi), only the keys that are not neutral (the limits both or neither).
    pf_j = 0 leaves feature j unpenalized (no finite limits on it): the native driver
    keeps it in every working set and makes the dual point exactly orthogonal to it.
    """
    if not isinstance(standardize, (bool, np.bool_)):
        raise TypeError(f"standardize must be True or False, got {standardize!r}.")
    if (penalty_factor is None and exclude is None and lower_bounds is None
            and upper_bounds is None and not standardize):
        return None     # every factor neutral (the O(p) arrays below would say so)
    p = X.shape[1]
    pf, lower, upper, excluded = check_feature_options(p, penalty_factor, lower_bounds,
                                                       upper_bounds, exclude)
    if pf is not None and np.any((pf == 0) & ~(np.zeros(p, bool) if excluded is None
                                               else excluded)):
        free = pf == 0
        if excluded is not None:
            free &= ~excluded
        for name, bound in (("lower_bounds", lower), ("upper_bounds", upper)):
            if bound is not None and np.any(np.isfinite(bound[free])):
                raise ValueError(f"{name}: an unpenalized feature (penalty_factor 0) cannot "
                                 "have a finite limit in the GLM models yet.")
    weight = np.ones(p) if pf is None else pf
    f1 = f2 = weight
    if standardize:
        centred = Design(X, None if s is None else s.astype(X.dtype), True)
        cq = np.asarray(centred.col_sqnorm, dtype=np.float64)
        sd = np.sqrt(cq / X.shape[0])
        constant = ~(sd > 1e-13 * np.abs(np.asarray(centred.x_mean))) | (cq <= 0)
        if constant.any():
            excluded = constant if excluded is None else (excluded | constant)
        sd = np.where(constant, 1.0, sd)
        f1, f2 = weight * sd, weight * sd ** 2
    out = {}
    if not np.all(f1 == 1.0):
        out["l1_weights"] = np.ascontiguousarray(f1, dtype=np.float64)
    if not np.all(f2 == 1.0):
        out["l2_weights"] = np.ascontiguousarray(f2, dtype=np.float64)
    if excluded is not None and excluded.any():
        out["excluded"] = excluded
    lo = np.full(p, -np.inf) if lower is None else lower
    hi = np.full(p, np.inf) if upper is None else upper
    if np.isfinite(lo).any() or np.isfinite(hi).any():
        out["lower_bounds"] = np.ascontiguousarray(lo)
        out["upper_bounds"] = np.ascontiguousarray(hi)
    return out or None


def solve_logistic(problem, W, b, alpha, l1_ratio, *, tol_abs, max_iter=100,
                   max_epochs=10000, p0=10, l1_prev=None, E=None, n_threads=1,
                   want_kkt=False, carry=None, carry_in=False):
    """Minimise n F(W, b) for one alpha from the warm start (W (p, K), b (K,)), in place.

    The whole solve runs natively (``_native/glm.pxi``): the outer working
    set, the proximal Newton loop and its line search, for the binomial and
    the softmax loss (entrywise or row-group penalty) alike.  ``E`` = X W + b
    (n, K), if the caller has it (a path carries it along); the problem's
    per-feature factors go to the native driver.  Returns dict(b,
    gap, primal, n_iter (Newton iterations), n_epochs, n_screened, eta).  Gaps
    are in n F units; tol_abs is in the same units.  ``n_threads``: OpenMP threads
    of the gap's X^T Theta pass (see ``logistic_binary_solve``; the same bits for
    any value).  ``want_kkt``: the binomial, Poisson and Gamma solves also return ``kkt``,
    the result's KKT violation (F's 1/n scaling; NaN where it does not form it).  ``carry``, ``carry_in``:
    the binomial solve's products carried along a path (see ``logistic_binary_solve``;
    ``carry_in`` only when E is the previous solve's returned eta, unchanged).
    """
    n = problem.n_samples
    threads = {} if n_threads == 1 else {"n_threads": n_threads}
    if want_kkt and getattr(problem.loss, "native_kkt", False):
        threads["kkt"] = True
    if carry is not None and isinstance(problem.loss, BinomialLoss):
        threads.update(carry=carry, carry_in=bool(carry_in and E is not None))
    L1, L2 = n * alpha * l1_ratio, n * alpha * (1.0 - l1_ratio)
    b = np.array(b, dtype=np.float64)
    if E is None:
        E = problem.linear(W) + b
        if problem.offset is not None:
            E = E + problem.offset
    l1_prev = 0.0 if l1_prev is None else l1_prev
    if problem.n_outputs == 1:
        w = np.ascontiguousarray(W[:, 0])
        eta = np.ascontiguousarray(E[:, 0])
        info = problem.loss.native_solve(problem.design, w, b, eta, problem.s,
                                         L1, L2, tol_abs, max_newton=max_iter,
                                         max_epochs=max_epochs, p0=p0, l1_prev=l1_prev,
                                         offset=problem.offset, **(problem.factors or {}),
                                         **threads)
        W[:, 0] = w
        info.update(b=b, eta=eta[:, None])
        return info
    Wf = np.asfortranarray(W, dtype=np.float64)
    Ef = np.asfortranarray(E, dtype=np.float64)
    info = multinomial_solve(problem.design, Wf, b, Ef, problem.loss.codes, problem.s, L1, L2,
                             tol_abs, group=problem.group, max_newton=max_iter,
                             max_epochs=max_epochs, p0=p0, l1_prev=l1_prev,
                             offset=problem.offset, **(problem.factors or {}), **threads)
    W[...] = Wf
    b, Ef = problem.loss.normalize_intercept(b, Ef)
    info.update(b=b, eta=Ef)
    return info


class GLMSteps(PathSteps):
    """The GLM point solver of :func:`penalized._path.run_path` (every GLM loss).

    State carried from one alpha to the next: the coefficients W (p, K), the
    intercepts b and the linear predictor E = X W + b (+ offset).  At alpha >=
    alpha_max with W = 0 the intercept-only fit is the exact minimiser and its
    gap is made exactly 0.  Options as for :func:`solve_logistic_path`.
    """

    work_unit = "Newton steps"

    def __init__(self, problem, *, l1_ratio, coef_init, intercept_init, tol, max_iter,
                 n_threads, want_kkt=False):
        p, K = problem.n_features, problem.n_outputs
        self.problem, self.l1_ratio, self.max_iter, self.n_threads = (
            problem, l1_ratio, max_iter, n_threads)
        self.want_kkt = want_kkt
        # the last check's products x_c,j.theta, carried to the next alpha's first check
        # (binary logistic, no groups): valid while E is the last solve's eta
        self.carry = None
        if isinstance(problem.loss, BinomialLoss) and problem.grouping is None:
            self.carry = (np.zeros(p, dtype=np.int8), np.zeros(p))
        self.carry_valid = False
        self.n_features, self.dtype = p, problem.dtype
        self.coef_shape, self.intercept_shape = (p, K), (K,)
        self.model_name, self.tol_meaning = problem.model_name, problem.tol_meaning
        self.W = (np.zeros((p, K)) if coef_init is None
                  else np.array(coef_init, dtype=np.float64).reshape(p, K))
        self.b = problem.b0.copy() if intercept_init is None else \
            np.array(intercept_init, dtype=np.float64).reshape(K)
        if not problem.fit_intercept:
            self.b = np.zeros(K)
        factors = problem.factors or {}
        if "lower_bounds" in factors:       # a warm start from outside the limits
            self.W = np.clip(self.W, factors["lower_bounds"][:, None],
                             factors["upper_bounds"][:, None])
        self.tol_abs = tol * problem.n_samples * problem.tol_reference
        self.alpha_max = None
        self.E = None

    def solve(self, k, alpha, alpha_prev):
        problem, n, W = self.problem, self.problem.n_samples, self.W
        l1_prev = n * alpha_prev * self.l1_ratio if k > 0 else None
        info = solve_logistic(problem, W, self.b, alpha, self.l1_ratio, tol_abs=self.tol_abs,
                              max_iter=self.max_iter, l1_prev=l1_prev, E=self.E,
                              n_threads=self.n_threads, want_kkt=self.want_kkt,
                              carry=self.carry, carry_in=self.carry_valid)
        self.carry_valid = self.carry is not None
        self.b, self.E = info["b"], info["eta"]
        # the native solve's KKT violation of this point (NaN: not formed)
        problem.last_kkt = info.get("kkt", np.nan)
        gap = max(info["gap"], 0.0)     # a negative gap is rounding
        if not np.any(W) and self.l1_ratio > 0 and self.alpha_max is None:
            self.alpha_max = problem.alpha_max(self.l1_ratio)     # one pass over X, once
        if not np.any(W) and self.l1_ratio > 0 and problem.offset is None and \
                alpha >= self.alpha_max * (1 - 8 * np.finfo(float).eps):
            # alpha >= alpha_max: (0, b_0) is the exact minimiser (b_0 = log odds,
            # log class priors or log mean response) and its dual point makes primal = dual; only
            # rounding of the two sums computed apart kept the gap from being 0
            self.b, gap = problem.b0.copy(), 0.0
            self.E = np.tile(self.b, (n, 1))
            problem.last_kkt = np.nan     # (it was for the solve's b, not b_0)
            self.carry_valid = False      # (and so were the carried products)
        missed = ((info["gap"] / n, self.tol_abs / n) if info["gap"] > self.tol_abs
                  else None)
        return PointResult(gap=gap / n, n_iter=info["n_iter"], finite=bool(np.isfinite(gap)),
                           missed=missed)

    def coef(self):
        return self.W

    def callback_coef(self):
        return self.W[:, 0] if self.problem.n_outputs == 1 else self.W

    def active_rows(self):
        return np.any(self.W != 0, axis=1)

    def intercept(self):
        return self.b

    def final_state(self):
        return self.E

    def nonfinite_error(self):
        return FloatingPointError(f"{self.problem.model_name} produced non-finite values; "
                                  "rescale X.")


def solve_logistic_path(problem, alphas, *, l1_ratio, coef_init=None, intercept_init=None,
                        tol=1e-4, max_iter=100, warn=True, callback=None, return_eta=False,
                        max_features=None, dfmax=None, return_sparse=False, n_threads=1,
                        want_kkt=False):
    """Warm-started path over decreasing alphas.

    :func:`penalized._path.run_path` with the GLM point solver
    (:class:`GLMSteps`).  Returns coefs, intercepts, gaps (F scaling),
    n_iters.  Binomial problems: coefs (p, n_alphas), intercepts (n_alphas,);
    multinomial: coefs (p, K, n_alphas), intercepts (K, n_alphas).
    ``coef_init`` has the shape of one path point.  ``tol``: stop when gap <=
    tol * ``problem.tol_reference`` (F(0, b_0), the intercept-only loss, for
    logistic problems).  ``callback(k, n_alphas, alpha, coef, gap)``, if given,
    runs after each alpha.  ``return_eta``: also return X W + b (+ offset) at
    the last alpha ((n, K) float64).  ``max_features`` / ``dfmax``: glmnet's
    pmax / dfmax (see ``run_path``), counting a feature non-zero in any class.
    ``return_sparse``: coefs is a scipy.sparse CSC matrix (p * K, n_alphas)
    instead, entry c * p + j holding W[j, c] (for K = 1 simply (p, n_alphas)),
    filled alpha by alpha with the non-zeros of the working W; the dense array
    is never formed.  ``n_threads``: as for :func:`solve_logistic`.  ``want_kkt``: the
    native solves also form each point's KKT violation, :meth:`LogisticProblem.result_kkt`
    of the last point (binomial, Poisson, Gamma; a single fit's ``kkt_violation_``).
    """
    extra = {"want_kkt": True} if want_kkt else {}
    out = problem.path(alphas, l1_ratio=l1_ratio, coef_init=coef_init,
                       intercept_init=intercept_init, tol=tol, max_iter=max_iter,
                       n_threads=n_threads, max_features=max_features, dfmax=dfmax, **extra,
                       return_sparse=return_sparse, warn=warn, callback=callback)
    coefs, intercepts = out.coefs, out.intercepts
    if problem.n_outputs == 1:
        coefs, intercepts = (coefs if return_sparse else coefs[:, 0, :]), intercepts[0]
    legacy = (coefs, intercepts, out.gaps, out.n_iters)
    # the linear predictor X W + b of the last alpha, (n, K) float64
    return legacy + (out.final,) if return_eta else legacy
