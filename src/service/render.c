/* render.c: JSON shapes of the entities (see render.h). */
#include "service/render.h"

const char *render_mask_email(arena *a, const char *email)
{
	const char *at;
	size_t first = 1;

	if (!email || !*email)
		return email;
	at = strchr(email, '@');
	if (!at || at == email)
		return "***";
	/* The first character may take several bytes (UTF-8): keep it whole. */
	while (email + first < at && ((unsigned char)email[first] & 0xC0) == 0x80)
		first++;
	return arena_printf(a, "%.*s***%s", (int)first, email, at);
}

const char *render_mask_phone(arena *a, const char *phone)
{
	size_t n;
	char *out;

	if (!phone || !*phone)
		return phone;
	n = strlen(phone);
	out = arena_strdup(a, phone);
	/* "+44" and the last three digits stay; short numbers lose all but
	 * the first character. */
	if (n <= 7) {
		for (size_t i = 1; i < n; i++)
			out[i] = '*';
		return out;
	}
	for (size_t i = 3; i + 3 < n; i++)
		out[i] = '*';
	return out;
}

json_t *render_json_text(const char *text)
{
	json_t *v;

	if (!text || !*text)
		return json_null();
	v = json_loads(text, JSON_DECODE_ANY, NULL);
	return v ? v : json_string(text);
}

static json_t *str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *private_str(const char *s, bool pii)
{
	return pii ? str(s) : json_null();
}

static json_t *consent(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

json_t *render_customer(const customer *c, int64_t erased_at, bool pii, arena *a)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "external_id", str(c->external_id));
	json_object_set_new(o, "name", str(c->name));
	json_object_set_new(o, "email", str(pii ? c->email : render_mask_email(a, c->email)));
	json_object_set_new(o, "phone", str(pii ? c->phone : render_mask_phone(a, c->phone)));
	json_object_set_new(o, "gender", private_str(c->gender, pii));
	json_object_set_new(o, "birth_date", private_str(c->birth_date, pii));
	json_object_set_new(o, "address", private_str(c->address, pii));
	json_object_set_new(o, "postcode", private_str(c->postcode, pii));
	json_object_set_new(o, "city", str(c->city));
	json_object_set_new(o, "region", str(c->region));
	json_object_set_new(o, "country", str(c->country));
	json_object_set_new(o, "source", str(c->source));
	json_object_set_new(o, "tags", c->tags ? render_json_text(c->tags) : json_array());
	json_object_set_new(o, "attributes",
			    pii ? (c->attributes ? render_json_text(c->attributes) : json_object())
				: json_null());
	json_object_set_new(o, "consent",
			    json_pack("{s:o, s:o, s:o}", "email", consent(c->consent_email), "sms",
				      consent(c->consent_sms), "profiling",
				      consent(c->consent_profiling)));
	json_object_set_new(o, "created_at", json_integer(c->created_at));
	json_object_set_new(o, "updated_at", json_integer(c->updated_at));
	json_object_set_new(o, "merged_into",
			    c->merged_into ? json_integer(c->merged_into) : json_null());
	json_object_set_new(o, "erased_at", erased_at ? json_integer(erased_at) : json_null());
	json_object_set_new(o, "personal_data", json_string(pii ? "shown" : "masked"));
	return o;
}

json_t *render_customer_row(const customer_row *r, bool pii, arena *a)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "external_id", str(r->external_id));
	json_object_set_new(o, "name", str(r->name));
	json_object_set_new(o, "email", str(pii ? r->email : render_mask_email(a, r->email)));
	json_object_set_new(o, "phone", str(pii ? r->phone : render_mask_phone(a, r->phone)));
	json_object_set_new(o, "city", str(r->city));
	json_object_set_new(o, "country", str(r->country));
	json_object_set_new(o, "tags", r->tags ? render_json_text(r->tags) : json_array());
	json_object_set_new(o, "created_at", json_integer(r->created_at));
	json_object_set_new(o, "erased", json_boolean(r->erased));
	json_object_set_new(o, "orders", json_integer(r->orders));
	json_object_set_new(o, "revenue", json_integer(r->revenue));
	json_object_set_new(o, "last_order_at",
			    r->last_order_at ? json_integer(r->last_order_at) : json_null());
	return o;
}

static json_t *line_json(const order_item *it, const char *sku, const char *name)
{
	json_t *o = json_pack("{s:i, s:I, s:I, s:I}", "line_no", it->line_no, "product_id",
			      (json_int_t)it->product_id, "qty", (json_int_t)it->qty, "unit_price",
			      (json_int_t)it->unit_price);

	json_object_set_new(o, "unit_cost",
			    it->unit_cost.set ? json_integer(it->unit_cost.v) : json_null());
	if (sku || name) {
		json_object_set_new(o, "sku", str(sku));
		json_object_set_new(o, "name", str(name));
	}
	return o;
}

json_t *render_order(const order *o, const order_line *lines, size_t nlines, bool pii, arena *a)
{
	json_t *j = json_object(), *items = json_array();

	json_object_set_new(j, "id", json_integer(o->id));
	json_object_set_new(j, "external_id", str(o->external_id));
	json_object_set_new(j, "customer_id",
			    o->customer_id ? json_integer(o->customer_id) : json_null());
	json_object_set_new(j, "channel", str(o->channel));
	json_object_set_new(j, "status", str(o->status));
	json_object_set_new(j, "placed_at", json_integer(o->placed_at));
	json_object_set_new(j, "currency", str(o->currency));
	json_object_set_new(j, "subtotal", json_integer(o->subtotal));
	json_object_set_new(j, "discount", json_integer(o->discount));
	json_object_set_new(j, "shipping", json_integer(o->shipping));
	json_object_set_new(j, "tax", json_integer(o->tax));
	json_object_set_new(j, "total", json_integer(o->total));
	json_object_set_new(j, "cogs", o->cogs.set ? json_integer(o->cogs.v) : json_null());
	json_object_set_new(j, "item_count", json_integer(o->item_count));
	json_object_set_new(j, "guest_email",
			    str(pii ? o->guest_email : render_mask_email(a, o->guest_email)));
	json_object_set_new(j, "attributes",
			    pii ? (o->attributes ? render_json_text(o->attributes) : json_object())
				: json_null());
	if (lines) {
		for (size_t i = 0; i < nlines; i++)
			if (lines[i].order_id == o->id)
				json_array_append_new(items, line_json(&lines[i].item, lines[i].sku,
								       lines[i].product_name));
	} else {
		for (size_t i = 0; i < o->n_items; i++)
			json_array_append_new(items, line_json(&o->items[i], NULL, NULL));
	}
	json_object_set_new(j, "items", items);
	return j;
}

json_t *render_return(const return_record *r, bool pii)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "external_id", str(r->external_id));
	json_object_set_new(o, "kind", str(r->kind));
	json_object_set_new(o, "order_id", r->order_id ? json_integer(r->order_id) : json_null());
	json_object_set_new(o, "product_id",
			    r->product_id ? json_integer(r->product_id) : json_null());
	json_object_set_new(o, "qty", json_integer(r->qty));
	json_object_set_new(o, "amount", json_integer(r->amount));
	json_object_set_new(o, "currency", str(r->currency));
	json_object_set_new(o, "reason", private_str(r->reason, pii));
	json_object_set_new(o, "returned_at", json_integer(r->returned_at));
	return o;
}

json_t *render_interaction(const interaction *it, bool pii)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(it->id));
	json_object_set_new(o, "external_id", str(it->external_id));
	json_object_set_new(o, "customer_id",
			    it->customer_id ? json_integer(it->customer_id) : json_null());
	json_object_set_new(o, "channel", str(it->channel));
	json_object_set_new(o, "direction", str(it->direction));
	json_object_set_new(o, "kind", str(it->kind));
	json_object_set_new(o, "agent", str(it->agent));
	json_object_set_new(o, "occurred_at", json_integer(it->occurred_at));
	json_object_set_new(o, "subject", private_str(it->subject, pii));
	json_object_set_new(o, "body", private_str(it->body, pii));
	json_object_set_new(
		o, "attributes",
		pii ? (it->attributes ? render_json_text(it->attributes) : json_object())
		    : json_null());
	return o;
}

json_t *render_product(const product *p)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "sku", str(p->sku));
	json_object_set_new(o, "name", str(p->name));
	json_object_set_new(o, "category", str(p->category));
	json_object_set_new(o, "price", json_integer(p->price));
	json_object_set_new(o, "cost", p->cost.set ? json_integer(p->cost.v) : json_null());
	json_object_set_new(o, "currency", str(p->currency));
	json_object_set_new(o, "created_at", json_integer(p->created_at));
	json_object_set_new(o, "updated_at", json_integer(p->updated_at));
	return o;
}

json_t *render_scores(const score_value *v, size_t n)
{
	json_t *o = json_object();

	for (size_t i = 0; i < n; i++) {
		json_t *x;
		if (v[i].is_null)
			x = json_null();
		else if (v[i].is_text)
			x = str(v[i].s);
		else if (v[i].is_real)
			x = json_real(v[i].d);
		else
			x = json_integer(v[i].i);
		json_object_set_new(o, v[i].name, x);
	}
	return o;
}
