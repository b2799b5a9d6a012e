/* churn_sim.h: a synthetic shop with planted churn, for the churn model's
 * tests and benchmark. Same seed, same shop (GSL's MT19937).
 *
 * Customer i makes a first order on a day uniform in the first 80 % of
 * [first_day, first_day + days), then buys as a Poisson process with rate
 * lambda ~ Gamma(rate_shape, mean rate_mean) per day until she leaves, an
 * exponential lifetime (mean life_mean days) after her first order. A
 * share fade_share of customers "fade": in the fade_days before leaving
 * they buy at fade_factor times their rate and complain more. Order
 * amounts are lognormal around a per-customer mean; margins about 30 %;
 * each order is returned with probability return_prob. Interactions
 * (channels 0..2) arrive at contact_rate per day while she is a customer
 * (and 30 days after), each a complaint with probability complaint_prob
 * (four times that while fading). Events stop at first_day + days. */
#ifndef ECRM_ANALYTICS_CHURN_SIM_H
#define ECRM_ANALYTICS_CHURN_SIM_H

#include "analytics/churn_features.h"

typedef struct {
	size_t n;
	int32_t first_day, days;
	double rate_mean, rate_shape;
	double life_mean;
	double fade_share, fade_factor, fade_days;
	double return_prob;
	double contact_rate, complaint_prob;
} churn_sim_params;

/* The simulated columns, CSR as churn_events wants them; owned. */
typedef struct {
	size_t n;
	int64_t *order_start, *return_start, *interaction_start; /* [n + 1] */
	int32_t *order_day, *return_day, *interaction_day;
	int64_t *order_amount, *order_margin, *return_amount;
	uint8_t *interaction_channel, *interaction_flags;
} churn_sim_data;

/* n customers over 820 days from day 9862 (1997-01-01): rate mean 0.01
 * per day (shape 1.5), lifetime mean 300 days, 40 % fade (to 0.3 of their
 * rate over 120 days), returns 8 %, contacts 0.004 per day, complaints
 * 10 %: about 3.4 orders per customer. */
void churn_sim_default(churn_sim_params *p, size_t n);

/* Simulates into `out` (replaced; churn_sim_release frees it).
 * O(n + events). */
void churn_sim_run(const churn_sim_params *p, uint64_t seed, churn_sim_data *out);

/* A borrowed view of `d` for churn_features / churn_run. */
void churn_sim_events(const churn_sim_data *d, churn_events *ev);

/* Frees the columns; NULL-safe. */
void churn_sim_release(churn_sim_data *d);

#endif
