"""Penalised logistic regression (binary and multinomial) on the least-squares core.

Objective, for sample weights s normalised to sum n and K linear predictors
eta_i = x_i W + b (K = 1 for two classes, K = n_classes for the softmax)::

    F(W, b) = 1/n * sum_i s_i f_i(eta_i)
              + alpha * l1_ratio * ||W||_1 + alpha * (1 - l1_ratio)/2 * ||W||_F^2

with the binomial loss f_i(eta) = log(1 + exp(-y_i eta)), y_i in {-1, +1}, or
the multinomial loss f_i(eta) = logsumexp(eta) - eta_{c_i} for the class c_i
of sample i.  The intercepts b are not penalised.  scikit-learn's ``C`` is
``alpha = 1 / (n C)`` (n = sum of the raw sample weights).

The loss is a plug-in to the least-squares core: its value, the Newton model
of one predictor column (gradient and diagonal curvature), the intercept-only
solution, a dual point and its Fenchel conjugate.  The binomial loss is solved
entirely in native code (``_prox_newton.pxi``: the outer working set, the
Newton loop and the line search, each Newton model handed to the core's
``_solve``); the multinomial loss (:class:`MultinomialLoss`) runs the same
algorithm from Python, each class model solved by ``enet_solve``.

Solver: proximal Newton (Lee, Sun, Saunders 2014; glmnet's IRLS-CD, Friedman,
Hastie, Tibshirani 2010; newGLMNET, Yuan, Ho, Lin 2012).  Each Newton step
minimises the quadratic model of the loss in one predictor column plus the
penalty, a weighted least-squares elastic net solved by the same native
coordinate-descent core as :class:`~penalized.Lasso`, followed by a
backtracking line search on F.  For the softmax the columns are visited in
turn, each with the exact diagonal block s_i p_ik (1 - p_ik) of the Hessian
(glmnet's partial Newton for the multinomial, Friedman et al. 2010, sec. 4).
Around it, an outer working set (Massias, Gramfort, Salmon 2018): the Newton
iterations run on the features closest to their dual constraint only, and one
pass over X per outer iteration computes the duality gap over every feature,
screens (gap safe, Ndiaye et al. 2017) and grows the set.

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
from scipy.special import expit, xlogy

from ._core import Design, enet_solve, logistic_binary_solve, multitask_enet_solve
from ._enet import LeastSquaresProblem, check_magnitudes, warn_unconverged

# Newton-step subproblems are solved to this fraction of the current gap
_INNER_RATIO = 0.3
_ARMIJO = 1e-4
_MAX_BACKTRACK = 30
_CURV_FLOOR = 1e-10     # floor on p (1 - p) in the quadratic model
_STALL_CHECKS, _STALL_DECREASE = 5, 0.99   # outer checks without progress that end a solve
_F_RESOLUTION = 1e-13   # relative rounding of F (a sum of n terms): the native driver's too


def _log1pexp(t):
    """log(1 + exp(t)) without overflow."""
    return np.logaddexp(0.0, t)


def _penalty(W, L1, L2, group=False):
    """L1 ||W||_1 + L2/2 ||W||_F^2; with ``group``, L1 sum_j ||W_j||_2 + L2/2 ||W||_F^2."""
    return L1 * float(_magnitudes(W, group).sum()) + 0.5 * L2 * float(np.sum(W * W))


def _magnitudes(M, group):
    """|M_jk| entrywise, or the Euclidean norm of every row ||M_j||_2 (``group``)."""
    if not group or M.ndim == 1:
        return np.abs(M)
    return np.sqrt(np.einsum("jk,jk->j", M, M))


def _row_max_abs(M):
    """max_k |M_jk| for every row (the plain column when K = 1)."""
    return np.abs(M[:, 0]) if M.shape[1] == 1 else np.abs(M).max(axis=1)


def _row_any(M):
    """Rows of M with a non-zero entry."""
    return M[:, 0] != 0 if M.shape[1] == 1 else np.any(M != 0, axis=1)


def _log_softmax(E):
    """Row-wise log softmax and logsumexp of E (n, K), overflow-safe."""
    shifted = E - E.max(axis=1, keepdims=True)
    lse = np.log(np.exp(shifted).sum(axis=1))
    return shifted - lse[:, None], lse + (E[:, 0] - shifted[:, 0])


def _neg_entropy(a):
    """a log a + (1 - a) log(1 - a), with 0 log 0 = 0."""
    return xlogy(a, a) + xlogy(1.0 - a, 1.0 - a)


class BinomialLoss:
    """f_i(eta) = log(1 + exp(-y_i eta)), y_i in {-1, +1}; one predictor (K = 1).

    Only what the Python layer needs (value, gradient, intercept-only fit):
    its Newton model, dual point (a_i = sigmoid(-y_i eta_i), theta_i = s_i y_i
    a_i, the larger label group shrunk so that sum theta = 0) and conjugate
    s_i (a_i log a_i + (1 - a_i) log(1 - a_i)), 4-strongly convex in a_i, are
    evaluated natively by the binary solver (``_prox_newton.pxi``).
    """

    n_outputs = 1
    modulus = 4.0

    def __init__(self, y, s):
        self.y = np.asarray(y, dtype=np.float64)
        self.s = s

    def value(self, E):
        """sum_i s_i log(1 + exp(-y_i eta_i)) (n F units)."""
        return float(self.s @ _log1pexp(-self.y * E[:, 0]))

    def neg_gradient(self, E):
        """Theta = s y sigmoid(-y eta), as an (n, 1) array."""
        return (self.s * self.y * expit(-self.y * E[:, 0]))[:, None]

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

    Dual point: A_i in the simplex with Theta_i = s_i (Y_i - A_i);
    s_i f_i*(-Theta_i/s_i) = s_i sum_k A_ik log A_ik, 1-strongly convex in A_i.
    Scaling Theta by t moves A to Y + t (A - Y), still in the simplex.
    """

    modulus = 1.0

    def __init__(self, Y, s):
        self.Y = np.asarray(Y, dtype=np.float64)
        self.s = s
        self.n_outputs = self.Y.shape[1]
        self.class_weight = s @ self.Y     # c_k, summing to n

    def value(self, E):
        return float(self.s @ (_log_softmax(E)[1] - np.sum(E * self.Y, axis=1)))

    def neg_gradient(self, E):
        return self.s[:, None] * (self.Y - np.exp(_log_softmax(E)[0]))

    def newton_model(self, E, k):
        p = np.exp(_log_softmax(E)[0][:, k])
        return self.Y[:, k] - p, np.maximum(p * (1.0 - p), _CURV_FLOOR)

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

    def dual_point(self, E, fit_intercept):
        """A = softmax(E), corrected so that sum_i s_i A_ik = c_k for every class.

        The correction subtracts eps_k / n from every row (eps_k = sum_i s_i A_ik
        - c_k; rows still sum to 1) and mixes in the class priors c / n just
        enough to keep every entry >= 0; both steps keep the column sums.
        """
        A = np.exp(_log_softmax(E)[0])
        if fit_intercept:
            n = float(self.s.sum())
            prior = self.class_weight / n
            A1 = A - (self.s @ A - self.class_weight) / n
            low = A1 < 0
            if np.any(low):
                need = -A1[low] / (np.broadcast_to(prior, A1.shape)[low] - A1[low])
                tau = min(1.0, float(need.max()))
                A1 = (1.0 - tau) * A1 + tau * prior
                A1 = np.maximum(A1, 0.0)
            A = A1
        return A

    def theta(self, A):
        return self.s[:, None] * (self.Y - A)

    def conjugate(self, A, t):
        At = self.Y + t * (A - self.Y)
        return float(self.s @ xlogy(At, At).sum(axis=1))


class LogisticProblem:
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
    """

    def __init__(self, X, y, sample_weight=None, fit_intercept=True, design=None,
                 group=False):
        self.X = X
        self.n_samples, self.n_features = X.shape
        self.dtype = X.dtype
        n = self.n_samples
        self.s = (np.ones(n) if sample_weight is None
                  else np.ascontiguousarray(sample_weight, dtype=np.float64))
        self.s_max = float(self.s.max())
        y = np.ascontiguousarray(y, dtype=np.float64)
        self.y = y
        self.loss = BinomialLoss(y, self.s) if y.ndim == 1 else MultinomialLoss(y, self.s)
        self.n_outputs = self.loss.n_outputs
        self.fit_intercept = fit_intercept
        # the L1 part acts on the rows W_j (one per feature, across the classes)
        self.group = bool(group) and self.n_outputs > 1
        # unweighted, centred when there is an intercept: x_c,j.theta and ||x_c,j||
        self.design = Design(X, None, fit_intercept) if design is None else design
        if design is None:
            check_magnitudes(self.design, X)
        self.col_norm = np.sqrt(np.asarray(self.design.col_sqnorm))
        self.b0 = self.loss.null_intercept(fit_intercept)
        self.null_loss = self.loss.value(np.broadcast_to(self.b0, (n, self.n_outputs))) / n

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
        E0 = np.broadcast_to(self.b0, (self.n_samples, self.n_outputs))
        c = self.correlations(self.loss.neg_gradient(E0))
        top = float(_magnitudes(c, self.group).max()) if c.size else 0.0
        return top / (self.n_samples * l1_ratio)

    # -- certificate -------------------------------------------------------
    def gap(self, E, W, L1, L2, corr_fn):
        """Duality gap of n F at (W, b) with E = X W + b.

        ``corr_fn(Theta)`` returns x_c,j.Theta_k for the features in play; W is
        over the same features.  Returns (gap, primal, corr, scale): primal in
        n F units; corr of the unscaled dual point and ``scale`` the factor t
        applied to it.
        """
        loss = self.loss
        A = loss.dual_point(E, self.fit_intercept)
        corr = corr_fn(loss.theta(A))
        primal = loss.value(E) + _penalty(W, L1, L2, self.group)
        # the dual norm of the L1 part: |x_j.Theta_k| entrywise, ||x_j.Theta||_2 by row
        mag = _magnitudes(corr, self.group)
        top = float(mag.max()) if mag.size else 0.0
        feasible = L1 / top if top > L1 else 1.0   # scale making every magnitude <= L1
        if L2 > 0:
            # every t Theta (0 < t <= 1) is a dual point; try t = 1, the
            # L1-feasible scale and their geometric mean
            dual, scale = -np.inf, 1.0
            for t in {1.0, feasible, np.sqrt(feasible)}:
                excess = np.maximum(t * mag - L1, 0.0)
                # divided before squaring, as in the core: no underflow near 1e-150
                d = -loss.conjugate(A, t) - float(np.sum(excess * (excess / (2 * L2))))
                if d > dual:
                    dual, scale = d, t
        else:
            scale = feasible
            dual = -loss.conjugate(A, scale)
        return primal - dual, primal, corr, scale

    def kkt_violation(self, E, W, l1, l2):
        """Largest violation of the optimality conditions of F (1/n scaling)."""
        n = self.n_samples
        Theta = self.loss.neg_gradient(E)
        xt_theta = self.correlations(Theta)
        if self.fit_intercept:   # the design is centred: add back x_mean * sum(theta)
            xt_theta = xt_theta + np.outer(self.design.x_mean, Theta.sum(axis=0))
        W = np.asarray(W, dtype=np.float64).reshape(xt_theta.shape)
        g = -xt_theta / n + l2 * W
        if self.group:
            # rows: g_j + l1 W_j / ||W_j|| = 0 if W_j != 0, else ||g_j|| <= l1
            norm = _magnitudes(W, True)
            unit = W / np.where(norm > 0, norm, 1.0)[:, None]
            viol = np.where(norm > 0, _magnitudes(g + l1 * unit, True),
                            np.maximum(_magnitudes(g, True) - l1, 0.0))
        else:
            viol = np.where(W != 0, np.abs(g + l1 * np.sign(W)),
                            np.maximum(np.abs(g) - l1, 0.0))
        out = float(viol.max()) if viol.size else 0.0
        if self.fit_intercept:
            out = max(out, float(np.abs(Theta.sum(axis=0)).max()) / n)
        return out


def _newton_step(problem, Xs, W, b, E, k, L1, L2, tol_model, max_epochs):
    """One proximal Newton step on predictor column k over the block Xs.

    Minimises the quadratic model of the loss in (W[:, k], b[k]) plus the
    penalty with the native core, then backtracks on n F (Armijo rule of Lee,
    Sun, Saunders 2014, eq. 2.20).  Updates W, b and E in place.  Returns
    (status, t, epochs): status 'moved', 'still' (the model's solution was the
    start) or 'failed' (no sufficient decrease).
    """
    n = problem.n_samples
    loss = problem.loss
    # quadratic model at eta: 1/2 sum h_i (z_i - eta_i)^2 + const with
    # h = s p (1 - p) floored; the gradient part is kept exact, so the
    # model's gradient is the loss's
    r, curv = loss.newton_model(E, k)
    h = problem.s * curv
    hsum = float(h.sum())
    if not hsum > 0:
        return "still", 0.0, 0
    eta = E[:, k]
    z = eta + r / curv
    # no Gram mode: a Newton model is solved in a few epochs, fewer than the
    # m columns a Gram matrix costs to build
    lsq = LeastSquaresProblem(Xs, (h * (n / hsum)).astype(problem.dtype), problem.fit_intercept,
                              precompute=False)
    # subtract the other features' fixed contribution: the block's target
    own = problem.linear(W[:, k], Xs=Xs)[:, 0]
    tgt = lsq.target((z - (eta - own - b[k])).astype(problem.dtype))
    w_new = np.array(W[:, k], dtype=problem.dtype)
    res = lsq.residual(tgt, w_new)
    scale = n / hsum   # the weighted LS objective is (n / sum h) x the model's
    info = enet_solve(lsq.solver_design, w_new, res, lsq.solver_target(tgt), tgt.yy,
                      L1 * scale, L2 * scale, tol_abs=tol_model * scale, max_epochs=max_epochs)
    epochs = int(info["n_epochs"])
    b_new = lsq.intercept(tgt, w_new) if problem.fit_intercept else 0.0
    dw = w_new.astype(np.float64) - W[:, k]
    db = b_new - b[k]
    if not np.any(dw) and (db == 0.0 or epochs == 0):
        return "still", 0.0, epochs
    d_eta = problem.linear(dw, Xs=Xs)[:, 0] + db
    pen0 = _penalty(W[:, k], L1, L2)
    f0 = loss.value(E) + pen0
    decrease = -float((problem.s * r) @ d_eta) + _penalty(W[:, k] + dw, L1, L2) - pen0
    t = 1.0
    Et = E.copy()
    for _ in range(_MAX_BACKTRACK):
        Et[:, k] = eta + t * d_eta
        if loss.value(Et) + _penalty(W[:, k] + t * dw, L1, L2) <= f0 + _ARMIJO * t * decrease:
            W[:, k] += t * dw
            b[k] += t * db
            E[:, k] = Et[:, k]
            return "moved", t, epochs
        t *= 0.5
    return "failed", 0.0, epochs


_SUPPORT_NEWTON_MAX = 1000    # largest support (coefficients + intercepts) solved jointly
_SUPPORT_NEWTON_FLOPS = 2e9   # and largest n q^2 spent building its Hessian


def _support_newton(problem, Xs, W, b, E, L1, L2, group=False):
    """One joint Newton step of the softmax loss on the current support of W.

    On the orthant of the current signs the objective is smooth:
    loss(W_S, b) + L1 sign(W_S).W_S + L2/2 ||W_S||^2.  Its full Hessian couples
    the classes (sum_i s_i z_i z_i^T (diag p_i - p_i p_i^T) over the support
    columns z), which the class-by-class steps cannot see; on a stable support
    this step converges quadratically where they crawl.  The step is the
    minimum-norm solution (the softmax is invariant to a common shift, so the
    Hessian is singular), cut at the first sign change (that coefficient
    becomes exactly 0) and accepted only if F decreases (Armijo).  With
    ``group`` the support is the non-zero rows W_j (all K classes of each), the
    penalty L1 sum_j ||W_j|| is smooth there (gradient L1 W_j / ||W_j||, Hessian
    L1 (I - u_j u_j^T) / ||W_j|| with u_j = W_j / ||W_j||) and no cut is needed.
    Returns True when a step was taken.
    """
    n, K = E.shape
    if group:
        active = np.flatnonzero(np.any(W != 0, axis=1))
        rows, cols = np.repeat(active, K), np.tile(np.arange(K), active.size)
    else:
        rows, cols = np.nonzero(W)
    n_icpt = K if problem.fit_intercept else 0
    q = rows.size + n_icpt
    if rows.size == 0 or q > _SUPPORT_NEWTON_MAX or n * q * q > _SUPPORT_NEWTON_FLOPS:
        return False
    loss = problem.loss
    logp, _ = _log_softmax(E)
    P = np.exp(logp)
    s = problem.s
    Theta = loss.neg_gradient(E)
    feats = np.unique(rows)
    Zf = Xs[:, feats]
    Zf = np.asarray(Zf.toarray() if sp.issparse(Zf) else Zf, dtype=np.float64)
    col_of = {f: i for i, f in enumerate(feats)}
    Z = np.column_stack([Zf[:, [col_of[r] for r in rows]]] + ([np.ones((n, K))]
                                                             if n_icpt else []))
    out_k = np.concatenate([cols, np.arange(n_icpt)])     # class of every variable
    w_S = np.concatenate([W[rows, cols], np.zeros(n_icpt)])
    pen_mask = np.arange(q) < rows.size
    penalised = np.flatnonzero(pen_mask)
    grad = -np.einsum("iq,iq->q", Z, Theta[:, out_k])
    # H = blockdiag_k(Z_k^T S diag(p_k) Z_k) - B^T S B with B = [Z_k p_k]_k: one gemm
    B = Z * P[:, out_k]
    H = -((B * s[:, None]).T @ B)
    for k in range(K):
        ik = np.flatnonzero(out_k == k)
        Zk = Z[:, ik]
        H[np.ix_(ik, ik)] += (Zk * (s * P[:, k])[:, None]).T @ Zk
    H[penalised, penalised] += L2
    grad[pen_mask] += L2 * w_S[pen_mask]
    if group:
        for a in range(active.size):         # variables a*K .. a*K + K - 1: row active[a]
            blk = slice(a * K, (a + 1) * K)
            norm = float(np.linalg.norm(w_S[blk]))
            u = w_S[blk] / norm
            grad[blk] += L1 * u
            H[blk, blk] += (L1 / norm) * (np.eye(K) - np.outer(u, u))
    else:
        grad[pen_mask] += L1 * np.sign(w_S[pen_mask])
    evals, evecs = np.linalg.eigh(H)
    keep = evals > 1e-10 * max(evals[-1], 1e-300)
    d = -evecs[:, keep] @ ((evecs[:, keep].T @ grad) / evals[keep])
    # cut at the first sign change of a penalised coefficient (entrywise L1 only)
    dw = d[pen_mask]
    ww = w_S[pen_mask]
    crossing = (dw * ww < 0) if not group else np.zeros(dw.size, dtype=bool)
    t_max = 1.0
    hit = -1
    if np.any(crossing):
        ratios = -ww[crossing] / dw[crossing]
        i = int(np.argmin(ratios))
        if ratios[i] < 1.0:
            t_max, hit = float(ratios[i]), int(np.flatnonzero(crossing)[i])
    d_eta = np.zeros((n, K))
    for k in range(K):
        ik = np.flatnonzero(out_k == k)
        d_eta[:, k] = Z[:, ik] @ d[ik]
    f0 = loss.value(E) + _penalty(W, L1, L2, group)
    slope = float(grad @ d)
    if not slope < 0:
        return False
    t = t_max
    for _ in range(_MAX_BACKTRACK):
        W_t = W.copy()
        W_t[rows, cols] = ww + t * dw
        if hit >= 0 and t == t_max:
            W_t[rows[hit], cols[hit]] = 0.0
        E_t = E + t * d_eta
        if loss.value(E_t) + _penalty(W_t, L1, L2, group) <= f0 + _ARMIJO * t * slope:
            W[...] = W_t
            if n_icpt:
                b += t * d[rows.size:]
            E[...] = E_t
            return True
        t *= 0.5
    return False


def _newton_on_block(problem, Xs, W, b, E, L1, L2, tol_abs, max_newton, max_epochs, gap_fn):
    """Proximal Newton on the columns of Xs until gap_fn(E, W) <= tol_abs.

    W: (m, K) coefficients over the block and b: (K,) intercepts, modified in
    place; E includes every feature.  One Newton iteration visits every
    predictor column once.  Returns (E, gap, newton_iterations, epochs).
    """
    steps = epochs = 0
    inner_ratio = _INNER_RATIO
    n_outputs = W.shape[1]
    support = None
    g = gap_fn(E, W)
    while g > tol_abs and steps < max_newton:
        if n_outputs > 1:
            now = W != 0
            if support is not None and np.array_equal(now, support) and \
                    _support_newton(problem, Xs, W, b, E, L1, L2):
                g = gap_fn(E, W)
                if g <= tol_abs:
                    break
            support = W != 0
        t_min = 1.0
        for k in range(n_outputs):
            # each column's model holds about a 1/K share of the gap
            status, t, ep = _newton_step(problem, Xs, W, b, E, k, L1, L2,
                                         inner_ratio * g / n_outputs, max_epochs)
            epochs += ep
            if status != "moved":
                # the model was solved too inexactly for the precision this gap
                # needs: solve it more accurately next time
                inner_ratio *= 0.1
            else:
                t_min = min(t_min, t)
        steps += 1
        if inner_ratio < 1e-12:
            break
        g_new = gap_fn(E, W)
        if not g_new < g and t_min < 1e-6:
            g = g_new
            break
        g = g_new
    return E, g, steps, epochs


def _solve_group(problem, W, b, E, L1, L2, tol_abs, max_iter, max_epochs):
    """Softmax loss with the row-group penalty L1 sum_j ||W_j||_2 + L2/2 ||W||_F^2.

    Proximal Newton with a diagonal majorant of the Hessian: the softmax
    Hessian of sample i, diag(p_i) - p_i p_i^T, is at most h_i I with
    h_i = 2 max_k p_ik (1 - p_ik) (Gershgorin's discs; h_i <= 1/2, the global
    bound of Boehning 1992).  With one curvature per sample the quadratic model
    of the loss is the same weighted least squares for every class,

        sum_i s_i h_i / 2 ||eta_i - z_i||^2,   z_i = eta_i - (p_i - Y_i) / h_i,

    so the model plus the penalty is a multi-task elastic net, solved by the
    native block coordinate descent (``_multitask.pxi``) to a fraction of the
    current gap; an Armijo line search on n F follows (h_i bounds the Hessian at
    eta_i only).  The same rules as the binary driver: a model that gave no
    decrease is solved ten times more accurately next time, and a step whose
    predicted change is below F's rounding is taken whole.  W (p, K), b (K,)
    and E = X W + b are updated in place; returns (E, b, gap, primal,
    iterations, epochs).
    """
    n, K = E.shape
    loss, X, dtype = problem.loss, problem.X, problem.dtype
    s = problem.s
    steps = epochs = 0
    inner_ratio = _INNER_RATIO
    gap, primal = problem.gap(E, W, L1, L2, problem.correlations)[:2]
    rows = None
    while gap > tol_abs and steps < max_iter:
        now = np.any(W != 0, axis=1)
        newton = rows is not None and np.array_equal(now, rows) and \
            _support_newton(problem, X, W, b, E, L1, L2, group=True)
        if newton:
            # the active rows did not change: one joint Newton step on them
            # (quadratic convergence where the majorized steps are linear); the
            # majorized step that follows can still remove a row (only a
            # proximal step sets a row to exactly zero)
            gap, primal = problem.gap(E, W, L1, L2, problem.correlations)[:2]
            if gap <= tol_abs:
                break
        rows = np.any(W != 0, axis=1)
        P = np.exp(_log_softmax(E)[0])
        G = P - loss.Y                                     # gradient per unit weight
        h = np.maximum(2.0 * (P * (1.0 - P)).max(axis=1), _CURV_FLOOR)
        weights = s * h
        scale = n / float(weights.sum())                   # LS weights summing to n
        design = Design(X, (weights * scale).astype(dtype), problem.fit_intercept)
        Z = E - G / h[:, None]
        if problem.fit_intercept:
            z_mean = np.average(Z, axis=0, weights=weights)
            x_mean = np.asarray(design.x_mean)
        else:
            z_mean, x_mean = np.zeros(K), np.zeros(problem.n_features)
        XW = problem.linear(W)
        R = np.asfortranarray((Z - z_mean) - (XW - x_mean @ W), dtype=dtype)
        W_new = np.array(W, dtype=dtype, order="C")      # a copy: W is the line search start
        info = multitask_enet_solve(design, W_new, R, np.asfortranarray(Z, dtype=dtype),
                                    L1 * scale, L2 * scale,
                                    tol_abs=inner_ratio * gap * scale, max_epochs=max_epochs)
        epochs += int(info["n_epochs"])
        dW = W_new.astype(np.float64) - W
        db = (z_mean - x_mean @ W_new.astype(np.float64)) - b if problem.fit_intercept \
            else np.zeros(K)
        d_eta = problem.linear(dW) + db
        pen0 = _penalty(W, L1, L2, True)
        f0 = loss.value(E) + pen0
        decrease = float(np.sum(s[:, None] * G * d_eta)) + _penalty(W + dW, L1, L2, True) - pen0
        tiny = abs(decrease) <= _F_RESOLUTION * abs(f0)
        t, moved = 1.0, False
        for _ in range(_MAX_BACKTRACK):
            E_t = E + t * d_eta
            if tiny or loss.value(E_t) + _penalty(W + t * dW, L1, L2, True) <= \
                    f0 + _ARMIJO * t * decrease:
                W += t * dW
                b += t * db
                E[...] = E_t
                moved = True
                break
            t *= 0.5
        steps += 1
        if not moved or not np.any(dW):
            inner_ratio *= 0.1
            if inner_ratio < 1e-12:
                break
        gap_new, primal = problem.gap(E, W, L1, L2, problem.correlations)[:2]
        if not gap_new < gap and not newton and (tiny or (moved and t < 1e-6)):
            # no progress from either step (a joint Newton step that was taken
            # leaves the next iteration another one to try)
            gap = gap_new
            break
        gap = gap_new
    return E, b, gap, primal, steps, epochs


def _working_set_size(ws_size, nnz, n_cand, gap, prev_gap, strong, p0):
    """Outer working-set size: seeded by the strong rule, doubled while the gap stalls."""
    if ws_size == 0 and strong is not None:
        ws_size = nnz + strong
    elif ws_size > 0 and not gap > 0.5 * prev_gap:
        ws_size = max(2 * nnz, p0)
    else:
        ws_size = max(p0 if ws_size == 0 else 2 * ws_size, 2 * nnz)
    return max(1, min(ws_size, n_cand))


def solve_logistic(problem, W, b, alpha, l1_ratio, *, tol_abs, max_iter=100,
                   max_epochs=10000, p0=10, l1_prev=None, E=None):
    """Minimise n F(W, b) for one alpha from the warm start (W (p, K), b (K,)), in place.

    ``E`` = X W + b (n, K), if the caller has it (a path carries it along).
    Returns dict(b, gap, primal, n_iter (Newton iterations), n_epochs,
    n_screened, eta).  Gaps are in n F units; tol_abs is in the same units.
    """
    n = problem.n_samples
    L1, L2 = n * alpha * l1_ratio, n * alpha * (1.0 - l1_ratio)
    b = np.array(b, dtype=np.float64)
    if E is None:
        E = problem.linear(W) + b
    if problem.group:
        E, b, gap, primal, steps, epochs = _solve_group(problem, W, b, E, L1, L2, tol_abs,
                                                        max_iter, max_epochs)
        b, E = problem.loss.normalize_intercept(b, E)
        return {"b": b, "gap": gap, "primal": primal, "n_iter": steps, "n_epochs": epochs,
                "n_screened": 0, "eta": E}
    if problem.n_outputs == 1:
        # binary loss: the whole solve runs natively (_prox_newton.pxi)
        w = np.ascontiguousarray(W[:, 0])
        eta = np.ascontiguousarray(E[:, 0])
        info = logistic_binary_solve(problem.design, w, b, eta, problem.loss.y, problem.s,
                                     L1, L2, tol_abs, max_newton=max_iter,
                                     max_epochs=max_epochs, p0=p0,
                                     l1_prev=0.0 if l1_prev is None else l1_prev)
        W[:, 0] = w
        info.update(b=b, eta=eta[:, None])
        return info
    cand = np.flatnonzero(problem.col_norm > 0)
    W[problem.col_norm == 0] = 0.0

    def corr_all(Theta):
        return problem.correlations(Theta)[cand]

    newton = epochs = 0
    ws_size = 0
    prev_gap = np.inf
    screened = 0
    best_gap, stalls = np.inf, 0
    while True:
        gap, primal, corr, scale = problem.gap(E, W[cand], L1, L2, corr_all)
        if gap <= tol_abs or newton >= max_iter:
            break
        # a gap that no longer falls (the rounding floor, for a tol below it) ends
        # the solve instead of spinning to max_iter; the path warns (as natively).
        # tol = 0 asks for max_iter iterations: no early end then
        if gap < _STALL_DECREASE * best_gap or tol_abs <= 0:
            best_gap, stalls = gap, 0
        else:
            stalls += 1
            if stalls >= _STALL_CHECKS:
                break
        # gap-safe sphere: ||Theta - Theta*|| <= sqrt(2 gap s_max / modulus)
        radius = np.sqrt(2.0 * max(gap, 0.0) * problem.s_max / problem.loss.modulus)
        top = _row_max_abs(corr)            # per feature, over the predictors
        if L1 > 0:
            inactive = top * scale + radius * problem.col_norm[cand] < L1
            # a screened non-zero is provably zero at the optimum: zero it now
            drop = cand[inactive & _row_any(W[cand])]
            if drop.size:
                E -= problem.linear(W[drop], cols=drop)
                W[drop] = 0.0
            screened += int(inactive.sum())
            cand, top = cand[~inactive], top[~inactive]
        active = _row_any(W[cand])
        if L1 > 0:
            strong = None
            if l1_prev is not None and l1_prev > L1:
                strong = int(np.count_nonzero(~active & (top >= 2 * L1 - l1_prev)))
            ws_size = _working_set_size(ws_size, int(active.sum()), cand.size, gap, prev_gap,
                                        strong, p0)
            key = np.where(active, -1.0,
                           (L1 - top * scale) / np.maximum(problem.col_norm[cand], 1e-300))
            order = np.argpartition(key, ws_size - 1)[:ws_size] if ws_size < cand.size \
                else np.arange(cand.size)
            ws = np.sort(cand[order])
        else:
            ws = cand
        prev_gap = gap
        inner_tol = tol_abs if ws.size == cand.size else max(tol_abs, _INNER_RATIO * gap)
        Xs = problem.column_block(ws)

        def gap_ws(E_, W_ws, Xs=Xs):
            # Theta sums to zero with an intercept, so X_s^T Theta is centred
            def corr_ws(Theta):
                return np.asarray(Xs.T @ Theta.astype(Xs.dtype), dtype=np.float64)
            return problem.gap(E_, W_ws, L1, L2, corr_ws)[0]

        W_ws = W[ws].astype(np.float64)
        E, _, steps, ep = _newton_on_block(problem, Xs, W_ws, b, E, L1, L2, inner_tol,
                                           max_iter - newton, max_epochs, gap_ws)
        W[ws] = W_ws
        newton += max(steps, 1)
        epochs += ep
    b, E = problem.loss.normalize_intercept(b, E)
    return {"b": b, "gap": gap, "primal": primal, "n_iter": newton, "n_epochs": epochs,
            "n_screened": screened, "eta": E}


def solve_logistic_path(problem, alphas, *, l1_ratio, coef_init=None, intercept_init=None,
                        tol=1e-4, max_iter=100, warn=True, callback=None, return_eta=False):
    """Warm-started path over decreasing alphas.

    Returns coefs, intercepts, gaps (F scaling), n_iters.  Binomial problems:
    coefs (p, n_alphas), intercepts (n_alphas,); multinomial: coefs
    (p, K, n_alphas), intercepts (K, n_alphas).  ``coef_init`` has the shape
    of one path point.  ``tol``: stop when gap <= tol * F(0, b_0) (the
    intercept-only loss).
    ``callback(k, n_alphas, alpha, coef, gap)``, if given, runs after each alpha.
    ``return_eta``: also return X W + b at the last alpha ((n, K) float64).
    """
    n, p, K = problem.n_samples, problem.n_features, problem.n_outputs
    alphas = np.asarray(alphas, dtype=np.float64)
    W = (np.zeros((p, K)) if coef_init is None
         else np.array(coef_init, dtype=np.float64).reshape(p, K))
    b = problem.b0.copy() if intercept_init is None else \
        np.array(intercept_init, dtype=np.float64).reshape(K)
    if not problem.fit_intercept:
        b = np.zeros(K)
    tol_abs = tol * n * problem.null_loss
    coefs = np.empty((p, K, alphas.size), dtype=problem.dtype, order="F")
    intercepts = np.empty((K, alphas.size))
    gaps = np.empty(alphas.size)
    n_iters = np.empty(alphas.size, dtype=np.int64)
    missed = []
    alpha_max = None
    E = None
    for k, alpha in enumerate(alphas):
        l1_prev = n * alphas[k - 1] * l1_ratio if k > 0 else None
        info = solve_logistic(problem, W, b, alpha, l1_ratio, tol_abs=tol_abs,
                              max_iter=max_iter, l1_prev=l1_prev, E=E)
        b, E = info["b"], info["eta"]
        gap = max(info["gap"], 0.0)     # a negative gap is rounding
        if not np.any(W) and l1_ratio > 0 and alpha_max is None:
            alpha_max = problem.alpha_max(l1_ratio)     # one pass over X, once
        if not np.any(W) and l1_ratio > 0 and \
                alpha >= alpha_max * (1 - 8 * np.finfo(float).eps):
            # alpha >= alpha_max: (0, b_0) is the exact minimiser (b_0 = log odds
            # or log class priors) and its dual point makes primal = dual; only
            # rounding of the two sums computed apart kept the gap from being 0
            b, gap = problem.b0.copy(), 0.0
            E = np.tile(b, (n, 1))
        coefs[:, :, k] = W
        intercepts[:, k] = b
        gaps[k] = gap / n
        n_iters[k] = info["n_iter"]
        if info["gap"] > tol_abs:
            missed.append((alpha, info["gap"] / n, tol_abs / n, info["n_iter"]))
        if callback is not None:
            callback(k, alphas.size, alpha, W[:, 0] if K == 1 else W, gaps[k])
    if missed and warn:
        warn_unconverged(missed, alphas.size, "Logistic regression",
                         "tol * intercept-only loss", "Newton steps")
    if not (np.all(np.isfinite(intercepts)) and np.isfinite(gaps).all()):
        raise FloatingPointError(
            "Logistic regression produced non-finite values; rescale X."
        )
    out = (coefs[:, 0, :], intercepts[0], gaps, n_iters) if K == 1 else \
        (coefs, intercepts, gaps, n_iters)
    # the linear predictor X W + b of the last alpha, (n, K) float64
    return out + (E,) if return_eta else out
