/* rng.h: the demo generator's own pseudo-random numbers: xoshiro256**
 * seeded through splitmix64, plus the few distributions the shop model
 * draws from. The same seed gives the same sequence on every machine and
 * build, which is what makes `ecrm demo --seed S` reproducible. */
#ifndef ECRM_DEMO_RNG_H
#define ECRM_DEMO_RNG_H

#include "core/common.h"

typedef struct {
	uint64_t s[4];
} demo_rng;

/* Seeds `r` from `seed` and a `stream` number, so independent streams
 * (catalogue, sign-ups, behaviour) come from one user-given seed. */
void demo_rng_seed(demo_rng *r, uint64_t seed, uint64_t stream);
uint64_t demo_rng_next(demo_rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double demo_rng_uniform(demo_rng *r);
/* Uniform integer in [0, n) without modulo bias; n > 0. */
uint64_t demo_rng_below(demo_rng *r, uint64_t n);
/* Uniform integer in [lo, hi] (inclusive). */
int64_t demo_rng_range(demo_rng *r, int64_t lo, int64_t hi);
/* True with probability p. */
bool demo_rng_chance(demo_rng *r, double p);
/* Exponential with mean 1. */
double demo_rng_exp(demo_rng *r);
/* Standard normal (polar method; no cached second value, so the stream
 * position depends only on the number of calls). */
double demo_rng_normal(demo_rng *r);
/* Gamma with shape k > 0 and scale 1 (Marsaglia and Tsang 2000; shapes
 * below 1 through the U^(1/k) boost). */
double demo_rng_gamma(demo_rng *r, double k);
/* Beta(a, b) as G_a / (G_a + G_b). */
double demo_rng_beta(demo_rng *r, double a, double b);
/* An index in [0, n) drawn with the given non-negative integer weights
 * (at least one positive). O(n): for the short tables of the generator. */
size_t demo_rng_weighted(demo_rng *r, const unsigned *weights, size_t n);
/* An index in [0, n) drawn from cumulative weights (cum[i] = weights 0..i,
 * cum[n - 1] > 0) by binary search: O(log n) for the long tables. */
size_t demo_rng_pick_cum(demo_rng *r, const uint32_t *cum, size_t n);

#endif
