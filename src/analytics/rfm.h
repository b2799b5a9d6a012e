/* rfm.h: recency, frequency and monetary value as of a date, their 1-5
 * quintile scores and the 11 RFM segments.
 *
 * As of day A (a Unix day; only orders and returns on days before A count):
 *   recency   = A - day of the last order (so 1 = ordered the day before A)
 *   frequency = number of orders
 *   monetary  = net revenue: sum of order totals - sum of returned amounts
 *               (may be negative)
 * Customers without an order before A are not scored (frequency 0, scores
 * 0, segment RFM_NONE).
 *
 * Scores: rank-based quintiles over the scored customers, ties taking the
 * score of their first rank (pandas rank(method="min")): with the values
 * sorted ascending and p the 0-based position of a value's first
 * occurrence among n scored customers, score = 1 + floor(5 p / n). Equal
 * values always get the same score; a large tie pushes the scores above it
 * up, so some scores may be unused (e.g. when most customers ordered once,
 * every one-order customer has F = 1 and the next frequency starts higher).
 * F and M score larger values higher; R scores smaller recency higher
 * (ranked on -recency), so the most recent customers get R = 5.
 *
 * Segments come from R and FM = round((F + M) / 2), halves rounding up,
 * through this grid (the table `segment_grid` in rfm.c):
 *
 *         FM=1            FM=2                FM=3                FM=4       FM=5
 *   R=5   New             Potential Loyalist  Potential Loyalist  Champions  Champions
 *   R=4   Promising       Potential Loyalist  Potential Loyalist  Loyal      Loyal
 *   R=3   About to Sleep  About to Sleep      Need Attention      Loyal      Loyal
 *   R=2   Hibernating     Hibernating         At Risk             At Risk    Can't Lose Them
 *   R=1   Lost            Hibernating         At Risk             At Risk    Can't Lose Them
 */
#ifndef ECRM_ANALYTICS_RFM_H
#define ECRM_ANALYTICS_RFM_H

#include "analytics/snapshot.h"

typedef enum {
	RFM_NONE = 0, /* not scored: no order before the as-of day */
	RFM_CHAMPIONS,
	RFM_LOYAL,
	RFM_POTENTIAL_LOYALIST,
	RFM_NEW,
	RFM_PROMISING,
	RFM_NEED_ATTENTION,
	RFM_ABOUT_TO_SLEEP,
	RFM_AT_RISK,
	RFM_CANT_LOSE,
	RFM_HIBERNATING,
	RFM_LOST,
	RFM__COUNT
} rfm_segment;

/* Per-customer results, indexed like the snapshot's customers. */
typedef struct {
	int32_t n;        /* customers */
	int32_t n_scored; /* customers with at least one order before as_of */
	int32_t as_of;
	int32_t *recency;   /* days; -1 when not scored */
	int32_t *frequency; /* orders; 0 when not scored */
	int64_t *monetary;  /* minor units, net of returns */
	uint8_t *r, *f, *m; /* 1..5; 0 when not scored */
	uint8_t *segment;   /* rfm_segment */
} rfm_result;

/* Per-segment totals for reports. */
typedef struct {
	int64_t customers[RFM__COUNT];
	int64_t monetary[RFM__COUNT]; /* sum of net revenue */
	int64_t orders[RFM__COUNT];
} rfm_summary;

/* Computes RFM for every customer of `s` as of day `as_of` using up to
 * `threads` threads; `out` is allocated here (rfm_result_release).
 * O(O + C) for O orders and C customers: aggregation and scoring run in
 * parallel; the sorts for the quintiles are radix sorts. */
void rfm_compute(const snapshot *s, int32_t as_of, int threads, rfm_result *out);
void rfm_result_release(rfm_result *r);

/* Quintile scores of v[i] for the i with include[i] != 0 (all when
 * `include` is NULL), by the tie rule above; others get 0. `score` has n
 * entries. O(n): a radix sort, then four comparisons per value. */
void rfm_quintiles(const int64_t *v, const uint8_t *include, size_t n, int threads,
		   uint8_t *score);

/* The segment of scores r, f, m (each 1..5); RFM_NONE when any is out of
 * range. */
rfm_segment rfm_segment_of(int r, int f, int m);

/* "champions", "cant_lose" ...: stable names for storage and JSON. */
const char *rfm_segment_name(rfm_segment seg);
/* "Champions", "Can't Lose Them" ...: for people. */
const char *rfm_segment_label(rfm_segment seg);

/* Sums customers, net revenue and orders per segment. O(C). */
void rfm_summarize(const rfm_result *r, rfm_summary *out);

#endif
