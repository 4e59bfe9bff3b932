"""Penalised binary logistic regression on the least-squares core.

Objective, for labels y_i in {-1, +1} and sample weights s normalised to sum n::

    F(w, b) = 1/n * sum_i s_i log(1 + exp(-y_i (x_i.w + b)))
              + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

The intercept b is not penalised.  scikit-learn's ``C`` is ``alpha = 1 / (n C)``
(n = sum of the raw sample weights).

Solver: proximal Newton (Lee, Sun, Saunders 2014; glmnet's IRLS-CD, Friedman,
Hastie, Tibshirani 2010; newGLMNET, Yuan, Ho, Lin 2012).  Each Newton step
minimises the quadratic model of the loss plus the penalty, which is a
weighted least-squares elastic net solved by the same native coordinate-
descent core as :class:`~penalized.Lasso`, then a backtracking line search on
F.  Around it, an outer working set (Massias, Gramfort, Salmon 2018): the
Newton iterations run on the features closest to their dual constraint only,
and one pass over X per outer iteration computes the duality gap over every
feature, screens (gap safe, Ndiaye et al. 2017) and grows the set.

Certificate.  With theta_i = s_i y_i sigmoid(-y_i eta_i) (minus the loss
gradient) and a_i = y_i theta_i / s_i in [0, 1], the Fenchel dual of n F is

    D(theta) = -sum_i s_i [a_i log a_i + (1 - a_i) log(1 - a_i)]
               - sum_j psi*(x_j.theta),   subject to sum_i theta_i = 0 (intercept)

with psi*(v) = (|v| - L1)_+^2 / (2 L2) for L2 = n alpha (1 - l1_ratio) > 0, or the
constraint |x_j.theta| <= L1 = n alpha l1_ratio when L2 = 0 (theta is then
rescaled).  The sum-zero constraint is met exactly by shrinking the larger of
the two label groups of theta.  The gap (n F(w, b) - D(theta)) / n is returned
in F's 1/n scaling; ``tol`` bounds it relative to F(0, b_0), the loss of the
intercept-only model.  The dual is (4 / max s)-strongly concave, which gives
the gap-safe sphere.
"""


import numpy as np
import scipy.sparse as sp
from scipy.special import expit, xlogy

from ._core import Design, enet_solve
from ._enet import LeastSquaresProblem, warn_unconverged

# Newton-step subproblems are solved to this fraction of the current gap
_INNER_RATIO = 0.3
_ARMIJO = 1e-4
_MAX_BACKTRACK = 30
_CURV_FLOOR = 1e-10     # floor on p (1 - p) in the quadratic model


def _log1pexp(t):
    """log(1 + exp(t)) without overflow."""
    return np.logaddexp(0.0, t)


def _penalty(w, L1, L2):
    return L1 * float(np.abs(w).sum()) + 0.5 * L2 * float(w @ w)


def _neg_entropy(a):
    """a log a + (1 - a) log(1 - a), with 0 log 0 = 0."""
    return xlogy(a, a) + xlogy(1.0 - a, 1.0 - a)


class LogisticProblem:
    """X, +/-1 labels and weights prepared once for many penalties.

    Parameters
    ----------
    X : F-ordered float ndarray or canonical CSC matrix (validated).
    y : ndarray of +1 / -1 (float64).
    sample_weight : ndarray summing to n, or None.
    fit_intercept : bool
    design : Design of (X, None, fit_intercept), optional
        Shared by problems on the same X (one-vs-rest): it does not depend on y.
    """

    def __init__(self, X, y, sample_weight=None, fit_intercept=True, design=None):
        self.X = X
        self.n_samples, self.n_features = X.shape
        self.dtype = X.dtype
        self.y = np.asarray(y, dtype=np.float64)
        n = self.n_samples
        self.s = (np.ones(n) if sample_weight is None
                  else np.asarray(sample_weight, dtype=np.float64))
        self.s_max = float(self.s.max())
        self.fit_intercept = fit_intercept
        # unweighted, centred when there is an intercept: x_c,j.theta and ||x_c,j||
        self.design = Design(X, None, fit_intercept) if design is None else design
        self.col_norm = np.sqrt(np.asarray(self.design.col_sqnorm))
        self.b0 = self._null_intercept()
        null_eta = np.full(n, self.b0)
        self.null_loss = self.loss(null_eta)

    # -- loss pieces (float64) --------------------------------------------
    def loss(self, eta):
        """(1/n) sum_i s_i log(1 + exp(-y_i eta_i))."""
        return float(self.s @ _log1pexp(-self.y * eta)) / self.n_samples

    def dual_residual(self, eta):
        """theta = -(d/d eta) sum_i s_i log(1 + exp(-y_i eta_i)) = s y sigmoid(-y eta)."""
        return self.s * self.y * expit(-self.y * eta)

    def _null_intercept(self):
        if not self.fit_intercept:
            return 0.0
        pos = float(self.s[self.y > 0].sum())
        neg = float(self.s[self.y < 0].sum())
        if pos <= 0 or neg <= 0:
            raise ValueError("y has a single class (with positive weight); need two.")
        return float(np.log(pos / neg))

    def linear(self, w, cols=None, Xs=None):
        """X w (float64), using only the columns ``cols`` when given (w over them)."""
        if Xs is None:
            Xs = self.X if cols is None else self.column_block(cols)
        if w.size == 0 or not np.any(w):
            return np.zeros(self.n_samples)
        return np.asarray(Xs @ np.asarray(w, dtype=Xs.dtype), dtype=np.float64).ravel()

    def column_block(self, cols):
        """X[:, cols] as F-ordered dense or CSC sparse (a copy of those columns only)."""
        if sp.issparse(self.X):
            return self.X[:, cols].tocsc()
        return np.asfortranarray(self.X[:, cols])

    def alpha_max(self, l1_ratio):
        """Smallest alpha with w = 0 optimal: max_j |x_c,j.theta_0| / (n l1_ratio)."""
        if l1_ratio <= 0:
            raise ValueError(
                "l1_ratio=0 (pure L2) has no alpha_max; pass an explicit alphas grid."
            )
        theta0 = self.dual_residual(np.full(self.n_samples, self.b0))
        c = self.design.correlations(theta0.astype(self.dtype))
        top = float(np.abs(c).max()) if c.size else 0.0
        return top / (self.n_samples * l1_ratio)

    # -- certificate -------------------------------------------------------
    def gap(self, eta, w, L1, L2, corr_fn):
        """Duality gap of n F at (w, b) with eta = X w + b.

        ``corr_fn(theta)`` returns x_c,j.theta for the features in play; w is
        over the same features.  Returns (gap, primal, theta, corr, scale):
        primal in n F units; corr = x_c.theta of the unscaled dual point and
        ``scale`` the factor that made it feasible (L2 = 0).
        """
        n = self.n_samples
        a = expit(-self.y * eta)
        theta = self.s * self.y * a
        if self.fit_intercept:
            pos = float(theta[self.y > 0].sum())
            neg = -float(theta[self.y < 0].sum())
            if pos > neg > 0:
                a = np.where(self.y > 0, a * (neg / pos), a)
            elif neg > pos > 0:
                a = np.where(self.y < 0, a * (pos / neg), a)
            theta = self.s * self.y * a
        corr = corr_fn(theta)
        primal = n * self.loss(eta) + _penalty(w, L1, L2)
        top = float(np.abs(corr).max()) if corr.size else 0.0
        feasible = L1 / top if top > L1 else 1.0   # scale making |x_j.theta| <= L1
        if L2 > 0:
            # every t theta (0 < t <= 1) is a dual point; try t = 1, the
            # L1-feasible scale and their geometric mean
            dual, scale = -np.inf, 1.0
            for t in {1.0, feasible, np.sqrt(feasible)}:
                excess = np.maximum(t * np.abs(corr) - L1, 0.0)
                d = -float(self.s @ _neg_entropy(t * a)) - float(excess @ excess) / (2 * L2)
                if d > dual:
                    dual, scale = d, t
        else:
            scale = feasible
            dual = -float(self.s @ _neg_entropy(scale * a))
        return primal - dual, primal, theta, corr, scale

    def kkt_violation(self, eta, w, l1, l2):
        """Largest violation of the optimality conditions of F (1/n scaling)."""
        n = self.n_samples
        theta = self.dual_residual(eta)
        xt_theta = self.design.correlations(theta.astype(self.dtype))
        if self.fit_intercept:   # the design is centred: add back x_mean * sum(theta)
            xt_theta = xt_theta + np.asarray(self.design.x_mean) * float(theta.sum())
        g = -xt_theta / n + l2 * w
        viol = np.where(w != 0, np.abs(g + l1 * np.sign(w)), np.maximum(np.abs(g) - l1, 0.0))
        out = float(viol.max()) if viol.size else 0.0
        if self.fit_intercept:
            out = max(out, abs(float(theta.sum())) / n)
        return out


def _newton_on_block(problem, Xs, w, b, eta, L1, L2, tol_abs, max_newton, max_epochs,
                     gap_fn):
    """Proximal Newton on the columns of Xs until gap_fn(...) <= tol_abs.

    w: coefficients over the block (modified in place); eta includes every
    feature.  Returns (b, eta, gap, newton_steps, epochs).
    """
    n = problem.n_samples
    y, s = problem.y, problem.s
    steps = epochs = 0
    inner_ratio = _INNER_RATIO
    g = gap_fn(eta, w)
    while g > tol_abs and steps < max_newton:
        # quadratic model of the loss at eta: 1/2 sum h_i (z_i - eta_i)^2 + const,
        # h_i = s_i p_i (1 - p_i) floored; the gradient part (y01 - p) is kept
        # exact (y sigmoid(-y eta)), so the model's gradient is the loss's
        curv = np.maximum(expit(eta) * expit(-eta), _CURV_FLOOR)
        h = s * curv
        z = eta + y * expit(-y * eta) / curv
        hsum = float(h.sum())
        if not hsum > 0:
            break
        hn = h * (n / hsum)
        lsq = LeastSquaresProblem(Xs, hn.astype(problem.dtype), problem.fit_intercept,
                                  precompute="auto")
        # subtract the other features' fixed contribution: the block's target
        own = problem.linear(w, Xs=Xs)
        tgt = lsq.target((z - (eta - own - b)).astype(problem.dtype))
        w_new = np.array(w, dtype=problem.dtype)
        res = lsq.residual(tgt, w_new)
        scale = n / hsum   # the weighted LS objective is (n / sum h) x the model's
        info = enet_solve(
            lsq.solver_design, w_new, res, lsq.solver_target(tgt), tgt.yy,
            L1 * scale, L2 * scale, tol_abs=inner_ratio * g * scale,
            max_epochs=max_epochs,
        )
        epochs += int(info["n_epochs"])
        b_new = lsq.intercept(tgt, w_new) if problem.fit_intercept else 0.0
        dw = w_new.astype(np.float64) - w
        db = b_new - b
        if not np.any(dw) and db == 0.0:
            # the model was solved no better than the start: ask for more
            inner_ratio *= 0.1
            steps += 1
            if inner_ratio < 1e-12:
                break
            continue
        d_eta = problem.linear(dw, Xs=Xs) + db
        # Armijo backtracking on n F along (dw, db) (Lee, Sun, Saunders 2014, eq. 2.20):
        # accept t when F(x + t d) <= F(x) + c t (grad.d + psi(w + dw) - psi(w))
        pen0 = _penalty(w, L1, L2)
        f0 = n * problem.loss(eta) + pen0
        decrease = -float(problem.dual_residual(eta) @ d_eta) + _penalty(w + dw, L1, L2) - pen0
        t = 1.0
        accepted = False
        for _ in range(_MAX_BACKTRACK):
            ft = n * problem.loss(eta + t * d_eta) + _penalty(w + t * dw, L1, L2)
            if ft <= f0 + _ARMIJO * t * decrease:
                accepted = True
                break
            t *= 0.5
        steps += 1
        if not accepted:
            # no sufficient decrease: the model's minimiser was too inexact for
            # the precision this gap needs; solve it more accurately and retry
            inner_ratio *= 0.1
            if inner_ratio < 1e-12:
                break
            continue
        w += t * dw
        b += t * db
        eta = eta + t * d_eta
        g_new = gap_fn(eta, w)
        if not g_new < g and t < 1e-6:
            g = g_new
            break
        g = g_new
    return b, eta, g, steps, epochs


def solve_logistic(problem, w, b, alpha, l1_ratio, *, tol_abs, max_iter=100,
                   max_epochs=10000, p0=10, l1_prev=None):
    """Minimise n F(w, b) for one alpha from the warm start (w, b), in place on w.

    Returns dict(b, gap, primal, n_iter (Newton steps), n_epochs, n_screened, eta).
    Gaps are in n F units; tol_abs is in the same units.
    """
    n = problem.n_samples
    L1, L2 = n * alpha * l1_ratio, n * alpha * (1.0 - l1_ratio)
    eta = problem.linear(w) + b
    design = problem.design
    cand = np.flatnonzero(problem.col_norm > 0)
    w[problem.col_norm == 0] = 0.0

    def corr_all(dual_point):
        return design.correlations(dual_point.astype(problem.dtype))[cand]

    newton = epochs = 0
    ws_size = 0
    prev_gap = np.inf
    screened = 0
    while True:
        gap, primal, _, corr, scale = problem.gap(eta, w[cand], L1, L2, corr_all)
        if gap <= tol_abs or newton >= max_iter:
            break
        # gap-safe sphere: ||theta - theta*|| <= sqrt(gap * s_max / 2)
        radius = np.sqrt(max(gap, 0.0) * problem.s_max / 2.0)
        if L1 > 0:
            inactive = np.abs(corr) * scale + radius * problem.col_norm[cand] < L1
            # a screened non-zero is provably zero at the optimum: zero it now
            drop = cand[inactive & (w[cand] != 0)]
            if drop.size:
                eta = eta - problem.linear(w[drop], cols=drop)
                w[drop] = 0.0
            screened += int(inactive.sum())
            cand, corr = cand[~inactive], corr[~inactive]
        wc = w[cand]
        nnz = int(np.count_nonzero(wc))
        if L1 > 0:
            if ws_size == 0 and l1_prev is not None and l1_prev > L1:
                ws_size = nnz + int(np.count_nonzero((wc == 0) & (np.abs(corr) >= 2 * L1 - l1_prev)))
            elif ws_size > 0 and not gap > 0.5 * prev_gap:
                ws_size = max(2 * nnz, p0)
            else:
                ws_size = max(p0 if ws_size == 0 else 2 * ws_size, 2 * nnz)
            ws_size = max(1, min(ws_size, cand.size))
            key = np.where(wc != 0, -1.0,
                           (L1 - np.abs(corr) * scale) / np.maximum(problem.col_norm[cand], 1e-300))
            order = np.argpartition(key, ws_size - 1)[:ws_size] if ws_size < cand.size \
                else np.arange(cand.size)
            ws = np.sort(cand[order])
        else:
            ws = cand
        prev_gap = gap
        all_in = ws.size == cand.size
        inner_tol = tol_abs if all_in else max(tol_abs, _INNER_RATIO * gap)
        Xs = problem.column_block(ws)

        def gap_ws(eta_, w_ws, Xs=Xs):
            # theta sums to zero with an intercept, so X_s^T theta is centred
            def corr_ws(dual_point):
                return np.asarray(Xs.T @ dual_point.astype(Xs.dtype), dtype=np.float64).ravel()
            return problem.gap(eta_, w_ws, L1, L2, corr_ws)[0]

        w_ws = w[ws].astype(np.float64)
        b, eta, _, steps, ep = _newton_on_block(
            problem, Xs, w_ws, b, eta, L1, L2, inner_tol, max_iter - newton, max_epochs,
            gap_ws)
        w[ws] = w_ws
        newton += max(steps, 1)
        epochs += ep
    return {"b": b, "gap": gap, "primal": primal, "n_iter": newton, "n_epochs": epochs,
            "n_screened": screened, "eta": eta}


def solve_logistic_path(problem, alphas, *, l1_ratio, coef_init=None, intercept_init=None,
                        tol=1e-4, max_iter=100, warn=True):
    """Warm-started path over decreasing alphas.

    Returns coefs (p, n_alphas), intercepts, gaps (F scaling), n_iters.
    ``tol``: stop when gap <= tol * F(0, b_0) (the intercept-only loss).
    """
    n, p = problem.n_samples, problem.n_features
    alphas = np.asarray(alphas, dtype=np.float64)
    w = np.zeros(p) if coef_init is None else np.asarray(coef_init, dtype=np.float64).copy()
    b = problem.b0 if intercept_init is None else float(intercept_init)
    if not problem.fit_intercept:
        b = 0.0
    tol_abs = tol * n * problem.null_loss
    coefs = np.empty((p, alphas.size), dtype=problem.dtype, order="F")
    intercepts = np.empty(alphas.size)
    gaps = np.empty(alphas.size)
    n_iters = np.empty(alphas.size, dtype=np.int64)
    missed = []
    for k, alpha in enumerate(alphas):
        l1_prev = n * alphas[k - 1] * l1_ratio if k > 0 else None
        info = solve_logistic(problem, w, b, alpha, l1_ratio, tol_abs=tol_abs,
                              max_iter=max_iter, l1_prev=l1_prev)
        b = info["b"]
        gap = max(info["gap"], 0.0)     # a negative gap is rounding
        if (not np.any(w) and l1_ratio > 0
                and alpha >= problem.alpha_max(l1_ratio) * (1 - 8 * np.finfo(float).eps)):
            # alpha >= alpha_max: (0, b_0) is the exact minimiser (b_0 = log odds)
            # and its dual point theta_0 makes primal = dual; only rounding of
            # the two sums computed apart kept the gap from being 0
            b, gap = problem.b0, 0.0
        coefs[:, k] = w
        intercepts[k] = b
        gaps[k] = gap / n
        n_iters[k] = info["n_iter"]
        if info["gap"] > tol_abs:
            missed.append((alpha, info["gap"] / n, tol_abs / n, info["n_iter"]))
    if missed and warn:
        warn_unconverged(missed, alphas.size, "Logistic regression",
                         "tol * intercept-only loss", "Newton steps")
    if not (np.all(np.isfinite(intercepts)) and np.isfinite(gaps).all()):
        raise FloatingPointError(
            "Logistic regression produced non-finite values; rescale X."
        )
    return coefs, intercepts, gaps, n_iters
