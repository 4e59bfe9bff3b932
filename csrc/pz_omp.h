/*
 * pz_omp.h -- the OpenMP runtime queries penalized's core needs, with serial stand-ins
 * when the extension is built without OpenMP (a compiler without -fopenmp, or
 * PENALIZED_OPENMP=0): the ``prange`` loops then compile to plain loops.
 *
 *   PZ_HAVE_OPENMP          1 if built with OpenMP, else 0
 *   pz_omp_max_threads()    omp_get_max_threads() of the calling thread: the threads a
 *                           parallel region would get (OMP_NUM_THREADS, or a limit that
 *                           threadpoolctl set with omp_set_num_threads), 1 without OpenMP
 */
#ifndef PZ_OMP_H
#define PZ_OMP_H

#ifdef _OPENMP
#include <omp.h>
#define PZ_HAVE_OPENMP 1
static inline int pz_omp_max_threads(void) { return omp_get_max_threads(); }
#else
#define PZ_HAVE_OPENMP 0
static inline int pz_omp_max_threads(void) { return 1; }
#endif

#endif /* PZ_OMP_H */
