/* demo.h: a built-in generator of a realistic online shop (`ecrm demo`),
 * written straight into the store through the domain layer.
 *
 * The model, in short:
 *  - Customers sign up over the period at a rate that grows (the shop is
 *    growing) and follows the season. 45 % live in the UK, 35 % in China
 *    (names in Chinese characters, texts in Chinese), 20 % in the US; city,
 *    region, postcode, phone prefix and time zone agree with the country.
 *    About 1.5 % are near-duplicates of an earlier customer (a typo in the
 *    name, the same phone, e-mail or postcode); 8 % never order (prospects).
 *  - Buying follows the BG/NBD story (Fader, Hardie and Lee 2005): each
 *    buyer places a first order around sign-up, then orders as a Poisson
 *    process with a rate drawn from Gamma(r = 0.55, alpha = 30 days) and,
 *    after every order, drops out for good with a probability drawn from
 *    Beta(a = 0.8, b = 3.2). The rate is modulated by a seasonal profile
 *    per market (November/December peak, Black Friday, 11.11 and 6.18 in
 *    China, Chinese New Year lull, summer bump, weekday and hour of day),
 *    keeping its mean. Wholesale buyers (0.4 %) order more and in bulk.
 *  - Baskets have 1-8 lines (mean about 3.3), mostly from the customer's
 *    favourite categories, with "bought together" pairs added about half
 *    the time; quantities are mostly 1-2. Totals carry occasional discounts
 *    (more on sale days), shipping below a free-delivery threshold and US
 *    sales tax. Everything is in one shop currency, GBP: a British shop
 *    selling abroad keeps its books in pounds, and analytics then compare
 *    like with like.
 *  - About 1 % of orders are cancelled and 0.6 % refunded (each with a
 *    matching row in `returns` for the whole total, so net revenue is
 *    sum(orders.total) - sum(returns.amount)); 3-5 % of orders have a
 *    returned line, more often for apparel.
 *  - Interactions accompany orders: product page visits, store visits,
 *    questions, complaints and follow-up calls, reviews, thank-you e-mails,
 *    return and cancellation requests, on all six channels.
 * Orders are generated in time order (an event queue over customers), so
 * order ids grow with placed_at like a real shop's. Memory is about 40
 * bytes per customer; orders are written as they are made.
 * The same options and seed give the same database (except the created_at
 * / updated_at stamps the domain layer sets on orders). */
#ifndef ECRM_DEMO_H
#define ECRM_DEMO_H

#include "core/common.h"
#include "core/err.h"
#include "store/db.h"

typedef struct {
	const char *phase; /* "customers" or "orders" */
	int64_t done;	   /* customers or orders written so far */
	double fraction;   /* 0..1 through the phase */
} demo_progress;

/* Called after every committed batch; the callee decides whether to print. */
typedef void (*demo_progress_fn)(void *arg, const demo_progress *p);

typedef struct {
	int64_t customers; /* people to create (default 2000) */
	uint64_t seed;	   /* default 1 */
	int months;	   /* length of the history (default 24) */
	int64_t end;	   /* Unix seconds; orders are placed before it (0: now) */
	int batch;	   /* rows per transaction (default 10000) */
	bool validate;	   /* run the domain validators on every record (default on) */
	demo_progress_fn progress;
	void *progress_arg;
} demo_options;

typedef struct {
	int64_t start, end; /* the period the orders span: [start, end) */
	int64_t customers, duplicates, prospects;
	int64_t products;
	int64_t orders, guest_orders, order_items;
	int64_t returns, cancellations, refunds; /* rows in `returns` by kind */
	int64_t interactions;
	double seconds;		 /* all of it */
	double customer_seconds; /* catalogue and customers */
	double order_seconds;	 /* orders with their returns and interactions */
} demo_summary;

void demo_options_default(demo_options *o);

/* Generates the shop into `st`, which must hold no customers, products or
 * orders yet (E_CONFLICT otherwise). Writes in transactions of
 * opt->batch rows; on failure the current batch is rolled back and what
 * was committed stays. `out` may be NULL. */
status demo_generate(store *st, const demo_options *opt, demo_summary *out, err *e) MUST_CHECK;

#endif
