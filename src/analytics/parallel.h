/* parallel.h: a parallel for-loop over an index range for the analytics
 * kernels: the range is cut into one contiguous chunk per thread. */
#ifndef ECRM_ANALYTICS_PARALLEL_H
#define ECRM_ANALYTICS_PARALLEL_H

#include "core/common.h"

/* Called once per chunk [begin, end); `worker` is 0..threads-1 and unique
 * among the concurrent calls, so it can index per-thread scratch space. */
typedef void (*parallel_fn)(void *ctx, size_t begin, size_t end, int worker);

/* Runs fn over [0, n) with at most `threads` threads (the caller's thread is
 * one of them), giving each chunk at least `min_chunk` items so small inputs
 * stay on one thread. Returns after every chunk is done. A thread that
 * cannot be started has its chunk run by the caller: the result is the same.
 * Returns how many workers were used (1..threads): scratch indexed by
 * `worker` needs `threads` slots. */
int parallel_for(int threads, size_t n, size_t min_chunk, parallel_fn fn, void *ctx);

/* The number of online processors (at least 1): the default thread count. */
int parallel_cpus(void);

#endif
