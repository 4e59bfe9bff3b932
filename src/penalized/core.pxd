# penalized/core.pxd -- the public Cython interface of penalized's native core.
#
#     from penalized.core cimport Design, design_t, column_dot_d, enet_solve_d
#
# Build the cimporting extension with include_dirs=[penalized.get_include(),
# numpy.get_include()] (the header pz_kernels.h and numpy's headers).  At
# import time it needs ``penalized._core`` (the functions below come from its
# __pyx_capi__); nothing has to be linked.
#
# Design and design_t.  Build a Design in Python (``penalized.core.Design(X,
# sample_weight, fit_intercept)``, X an F-ordered float32/float64 ndarray or a
# CSC matrix, sample_weight of X's dtype summing to n or None) and use its C
# view ``design.d`` (a design_t, see _core.pxd) from Cython.  The Design owns
# the memory ``d`` points into: keep it alive while using ``d``.  Column means
# and centred squared norms are in d.x_mean (NULL without intercept) and
# d.col_sqnorm.
#
# Column operations (nogil, any storage unless stated):
#   column_dot_d(D, j, r)            sum_i s_i X_ij r_i, raw column j (DENSE/CSC; NaN for GRAM)
#   centred_column_dot_d(D, j, r, sr) x_c,j^T S r = column_dot_d - x_mean_j * sr,
#                                    sr = sum_i s_i r_i (DENSE/CSC)
#   column_axpy_d(D, j, a, r)        r += a * X[:, j] (raw column; GRAM: r += a * G[:, j])
#   *_f                              the same for float32 data (dots accumulate in double)
#   enet_prox(z, L, l1, l2, positive) argmin_u L/2 (u - z/L)^2 + l1|u| + l2/2 u^2 (u >= 0)
#   pz_soft_threshold(x, t), pz_sigmoid(x), pz_log1pexp(x)   header-only C kernels
#
# Elastic-net solve on raw pointers (nogil, no Python objects):
#   enet_solve_d(D, w, res, target, yy, l1, l2, positive, tol_abs, max_epochs, &out)
# minimises, in place, the unscaled objective
#   F(w) = 1/2 sum_i s_i (y_c,i - x_c,i.w)^2 + l1 ||w||_1 + l2/2 ||w||_2^2
# (x_c, y_c centred with the weighted means when the Design has an intercept,
# never materialised).  With n = d.n and the package's scaling,
# l1 = n alpha l1_ratio, l2 = n alpha (1 - l1_ratio), and F / n is the
# objective of penalized.solvers.enet.  Arguments, for a DENSE or CSC design:
#   w       (p,) warm start on entry, solution on exit
#   res     (n,) y_c - X_c w for the entry w; the residual of the solution on exit
#   target  (n,) raw y (not centred)
#   yy      y_c^T S y_c (only GRAM designs use it; pass it anyway)
#   tol_abs stop when the duality gap of F is <= tol_abs (the package uses tol * yy)
# GRAM designs: res is g = X_c^T S (y_c - X_c w) and target X_c^T S y_c, both (p,).
# out receives gap (certified, of F), primal F(w), n_epochs and the status,
# which is also returned: PZ_CONVERGED, PZ_MAX_EPOCHS, PZ_INTERRUPTED (Ctrl-C
# arrived; the Python error was cleared: raise KeyboardInterrupt if you want
# it) or PZ_NO_MEMORY.  The options are penalized's defaults (working sets,
# gap-safe screening, dual extrapolation, Newton steps on stable supports).
# enet_solve_f is the float32 version.  Thread-safe on distinct w/res buffers.

from penalized._core cimport (
    Design,
    design_t,
    PZ_DENSE,
    PZ_CSC,
    PZ_GRAM,
    PZ_CONVERGED,
    PZ_MAX_EPOCHS,
    PZ_INTERRUPTED,
    PZ_NO_MEMORY,
    enet_result_t,
    column_dot_d,
    column_dot_f,
    centred_column_dot_d,
    centred_column_dot_f,
    column_axpy_d,
    column_axpy_f,
    enet_prox,
    enet_solve_d,
    enet_solve_f,
    pz_soft_threshold,
    pz_sigmoid,
    pz_log1pexp,
)
