/* people.c: the demo shop's customers: when they sign up, how they will
 * buy, their consent and tags, written through customer_insert; who they
 * are (and the near-duplicates) comes from ident.c. */
#include "demo/gen.h"
#include "demo/ident.h"
#include "core/xalloc.h"
#include "domain/customer.h"

const char *const demo_source_name[SRC__COUNT] = {"web", "store", "social", "email", "phone"};

static const unsigned source_weight[DEMO_COUNTRIES][SRC__COUNT] = {
	[DEMO_GB] = {50, 20, 12, 10, 8},
	[DEMO_CN] = {35, 10, 40, 5, 10},
	[DEMO_US] = {55, 12, 15, 10, 8},
};

/* Sign-ups per day: the shop grows (2.5 times the rate at the end as at
 * the start) and follows the blended season of its markets. */
static double *signup_mass(const demo_gen *g)
{
	double *w = xmalloc((size_t)g->n_days * sizeof(*w)), sum = 0;

	for (int d = 0; d < g->n_days; d++) {
		int64_t lo = (g->start_day + d) * 86400, hi = lo + 86400;
		double season = 0;
		if (lo < g->start)
			lo = g->start;
		if (hi > g->end)
			hi = g->end;
		for (int c = 0; c < DEMO_COUNTRIES; c++)
			season += demo_country_weight[c] * g->season[c][d] / 100.0;
		sum += (1.0 + 1.5 * (d + 0.5) / g->n_days) * season * (double)(hi - lo) / 86400;
		w[d] = sum;
	}
	return w;
}

/* The buying behaviour of a new customer (behaviour stream). */
static void draw_behaviour(demo_gen *g, demo_cust *c, int country, bool duplicate)
{
	demo_rng *r = &g->behaviour;
	double rate = demo_rng_gamma(r, DEMO_RATE_SHAPE) / DEMO_RATE_DAYS;
	double p = demo_rng_beta(r, DEMO_DROP_A, DEMO_DROP_B);
	unsigned w[DEMO_CATEGORIES];

	if (demo_rng_chance(r, DEMO_WHOLESALE)) {
		c->flags |= DEMO_F_WHOLESALE;
		rate = rate * 4 + 0.02;
		p *= 0.3;
	}
	if (duplicate)
		p = 0.6; /* a second account is rarely used for long */
	if (rate > DEMO_RATE_MAX)
		rate = DEMO_RATE_MAX;
	if (rate > 0.08 && p < 0.25 && !(c->flags & DEMO_F_WHOLESALE))
		c->flags |= DEMO_F_VIP;
	c->rate = (float)rate;
	c->p_drop = (float)p;
	for (int k = 0; k < DEMO_CATEGORIES; k++)
		w[k] = demo_categories[k].market_weight[country];
	c->cat1 = (uint8_t)demo_rng_weighted(r, w, DEMO_CATEGORIES);
	w[c->cat1] = 0;
	c->cat2 = (uint8_t)demo_rng_weighted(r, w, DEMO_CATEGORIES);
	c->fav = (uint16_t)demo_catalog_pick(&g->cat, r, c->cat1);
}

static void add_tag(strbuf *sb, const char *tag)
{
	strbuf_adds(sb, sb->len > 1 ? ",\"" : "\"");
	strbuf_adds(sb, tag);
	strbuf_addc(sb, '"');
}

static status write_one(demo_gen *g, int64_t k, const demo_ident *id, demo_cust *dc,
			int64_t created, err *e)
{
	const demo_city *city = &demo_cities[id->city];
	demo_rng *r = &g->people;
	char ext[32], attrs[64];
	strbuf *tags = &g->scratch[0];
	customer c;
	status rc;

	customer_init(&c);
	snprintf(ext, sizeof(ext), "DEMO-%06" PRId64, k + 1);
	c.external_id = ext;
	c.name = id->name;
	c.email = id->email[0] ? id->email : NULL;
	c.phone = id->phone[0] ? id->phone : NULL;
	c.gender = demo_rng_chance(r, 0.93) ? (id->gender == 'f' ? "female" : "male") : NULL;
	c.birth_date = id->birth[0] ? id->birth : NULL;
	c.address = id->address;
	c.postcode = id->postcode;
	c.city = city->city;
	c.region = city->region;
	c.country = demo_country_code[city->country];
	c.source = demo_source_name[dc->source];
	c.created_at = c.updated_at = created;
	c.consent_email = c.email && demo_rng_chance(r, dc->source == SRC_EMAIL ? 0.95 : 0.55);
	c.consent_sms = c.phone && demo_rng_chance(r, 0.25);
	c.consent_profiling = demo_rng_chance(r, 0.85);

	strbuf_reset(tags);
	strbuf_addc(tags, '[');
	if (c.consent_email && demo_rng_chance(r, 0.7))
		add_tag(tags, "newsletter");
	if (dc->flags & DEMO_F_VIP)
		add_tag(tags, "vip");
	if (dc->flags & DEMO_F_WHOLESALE)
		add_tag(tags, "wholesale");
	if (city->country == DEMO_CN && dc->source == SRC_SOCIAL && demo_rng_chance(r, 0.6))
		add_tag(tags, "wechat");
	if (id->birth[0] && created / 86400 - id->birth_day < 25 * 365 && demo_rng_chance(r, 0.3))
		add_tag(tags, "student");
	strbuf_addc(tags, ']');
	c.tags = tags->buf;
	/* The language they are written to in: English names in China are
	 * expatriates who read English. */
	snprintf(attrs, sizeof(attrs), "{\"language\":\"%s\"}",
		 id->style == DEMO_NAME_ZH  ? "zh-CN"
		 : city->country == DEMO_CN ? "en-GB"
					    : demo_country_language[city->country]);
	c.attributes = attrs;

	if (g->opt->validate && (rc = customer_validate(&c, e)))
		return rc;
	if ((rc = customer_insert(g->st, &c, e)))
		return rc;
	dc->id = c.id;
	return E_OK;
}

status demo_people_write(demo_gen *g, err *e)
{
	int64_t n = g->opt->customers;
	demo_rng signups, again;
	double total = 0, run = 0, *mass = signup_mass(g);
	int day = 0;
	demo_people p;
	status rc = E_OK;

	demo_people_init(&p, n);
	g->cust = xcalloc((size_t)n, sizeof(*g->cust));
	g->heap = xcalloc((size_t)n + 1, sizeof(*g->heap));
	/* Sign-up times in order without sorting: the partial sums of n + 1
	 * exponentials, divided by their total, are n sorted uniforms. The
	 * first pass sums, the second replays the same stream. */
	demo_rng_seed(&signups, g->opt->seed, 3);
	again = signups;
	for (int64_t k = 0; k <= n; k++)
		total += demo_rng_exp(&signups);

	for (int64_t k = 0; k < n && !rc; k++) {
		demo_cust *dc = &g->cust[k];
		bool dup = (int64_t)((k + 1) * DEMO_DUPLICATES) > (int64_t)(k * DEMO_DUPLICATES) &&
			   p.ring_n > 0;
		double target;
		int64_t created, lo, hi, first;
		int country;
		demo_ident id;

		run += demo_rng_exp(&again);
		target = run / total * mass[g->n_days - 1];
		while (day < g->n_days - 1 && mass[day] < target)
			day++;
		lo = (g->start_day + day) * 86400;
		hi = lo + 86400;
		if (lo < g->start)
			lo = g->start;
		if (hi > g->end)
			hi = g->end;
		{
			double below = day ? mass[day - 1] : 0, frac = 0;
			if (mass[day] > below)
				frac = (target - below) / (mass[day] - below);
			created = lo + (int64_t)(frac * (double)(hi - lo - 1));
		}

		if (dup) {
			size_t held = p.ring_n < DEMO_RING ? p.ring_n : DEMO_RING;
			const demo_ident *orig = &p.ring[demo_rng_below(&g->people, held)];
			demo_ident_dup(&g->people, &p, orig, &id);
			g->sum->duplicates++;
		} else {
			country = (int)demo_rng_weighted(&g->people, demo_country_weight,
							 DEMO_COUNTRIES);
			demo_ident_new(&g->people, &p, country, created, &id);
		}
		country = demo_cities[id.city].country;
		dc->city = id.city;
		if (id.style == DEMO_NAME_ZH)
			dc->flags |= DEMO_F_ZH;
		dc->source = (uint8_t)demo_rng_weighted(&g->behaviour, source_weight[country],
							SRC__COUNT);
		draw_behaviour(g, dc, country, dup);
		if ((rc = write_one(g, k, &id, dc, created, e)))
			break;
		if (!dup)
			p.ring[p.ring_n++ % DEMO_RING] = id;

		/* The first order: at sign-up for most (the account is made at
		 * checkout), weeks later for the rest; never for prospects. */
		if (demo_rng_chance(&g->behaviour, DEMO_PROSPECTS)) {
			g->sum->prospects++;
		} else {
			if (dc->source == SRC_STORE || demo_rng_chance(&g->behaviour, 0.6))
				first = created + demo_rng_range(&g->behaviour, 60, 2700);
			else
				first = created +
					(int64_t)(demo_rng_exp(&g->behaviour) * 20 * 86400);
			if (first < g->end)
				demo_heap_push(g, first, (uint32_t)k);
		}
		g->sum->customers++;
		rc = demo_batch_tick(g, 1, "customers", k + 1, (double)(k + 1) / (double)n, e);
	}
	g->n_cust = (size_t)n;
	free(mass);
	demo_people_release(&p);
	return rc;
}
