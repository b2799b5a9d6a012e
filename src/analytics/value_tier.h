/* value_tier.h: key / normal / small customers by their share of profit
 * (Pareto on profit contribution).
 *
 * Profit of a customer as of day A (orders and returns before A):
 *   profit = M - R * M / T   when T > 0, else M - R
 * where T = sum of order totals, M = sum of order margins (snapshot.h says
 * what a margin is when the cost is unknown) and R = sum of returned
 * amounts: a return takes back its revenue share of the margin (the goods
 * come back; a refund without goods is treated the same, an approximation).
 * Computed in 128-bit arithmetic and rounded towards zero.
 *
 * Tiers among the customers with an order before A:
 *   - sort positive profits descending; P = their sum;
 *   - a customer is KEY when the profit of the customers ranked before it
 *     is below key_share * P, so the customer that crosses the key share
 *     is key (with 50, 30, 20 and 80 %: 50 and 30 are key, since 50 + 30
 *     reaches 80 % exactly, 20 is not);
 *   - else NORMAL when the profit ranked before it is below
 *     (key_share + normal_share) * P;
 *   - else SMALL, as is every customer with zero or negative profit.
 * Ties: customers with equal profit always share a tier, the tier of the
 * first of them in rank order (so a tie at the boundary is all key).
 * Shares are compared exactly (parts per million, 128-bit products).
 * Customers without an order get VALUE_TIER_NONE. */
#ifndef ECRM_ANALYTICS_VALUE_TIER_H
#define ECRM_ANALYTICS_VALUE_TIER_H

#include "analytics/snapshot.h"
#include "core/config.h"

typedef enum {
	VALUE_TIER_NONE = 0, /* no order before the as-of day */
	VALUE_TIER_KEY,
	VALUE_TIER_NORMAL,
	VALUE_TIER_SMALL,
	VALUE_TIER__COUNT
} value_tier;

typedef struct {
	double key_share;    /* 0.80 */
	double normal_share; /* 0.15; small customers make the rest */
} value_tier_params;

typedef struct {
	int64_t customers[VALUE_TIER__COUNT];
	int64_t profit[VALUE_TIER__COUNT];
	int64_t total_profit;    /* sum over customers with an order (any sign) */
	int64_t positive_profit; /* P above */
	int64_t key_min_profit;  /* smallest profit that is key; 0 when none */
	int64_t normal_min_profit;
} value_tier_summary;

/* Defaults 0.80 / 0.15, overridden by [analytics] key_share and
 * normal_share in `cfg` (which may be NULL). */
void value_tier_params_default(value_tier_params *p, const config *cfg);
/* E_INVAL unless 0 <= key_share, 0 <= normal_share and their sum <= 1. */
status value_tier_params_check(const value_tier_params *p, err *e) MUST_CHECK;

/* Profit per customer of `s` as of day `as_of` into profit[n_customers];
 * has_orders[i] (when not NULL) is set to 1 for customers with an order
 * before as_of. O(O + returns), parallel over customers. */
void value_tier_profit(const snapshot *s, int32_t as_of, int threads, int64_t *profit,
		       uint8_t *has_orders);

/* Assigns tier[i] for n customers from profit[i]; customers with
 * has_orders[i] == 0 get VALUE_TIER_NONE (has_orders NULL: all count).
 * `summary` may be NULL. O(n) (radix sort). */
void value_tier_assign(const int64_t *profit, const uint8_t *has_orders, size_t n,
		       const value_tier_params *p, uint8_t *tier, value_tier_summary *summary);

/* "key", "normal", "small", "none". */
const char *value_tier_name(value_tier t);

#endif
