/* orders.c: the demo shop's order stream: purchases taken from the event
 * queue in time order, each with its basket, totals, payment, and the
 * returns and interactions that follow it. */
#include "demo/gen.h"
#include "domain/order.h"
#include "domain/returns.h"

enum { MAX_LINES = 8 };

/* Basket sizes 1..8: mean about 3.3 lines. */
static const unsigned lines_weight[MAX_LINES] = {20, 21, 19, 14, 10, 7, 5, 4};
static const unsigned qty_weight[2][4] = {{80, 14, 4, 2}, {55, 27, 12, 6}};

typedef enum { CH_WEB, CH_STORE, CH_PHONE, CH_SOCIAL, CH__COUNT } order_channel;
static const char *const channel_name[CH__COUNT] = {"web", "store", "phone", "social"};
/* Where a customer orders, by how they came to the shop (demo_source). */
static const unsigned channel_weight[SRC__COUNT][CH__COUNT] = {
	{85, 3, 4, 8}, {35, 60, 5, 0}, {40, 3, 2, 55}, {90, 4, 4, 2}, {45, 5, 50, 0},
};

static const char *const payments[] = {
	"{\"payment\":\"card\"}",   "{\"payment\":\"paypal\"}",	    "{\"payment\":\"apple_pay\"}",
	"{\"payment\":\"alipay\"}", "{\"payment\":\"wechat_pay\"}", "{\"payment\":\"cash\"}",
};
static const unsigned payment_weight[DEMO_COUNTRIES][2][ARRAY_SIZE(payments)] = {
	/* online, in store */
	[DEMO_GB] = {{70, 20, 10, 0, 0, 0}, {80, 0, 0, 0, 0, 20}},
	[DEMO_CN] = {{5, 0, 0, 50, 45, 0}, {10, 0, 0, 40, 50, 0}},
	[DEMO_US] = {{65, 25, 10, 0, 0, 0}, {80, 0, 5, 0, 0, 15}},
};

/* Free delivery from this basket value; the charge below it (pence). */
static const int64_t free_from[DEMO_COUNTRIES] = {5000, 8000, 8000};
static const int64_t delivery[DEMO_COUNTRIES] = {399, 799, 999};

static const char *const cancel_reasons[] = {"customer request", "payment declined",
					     "out of stock"};
static const unsigned cancel_weight[] = {60, 25, 15};
/* Whole-order refunds, as indices of demo_return_reasons. */
static const int refund_reasons[] = {2, 5, 6, 7};

static const char *const rating_attrs[] = {"{\"rating\":1}", "{\"rating\":2}", "{\"rating\":3}",
					   "{\"rating\":4}", "{\"rating\":5}"};

typedef struct {
	order o;
	order_item items[MAX_LINES];
	int product[MAX_LINES]; /* catalogue indices of the lines */
	char ext[32];
	int country, tz;
} basket;

static bool in_basket(const basket *b, int p)
{
	for (size_t i = 0; i < b->o.n_items; i++) {
		if (b->product[i] == p)
			return true;
	}
	return false;
}

static void add_line(demo_gen *g, basket *b, int p, bool bulk)
{
	demo_rng *r = &g->behaviour;
	const demo_product *dp = &g->cat.items[p];
	size_t i = b->o.n_items++;
	int64_t qty;

	if (bulk) {
		qty = demo_rng_range(r, 4, 24);
	} else {
		static const int64_t q[4] = {1, 2, 3, 4};
		bool more = demo_categories[dp->category].consumable;
		qty = q[demo_rng_weighted(r, qty_weight[more], 4)];
	}
	b->product[i] = p;
	b->items[i] = (order_item){(int)i + 1, dp->id, qty, dp->price, opt_some(dp->cost)};
}

/* Fills the basket's lines: favourite product, favourite categories, the
 * market's taste, and what goes with what. */
static void fill_basket(demo_gen *g, basket *b, const demo_cust *c, size_t want)
{
	demo_rng *r = &g->behaviour;
	bool bulk = c && (c->flags & DEMO_F_WHOLESALE);
	unsigned w[DEMO_CATEGORIES];

	for (int k = 0; k < DEMO_CATEGORIES; k++)
		w[k] = demo_categories[k].market_weight[b->country];
	for (int tries = 0; b->o.n_items < want && tries < 40; tries++) {
		int cat, p;
		double u = demo_rng_uniform(r);
		if (c && b->o.n_items == 0 && u < 0.3) {
			p = c->fav;
		} else {
			if (c && u < 0.55)
				cat = c->cat1;
			else if (c && u < 0.7)
				cat = c->cat2;
			else
				cat = (int)demo_rng_weighted(r, w, DEMO_CATEGORIES);
			p = (int)demo_catalog_pick(&g->cat, r, cat);
		}
		if (in_basket(b, p))
			continue;
		add_line(g, b, p, bulk);
		p = g->cat.items[p].complement;
		if (p >= 0 && b->o.n_items < want && !in_basket(b, p) && demo_rng_chance(r, 0.5))
			add_line(g, b, p, bulk);
	}
}

/* Discount, delivery, tax and totals. */
static void price_basket(demo_gen *g, basket *b, const demo_cust *c, bool in_store)
{
	demo_rng *r = &g->behaviour;
	order *o = &b->o;
	int64_t sub = 0, net;
	int64_t day = o->placed_at / 86400 - g->start_day;
	bool sale = day >= 0 && day < g->n_days && g->season[b->country][day] > 2.2f;

	for (size_t i = 0; i < o->n_items; i++)
		sub += o->items[i].qty * o->items[i].unit_price;
	o->subtotal = sub;
	if (c && (c->flags & DEMO_F_WHOLESALE)) {
		o->discount = sub * 12 / 100; /* trade terms */
	} else if (demo_rng_chance(r, sale ? 0.45 : 0.10)) {
		static const int pct[] = {10, 15, 20, 0};
		static const unsigned pw[] = {40, 25, 20, 15};
		int k = pct[demo_rng_weighted(r, pw, 4)];
		o->discount = k ? (sub * k + 50) / 100 : (sub >= 4000 ? 500 : 0);
	}
	net = sub - o->discount;
	o->shipping = in_store || net >= free_from[b->country] ? 0 : delivery[b->country];
	o->tax = 0; /* UK and Chinese prices include VAT */
	if (c && b->country == DEMO_US)
		o->tax = (net * demo_cities[c->city].tax_bp + 5000) / 10000;
	o->total = 0;
	order_compute_totals(o);
}

static status insert_order(demo_gen *g, basket *b, err *e)
{
	status rc;

	snprintf(b->ext, sizeof(b->ext), "DEMO-O-%07" PRId64, g->orders_written + 1);
	b->o.external_id = b->ext;
	b->o.currency = "GBP";
	if (g->opt->validate && (rc = order_validate(&b->o, e)))
		return rc;
	if ((rc = order_insert(g->st, &b->o, e)))
		return rc;
	g->orders_written++;
	g->sum->orders++;
	g->sum->order_items += (int64_t)b->o.n_items;
	return E_OK;
}

static status write_return(demo_gen *g, const basket *b, const char *kind, int64_t product,
			   int64_t qty, int64_t amount, const char *reason, int64_t at, err *e)
{
	char ext[32];
	return_record rr = {0};
	status rc;

	snprintf(ext, sizeof(ext), "DEMO-R-%07" PRId64, ++g->returns_written);
	rr.external_id = ext;
	rr.kind = kind;
	rr.order_id = b->o.id;
	rr.customer_id = b->o.customer_id;
	rr.product_id = product;
	rr.qty = qty;
	rr.amount = amount;
	rr.currency = b->o.currency;
	rr.reason = reason;
	rr.returned_at = at;
	if (g->opt->validate && (rc = return_validate(&rr, e)))
		return rc;
	if ((rc = return_save(g->st, &rr, NULL, e)))
		return rc;
	g->sum->returns++;
	if (strcmp(kind, "cancellation") == 0)
		g->sum->cancellations++;
	else if (strcmp(kind, "refund") == 0)
		g->sum->refunds++;
	return E_OK;
}

/* Where a customer writes or calls from. */
static const char *inbound_channel(demo_gen *g, const demo_cust *c)
{
	static const char *const ch[] = {"chat", "email", "phone", "social"};
	static const unsigned w[2][4] = {{35, 35, 20, 10}, {40, 10, 20, 30}};
	return ch[demo_rng_weighted(&g->behaviour, w[(c->flags & DEMO_F_ZH) != 0], 4)];
}

static status say(demo_gen *g, const demo_cust *c, const basket *b, demo_text_kind text,
		  const char *channel, const char *direction, const char *kind, bool agent,
		  int64_t at, int line, int reason, const char *attrs, err *e)
{
	demo_contact k = {text,
			  channel,
			  direction,
			  kind,
			  agent ? demo_agent(g, c) : NULL,
			  attrs,
			  at,
			  b->ext,
			  g->cat.items[b->product[line]].name,
			  reason};
	return demo_contact_write(g, c, &k, e);
}

/* A complaint by an inbound channel, and sometimes the agent's call back. */
static status complain(demo_gen *g, const demo_cust *c, const basket *b, int64_t at, int line,
		       err *e)
{
	demo_rng *r = &g->behaviour;
	const char *ch = inbound_channel(g, c);
	status rc = say(g, c, b, DEMO_TXT_COMPLAINT, ch, "inbound", "complaint", true, at, line, -1,
			NULL, e);
	if (rc == E_OK && demo_rng_chance(r, 0.5))
		rc = say(g, c, b, DEMO_TXT_FOLLOW_UP, "phone", "outbound", "call", true,
			 at + demo_rng_range(r, 3600, 3 * 86400), line, -1, NULL, e);
	return rc;
}

/* Returns, cancellations and refunds of a customer's order. */
static status after_sale(demo_gen *g, const demo_cust *c, basket *b, int fate, err *e)
{
	demo_rng *r = &g->behaviour;
	int64_t t = b->o.placed_at;
	status rc = E_OK;

	if (fate == 1) {
		size_t k = demo_rng_weighted(r, cancel_weight, ARRAY_SIZE(cancel_weight));
		int64_t at = t + demo_rng_range(r, 600, 12 * 3600);
		rc = write_return(g, b, "cancellation", 0, b->o.item_count, b->o.total,
				  cancel_reasons[k], at, e);
		if (rc == E_OK && k == 0)
			rc = say(g, c, b, DEMO_TXT_CANCEL, inbound_channel(g, c), "inbound",
				 "message", true, at - 300, 0, -1, NULL, e);
		return rc;
	}
	if (fate == 2) {
		int reason = refund_reasons[demo_rng_below(r, ARRAY_SIZE(refund_reasons))];
		int64_t at = t + demo_rng_range(r, 5, 25) * 86400;
		rc = write_return(g, b, "refund", 0, b->o.item_count, b->o.total,
				  demo_return_reasons[reason].en, at, e);
		if (rc == E_OK)
			rc = complain(g, c, b, at - 86400, 0, e);
		return rc;
	}
	for (size_t i = 0; i < b->o.n_items; i++) {
		const order_item *it = &b->o.items[i];
		const demo_category *dc = &demo_categories[g->cat.items[b->product[i]].category];
		int64_t at, qty, amount;
		int reason;
		if (!demo_rng_chance(r, dc->return_permille / 1000.0))
			continue;
		at = t + demo_rng_range(r, 3, 30) * 86400 + demo_rng_range(r, 0, 86399);
		if (at >= g->end)
			break;
		reason = (int)demo_rng_weighted(r, dc->reason_weight, demo_n_return_reasons);
		qty = it->qty > 1 && demo_rng_chance(r, 0.5) ? 1 : it->qty;
		/* What was paid for it: the line's share of the order discount
		 * comes off. */
		amount = qty * it->unit_price;
		if (b->o.discount && b->o.subtotal)
			amount -= amount * b->o.discount / b->o.subtotal;
		rc = write_return(g, b, "return", it->product_id, qty, amount,
				  demo_return_reasons[reason].en, at, e);
		/* Damaged, not as described, late, wrong or faulty goods often
		 * come with a complaint; the rest with a plain request. */
		if (rc == E_OK && reason >= 2 && reason != 4 && demo_rng_chance(r, 0.5))
			rc = complain(g, c, b, at - 2 * 86400, (int)i, e);
		else if (rc == E_OK && demo_rng_chance(r, 0.6))
			rc = say(g, c, b, DEMO_TXT_RETURN,
				 demo_rng_chance(r, 0.5) ? "email" : "chat", "inbound", "message",
				 true, at - 2 * 86400, (int)i, reason, NULL, e);
		break; /* one returned line per order at most */
	}
	return rc;
}

/* Touchpoints around a purchase: visits, questions, reviews, thanks. */
static status around_sale(demo_gen *g, const demo_cust *c, basket *b, err *e)
{
	demo_rng *r = &g->behaviour;
	int64_t t = b->o.placed_at;
	int line = (int)demo_rng_below(r, b->o.n_items);
	bool zh = c->flags & DEMO_F_ZH;
	status rc = E_OK;

	if (strcmp(b->o.channel, "store") != 0 && demo_rng_chance(r, 0.07))
		rc = say(g, c, b, DEMO_TXT_WEB_VISIT, "web", "inbound", "visit", false,
			 t - demo_rng_range(r, 600, 3 * 86400), line, -1, NULL, e);
	if (!rc && strcmp(b->o.channel, "store") == 0 && demo_rng_chance(r, 0.25))
		rc = say(g, c, b, DEMO_TXT_STORE_VISIT, "store", "inbound", "visit", true,
			 t - demo_rng_range(r, 60, 1800), line, -1, NULL, e);
	if (!rc && demo_rng_chance(r, 0.08)) {
		const char *ch = inbound_channel(g, c);
		rc = say(g, c, b, DEMO_TXT_QUESTION, ch, "inbound",
			 strcmp(ch, "phone") == 0 ? "call" : "message", true,
			 t + demo_rng_range(r, 3600, 5 * 86400), line, -1, NULL, e);
	}
	if (!rc && demo_rng_chance(r, 0.012))
		rc = complain(g, c, b, t + demo_rng_range(r, 2, 12) * 86400, line, e);
	if (!rc && demo_rng_chance(r, 0.05)) {
		bool good = demo_rng_chance(r, 0.85);
		int stars = good ? (int)demo_rng_range(r, 4, 5) : (int)demo_rng_range(r, 1, 2);
		rc = say(g, c, b, good ? DEMO_TXT_REVIEW : DEMO_TXT_BAD_REVIEW,
			 demo_rng_chance(r, zh ? 0.7 : 0.4) ? "social" : "web", "inbound", "review",
			 false, t + demo_rng_range(r, 4, 20) * 86400, line, -1,
			 rating_attrs[stars - 1], e);
	}
	if (!rc && b->o.total >= 25000 && demo_rng_chance(r, 0.4))
		rc = say(g, c, b, DEMO_TXT_THANKS, "email", "outbound", "message", false,
			 t + demo_rng_range(r, 1800, 3 * 3600), line, -1, NULL, e);
	return rc;
}

static status customer_order(demo_gen *g, const demo_cust *c, int64_t t, err *e)
{
	demo_rng *r = &g->behaviour;
	const demo_city *city = &demo_cities[c->city];
	basket b;
	size_t want;
	int ch, fate = 0, local_hour;
	double u;
	status rc;

	memset(&b, 0, sizeof(b));
	b.country = city->country;
	b.tz = city->tz;
	b.o.items = b.items;
	b.o.customer_id = c->id;
	b.o.placed_at = t;
	ch = (int)demo_rng_weighted(r, channel_weight[c->source], CH__COUNT);
	local_hour = (int)(((t / 3600 + b.tz) % 24 + 24) % 24);
	if (ch == CH_STORE && (local_hour < 9 || local_hour >= 20))
		ch = CH_WEB; /* shops are closed at night */
	b.o.channel = channel_name[ch];
	want = 1 + demo_rng_weighted(r, lines_weight, MAX_LINES);
	if ((c->flags & DEMO_F_WHOLESALE) && want < 2)
		want = 2;
	fill_basket(g, &b, c, want);
	price_basket(g, &b, c, ch == CH_STORE);
	b.o.attributes = payments[demo_rng_weighted(r, payment_weight[b.country][ch == CH_STORE],
						    ARRAY_SIZE(payments))];
	/* Cancelled soon after, refunded weeks later: only when that falls
	 * inside the period, so every such order has its row in `returns`. */
	u = demo_rng_uniform(r);
	if (u < 0.010 && t + 12 * 3600 < g->end)
		fate = 1;
	else if (u < 0.016 && t + 25 * 86400 < g->end)
		fate = 2;
	b.o.status = fate == 1 ? "cancelled" : fate == 2 ? "refunded" : "completed";
	if ((rc = insert_order(g, &b, e)))
		return rc;
	if ((rc = after_sale(g, c, &b, fate, e)))
		return rc;
	return around_sale(g, c, &b, e);
}

static status guest_order(demo_gen *g, int64_t t, err *e)
{
	demo_rng *r = &g->behaviour;
	strbuf *mail = &g->scratch[3];
	basket b;

	memset(&b, 0, sizeof(b));
	b.country = DEMO_GB;
	b.o.items = b.items;
	b.o.placed_at = t;
	b.o.channel = "web";
	b.o.status = "completed";
	fill_basket(g, &b, NULL, 1 + demo_rng_weighted(r, lines_weight, 3));
	price_basket(g, &b, NULL, false);
	b.o.attributes =
		payments[demo_rng_weighted(r, payment_weight[DEMO_GB][0], ARRAY_SIZE(payments))];
	demo_guest_email(g, mail);
	b.o.guest_email = mail->buf;
	g->sum->guest_orders++;
	return insert_order(g, &b, e);
}

status demo_orders_write(demo_gen *g, err *e)
{
	/* Guests add about DEMO_GUESTS of the customers' orders (about three
	 * per customer), spread over the period. */
	double guest_rate = DEMO_GUESTS * 3.0 * (double)g->n_cust / g->n_days;
	double span = (double)(g->end - g->start);
	demo_event ev;
	status rc = E_OK;

	demo_heap_push(g, demo_next_time(g, guest_rate, DEMO_GB, 0, g->start), DEMO_GUEST);
	while (rc == E_OK && demo_heap_pop(g, &ev)) {
		int64_t next = g->end;
		if (ev.who == DEMO_GUEST) {
			rc = guest_order(g, ev.t, e);
			next = demo_next_time(g, guest_rate, DEMO_GB, 0, ev.t);
		} else {
			const demo_cust *c = &g->cust[ev.who];
			const demo_city *city = &demo_cities[c->city];
			rc = customer_order(g, c, ev.t, e);
			/* BG/NBD: after each purchase the customer may leave for good. */
			if (!demo_rng_chance(&g->behaviour, c->p_drop))
				next = demo_next_time(g, c->rate, city->country, city->tz, ev.t);
		}
		if (rc == E_OK && next < g->end)
			demo_heap_push(g, next, ev.who);
		if (rc == E_OK)
			rc = demo_batch_tick(g, 1, "orders", g->sum->orders,
					     (double)(ev.t - g->start) / span, e);
	}
	return rc;
}
