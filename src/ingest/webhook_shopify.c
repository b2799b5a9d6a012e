/* webhook_shopify.c: a Shopify order webhook (orders/create, orders/updated,
 * orders/paid, orders/cancelled) into an order with its customer and
 * products, mapped as the Shopify CSV importer maps the same order (ids,
 * money, status: see webhook.h), so an order that came by file and then by
 * webhook is one order. Refunds are not read from webhooks yet. */
#include "core/datetime.h"
#include "core/utf8.h"
#include "ingest/normalize.h"
#include "ingest/webhook.h"

#include <strings.h>

static status shape_err(bool *shape, err *e, const char *path, const char *what)
{
	*shape = true;
	return err_set(e, E_INVAL, "%s: %s", path, what);
}

/* A string member; numbers are given as their text (ids, prices). NULL
 * when absent, null or empty. */
static const char *text(arena *a, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		return *json_string_value(v) ? json_string_value(v) : NULL;
	if (json_is_integer(v))
		return arena_printf(a, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	if (json_is_real(v))
		return arena_printf(a, "%.6f", json_real_value(v));
	return NULL;
}

static status money(arena *a, const json_t *o, const char *key, const char *path, int decimals,
		    int64_t *out, bool *shape, err *e)
{
	const char *s = text(a, o, key);
	const json_t *v = json_object_get(o, key);
	err pe;

	*out = 0;
	if (!s) {
		if (v && !json_is_null(v) && !json_is_string(v))
			return shape_err(shape, e, path, "must be a decimal amount");
		return E_OK;
	}
	err_clear(&pe);
	if (parse_money(s, strlen(s), decimals, false, out, &pe))
		return err_set(e, E_INVAL, "%s: %s", path, pe.msg);
	return E_OK;
}

static const char *order_status(const char *financial, bool cancelled)
{
	static const struct {
		const char *financial, *status;
	} map[] = {
		{"paid", "completed"},	       {"partially_refunded", "completed"},
		{"refunded", "refunded"},      {"voided", "cancelled"},
		{"pending", "pending"},	       {"authorized", "pending"},
		{"partially_paid", "pending"},
	};

	if (cancelled)
		return "cancelled";
	for (size_t i = 0; financial && i < ARRAY_SIZE(map); i++) {
		if (strcasecmp(financial, map[i].financial) == 0)
			return map[i].status;
	}
	return "completed";
}

static status build_customer(store *st, arena *a, const json_t *j, const char *region, int64_t *id,
			     err *e)
{
	const json_t *cu = json_object_get(j, "customer"),
		     *bill = json_object_get(j, "billing_address");
	const char *cid = NULL, *email, *phone, *first = NULL, *last = NULL, *name = NULL;
	customer c;
	status rc;

	*id = 0;
	if (!json_is_object(bill))
		bill = NULL;
	if (json_is_object(cu)) {
		cid = text(a, cu, "id");
		first = text(a, cu, "first_name");
		last = text(a, cu, "last_name");
	} else {
		cu = NULL;
	}
	email = cu && text(a, cu, "email") ? text(a, cu, "email") : text(a, j, "email");
	phone = cu && text(a, cu, "phone") ? text(a, cu, "phone") : text(a, j, "phone");
	if (!phone && bill)
		phone = text(a, bill, "phone");
	if (first || last)
		name = arena_printf(a, "%s%s%s", first ? first : "", first && last ? " " : "",
				    last ? last : "");
	else if (bill)
		name = text(a, bill, "name");
	if (!cid && !email && !phone)
		return E_OK; /* a guest: nobody to find again */
	customer_init(&c);
	c.source = "shopify";
	c.external_id = cid ? arena_printf(a, "shopify:%s", cid) : NULL;
	c.email = email ? normalize_email(a, email, strlen(email)) : NULL;
	c.name = name ? normalize_name(a, name, strlen(name)) : NULL;
	if (phone) {
		err pe;
		const char *country = bill ? text(a, bill, "country_code") : NULL;
		err_clear(&pe);
		/* A bad phone is not worth losing the order over. */
		if (normalize_phone(a, phone, strlen(phone), country ? country : region, &c.phone,
				    &pe))
			c.phone = NULL;
	}
	if (bill) {
		const char *addr = text(a, bill, "address1"),
			   *country = text(a, bill, "country_code");
		c.address = addr;
		c.postcode = text(a, bill, "zip");
		c.city = text(a, bill, "city");
		c.region = text(a, bill, "province");
		c.country = country ? normalize_country(country) : NULL;
	}
	if (cu) {
		const char *tags = text(a, cu, "tags");
		if (tags) {
			json_t *arr = json_array();
			for (const char *p = tags; *p;) {
				size_t n = strcspn(p, ",");
				const char *t = normalize_text(a, p, n);
				if (t)
					json_array_append_new(arr, json_string(t));
				p += n + (p[n] == ',');
			}
			c.tags = json_to_arena(a, arr, NULL);
			json_decref(arr);
		}
	}
	if ((rc = webhook_customer(st, a, &c, id, NULL, e)))
		err_prefix(e, "customer");
	return rc;
}

static status build_lines(store *st, arena *a, const json_t *items, const char *currency,
			  int decimals, order *o, bool *shape, err *e)
{
	size_t i;
	json_t *li;
	status rc;

	if (!items || json_is_null(items))
		return E_OK;
	if (!json_is_array(items))
		return shape_err(shape, e, "line_items", "must be an array");
	o->n_items = json_array_size(items);
	o->items = arena_zalloc(a, (o->n_items + 1) * sizeof(*o->items));
	json_array_foreach(items, i, li)
	{
		char path[48];
		const char *sku, *title;
		json_int_t qty;
		order_item *it = &o->items[i];
		product p = {0};

		if (!json_is_object(li)) {
			snprintf(path, sizeof(path), "line_items.%zu", i);
			return shape_err(shape, e, path, "must be an object");
		}
		sku = text(a, li, "sku");
		title = text(a, li, "title");
		if (!title)
			title = text(a, li, "name");
		snprintf(path, sizeof(path), "line_items.%zu.quantity", i);
		if (!json_is_integer(json_object_get(li, "quantity")))
			return shape_err(shape, e, path, "must be an integer");
		qty = json_integer_value(json_object_get(li, "quantity"));
		if (qty <= 0)
			return err_set(e, E_INVAL, "%s: must be above 0", path);
		snprintf(path, sizeof(path), "line_items.%zu.price", i);
		if ((rc = money(a, li, "price", path, decimals, &it->unit_price, shape, e)))
			return rc;
		/* The importer's product key: the SKU, else the title. */
		if (sku) {
			p.sku = normalize_text(a, sku, strlen(sku));
		} else if (title) {
			size_t n = utf8_truncate(title, strlen(title), 95);
			p.sku = arena_printf(a, "name:%.*s", (int)n, title);
		} else {
			snprintf(path, sizeof(path), "line_items.%zu.sku", i);
			return err_set(e, E_INVAL, "%s: a line needs a sku or a title", path);
		}
		p.name = title ? normalize_name(a, title, strlen(title)) : NULL;
		p.price = it->unit_price;
		p.currency = currency;
		if ((rc = product_validate(&p, e)) || (rc = product_save(st, &p, NULL, e))) {
			err_prefix(e, "line_items.%zu", i);
			return rc;
		}
		it->line_no = (int)i + 1;
		it->product_id = p.id;
		it->qty = qty;
	}
	return E_OK;
}

/* The shipping total: total_shipping_price_set.shop_money.amount, else the
 * sum of shipping_lines[].price. */
static status shipping(arena *a, const json_t *j, int decimals, int64_t *out, bool *shape, err *e)
{
	const json_t *set =
		json_object_get(json_object_get(j, "total_shipping_price_set"), "shop_money");
	const json_t *lines = json_object_get(j, "shipping_lines");
	size_t i;
	json_t *l;
	status rc;

	*out = 0;
	if (json_is_object(set))
		return money(a, set, "amount", "total_shipping_price_set", decimals, out, shape, e);
	if (!json_is_array(lines))
		return E_OK;
	json_array_foreach(lines, i, l)
	{
		int64_t v;
		if ((rc = money(a, l, "price", "shipping_lines.price", decimals, &v, shape, e)))
			return rc;
		*out += v;
	}
	return E_OK;
}

status webhook_shopify_build(store *st, arena *a, const json_t *j, const char *region, order *o,
			     bool *shape, err *e)
{
	const char *name, *currency, *created, *financial, *fulfillment, *id, *source;
	int64_t subtotal_after, discounts;
	json_t *attrs;
	int decimals;
	err pe;
	status rc;

	*shape = false;
	memset(o, 0, sizeof(*o));
	if (!json_is_object(j))
		return shape_err(shape, e, "body", "must be a JSON object");
	name = text(a, j, "name");
	currency = text(a, j, "currency");
	created = text(a, j, "created_at");
	if (!name)
		return shape_err(shape, e, "name", "is required (the order's name, e.g. #1001)");
	if (!currency)
		return shape_err(shape, e, "currency", "is required");
	if (!created)
		return shape_err(shape, e, "created_at", "is required");
	decimals = currency_decimals(currency);
	o->external_id = arena_printf(a, "shopify:%s", name);
	o->currency = currency;
	err_clear(&pe);
	if (datetime_parse(created, strlen(created), DATE_YMD, &o->placed_at, &pe))
		return err_set(e, E_INVAL, "created_at: %s", pe.msg);
	if ((rc = money(a, j, "subtotal_price", "subtotal_price", decimals, &subtotal_after, shape,
			e)) ||
	    (rc = money(a, j, "total_discounts", "total_discounts", decimals, &discounts, shape,
			e)) ||
	    (rc = money(a, j, "total_tax", "total_tax", decimals, &o->tax, shape, e)) ||
	    (rc = money(a, j, "total_price", "total_price", decimals, &o->total, shape, e)) ||
	    (rc = shipping(a, j, decimals, &o->shipping, shape, e)))
		return rc;
	/* Shopify's subtotal is after discounts; ours is before. */
	o->subtotal = subtotal_after + discounts;
	o->discount = discounts;
	financial = text(a, j, "financial_status");
	fulfillment = text(a, j, "fulfillment_status");
	o->status = order_status(financial, text(a, j, "cancelled_at") != NULL);
	source = text(a, j, "source_name");
	o->channel = source && strcasecmp(source, "pos") == 0 ? "store" : "web";
	id = text(a, j, "id");
	attrs = json_object();
	if (id)
		json_object_set_new(attrs, "shopify_id", json_string(id));
	if (financial)
		json_object_set_new(attrs, "financial_status", json_string(financial));
	if (fulfillment)
		json_object_set_new(attrs, "fulfillment_status", json_string(fulfillment));
	o->attributes = json_to_arena(a, attrs, NULL);
	json_decref(attrs);
	if ((rc = build_customer(st, a, j, region, &o->customer_id, e)) ||
	    (rc = build_lines(st, a, json_object_get(j, "line_items"), currency, decimals, o, shape,
			      e)))
		return rc;
	if (!o->customer_id) {
		const char *email = text(a, j, "email");
		o->guest_email = email ? normalize_email(a, email, strlen(email)) : NULL;
	}
	{
		/* Totals come from Shopify; the lines give units and costs. */
		int64_t sub = o->subtotal, total = o->total;
		order_compute_totals(o);
		o->subtotal = sub;
		o->total = total;
	}
	return order_validate(o, e);
}
