/* gen.h: the state the demo generator's files share (internal to
 * src/demo/): the customers' buying behaviour, the event queue, seasonal
 * profiles and the write batch. */
#ifndef ECRM_DEMO_GEN_H
#define ECRM_DEMO_GEN_H

#include "core/strbuf.h"
#include "demo/catalog.h"
#include "demo/demo.h"
#include "demo/rng.h"
#include "demo/tables.h"

/* The model's parameters (see demo.h). Rates are per day. */
#define DEMO_RATE_SHAPE 0.55 /* Gamma r */
#define DEMO_RATE_DAYS	30.0 /* Gamma alpha, in days */
#define DEMO_RATE_MAX	0.5  /* no one buys more than every other day */
#define DEMO_DROP_A	0.8  /* Beta a */
#define DEMO_DROP_B	3.2  /* Beta b */
#define DEMO_PROSPECTS	0.08 /* share who never order */
#define DEMO_DUPLICATES 0.015
#define DEMO_WHOLESALE	0.004
#define DEMO_GUESTS	0.02 /* guest orders per customer order */

enum { DEMO_F_WHOLESALE = 1, DEMO_F_ZH = 2, DEMO_F_VIP = 4 };

/* Acquisition channels: customers.source. */
typedef enum { SRC_WEB, SRC_STORE, SRC_SOCIAL, SRC_EMAIL, SRC_PHONE, SRC__COUNT } demo_source;
extern const char *const demo_source_name[SRC__COUNT];

/* What the order pass needs of a customer: 24 bytes, so a million fit in
 * 24 MB. */
typedef struct {
	int64_t id;
	float rate;   /* purchases per day while active */
	float p_drop; /* chance to stop after each purchase */
	uint16_t city;
	uint16_t fav; /* a favourite product, bought again and again */
	uint8_t cat1, cat2;
	uint8_t source;
	uint8_t flags;
} demo_cust;

/* The next purchase of customer `who` (DEMO_GUEST: the guest stream). */
typedef struct {
	int64_t t;
	uint32_t who;
} demo_event;

#define DEMO_GUEST UINT32_MAX

typedef struct {
	store *st;
	const demo_options *opt;
	demo_summary *sum;
	demo_rng people;    /* identities */
	demo_rng behaviour; /* rates, baskets, returns, interactions */
	demo_catalog cat;

	int64_t start, end; /* [start, end), Unix seconds */
	int64_t start_day;  /* Unix day of start */
	int n_days;
	float *season[DEMO_COUNTRIES]; /* [n_days], mean 1 over the period */
	float season_max[DEMO_COUNTRIES];
	float hour[24]; /* by local hour, mean 1 */
	float hour_max;

	demo_cust *cust;
	size_t n_cust;
	demo_event *heap;
	size_t n_heap;

	int64_t orders_written, returns_written;
	int64_t in_batch; /* rows since the last commit */
	double t0;	  /* monotonic seconds at start */
	strbuf scratch[4];
} demo_gen;

/* generate.c */
double demo_now(void);
/* Commits after opt->batch rows and reports progress; `rows` were just
 * written. */
status demo_batch_tick(demo_gen *g, int64_t rows, const char *phase, int64_t done, double fraction,
		       err *e) MUST_CHECK;
void demo_heap_push(demo_gen *g, int64_t t, uint32_t who);
bool demo_heap_pop(demo_gen *g, demo_event *out);
/* Seasonal intensity of market `c` at time t, at local offset `tz` hours. */
float demo_intensity(const demo_gen *g, int c, int tz, int64_t t);
/* The time of the next purchase after `t` for a rate per day, by thinning
 * the seasonal profile; >= g->end when there is none in the period. */
int64_t demo_next_time(demo_gen *g, double rate, int c, int tz, int64_t t);

/* people.c: writes the customers and queues their first orders. */
status demo_people_write(demo_gen *g, err *e) MUST_CHECK;
/* A guest's e-mail address into `sb`. */
void demo_guest_email(demo_gen *g, strbuf *sb);

/* orders.c: drains the event queue, writing orders, returns, interactions. */
status demo_orders_write(demo_gen *g, err *e) MUST_CHECK;

/* contact.c: one interaction with customer `c` about an order. `text` picks
 * from demo_texts; {order}, {product}, {reason} are filled in; skipped
 * (E_OK) when `at` falls outside the period. */
typedef struct {
	demo_text_kind text;
	const char *channel;
	const char *direction;
	const char *kind;
	const char *agent; /* NULL: none */
	const char *attributes;
	int64_t at;
	const char *order;   /* external id */
	const char *product; /* name */
	int reason;	     /* index in demo_return_reasons, -1 for none */
} demo_contact;

status demo_contact_write(demo_gen *g, const demo_cust *c, const demo_contact *k,
			  err *e) MUST_CHECK;
/* An agent who speaks the customer's language. */
const char *demo_agent(demo_gen *g, const demo_cust *c);

#endif
