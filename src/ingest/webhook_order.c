/* webhook_order.c: our own order JSON (POST /api/orders and the generic
 * signed webhook) into an order, its customer and its products. Money is
 * integer minor units; times are Unix seconds or ISO 8601 strings. */
#include "core/datetime.h"
#include "ingest/normalize.h"
#include "ingest/webhook.h"

/* Shape errors: the member is missing or of the wrong type. */
static status shape_err(bool *shape, err *e, const char *path, const char *what)
{
	*shape = true;
	return err_set(e, E_INVAL, "%s: %s", path, what);
}

static status get_str(const json_t *o, const char *key, const char *path, bool required,
		      const char **out, bool *shape, err *e)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return required ? shape_err(shape, e, path, "is required") : E_OK;
	if (!json_is_string(v))
		return shape_err(shape, e, path, "must be a string");
	*out = json_string_value(v);
	return E_OK;
}

static status get_int(const json_t *o, const char *key, const char *path, bool required,
		      int64_t *out, bool *present, bool *shape, err *e)
{
	const json_t *v = json_object_get(o, key);

	if (present)
		*present = false;
	if (!v || json_is_null(v))
		return required ? shape_err(shape, e, path, "is required") : E_OK;
	if (!json_is_integer(v))
		return shape_err(shape, e, path, "must be an integer (minor units for money)");
	*out = json_integer_value(v);
	if (present)
		*present = true;
	return E_OK;
}

static status check_keys(const json_t *o, const char *const *allowed, const char *prefix,
			 bool *shape, err *e)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)o, k, v)
	{
		bool ok = false;
		for (size_t i = 0; allowed[i] && !ok; i++)
			ok = strcmp(allowed[i], k) == 0;
		if (!ok) {
			*shape = true;
			return err_set(e, E_INVAL, "%s%s: unknown field", prefix, k);
		}
	}
	return E_OK;
}

static status build_customer(store *st, arena *a, const json_t *j, const char *region, int64_t *id,
			     bool *shape, err *e)
{
	static const char *const keys[] = {"external_id", "name",    "email", "phone",
					   "city",	  "country", NULL};
	const char *ext, *name, *email, *phone, *city, *country;
	customer c;
	status rc;

	if (!json_is_object(j))
		return shape_err(shape, e, "customer", "must be an object");
	if ((rc = check_keys(j, keys, "customer.", shape, e)) ||
	    (rc = get_str(j, "external_id", "customer.external_id", false, &ext, shape, e)) ||
	    (rc = get_str(j, "name", "customer.name", false, &name, shape, e)) ||
	    (rc = get_str(j, "email", "customer.email", false, &email, shape, e)) ||
	    (rc = get_str(j, "phone", "customer.phone", false, &phone, shape, e)) ||
	    (rc = get_str(j, "city", "customer.city", false, &city, shape, e)) ||
	    (rc = get_str(j, "country", "customer.country", false, &country, shape, e)))
		return rc;
	customer_init(&c);
	c.source = "api";
	c.external_id = ext ? normalize_text(a, ext, strlen(ext)) : NULL;
	c.name = name ? normalize_name(a, name, strlen(name)) : NULL;
	c.email = email ? normalize_email(a, email, strlen(email)) : NULL;
	c.city = city ? normalize_text(a, city, strlen(city)) : NULL;
	if (country && *country && !(c.country = normalize_country(country)))
		return err_set(e, E_INVAL, "customer.country: '%s' is not a country", country);
	if (phone) {
		err pe;
		err_clear(&pe);
		if (normalize_phone(a, phone, strlen(phone), region, &c.phone, &pe))
			return err_set(e, E_INVAL, "customer.phone: %s", pe.msg);
	}
	if (!c.external_id && !c.email && !c.phone)
		return err_set(e, E_INVAL,
			       "customer: needs an external_id, an email or a phone to be found "
			       "again");
	if ((rc = webhook_customer(st, a, &c, id, NULL, e)))
		err_prefix(e, "customer");
	return rc;
}

static status build_item(store *st, arena *a, const json_t *j, size_t i, const char *currency,
			 order_item *it, bool *shape, err *e)
{
	static const char *const keys[] = {"sku", "product_id", "name",	     "category",
					   "qty", "unit_price", "unit_cost", NULL};
	char path[64], prefix[32];
	const char *sku, *name, *category;
	int64_t pid = 0, cost = 0;
	bool has_pid, has_cost;
	status rc;

	snprintf(prefix, sizeof(prefix), "items.%zu.", i);
	if (!json_is_object(j)) {
		snprintf(path, sizeof(path), "items.%zu", i);
		return shape_err(shape, e, path, "must be an object");
	}
	if ((rc = check_keys(j, keys, prefix, shape, e)))
		return rc;
#define P(k) (snprintf(path, sizeof(path), "%s%s", prefix, k), path)
	if ((rc = get_str(j, "sku", P("sku"), false, &sku, shape, e)) ||
	    (rc = get_str(j, "name", P("name"), false, &name, shape, e)) ||
	    (rc = get_str(j, "category", P("category"), false, &category, shape, e)) ||
	    (rc = get_int(j, "product_id", P("product_id"), false, &pid, &has_pid, shape, e)) ||
	    (rc = get_int(j, "qty", P("qty"), true, &it->qty, NULL, shape, e)) ||
	    (rc = get_int(j, "unit_price", P("unit_price"), true, &it->unit_price, NULL, shape,
			  e)) ||
	    (rc = get_int(j, "unit_cost", P("unit_cost"), false, &cost, &has_cost, shape, e)))
		return rc;
	if (it->qty <= 0)
		return err_set(e, E_INVAL, "%s: must be above 0", P("qty"));
	if (it->unit_price < 0)
		return err_set(e, E_INVAL, "%s: must not be negative", P("unit_price"));
	if (has_cost && cost < 0)
		return err_set(e, E_INVAL, "%s: must not be negative", P("unit_cost"));
	it->unit_cost = has_cost ? opt_some(cost) : (opt_i64){0, false};
	it->line_no = (int)i + 1;
	if (has_pid) {
		product p;
		if (sku)
			return err_set(e, E_INVAL, "%s: give sku or product_id, not both",
				       P("sku"));
		if ((rc = product_load(st, pid, a, &p, e))) {
			if (rc == E_NOTFOUND)
				rc = err_set(e, E_INVAL, "%s: no product %" PRId64, P("product_id"),
					     pid);
			return rc;
		}
		it->product_id = pid;
		return E_OK;
	}
	if (!sku || !*sku)
		return shape_err(shape, e, P("sku"), "is required (or product_id)");
	{
		product p = {.sku = normalize_text(a, sku, strlen(sku)),
			     .name = name ? normalize_name(a, name, strlen(name)) : NULL,
			     .category = category,
			     .price = it->unit_price,
			     .currency = currency};
		if ((rc = product_validate(&p, e)) || (rc = product_save(st, &p, NULL, e))) {
			err_prefix(e, "%s", prefix);
			return rc;
		}
		it->product_id = p.id;
	}
#undef P
	return E_OK;
}

status webhook_order_build(store *st, arena *a, const json_t *j, const char *region, order *o,
			   bool *shape, err *e)
{
	static const char *const keys[] = {"external_id", "customer_id", "customer", "channel",
					   "status",	  "placed_at",	 "currency", "subtotal",
					   "discount",	  "shipping",	 "tax",	     "total",
					   "guest_email", "attributes",	 "items",    NULL};
	const char *ext, *channel, *status_s, *currency, *guest, *when_s = NULL;
	const json_t *v, *items;
	int64_t cid = 0;
	bool has_cid, has_sub, has_total;
	status rc;

	*shape = false;
	memset(o, 0, sizeof(*o));
	if (!json_is_object(j))
		return shape_err(shape, e, "body", "must be a JSON object");
	if ((rc = check_keys(j, keys, "", shape, e)) ||
	    (rc = get_str(j, "external_id", "external_id", true, &ext, shape, e)) ||
	    (rc = get_str(j, "channel", "channel", false, &channel, shape, e)) ||
	    (rc = get_str(j, "status", "status", false, &status_s, shape, e)) ||
	    (rc = get_str(j, "currency", "currency", true, &currency, shape, e)) ||
	    (rc = get_str(j, "guest_email", "guest_email", false, &guest, shape, e)) ||
	    (rc = get_int(j, "customer_id", "customer_id", false, &cid, &has_cid, shape, e)) ||
	    (rc = get_int(j, "subtotal", "subtotal", false, &o->subtotal, &has_sub, shape, e)) ||
	    (rc = get_int(j, "discount", "discount", false, &o->discount, NULL, shape, e)) ||
	    (rc = get_int(j, "shipping", "shipping", false, &o->shipping, NULL, shape, e)) ||
	    (rc = get_int(j, "tax", "tax", false, &o->tax, NULL, shape, e)) ||
	    (rc = get_int(j, "total", "total", false, &o->total, &has_total, shape, e)))
		return rc;
	o->external_id = normalize_text(a, ext, strlen(ext));
	if (!o->external_id)
		return err_set(e, E_INVAL, "external_id: must not be empty");
	o->channel = channel;
	o->status = status_s;
	o->currency = currency;
	o->guest_email = guest ? normalize_email(a, guest, strlen(guest)) : NULL;
	if (o->subtotal < 0 || o->discount < 0 || o->shipping < 0 || o->tax < 0 || o->total < 0)
		return err_set(e, E_INVAL, "%s: must not be negative",
			       o->subtotal < 0	 ? "subtotal"
			       : o->discount < 0 ? "discount"
			       : o->shipping < 0 ? "shipping"
			       : o->tax < 0	 ? "tax"
						 : "total");
	v = json_object_get(j, "placed_at");
	if (!v || json_is_null(v))
		return shape_err(shape, e, "placed_at", "is required");
	if (json_is_integer(v)) {
		o->placed_at = json_integer_value(v);
	} else if (json_is_string(v)) {
		err pe;
		when_s = json_string_value(v);
		err_clear(&pe);
		if (datetime_parse(when_s, strlen(when_s), DATE_YMD, &o->placed_at, &pe))
			return err_set(e, E_INVAL, "placed_at: %s", pe.msg);
	} else {
		return shape_err(shape, e, "placed_at", "must be Unix seconds or an ISO 8601 time");
	}
	if (o->placed_at <= 0)
		return err_set(e, E_INVAL, "placed_at: must be after 1970");
	if ((v = json_object_get(j, "attributes")) && !json_is_null(v)) {
		if (!json_is_object(v))
			return shape_err(shape, e, "attributes", "must be an object");
		o->attributes = json_to_arena(a, v, NULL);
	}
	if (has_cid && json_object_get(j, "customer"))
		return err_set(e, E_INVAL, "customer: give customer_id or customer, not both");
	if (has_cid) {
		customer c;
		if ((rc = customer_load(st, cid, a, &c, e))) {
			if (rc == E_NOTFOUND)
				rc = err_set(e, E_INVAL, "customer_id: no customer %" PRId64, cid);
			return rc;
		}
		o->customer_id = c.merged_into ? c.merged_into : c.id;
	} else if ((v = json_object_get(j, "customer")) && !json_is_null(v)) {
		if ((rc = build_customer(st, a, v, region, &o->customer_id, shape, e)))
			return rc;
	}
	items = json_object_get(j, "items");
	if (items && !json_is_null(items)) {
		size_t i;
		json_t *it;
		if (!json_is_array(items))
			return shape_err(shape, e, "items", "must be an array");
		if (json_array_size(items) > 10000)
			return err_set(e, E_INVAL, "items: more than 10000 lines");
		o->n_items = json_array_size(items);
		o->items = arena_zalloc(a, (o->n_items + 1) * sizeof(*o->items));
		json_array_foreach(items, i, it)
		{
			if ((rc = build_item(st, a, it, i, currency, &o->items[i], shape, e)))
				return rc;
		}
	}
	if (!has_sub)
		o->subtotal = 0;
	if (!has_total)
		o->total = 0;
	order_compute_totals(o);
	return order_validate(o, e);
}
