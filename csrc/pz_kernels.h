/*
 * pz_kernels.h -- small header-only C99 kernels used by penalized's Cython core.
 *
 * Everything here is a plain loop over one column of a CSC matrix or one
 * dense column, generated for float/double values and int32/int64 indices by
 * the macros at the bottom.  Sums are accumulated in double whatever the
 * storage type, so float32 data do not lose the gap certificate to rounding.
 *
 * Naming: pz_<storage>_<op>_<value><index>, value in {f, d}, index in {32, 64}.
 *   csc_dot    sum_k data[k] * r[idx[k]]
 *   csc_wdot   sum_k data[k] * s[idx[k]] * r[idx[k]]            (sample weights s)
 *   csc_axpy   r[idx[k]] += a * data[k]
 *   csc_wsum   sum_k s[idx[k]] * data[k]          (s == NULL means all ones)
 *   csc_wsqdev sum_k s[idx[k]] * (data[k] - m)^2  (s == NULL means all ones)
 *   dense_wdot sum_i x[i] * s[i] * r[i]
 */
#ifndef PZ_KERNELS_H
#define PZ_KERNELS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* Proximal operator of t*|.|: sign(x) * max(|x| - t, 0). */
static inline double pz_soft_threshold(double x, double t)
{
    if (x > t) return x - t;
    if (x < -t) return x + t;
    return 0.0;
}

/* log(1 + exp(x)) without overflow for large x nor loss for very negative x. */
static inline double pz_log1pexp(double x)
{
    if (x > 0.0) return x + log1p(exp(-x));
    return log1p(exp(x));
}

/* 1 / (1 + exp(-x)), stable on both tails. */
static inline double pz_sigmoid(double x)
{
    if (x >= 0.0) return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

/* Dense reductions sum in four independent partial sums (a fixed order, so the same
   bits every run): one running sum is bound by the latency of its additions, four let
   the adds overlap (3-4x on columns in cache; measured 3.5 ms -> 1 ms for the column
   statistics of a 2000 x 500 design).  PZ_SUM4(n, TERM) is the body: TERM(i) is the
   i-th term, a function-like macro of the kernel. */
#define PZ_SUM4(n, TERM)                                                        \
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;                            \
    ptrdiff_t i = 0;                                                          \
    for (; i + 4 <= (n); i += 4) {                                            \
        a0 += TERM(i); a1 += TERM(i + 1); a2 += TERM(i + 2); a3 += TERM(i + 3); \
    }                                                                         \
    for (; i < (n); ++i) a0 += TERM(i);                                       \
    return (a0 + a1) + (a2 + a3);

/* The same over a column's stored entries k in [lo, hi) (index type IT). */
#define PZ_SUM4_RANGE(IT, lo, hi, TERM)                                         \
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;                            \
    IT k = (lo);                                                              \
    for (; (hi) - k >= 4; k += 4) {                                           \
        a0 += TERM(k); a1 += TERM(k + 1); a2 += TERM(k + 2); a3 += TERM(k + 3); \
    }                                                                         \
    for (; k < (hi); ++k) a0 += TERM(k);                                      \
    return (a0 + a1) + (a2 + a3);

#define PZ_T_WDOT(i) ((double)x[i] * s[i] * r[i])
#define PZ_T_CDOT(k) ((double)data[k] * r[idx[k]])
#define PZ_T_CWDOT(k) ((double)data[k] * s[idx[k]] * r[idx[k]])
#define PZ_T_CMNGRAD(k) (data[k] * (u[idx[k]] + sp[idx[k]] * (D[idx[k]] - q[idx[k]])))
#define PZ_T_CWSQ(k) ((double)data[k] * data[k] * h[idx[k]])
#define PZ_T_SUM(i) ((double)x[i])
#define PZ_T_WSUM(i) ((double)s[i] * x[i])
#define PZ_T_SQDEV(i) (((double)x[i] - m) * ((double)x[i] - m))
#define PZ_T_WSQDEV(i) ((double)s[i] * (((double)x[i] - m) * ((double)x[i] - m)))

#define PZ_DEFINE_DENSE(T, V)                                                   \
static inline double pz_dense_wdot_##V(ptrdiff_t n, const T *x, const T *s,   \
                                       const T *r)                            \
{                                                                             \
    PZ_SUM4(n, PZ_T_WDOT)                                                     \
}                                                                             \
static inline double pz_dense_sum_##V(ptrdiff_t n, const T *x)                \
{                                                                             \
    PZ_SUM4(n, PZ_T_SUM)                                                      \
}                                                                             \
static inline double pz_dense_swsum_##V(ptrdiff_t n, const T *x, const T *s)  \
{                                                                             \
    PZ_SUM4(n, PZ_T_WSUM)                                                     \
}                                                                             \
static inline double pz_dense_wsum_##V(ptrdiff_t n, const T *x, const T *s)   \
{                                                                             \
    return s == NULL ? pz_dense_sum_##V(n, x) : pz_dense_swsum_##V(n, x, s);  \
}                                                                             \
static inline double pz_dense_sqdev_##V(ptrdiff_t n, const T *x, double m)    \
{                                                                             \
    PZ_SUM4(n, PZ_T_SQDEV)                                                    \
}                                                                             \
static inline double pz_dense_swsqdev_##V(ptrdiff_t n, const T *x, const T *s, \
                                          double m)                           \
{                                                                             \
    PZ_SUM4(n, PZ_T_WSQDEV)                                                   \
}                                                                             \
static inline double pz_dense_wsqdev_##V(ptrdiff_t n, const T *x, const T *s, \
                                         double m)                            \
{                                                                             \
    return s == NULL ? pz_dense_sqdev_##V(n, x, m) : pz_dense_swsqdev_##V(n, x, s, m); \
}

/* Long dense level-1 calls (``_dot`` / ``_axpy`` in _core.pyx) go to BLAS in chunks of
   PZ_BLAS_CHUNK entries.  A threaded BLAS splits a call across its threads past a size
   threshold (OpenBLAS: 10^4 entries), and in coordinate descent the synchronisation then
   costs more than the arithmetic (a 50-alpha Poisson path on 20,190 x 9 ran 10x slower
   with two OpenBLAS threads than with one); the split also changes the rounding with
   the thread count.  Chunks below the threshold run on the calling thread, in a fixed
   order, with the BLAS's own vector kernels. */
#define PZ_BLAS_CHUNK 4096

#define PZ_DEFINE_CSC(T, I, V)                                                  \
static inline double pz_csc_dot_##V(const T *data, const I *idx, I start,     \
                                    I end, const T *r)                        \
{                                                                             \
    PZ_SUM4_RANGE(I, start, end, PZ_T_CDOT)                                   \
}                                                                             \
static inline double pz_csc_wdot_##V(const T *data, const I *idx, I start,    \
                                     I end, const T *s, const T *r)           \
{                                                                             \
    PZ_SUM4_RANGE(I, start, end, PZ_T_CWDOT)                                  \
}                                                                             \
static inline void pz_csc_axpy_##V(double a, const T *data, const I *idx,     \
                                   I start, I end, T *r)                      \
{                                                                             \
    const T ta = (T)a;                                                        \
    for (I k = start; k < end; ++k) r[idx[k]] += ta * data[k];                \
}                                                                             \
static inline double pz_csc_wsum_##V(const T *data, const I *idx, I start,    \
                                     I end, const T *s)                       \
{                                                                             \
    double acc = 0.0;                                                         \
    if (s == NULL) { for (I k = start; k < end; ++k) acc += data[k]; }        \
    else { for (I k = start; k < end; ++k) acc += (double)s[idx[k]] * data[k]; } \
    return acc;                                                               \
}                                                                             \
static inline double pz_csc_wsqdev_##V(const T *data, const I *idx, I start,  \
                                       I end, const T *s, double m)           \
{                                                                             \
    double acc = 0.0;                                                         \
    if (s == NULL) {                                                          \
        for (I k = start; k < end; ++k) { double d = data[k] - m; acc += d * d; } \
    } else {                                                                  \
        for (I k = start; k < end; ++k) {                                     \
            double d = data[k] - m; acc += (double)s[idx[k]] * d * d;         \
        }                                                                     \
    }                                                                         \
    return acc;                                                               \
}

/*
 * Kernels of the softmax Newton model (see _prox_newton.pxi): with D the change
 * of the linear predictor of one class, q_i = sum_k P_ik D_ik, u the loss
 * gradient and sp = s * P of that class,
 *   mn_grad    sum_i x_i (u_i + sp_i (D_i - q_i))   (the model's partial derivative)
 *   mn_update  D_i += a x_i;  q_i += a x_i P_i       (after w += a)
 *   wsq        sum_i x_i^2 h_i                        (a diagonal curvature)
 * over the rows of one column (dense: every row; CSC: the stored ones).
 */
#define PZ_T_MNGRAD(i) (x[i] * (u[i] + sp[i] * (D[i] - q[i])))
#define PZ_T_WSQ(i) ((double)x[i] * x[i] * h[i])
#define PZ_DEFINE_MN_DENSE(T, V)                                                \
static inline double pz_dense_mn_grad_##V(ptrdiff_t n, const T *x, const double *u, \
                                          const double *sp, const double *D,  \
                                          const double *q)                    \
{                                                                             \
    PZ_SUM4(n, PZ_T_MNGRAD)                                                   \
}                                                                             \
static inline void pz_dense_mn_update_##V(ptrdiff_t n, double a, const T *x,  \
                                          const double *P, double *D, double *q) \
{                                                                             \
    for (ptrdiff_t i = 0; i < n; ++i) {                                       \
        double v = a * x[i]; D[i] += v; q[i] += v * P[i];                      \
    }                                                                         \
}                                                                             \
static inline double pz_dense_wsq_##V(ptrdiff_t n, const T *x, const double *h) \
{                                                                             \
    PZ_SUM4(n, PZ_T_WSQ)                                                      \
}

#define PZ_DEFINE_MN_CSC(T, I, V)                                               \
static inline double pz_csc_mn_grad_##V(const T *data, const I *idx, I start, I end, \
                                        const double *u, const double *sp,    \
                                        const double *D, const double *q)     \
{                                                                             \
    PZ_SUM4_RANGE(I, start, end, PZ_T_CMNGRAD)                                \
}                                                                             \
static inline void pz_csc_mn_update_##V(double a, const T *data, const I *idx, \
                                        I start, I end, const double *P,      \
                                        double *D, double *q)                 \
{                                                                             \
    for (I k = start; k < end; ++k) {                                         \
        I i = idx[k]; double v = a * data[k]; D[i] += v; q[i] += v * P[i];     \
    }                                                                         \
}                                                                             \
static inline double pz_csc_wsq_##V(const T *data, const I *idx, I start, I end, \
                                    const double *h)                          \
{                                                                             \
    PZ_SUM4_RANGE(I, start, end, PZ_T_CWSQ)                                   \
}

PZ_DEFINE_DENSE(float, f)
PZ_DEFINE_DENSE(double, d)
PZ_DEFINE_CSC(float, int32_t, f32)
PZ_DEFINE_CSC(double, int32_t, d32)
PZ_DEFINE_CSC(float, int64_t, f64)
PZ_DEFINE_CSC(double, int64_t, d64)
PZ_DEFINE_MN_DENSE(float, f)
PZ_DEFINE_MN_DENSE(double, d)
PZ_DEFINE_MN_CSC(float, int32_t, f32)
PZ_DEFINE_MN_CSC(double, int32_t, d32)
PZ_DEFINE_MN_CSC(float, int64_t, f64)
PZ_DEFINE_MN_CSC(double, int64_t, d64)

#endif /* PZ_KERNELS_H */
