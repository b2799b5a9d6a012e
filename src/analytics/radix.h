/* radix.h: sorting int64 keys in linear time for the analytics kernels
 * (quintile ranks, Pareto shares, medians over a million customers). */
#ifndef ECRM_ANALYTICS_RADIX_H
#define ECRM_ANALYTICS_RADIX_H

#include "core/common.h"

/* Sorts v[0..n) ascending. `tmp` is caller scratch of n elements (its
 * contents are overwritten). LSD radix sort, 8 bits a pass; passes where
 * every key has the same byte are skipped, so keys that fit in 3 bytes
 * take 3 passes. O(n) time, O(n) scratch. */
void radix_sort_i64(int64_t *v, size_t n, int64_t *tmp);

#endif
