/* cdnow.h: turns a purchase log (the CDNOW files of Fader and Hardie, or any
 * customer/day/amount list) into the per-customer summary BG/NBD and
 * Gamma-Gamma take: x, t_x, T and the mean repeat spend. */
#ifndef ECRM_ANALYTICS_CDNOW_H
#define ECRM_ANALYTICS_CDNOW_H

#include "core/err.h"

/* One purchase. `day` counts days from 1970-01-01. */
typedef struct {
	int64_t customer;
	int32_t day;
	double amount;
} cdnow_txn;

/* Per-customer columns, all of length n, owned by the struct. */
typedef struct {
	size_t n;
	int64_t *id;	/* customer id, ascending */
	double *x;	/* repeat purchase days in the calibration window */
	double *tx;	/* last repeat purchase, in periods after the first purchase */
	double *T;	/* calibration end, in periods after the first purchase */
	double *spend;	/* mean amount of the repeat purchase days (0 when x = 0) */
	double *x_hold; /* purchase days after the calibration end (hold-out) */
} cdnow_customers;

/* Days since 1970-01-01 of a YYYYMMDD date; INT32_MIN when it is not a
 * valid calendar date. */
int32_t cdnow_day(int32_t yyyymmdd);

/* Summarises purchases. Sorts `t` in place by (customer, day); purchases of
 * one customer on one day count as one purchase (amounts added). The first
 * purchase day starts the customer's clock and is not a repeat; customers
 * whose first purchase is after `calib_end` (a day number, inclusive) are
 * left out. Times are divided by `period_days` (> 0; 7 for weeks).
 * `out` is replaced; free it with cdnow_customers_release. O(n log n). */
void cdnow_summarize(cdnow_txn *t, size_t n, int32_t calib_end, double period_days,
		     cdnow_customers *out);

/* Reads a CDNOW file (CDNOW_sample.txt: master_id sample_id date cds dollars;
 * CDNOW_master.txt: id date cds dollars, with a header line) and summarises
 * it as cdnow_summarize does. Customers are keyed by the first column.
 * E_IO when the file cannot be read, E_INVAL naming the line when a line
 * does not parse. */
status cdnow_load(const char *path, int32_t calib_end, double period_days, cdnow_customers *out,
		  err *e) MUST_CHECK;

/* Frees the columns; leaves `c` empty. NULL-safe. */
void cdnow_customers_release(cdnow_customers *c);

#endif
