/* btyd_sim.h: draws synthetic customers from the BG/NBD and Gamma-Gamma
 * models with a seeded generator (GSL's MT19937), for parameter-recovery
 * tests, prediction checks and benchmarks. Same seed, same customers. */
#ifndef ECRM_ANALYTICS_BTYD_SIM_H
#define ECRM_ANALYTICS_BTYD_SIM_H

#include "analytics/bgnbd.h"
#include "analytics/gammagamma.h"

/* Output columns of btyd_sim_bgnbd, each of length n, owned by the caller.
 * Any of alive and future may be NULL. */
typedef struct {
	double *x;	/* repeat purchases in (0, T] */
	double *tx;	/* time of the last one (0 if none) */
	double *alive;	/* 1 if still alive at T, else 0 */
	double *future; /* purchases in (T, T + horizon] */
} btyd_sim_out;

/* Draws n customers: lambda ~ Gamma(r, alpha), p ~ Beta(a, b); purchases
 * arrive at rate lambda from time 0 (the first purchase, not counted); after
 * each repeat purchase the customer drops out with probability p. Customer
 * i is observed until T[i]; `horizon` >= 0 is the hold-out length for
 * `future`. O(n + purchases drawn). */
void btyd_sim_bgnbd(const bgnbd_params *p, size_t n, const double *T, double horizon, uint64_t seed,
		    btyd_sim_out *out);

/* Draws each customer's mean spend over x[i] purchases: nu ~ Gamma(q, gamma),
 * each purchase ~ Gamma(p, nu); m[i] = 0 when x[i] < 1. x[i] is rounded
 * down. If `next` is not NULL, next[i] is the value of one more purchase
 * (for checking predictions). O(n + sum of x). */
void btyd_sim_spend(const gammagamma_params *p, size_t n, const double *x, uint64_t seed, double *m,
		    double *next);

#endif
