"""Ridge regression: direct and iterative solvers, and one decomposition for many alphas.

Objective, with sample weights s rescaled to sum to n (the project's scaling;
``ElasticNet(l1_ratio=0, alpha=a)`` solves the same problem)::

    P(w, b) = 1/(2n) * sum_i s_i (y_i - x_i.w - b)^2 + alpha/2 * ||w||_2^2

scikit-learn's ``Ridge`` minimises ``sum_i sw_i (y_i - x_i.w - b)^2 + alpha_sk ||w||^2``
with the raw weights sw, so ``alpha_sk = W * alpha``, W the sum of the raw
weights (n without weights); ``alpha_scale='sum'`` takes alpha in that scale.

The intercept is eliminated by weighted centring.  Write Z = S^(1/2) (X - 1 xbar^T)
and t = S^(1/2) (y - ybar), xbar and ybar the weighted means (zero without an
intercept).  The solution solves the normal equations
(Z^T Z + n alpha I) w = Z^T t, and b = ybar - xbar.w.  Dense X gets one
centred, weighted float64 working copy Z (LAPACK needs one anyway; none when
there is nothing to centre or weight and X is float64).  Sparse X is never
densified or centred: Z is a linear operator (two sparse products and a
rank-one correction).

Certificate: for the dual point theta = r = t - Z w, the duality gap of the
ridge problem is exactly

    gap(w) = || Z^T r / n - alpha w ||^2 / (2 alpha),

the squared norm of the gradient over 2 alpha (``dual_gap_``, in the 1/(2n)
scaling of P).  Iterative solvers ('cg', 'lsqr') stop when
gap <= tol * ||t||^2 / n, the same relative target as the project's Lasso.
"""

import warnings
from types import SimpleNamespace

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import check_cv
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted

from ._enet import gram_matrix
from ._problem import check_magnitudes, check_target_magnitude
from ._validation import (
    FLOAT_DTYPES,
    canonical_csc,
    check_alphas,
    check_choice,
    check_sample_weight,
    check_scalar_param,
    check_sparse_structure,
    check_y,
    named_errors,
    validate_X,
)
from .linear_model import SparseInputMixin, keeps_state_on_error
from .model_selection import check_fold_weights, one_standard_error_index

__all__ = ["Ridge", "RidgeCV", "ridge_path"]

SOLVERS = ("auto", "cholesky", "svd", "cg", "lsqr")
DENSE_ONLY_SOLVERS = ("cholesky", "svd")
ALPHA_SCALES = ("mean", "sum")
# Sparse X: the smaller Gram is formed (dense, min(n, p)^2 entries) for the
# one-decomposition path and exact LOO only up to this size.
SPARSE_GRAM_MAX = 3000


class CentredOperator:
    """Z = S^(1/2) (X - 1 xbar^T) as products, for dense or sparse X.

    Dense X becomes an explicit float64 array ``Z`` (one working copy unless X
    needs no centring, weighting or cast).  Sparse X is kept as it is (float64
    CSR/CSC; float32 data are cast once) and Z v = s^(1/2) * (X v - xbar.v),
    Z^T u = X^T (s^(1/2) u) - xbar * sum(s^(1/2) u).
    """

    def __init__(self, X, sample_weight, fit_intercept):
        self.n_samples, self.n_features = n, p = X.shape
        self.sparse = sp.issparse(X)
        self.sqrt_w = None if sample_weight is None else np.sqrt(
            np.asarray(sample_weight, dtype=np.float64))
        s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, np.float64)
        if fit_intercept:
            self.x_mean = np.asarray(X.T @ s, dtype=np.float64).ravel() / n
        else:
            self.x_mean = np.zeros(p)
        if self.sparse:
            self.X = X if X.dtype == np.float64 else X.astype(np.float64)
            self.Z = None
        else:
            Z = np.asarray(X, dtype=np.float64)
            if fit_intercept or self.sqrt_w is not None:
                Z = Z - self.x_mean
                if self.sqrt_w is not None:
                    Z *= self.sqrt_w[:, None]
            self.Z = Z
        self.fit_intercept = fit_intercept
        # the same range rule as the coordinate-descent solvers (squares overflow or
        # underflow float64: a NaN fit, or a zero fit certified as converged)
        check_magnitudes(SimpleNamespace(
            col_sqnorm=self._column_sqnorms(), x_mean=self.x_mean, dtype=np.float64,
            sample_weight=sample_weight), X)

    def _column_sqnorms(self):
        """||z_j||^2 for every column (float64; overflows to inf, as the solvers would)."""
        with np.errstate(over="ignore", invalid="ignore"):
            if self.Z is not None:
                return np.einsum("ij,ij->j", self.Z, self.Z)
            s = np.ones(self.n_samples) if self.sqrt_w is None else self.sqrt_w ** 2
            sq = np.asarray(self.X.multiply(self.X).T @ s, dtype=np.float64).ravel()
            return np.maximum(sq - self.n_samples * self.x_mean ** 2, 0.0)

    def target(self, Y):
        """(y_mean, T): weighted means and t = s^(1/2) (y - ybar), T of shape (n, k)."""
        Y = np.asarray(Y, dtype=np.float64)
        Y = Y[:, None] if Y.ndim == 1 else Y
        s = np.ones(self.n_samples) if self.sqrt_w is None else self.sqrt_w ** 2
        y_mean = s @ Y / self.n_samples if self.fit_intercept else np.zeros(Y.shape[1])
        T = Y - y_mean
        if self.sqrt_w is not None:
            T = T * self.sqrt_w[:, None]
        with np.errstate(over="ignore"):
            check_target_magnitude(float(np.einsum("ij,ij->", T, T)), Y)
        return y_mean, np.asfortranarray(T)

    def matvec(self, V):
        """Z @ V for V of shape (p,) or (p, k)."""
        if self.Z is not None:
            return self.Z @ V
        out = np.asarray(self.X @ V) - self.x_mean @ V
        if self.sqrt_w is not None:
            out = out * (self.sqrt_w if out.ndim == 1 else self.sqrt_w[:, None])
        return out

    def rmatvec(self, U):
        """Z^T @ U for U of shape (n,) or (n, k)."""
        if self.Z is not None:
            return self.Z.T @ U
        if self.sqrt_w is not None:
            U = U * (self.sqrt_w if U.ndim == 1 else self.sqrt_w[:, None])
        out = np.asarray(self.X.T @ U)
        out -= np.multiply.outer(self.x_mean, U.sum(axis=0))
        return out

    def gram(self):
        """The smaller Gram matrix: ('kernel', Z Z^T) if n < p else ('primal', Z^T Z).

        Sparse X: from the sparse product X X^T or X^T S X with the centring
        as a rank-one correction (which loses digits when column means are
        large relative to the columns' spread).
        """
        n, p = self.n_samples, self.n_features
        if self.Z is not None:
            Z = self.Z
            return ("kernel", Z @ Z.T) if n < p else ("primal", gram_matrix(Z))
        X, m = self.X, self.x_mean
        if n < p:
            K = np.asarray((X @ X.T).toarray())
            if self.fit_intercept:
                u = np.asarray(X @ m).ravel()
                K -= u[:, None] + u[None, :]
                K += m @ m
            if self.sqrt_w is not None:
                K *= np.multiply.outer(self.sqrt_w, self.sqrt_w)
            return "kernel", K
        s = None if self.sqrt_w is None else self.sqrt_w ** 2
        return "primal", gram_matrix(X, s, m if self.fit_intercept else None)


def ridge_gap(op, T, W, alpha):
    """Duality gap ||Z^T (t - Z w)/n - alpha w||^2 / (2 alpha) per column of W (float64)."""
    n = op.n_samples
    G = op.rmatvec(T - op.matvec(W)) / n - alpha * W
    return np.einsum("ij,ij->j", G, G) / (2 * alpha)


def _kernel_gap(K, T, A, alphas):
    """Gaps of w = Z^T a from the explicit kernel K = Z Z^T (no pass over X).

    rho = t - (K + n alpha) a and Z^T rho / n is the gradient, so
    gap = rho^T K rho / (2 alpha n^2).  T (n, 1) or (n, m), A (n, m).
    """
    n = K.shape[0]
    R = T - K @ A - n * alphas * A
    quad = np.einsum("ij,ij->j", R, K @ R)
    return np.maximum(quad, 0.0) / (2 * alphas * n * n)


class SpectralRidge:
    """Eigendecomposition of the smaller Gram of Z, reused for every alpha.

    n < p: Z Z^T = U diag(e) U^T, w(alpha) = Z^T U diag(1/(e + n alpha)) U^T t.
    n >= p: Z^T Z = V diag(e) V^T, w(alpha) = V diag(1/(e + n alpha)) V^T Z^T t.
    The hat matrix of the centred, weighted fit is L diag(1/(e + n alpha)) L^T
    with L = U e^(1/2) (kernel) or L = Z V (primal); Golub, Heath & Wahba
    (1979) for its use in cross-validation.  Negative round-off eigenvalues are set to zero.
    """

    def __init__(self, op):
        self.op = op
        self.n = op.n_samples
        self.kind, self.gram = op.gram()
        try:    # divide and conquer: the fastest LAPACK driver for all eigenpairs
            e, Q = la.eigh(self.gram, driver="evd", check_finite=False)
        except la.LinAlgError:
            e, Q = la.eigh(self.gram, driver="evr", check_finite=False)
        self.e = np.maximum(e, 0.0)
        self.Q = Q
        self._L = None

    @property
    def L(self):
        if self._L is None:
            self._L = (self.Q * np.sqrt(self.e) if self.kind == "kernel"
                       else self.op.matvec(self.Q))
        return self._L

    def projections(self, T):
        """d = U^T t (kernel) or V^T Z^T t (primal), shape (r, k)."""
        if self.kind == "kernel":
            return self.Q.T @ T
        return self.Q.T @ self.op.rmatvec(T)

    def path(self, t, alphas):
        """Coefficients (p, m) and gaps (m,) for one target column t and alphas (m,).

        kernel: w = Z^T (U F), one pass of Z^T over an (n, m) block;
        primal: w = V F; with F = diag(1/(e + n alpha)) d.
        """
        d = self.projections(t[:, None])[:, 0]
        F = d[:, None] / (self.e[:, None] + self.n * alphas[None, :])
        n = self.n
        if self.kind == "kernel":
            A = self.Q @ F
            return self.op.rmatvec(A), _kernel_gap(self.gram, t[:, None], A, alphas)
        coefs = self.Q @ F
        rhs = self.op.rmatvec(t)[:, None]
        G = (rhs - self.gram @ coefs - n * alphas * coefs) / n
        return coefs, np.einsum("ij,ij->j", G, G) / (2 * alphas)

    def loo_errors(self, T, alphas, fit_intercept, gcv=False):
        """Weighted squared leave-one-out (or GCV) errors, shape (n, k, m).

        Entry (i, j, l) is s_i (y_ij - yhat_ij^(-i))^2 for alpha_l, with the
        fixed penalty n * alpha (the closed form: residual / (1 - h_ii)).  The
        hat diagonal includes the unpenalised intercept (s_i / n).  GCV
        replaces h_ii by trace(H) / n.
        """
        n = self.n
        L = self.L
        D = L.T @ T                                   # (r, k)
        inv = 1.0 / (self.e[:, None] + n * alphas[None, :])   # (r, m)
        hat = (L * L) @ inv                           # (n, m) diagonal of the Z part
        if fit_intercept:
            s = np.ones(n) if self.op.sqrt_w is None else self.op.sqrt_w ** 2
            hat += (s / n)[:, None]
        denom = 1.0 - (hat.sum(axis=0, keepdims=True) / n if gcv else hat)
        out = np.empty((n, T.shape[1], alphas.size))
        for j in range(T.shape[1]):
            resid = T[:, j:j + 1] - L @ (D[:, j:j + 1] * inv)
            out[:, j, :] = (resid / denom) ** 2
        return out


def check_alpha_scale(alpha_scale):
    return check_choice(alpha_scale, "alpha_scale", set(ALPHA_SCALES))


def raw_weight_total(sample_weight, n_samples):
    """Sum of the raw weights W (n without weights): alpha_sum = W * alpha_mean."""
    if sample_weight is None:
        return float(n_samples)
    if np.isscalar(sample_weight):
        return float(sample_weight) * n_samples
    return float(np.sum(np.asarray(sample_weight, dtype=np.float64)))


def solve_direct(op, T, alpha, solver):
    """'cholesky' on the smaller Gram, or 'svd' of Z.  Returns W (p, k)."""
    n = op.n_samples
    if solver == "cholesky":
        kind, gram = op.gram()
        reg = gram.copy()
        reg.flat[::reg.shape[0] + 1] += n * alpha
        try:
            factor = la.cho_factor(reg, overwrite_a=True, check_finite=False)
        except la.LinAlgError:
            return solve_direct(op, T, alpha, "svd")
        if kind == "kernel":
            return op.rmatvec(la.cho_solve(factor, T, check_finite=False))
        return la.cho_solve(factor, op.rmatvec(T), check_finite=False)
    U, sv, Vt = la.svd(op.Z, full_matrices=False, check_finite=False,
                       lapack_driver="gesdd")
    return Vt.T @ ((sv / (sv * sv + n * alpha))[:, None] * (U.T @ T))


def solve_cg(op, T, alpha, tol, max_iter, W0=None):
    """Conjugate gradient on (Z^T Z + n alpha I) w = Z^T t, all columns at once.

    Hestenes & Stiefel (1952), without a preconditioner (a Jacobi one cost
    2-10x more iterations on dorothea's binary features and saved nothing on
    the tf-idf sets).  A column stops when its certified gap
    ||res||^2 / (2 alpha n^2) is <= tol * ||t||^2 / n, with res recomputed
    from scratch (not the recursive residual) before stopping.
    Returns (W, n_iter, gaps), the gaps from that recomputed residual.
    """
    n = op.n_samples
    shift = n * alpha
    B = op.rmatvec(T)
    target_res = np.sqrt(2 * alpha * n * tol * np.einsum("ij,ij->j", T, T))
    W = np.zeros_like(B) if W0 is None else np.array(W0, dtype=np.float64)

    def apply(V):
        return op.rmatvec(op.matvec(V)) + shift * V

    it = 0
    while True:
        Res = B - apply(W)          # true residual (restart point)
        norms = np.sqrt(np.einsum("ij,ij->j", Res, Res))
        active = norms > target_res
        if not active.any() or it >= max_iter:
            return W, it, norms ** 2 / (2 * alpha * n * n)
        P = Res.copy()
        rz = np.einsum("ij,ij->j", Res, Res)
        while it < max_iter:
            it += 1
            AP = apply(P)
            pap = np.einsum("ij,ij->j", P, AP)
            step = np.where(active & (pap > 0), rz / np.where(pap > 0, pap, 1.0), 0.0)
            W += step * P
            Res -= step * AP
            norms = np.sqrt(np.einsum("ij,ij->j", Res, Res))
            active &= norms > target_res
            if not active.any():
                break
            rz_new = norms ** 2
            beta = np.where(active, rz_new / np.where(rz > 0, rz, 1.0), 0.0)
            P = Res + beta * P
            rz = rz_new


def solve_lsqr(op, T, alpha, tol, max_iter, W0=None):
    """LSQR (Paige & Saunders 1982) on min ||Z w - t||^2 + n alpha ||w||^2, per column.

    Each run solves for a correction dw from the current w on the stacked
    operator [Z; sqrt(n alpha) I] with right-hand side [t - Z w; -sqrt(n alpha) w]
    (LSQR's own ``damp`` would damp dw, not w).  LSQR's stopping rule is
    tightened 100x per restart until the certified gap meets the target, as
    in :func:`solve_cg`.  Returns (W, n_iter, gaps).
    """
    n, p = op.n_samples, op.n_features
    d = np.sqrt(n * alpha)
    A = spla.LinearOperator(
        (n + p, p), dtype=np.float64,
        matvec=lambda v: np.concatenate([op.matvec(v), d * v]),
        rmatvec=lambda u: op.rmatvec(u[:n]) + d * u[n:])
    W = np.zeros((p, T.shape[1])) if W0 is None else np.array(W0, dtype=np.float64)
    total = 0
    gaps = np.empty(T.shape[1])
    for j in range(T.shape[1]):
        t = T[:, j]
        target = tol * (t @ t) / n
        atol = min(tol, 1e-6)
        while True:
            gaps[j] = ridge_gap(op, T[:, j:j + 1], W[:, j:j + 1], alpha)[0]
            if gaps[j] <= target or total >= max_iter:
                break
            w = W[:, j]
            rhs = np.concatenate([t - op.matvec(w), -d * w])
            res = spla.lsqr(A, rhs, atol=atol, btol=atol, iter_lim=max_iter - total)
            W[:, j] = w + res[0]
            total += int(res[2])
            if res[2] == 0:
                break       # LSQR sees nothing left to do: round-off floor
            atol = atol / 100 if atol > 1e-16 else 0.0
    return W, total, gaps


def default_max_iter(op):
    return max(1000, 2 * min(op.n_samples, op.n_features))


def check_alpha(alpha, name="alpha"):
    check_scalar_param(alpha, name, low=0, low_inclusive=False)
    return float(alpha)


def resolve_solver(solver, X):
    check_choice(solver, "solver", set(SOLVERS))
    if sp.issparse(X):
        if solver in DENSE_ONLY_SOLVERS:
            raise ValueError(
                f"solver={solver!r} needs dense X (it would densify the sparse matrix); "
                "for sparse X use solver='cg', 'lsqr' or 'auto'.")
        return "cg" if solver == "auto" else solver
    return "cholesky" if solver == "auto" else solver


def default_alpha_grid(spectral_or_op, n_alphas, eps):
    """Geometric grid from 10 * lambda_max down to eps times that (decreasing).

    lambda_max = ||Z||_2^2 / n, the largest eigenvalue of Z^T Z / n (from the
    decomposition, or by Lanczos to 1e-3 relative accuracy): at alpha =
    10 lambda_max every direction is shrunk by at least 10x; at the small end
    the fit approaches (minimum-norm) least squares.
    """
    if isinstance(spectral_or_op, SpectralRidge):
        top = spectral_or_op.e[-1] if spectral_or_op.e.size else 0.0
        n = spectral_or_op.n
    else:
        op = spectral_or_op
        n = op.n_samples
        if op.n_features == 1:
            z = op.matvec(np.ones(1))
            top = float(z @ z)
        else:
            A = spla.LinearOperator((op.n_features, op.n_features), dtype=np.float64,
                                    matvec=lambda v: op.rmatvec(op.matvec(v)))
            v0 = np.random.default_rng(0).standard_normal(op.n_features)  # reproducible
            try:
                top = float(spla.eigsh(A, k=1, which="LA", tol=1e-3, v0=v0,
                                       return_eigenvectors=False)[0])
            except spla.ArpackNoConvergence as exc:
                # a partial result is still a lower bound on the top eigenvalue
                top = float(np.max(exc.eigenvalues)) if len(exc.eigenvalues) else np.nan
            except spla.ArpackError:
                top = np.nan
            if not np.isfinite(top):
                # ARPACK gave up: trace(Z^T Z) >= lambda_max, within a factor rank(Z)
                top = _frobenius_sq(op)
    lam = top / n
    if not np.isfinite(lam):
        raise ValueError("X: values too large to square (||X||^2 overflows float64); "
                         "rescale X or pass an explicit alphas grid.")
    if not lam > 0:
        raise ValueError("X has no variance (all columns constant after centring, as with "
                         "fewer than 2 samples); pass an explicit alphas grid.")
    return 10 * lam * np.geomspace(1.0, eps, n_alphas)


def _frobenius_sq(op):
    """||Z||_F^2 = sum_j ||z_j||^2 (float64), without forming Z for sparse X."""
    return float(np.sum(op._column_sqnorms()))


def check_finite_solution(W, intercept):
    """Raise, never return NaN coefficients: the ridge solvers square X and y in float64."""
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(intercept))):
        raise FloatingPointError(
            "Ridge produced non-finite coefficients: X or y holds values too large to "
            "square in float64 (or alpha is too small for their scale). Rescale X and y.")


def warn_not_converged(gaps, targets, max_iter):
    bad = gaps > targets
    if np.any(bad):
        warnings.warn(
            f"Ridge iterative solver stopped at max_iter={max_iter} with duality gap "
            f"{float(np.max(gaps[bad])):.3e} above the target {float(np.max(targets[bad])):.3e}; "
            "increase max_iter or tol.", ConvergenceWarning, stacklevel=3)


def fit_ridge(X, Y, alpha, *, sample_weight=None, fit_intercept=True, solver="auto",
              tol=1e-6, max_iter=None, coef_init=None):
    """Solve one ridge problem for every column of Y (2-D, validated).

    ``alpha`` is in the mean scale.  Returns (coef (k, p) float64, intercept
    (k,), gaps (k,), n_iter or None, solver used).
    """
    solver = resolve_solver(solver, X)
    op = CentredOperator(X, sample_weight, fit_intercept)
    y_mean, T = op.target(Y)
    n_iter = None
    if solver in DENSE_ONLY_SOLVERS:
        W = solve_direct(op, T, alpha, solver)
        gaps = ridge_gap(op, T, W, alpha)
    else:
        max_iter = default_max_iter(op) if max_iter is None else max_iter
        run = solve_cg if solver == "cg" else solve_lsqr
        W, n_iter, gaps = run(op, T, alpha, tol, max_iter, W0=coef_init)
        warn_not_converged(gaps, tol * np.einsum("ij,ij->j", T, T) / op.n_samples, max_iter)
    intercept = y_mean - op.x_mean @ W
    check_finite_solution(W, intercept)
    return W.T, intercept, gaps, n_iter, solver


def ridge_path_core(X, Y, alphas, *, sample_weight, fit_intercept, method, tol, max_iter,
                    op=None, spectral=None):
    """Coefficients (k, p, m), intercepts (k, m), gaps (k, m) for decreasing mean-scale alphas.

    method 'eigh': one eigendecomposition of the smaller Gram for all alphas.
    method 'cg' / 'lsqr': one iterative solve per alpha, warm-started from the
    previous alpha's solution.  ``op`` / ``spectral``: already built for X.
    """
    op = op if op is not None else CentredOperator(X, sample_weight, fit_intercept)
    y_mean, T = op.target(Y)
    k, p, m = T.shape[1], op.n_features, alphas.size
    coefs = np.empty((k, p, m))
    gaps = np.empty((k, m))
    if method == "eigh":
        spec = spectral if spectral is not None else SpectralRidge(op)
        for j in range(k):
            coefs[j], gaps[j] = spec.path(T[:, j], alphas)
    else:
        max_iter = default_max_iter(op) if max_iter is None else max_iter
        run = solve_cg if method == "cg" else solve_lsqr
        W = None
        targets = tol * np.einsum("ij,ij->j", T, T) / op.n_samples
        for i, a in enumerate(alphas):
            W, _, gaps[:, i] = run(op, T, a, tol, max_iter, W0=W)
            coefs[:, :, i] = W.T
            warn_not_converged(gaps[:, i], targets, max_iter)
    intercepts = y_mean[:, None] - np.einsum("p,kpm->km", op.x_mean, coefs)
    check_finite_solution(coefs, intercepts)
    return coefs, intercepts, gaps


def path_method(method, X):
    """'auto' -> 'eigh' for dense X or sparse X with min(n, p) <= SPARSE_GRAM_MAX, else 'cg'."""
    check_choice(method, "solver", {"auto", "eigh", "cg", "lsqr"})
    if method != "auto":
        return method
    if not sp.issparse(X) or min(X.shape) <= SPARSE_GRAM_MAX:
        return "eigh"
    return "cg"


# ---------------------------------------------------------------------------
# Public path function and estimators
# ---------------------------------------------------------------------------

def _user_to_mean_scale(alphas, alpha_scale, weight_total):
    return alphas / weight_total if alpha_scale == "sum" else alphas


def _check_ridge_alphas(alphas):
    alphas = check_alphas(alphas)
    if alphas[-1] <= 0:
        raise ValueError("alphas must be > 0 for ridge (alpha = 0 is least squares; use "
                         "sklearn.linear_model.LinearRegression).")
    return alphas


def ridge_path(X, y, alphas=None, *, n_alphas=100, eps=1e-6, fit_intercept=True,
               sample_weight=None, alpha_scale="mean", solver="auto", tol=1e-6,
               max_iter=None, return_intercept=False, check_input=True):
    """Ridge solutions for many alphas from one decomposition.

    Minimises, for each alpha, ``1/(2n) sum_i s_i (y_i - x_i.w - b)^2 + alpha/2 ||w||^2``
    (weights s rescaled to sum to n; ``alpha_scale='sum'`` takes scikit-learn's
    unscaled alphas, alpha_sk = W * alpha with W the sum of the raw weights).

    solver 'auto' / 'eigh': one eigendecomposition of the smaller Gram matrix
    (Z Z^T if n < p, else Z^T Z) serves every alpha, so 100 alphas cost about
    one fit (dense X; sparse X when min(n, p) <= 3000, the Gram is built from
    sparse products).  'cg' / 'lsqr' (the default for larger sparse X): one
    iterative solve per alpha, warm-started from the previous (larger) alpha.

    Parameters
    ----------
    X : array-like or sparse matrix (n_samples, n_features)
    y : array-like (n_samples,) or (n_samples, n_targets)
    alphas : array-like of floats > 0, or None
        Sorted decreasing before use.  None: ``n_alphas`` geometric values from
        10 * ||Z||_2^2 / n down to ``eps`` times that (Z the centred, weighted X).
    tol : float, gap target of the iterative solvers (``dual_gap <= tol * ||t||^2 / n``).
    return_intercept : bool, also return the intercepts.

    Returns
    -------
    alphas : ndarray (n_alphas,), decreasing, in ``alpha_scale``.
    coefs : ndarray (n_features, n_alphas), or (n_targets, n_features, n_alphas) for 2-D y.
    intercepts : ndarray (n_alphas,) or (n_targets, n_alphas), if ``return_intercept``.
    dual_gaps : ndarray (n_alphas,) or (n_targets, n_alphas), in the 1/(2n) scaling.
    """
    check_alpha_scale(alpha_scale)
    check_scalar_param(tol, "tol", low=0)
    if max_iter is not None:
        check_scalar_param(max_iter, "max_iter", low=1, integer=True)
    if check_input:   # CSR stays CSR (the operator reads either), other sparse -> CSR/CSC
        check_sparse_structure(X)
        with named_errors("X"):
            X = canonical_csc(check_array(X, accept_sparse=["csr", "csc"], dtype=FLOAT_DTYPES,
                                          input_name="X"))
        y = check_y(y, X.shape[0], X.dtype, multi_output=True)
    else:
        # trusted layout, but never a corrupt sparse structure (O(nnz)): scipy's
        # products read the index arrays as blindly as the native loops do
        check_sparse_structure(X)
        if sp.issparse(X):
            if X.format not in ("csr", "csc") or X.dtype not in FLOAT_DTYPES:
                raise ValueError("X: check_input=False needs a float32/float64 CSR or CSC "
                                 f"matrix, got {X.format!r} of {X.dtype}; pass "
                                 "check_input=True to convert.")
        elif not isinstance(X, np.ndarray) or X.ndim != 2 or X.dtype not in FLOAT_DTYPES:
            raise ValueError("X: check_input=False needs a 2-D float32/float64 ndarray or a "
                             "CSR/CSC matrix; pass check_input=True to convert.")
        y = np.asarray(y, dtype=X.dtype)
        if y.ndim not in (1, 2) or y.shape[0] != X.shape[0]:
            raise ValueError(f"y must have shape ({X.shape[0]},) or ({X.shape[0]}, n_targets), "
                             f"got {y.shape}.")
    W_raw = raw_weight_total(sample_weight, X.shape[0])
    sw = check_sample_weight(sample_weight, X.shape[0], np.float64)
    method = path_method(solver, X)
    Y = y[:, None] if y.ndim == 1 else y
    op = CentredOperator(X, sw, fit_intercept)
    spectral = SpectralRidge(op) if method == "eigh" else None
    if alphas is None:
        check_scalar_param(n_alphas, "n_alphas", low=1, integer=True)
        check_scalar_param(eps, "eps", low=0, high=1, low_inclusive=False)
        mean_alphas = default_alpha_grid(spectral or op, n_alphas, eps)
        alphas = mean_alphas * W_raw if alpha_scale == "sum" else mean_alphas
    else:
        alphas = _check_ridge_alphas(alphas)
        mean_alphas = _user_to_mean_scale(alphas, alpha_scale, W_raw)
    coefs, intercepts, gaps = ridge_path_core(
        X, Y, mean_alphas, sample_weight=sw, fit_intercept=fit_intercept, method=method,
        tol=tol, max_iter=max_iter, op=op, spectral=spectral)
    coefs = coefs.astype(X.dtype, copy=False)
    if y.ndim == 1:
        coefs, intercepts, gaps = coefs[0], intercepts[0], gaps[0]
    if return_intercept:
        return alphas, coefs, intercepts, gaps
    return alphas, coefs, gaps


class Ridge(SparseInputMixin, MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Linear least squares with an L2 penalty, certified by its duality gap.

    Minimises, with sample weights s rescaled to sum to n::

        1/(2n) * sum_i s_i (y_i - x_i.w - b)^2 + alpha/2 * ||w||_2^2

    the project's scaling (``ElasticNet(l1_ratio=0, alpha=a)`` is the same
    problem).  scikit-learn's ``Ridge(alpha=a_sk)`` minimises
    ``sum_i sw_i (y_i - x_i.w - b)^2 + a_sk ||w||^2``, which is alpha = a_sk / W,
    W the sum of the raw weights (n without weights); ``alpha_scale='sum'``
    takes alpha in scikit-learn's scale.

    Parameters
    ----------
    alpha : float > 0, default=1.0
    fit_intercept : bool, default=True
        The intercept is not penalised; it is eliminated by weighted centring
        (implicit for sparse X, which is never densified).
    alpha_scale : {'mean', 'sum'}, default='mean'
    solver : {'auto', 'cholesky', 'svd', 'cg', 'lsqr'}, default='auto'
        'cholesky': Cholesky factorisation of the smaller Gram matrix plus
        n alpha I (Z^T Z if n >= p, else Z Z^T); 'svd': thin SVD of the
        centred, weighted X (most robust, slowest); both dense only.  'cg':
        conjugate gradient on the normal equations;
        'lsqr': LSQR with damping (Paige & Saunders 1982); both work on X as an
        operator (dense or sparse).  'auto' is 'cholesky' for dense X, 'cg' for
        sparse X.
    tol : float, default=1e-6
        Iterative solvers stop when the duality gap is <= tol * sum_i s_i
        (y_i - ybar)^2 / n (the project's Lasso criterion).  Direct solvers
        ignore it (their gap is reported anyway).
    max_iter : int or None, iterations of 'cg' / 'lsqr' (None: max(1000, 2 min(n, p))).
    copy_X : bool, accepted for compatibility; X is never modified.

    Attributes
    ----------
    coef_ : ndarray (n_features,) or (n_targets, n_features), X's float dtype.
    intercept_ : float or ndarray (n_targets,)
    dual_gap_ : float or ndarray (n_targets,)
        ||Z^T r / n - alpha w||^2 / (2 alpha), the exact duality gap of the
        returned solution (1/(2n) scaling), computed in float64.
    n_iter_ : int
        Iterations of the iterative solver (all targets); 1 for a
        direct solver (one factorisation).
    solver_ : str, the solver used.
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, alpha_scale="mean", solver="auto",
                 tol=1e-6, max_iter=None, copy_X=True):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.alpha_scale = alpha_scale
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.copy_X = copy_X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self.solver not in DENSE_ONLY_SOLVERS
        return tags

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None):
        """Fit the model; a 2-D y fits one model per column (same alpha)."""
        alpha = check_alpha(self.alpha)
        check_alpha_scale(self.alpha_scale)
        check_choice(self.solver, "solver", set(SOLVERS))
        check_scalar_param(self.tol, "tol", low=0)
        if self.max_iter is not None:
            check_scalar_param(self.max_iter, "max_iter", low=1, integer=True)
        X = canonical_csc(validate_X(self, X, reset=True, accept_sparse=["csr", "csc"],
                                     order=None))
        y = check_y(y, X.shape[0], X.dtype, multi_output=True)
        W_raw = raw_weight_total(sample_weight, X.shape[0])
        sw = check_sample_weight(sample_weight, X.shape[0], np.float64)
        if self.alpha_scale == "sum":
            alpha = alpha / W_raw
        Y = y[:, None] if y.ndim == 1 else y
        coef, intercept, gaps, n_iter, solver = fit_ridge(
            X, Y, alpha, sample_weight=sw, fit_intercept=self.fit_intercept,
            solver=self.solver, tol=self.tol, max_iter=self.max_iter)
        coef, intercept = coef.astype(X.dtype), intercept.astype(X.dtype)
        if y.ndim == 1:
            self.coef_, self.intercept_, self.dual_gap_ = coef[0], intercept[0], gaps[0]
        else:
            self.coef_, self.intercept_, self.dual_gap_ = coef, intercept, gaps
        self.n_iter_ = 1 if n_iter is None else n_iter
        self.solver_ = solver
        return self

    def predict(self, X):
        """X @ coef_.T + intercept_."""
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc", "coo"], reset=False, order=None)
        return np.asarray(X @ np.asarray(self.coef_).T) + self.intercept_


def _fold_errors(X, Y, sw, train, test, user_alphas, alpha_scale, fit_intercept, method,
                 tol, max_iter):
    """Weighted test MSE (averaged over targets) of a ridge path fitted on the training rows."""
    sw_tr = None if sw is None else sw[train]
    W_tr = raw_weight_total(sw_tr, len(train))
    alphas = _user_to_mean_scale(user_alphas, alpha_scale, W_tr)
    sw_tr = check_sample_weight(sw_tr, len(train), np.float64)
    coefs, intercepts, _ = ridge_path_core(
        X[train], Y[train], alphas, sample_weight=sw_tr, fit_intercept=fit_intercept,
        method=method, tol=tol, max_iter=max_iter)
    Xte, Yte = X[test], Y[test]
    mse = np.zeros(alphas.size)
    for j in range(Y.shape[1]):
        err = (np.asarray(Xte @ coefs[j]) + intercepts[j] - Yte[:, j:j + 1]) ** 2
        mse += (err.mean(axis=0) if sw is None
                else np.average(err, axis=0, weights=sw[test]))
    return mse / Y.shape[1]


class RidgeCV(SparseInputMixin, MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Ridge with alpha chosen by exact leave-one-out, GCV or k-fold cross-validation.

    Each fit minimises ``1/(2n) sum_i s_i (y_i - x_i.w - b)^2 + alpha/2 ||w||^2``
    as in :class:`Ridge` (``alpha_scale='sum'``: scikit-learn's alphas).

    ``cv=None`` or ``'loo'``: exact leave-one-out errors for every alpha from one
    eigendecomposition of the smaller Gram matrix, residual_i / (1 - h_ii) with
    the hat diagonal h of the centred, weighted fit plus s_i / n for the
    intercept (Golub, Heath & Wahba 1979; the penalty n alpha is held fixed
    when a sample is left out, which is exact in scikit-learn's scale).
    ``'gcv'``: generalised cross-validation, h_ii replaced by trace(H) / n.
    For sparse X with min(n, p) > 3000, ``cv=None`` falls back to 5-fold.
    An int, a splitter or an iterable of (train, test): k-fold, one ridge path
    per fold (``groups`` reaches the splitter).

    Parameters
    ----------
    alphas : array-like of floats > 0 or None
        None: ``n_alphas`` values from 10 ||Z||_2^2 / n down to ``eps`` times that.
    n_alphas : int, default=100
    eps : float, default=1e-6
    fit_intercept : bool, default=True
    alpha_scale : {'mean', 'sum'}, default='mean'
        With 'sum' a k-fold training set of raw weight W_k uses alpha / W_k,
        i.e. scikit-learn's fixed unscaled penalty.
    cv : None, 'loo', 'gcv', int, splitter or iterable, default=None
    alpha_selection : {'min', '1se'}, default='min'
        The alpha with the smallest mean CV error, or the largest alpha whose
        mean error is within one standard error of it.
    solver : {'auto', 'eigh', 'cg', 'lsqr'}, default='auto'
        How k-fold paths are solved (see :func:`ridge_path`).
    tol, max_iter : of the iterative solvers, as in :class:`Ridge`.
    n_jobs : int or None, threads running the folds.

    Attributes
    ----------
    alpha_, alpha_min_, alpha_1se_ : chosen alpha and the two candidates (in ``alpha_scale``).
    alphas_ : ndarray (n_alphas,), decreasing.
    cv_values_ : ndarray
        LOO / GCV: (n_samples, n_alphas) weighted squared errors s_i e_i^2
        ((n_samples, n_targets, n_alphas) for 2-D y); k-fold:
        (n_folds, n_alphas) weighted test MSE per fold.
    cv_mean_, cv_se_ : (n_alphas,) mean and standard error of cv_values_ over
        samples (LOO / GCV, averaged over targets) or folds.
    best_score_ : minus the mean CV error at ``alpha_``.
    cv_method_ : 'loo', 'gcv' or 'kfold'.
    coef_, intercept_, dual_gap_ : of the fit on all data at ``alpha_``.
    n_iter_ : iterations of that fit (1 when it comes from the decomposition).
    """

    def __init__(self, alphas=None, *, n_alphas=100, eps=1e-6, fit_intercept=True,
                 alpha_scale="mean", cv=None, alpha_selection="min", solver="auto",
                 tol=1e-6, max_iter=None, n_jobs=None):
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.eps = eps
        self.fit_intercept = fit_intercept
        self.alpha_scale = alpha_scale
        self.cv = cv
        self.alpha_selection = alpha_selection
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs

    def _cv_method(self, X):
        exact_ok = not sp.issparse(X) or min(X.shape) <= SPARSE_GRAM_MAX
        if self.cv is None:
            return "loo" if exact_ok else "kfold"
        if isinstance(self.cv, str):
            check_choice(self.cv, "cv", {"loo", "gcv"})
            if not exact_ok:
                raise ValueError(
                    f"cv={self.cv!r} needs the {min(X.shape)}^2 Gram matrix of sparse X "
                    f"(limit {SPARSE_GRAM_MAX}); use k-fold (cv=5) instead.")
            return self.cv
        return "kfold"

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, groups=None):
        """Choose alpha by cross-validation and fit on all data at that alpha."""
        check_alpha_scale(self.alpha_scale)
        check_choice(self.alpha_selection, "alpha_selection", {"min", "1se"})
        check_choice(self.solver, "solver", {"auto", "eigh", "cg", "lsqr"})
        check_scalar_param(self.tol, "tol", low=0)
        if self.max_iter is not None:
            check_scalar_param(self.max_iter, "max_iter", low=1, integer=True)
        X = canonical_csc(validate_X(self, X, reset=True, accept_sparse=["csr", "csc"],
                                     order=None))
        y = check_y(y, X.shape[0], X.dtype, multi_output=True)
        n = X.shape[0]
        if n < 2:
            raise ValueError(f"RidgeCV needs at least 2 samples, got n_samples = {n}.")
        Y = y[:, None] if y.ndim == 1 else y
        W_raw = raw_weight_total(sample_weight, n)
        sw = check_sample_weight(sample_weight, n, np.float64)
        method = self._cv_method(X)
        op = CentredOperator(X, sw, self.fit_intercept)
        spec = SpectralRidge(op) if method in ("loo", "gcv") else None
        if self.alphas is None:
            check_scalar_param(self.n_alphas, "n_alphas", low=1, integer=True)
            check_scalar_param(self.eps, "eps", low=0, high=1, low_inclusive=False)
            mean_alphas = default_alpha_grid(spec if spec is not None else op,
                                             self.n_alphas, self.eps)
            alphas = mean_alphas * W_raw if self.alpha_scale == "sum" else mean_alphas
        else:
            alphas = _check_ridge_alphas(self.alphas)
            mean_alphas = _user_to_mean_scale(alphas, self.alpha_scale, W_raw)
        if spec is not None:
            _, T = op.target(Y)
            errors = spec.loo_errors(T, mean_alphas, self.fit_intercept, gcv=method == "gcv")
            per_unit = errors.mean(axis=1)                       # (n, m)
            self.cv_values_ = errors[:, 0, :] if y.ndim == 1 else errors
        else:
            folds = check_fold_weights(
                list(check_cv(self.cv if self.cv is not None else 5).split(X, Y, groups)),
                sample_weight)
            raw_sw = None if sample_weight is None else np.broadcast_to(
                np.asarray(sample_weight, dtype=np.float64), (n,))
            fold_method = path_method(self.solver, X)
            per_unit = np.array(Parallel(n_jobs=self.n_jobs, prefer="threads")(
                delayed(_fold_errors)(X, Y, raw_sw, tr, te, alphas, self.alpha_scale,
                                      self.fit_intercept, fold_method, self.tol,
                                      self.max_iter)
                for tr, te in folds))                             # (n_folds, m)
            self.cv_values_ = per_unit
            self.mse_path_ = per_unit.T
        units = per_unit.shape[0]
        mean = per_unit.mean(axis=0)
        se = per_unit.std(axis=0, ddof=1) / np.sqrt(units) if units > 1 else np.zeros_like(mean)
        i_min = int(np.nanargmin(mean))
        i_1se = one_standard_error_index(mean, se)
        chosen = i_min if self.alpha_selection == "min" else i_1se
        self.cv_method_ = method
        self.alphas_ = alphas
        self.cv_mean_, self.cv_se_ = mean, se
        self.alpha_min_, self.alpha_1se_ = float(alphas[i_min]), float(alphas[i_1se])
        self.alpha_ = float(alphas[chosen])
        self.best_score_ = -float(mean[chosen])
        self._fit_final(X, Y, y.ndim, sw, op, spec, mean_alphas[chosen])
        return self

    def _fit_final(self, X, Y, ndim, sw, op, spec, alpha):
        if spec is not None:
            y_mean, T = op.target(Y)
            coef = np.empty((Y.shape[1], X.shape[1]))
            gaps = np.empty(Y.shape[1])
            for j in range(Y.shape[1]):
                c, g = spec.path(T[:, j], np.array([alpha]))
                coef[j], gaps[j] = c[:, 0], g[0]
            intercept = y_mean - coef @ op.x_mean
            n_iter = None
        else:
            coef, intercept, gaps, n_iter, _ = fit_ridge(
                X, Y, alpha, sample_weight=sw, fit_intercept=self.fit_intercept,
                solver="auto", tol=self.tol, max_iter=self.max_iter)
        self.n_iter_ = 1 if n_iter is None else n_iter
        coef, intercept = coef.astype(X.dtype), intercept.astype(X.dtype)
        if ndim == 1:
            self.coef_, self.intercept_, self.dual_gap_ = coef[0], intercept[0], gaps[0]
        else:
            self.coef_, self.intercept_, self.dual_gap_ = coef, intercept, gaps

    def predict(self, X):
        """X @ coef_.T + intercept_ of the model fitted at ``alpha_``."""
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc", "coo"], reset=False, order=None)
        return np.asarray(X @ np.asarray(self.coef_).T) + self.intercept_
