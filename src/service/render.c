/* render.c: JSON shapes of the entities (see render.h). */
#include "service/render.h"

const char *render_mask_email(arena *a, const char *email)
{
	const char *at;
	size_t first = 1, n;
	char *out;

	if (!email || !*email)
		return email;
	at = strchr(email, '@');
	if (!at || at == email)
		return "***";
	/* The first character may take several bytes (UTF-8): keep it whole. */
	while (email + first < at && ((unsigned char)email[first] & 0xC0) == 0x80)
		first++;
	n = strlen(at);
	out = arena_alloc(a, first + 3 + n + 1);
	memcpy(out, email, first);
	memcpy(out + first, "***", 3);
	memcpy(out + first + 3, at, n + 1);
	return out;
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

static void private_str(json_out *w, const char *key, const char *s, bool pii)
{
	json_out_string(w, key, pii ? s : NULL);
}

static void consent(json_out *w, const char *key, int v)
{
	if (v < 0)
		json_out_null(w, key);
	else
		json_out_bool(w, key, v);
}

/* A JSON column (tags, attributes): `empty` when NULL (the column's
 * default), null when masked. */
static void json_column(json_out *w, const char *key, const char *text, const char *empty,
			bool shown)
{
	if (!shown)
		json_out_null(w, key);
	else
		json_out_text(w, key, text ? text : empty);
}

void render_customer(json_out *w, const char *key, const customer *c, bool pii, arena *a)
{
	json_out_object(w, key);
	json_out_int(w, "id", c->id);
	json_out_string(w, "external_id", c->external_id);
	json_out_string(w, "name", c->name);
	json_out_string(w, "email", pii ? c->email : render_mask_email(a, c->email));
	json_out_string(w, "phone", pii ? c->phone : render_mask_phone(a, c->phone));
	private_str(w, "gender", c->gender, pii);
	private_str(w, "birth_date", c->birth_date, pii);
	private_str(w, "address", c->address, pii);
	private_str(w, "postcode", c->postcode, pii);
	json_out_string(w, "city", c->city);
	json_out_string(w, "region", c->region);
	json_out_string(w, "country", c->country);
	json_out_string(w, "source", c->source);
	json_column(w, "tags", c->tags, "[]", true);
	json_column(w, "attributes", c->attributes, "{}", pii);
	json_out_object(w, "consent");
	consent(w, "email", c->consent_email);
	consent(w, "sms", c->consent_sms);
	consent(w, "profiling", c->consent_profiling);
	json_out_end(w);
	json_out_int(w, "created_at", c->created_at);
	json_out_int(w, "updated_at", c->updated_at);
	json_out_opt_int(w, "merged_into", c->merged_into != 0, c->merged_into);
	json_out_opt_int(w, "erased_at", c->erased_at != 0, c->erased_at);
	json_out_string(w, "personal_data", pii ? "shown" : "masked");
	json_out_end(w);
}

void render_customer_row(json_out *w, const char *key, const customer_row *r, bool pii, arena *a)
{
	json_out_object(w, key);
	json_out_int(w, "id", r->id);
	json_out_string(w, "external_id", r->external_id);
	json_out_string(w, "name", r->name);
	json_out_string(w, "email", pii ? r->email : render_mask_email(a, r->email));
	json_out_string(w, "phone", pii ? r->phone : render_mask_phone(a, r->phone));
	json_out_string(w, "city", r->city);
	json_out_string(w, "country", r->country);
	json_column(w, "tags", r->tags, "[]", true);
	json_out_int(w, "created_at", r->created_at);
	json_out_bool(w, "erased", r->erased);
	json_out_int(w, "orders", r->orders);
	json_out_int(w, "revenue", r->revenue);
	json_out_opt_int(w, "last_order_at", r->last_order_at != 0, r->last_order_at);
	json_out_end(w);
}

static void line_json(json_out *w, const order_item *it, const char *sku, const char *name)
{
	json_out_object(w, NULL);
	json_out_int(w, "line_no", it->line_no);
	json_out_int(w, "product_id", it->product_id);
	json_out_int(w, "qty", it->qty);
	json_out_int(w, "unit_price", it->unit_price);
	json_out_opt_int(w, "unit_cost", it->unit_cost.set, it->unit_cost.v);
	if (sku || name) {
		json_out_string(w, "sku", sku);
		json_out_string(w, "name", name);
	}
	json_out_end(w);
}

void render_order(json_out *w, const char *key, const order *o, const order_line *lines,
		  size_t nlines, bool pii, arena *a)
{
	json_out_object(w, key);
	json_out_int(w, "id", o->id);
	json_out_string(w, "external_id", o->external_id);
	json_out_opt_int(w, "customer_id", o->customer_id != 0, o->customer_id);
	json_out_string(w, "channel", o->channel);
	json_out_string(w, "status", o->status);
	json_out_int(w, "placed_at", o->placed_at);
	json_out_string(w, "currency", o->currency);
	json_out_int(w, "subtotal", o->subtotal);
	json_out_int(w, "discount", o->discount);
	json_out_int(w, "shipping", o->shipping);
	json_out_int(w, "tax", o->tax);
	json_out_int(w, "total", o->total);
	json_out_opt_int(w, "cogs", o->cogs.set, o->cogs.v);
	json_out_int(w, "item_count", o->item_count);
	json_out_string(w, "guest_email", pii ? o->guest_email : render_mask_email(a, o->guest_email));
	json_column(w, "attributes", o->attributes, "{}", pii);
	json_out_array(w, "items");
	if (lines) {
		for (size_t i = 0; i < nlines; i++)
			if (lines[i].order_id == o->id)
				line_json(w, &lines[i].item, lines[i].sku, lines[i].product_name);
	} else {
		for (size_t i = 0; i < o->n_items; i++)
			line_json(w, &o->items[i], NULL, NULL);
	}
	json_out_end(w);
	json_out_end(w);
}

void render_return(json_out *w, const char *key, const return_record *r, bool pii)
{
	json_out_object(w, key);
	json_out_int(w, "id", r->id);
	json_out_string(w, "external_id", r->external_id);
	json_out_string(w, "kind", r->kind);
	json_out_opt_int(w, "order_id", r->order_id != 0, r->order_id);
	json_out_opt_int(w, "product_id", r->product_id != 0, r->product_id);
	json_out_int(w, "qty", r->qty);
	json_out_int(w, "amount", r->amount);
	json_out_string(w, "currency", r->currency);
	private_str(w, "reason", r->reason, pii);
	json_out_int(w, "returned_at", r->returned_at);
	json_out_end(w);
}

void render_interaction(json_out *w, const char *key, const interaction *it, bool pii)
{
	json_out_object(w, key);
	json_out_int(w, "id", it->id);
	json_out_string(w, "external_id", it->external_id);
	json_out_opt_int(w, "customer_id", it->customer_id != 0, it->customer_id);
	json_out_string(w, "channel", it->channel);
	json_out_string(w, "direction", it->direction);
	json_out_string(w, "kind", it->kind);
	json_out_string(w, "agent", it->agent);
	json_out_int(w, "occurred_at", it->occurred_at);
	private_str(w, "subject", it->subject, pii);
	private_str(w, "body", it->body, pii);
	json_column(w, "attributes", it->attributes, "{}", pii);
	json_out_end(w);
}

void render_product(json_out *w, const char *key, const product *p)
{
	json_out_object(w, key);
	json_out_int(w, "id", p->id);
	json_out_string(w, "sku", p->sku);
	json_out_string(w, "name", p->name);
	json_out_string(w, "category", p->category);
	json_out_int(w, "price", p->price);
	json_out_opt_int(w, "cost", p->cost.set, p->cost.v);
	json_out_string(w, "currency", p->currency);
	json_out_int(w, "created_at", p->created_at);
	json_out_int(w, "updated_at", p->updated_at);
	json_out_end(w);
}

void render_scores(json_out *w, const char *key, const score_value *v, size_t n)
{
	json_out_object(w, key);
	for (size_t i = 0; i < n; i++) {
		if (v[i].is_null)
			json_out_null(w, v[i].name);
		else if (v[i].is_text)
			json_out_string(w, v[i].name, v[i].s);
		else if (v[i].is_real)
			json_out_real(w, v[i].name, v[i].d);
		else
			json_out_int(w, v[i].name, v[i].i);
	}
	json_out_end(w);
}
