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

#define PZ_DEFINE_DENSE(T, V)                                                   \
static inline double pz_dense_wdot_##V(ptrdiff_t n, const T *x, const T *s,   \
                                       const T *r)                            \
{                                                                             \
    double acc = 0.0;                                                         \
    for (ptrdiff_t i = 0; i < n; ++i) acc += (double)x[i] * s[i] * r[i];      \
    return acc;                                                               \
}                                                                             \
static inline double pz_dense_wsum_##V(ptrdiff_t n, const T *x, const T *s)   \
{                                                                             \
    double acc = 0.0;                                                         \
    if (s == NULL) { for (ptrdiff_t i = 0; i < n; ++i) acc += x[i]; }         \
    else { for (ptrdiff_t i = 0; i < n; ++i) acc += (double)s[i] * x[i]; }    \
    return acc;                                                               \
}                                                                             \
static inline double pz_dense_wsqdev_##V(ptrdiff_t n, const T *x, const T *s, \
                                         double m)                            \
{                                                                             \
    double acc = 0.0;                                                         \
    if (s == NULL) {                                                          \
        for (ptrdiff_t i = 0; i < n; ++i) { double d = x[i] - m; acc += d * d; } \
    } else {                                                                  \
        for (ptrdiff_t i = 0; i < n; ++i) {                                   \
            double d = x[i] - m; acc += (double)s[i] * d * d;                 \
        }                                                                     \
    }                                                                         \
    return acc;                                                               \
}

#define PZ_DEFINE_CSC(T, I, V)                                                  \
static inline double pz_csc_dot_##V(const T *data, const I *idx, I start,     \
                                    I end, const T *r)                        \
{                                                                             \
    double acc = 0.0;                                                         \
    for (I k = start; k < end; ++k) acc += (double)data[k] * r[idx[k]];       \
    return acc;                                                               \
}                                                                             \
static inline double pz_csc_wdot_##V(const T *data, const I *idx, I start,    \
                                     I end, const T *s, const T *r)           \
{                                                                             \
    double acc = 0.0;                                                         \
    for (I k = start; k < end; ++k) {                                         \
        I i = idx[k];                                                         \
        acc += (double)data[k] * s[i] * r[i];                                 \
    }                                                                         \
    return acc;                                                               \
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
#define PZ_DEFINE_MN_DENSE(T, V)                                                \
static inline double pz_dense_mn_grad_##V(ptrdiff_t n, const T *x, const double *u, \
                                          const double *sp, const double *D,  \
                                          const double *q)                    \
{                                                                             \
    double acc = 0.0;                                                         \
    for (ptrdiff_t i = 0; i < n; ++i) acc += x[i] * (u[i] + sp[i] * (D[i] - q[i])); \
    return acc;                                                               \
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
    double acc = 0.0;                                                         \
    for (ptrdiff_t i = 0; i < n; ++i) acc += (double)x[i] * x[i] * h[i];      \
    return acc;                                                               \
}

#define PZ_DEFINE_MN_CSC(T, I, V)                                               \
static inline double pz_csc_mn_grad_##V(const T *data, const I *idx, I start, I end, \
                                        const double *u, const double *sp,    \
                                        const double *D, const double *q)     \
{                                                                             \
    double acc = 0.0;                                                         \
    for (I k = start; k < end; ++k) {                                         \
        I i = idx[k];                                                         \
        acc += data[k] * (u[i] + sp[i] * (D[i] - q[i]));                      \
    }                                                                         \
    return acc;                                                               \
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
    double acc = 0.0;                                                         \
    for (I k = start; k < end; ++k) acc += (double)data[k] * data[k] * h[idx[k]]; \
    return acc;                                                               \
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
