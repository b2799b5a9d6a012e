/* order.c: orders and order lines: validation, idempotent save, load. */
#include "domain/order.h"
#include "domain/pii.h"

#include <pthread.h>
#include <time.h>

/* New orders' lines go in CHUNK rows per INSERT: per-statement overhead is
 * most of the cost of a one-line insert. */
#define CHUNK 8
static char chunk_sql[512];
static pthread_once_t chunk_once = PTHREAD_ONCE_INIT;

static char lookup_sql[2048];
static pthread_once_t lookup_once = PTHREAD_ONCE_INIT;

static void build_lookup_sql(void)
{
	domain_lookup_sql(lookup_sql, sizeof(lookup_sql), "orders", "external_id");
}

status order_ids_by_external(store *st, const char *const *ext, size_t n, int64_t *ids, err *e)
{
	pthread_once(&lookup_once, build_lookup_sql);
	return domain_ids_by_key(st, lookup_sql, ext, n, ids, e);
}

static void build_chunk_sql(void)
{
	size_t n = (size_t)snprintf(chunk_sql, sizeof(chunk_sql),
				    "INSERT INTO order_items (order_id, line_no, product_id, qty, "
				    "unit_price, unit_cost) VALUES ");
	for (int r = 0; r < CHUNK; r++) {
		int b = r * 6;
		n += (size_t)snprintf(chunk_sql + n, sizeof(chunk_sql) - n,
				      "%s($%d, $%d, $%d, $%d, $%d, $%d)", r ? ", " : "", b + 1,
				      b + 2, b + 3, b + 4, b + 5, b + 6);
	}
}

void order_compute_totals(order *o)
{
	int64_t sub = 0, units = 0, cogs = 0;
	bool all_costed = o->n_items > 0;

	for (size_t i = 0; i < o->n_items; i++) {
		const order_item *it = &o->items[i];
		sub += it->qty * it->unit_price;
		units += it->qty;
		if (it->unit_cost.set)
			cogs += it->qty * it->unit_cost.v;
		else
			all_costed = false;
	}
	if (!o->subtotal)
		o->subtotal = sub;
	if (!o->total)
		o->total = o->subtotal - o->discount + o->shipping + o->tax;
	o->item_count = units;
	o->cogs = all_costed ? opt_some(cogs) : (opt_i64){ 0, false };
}

status order_validate(const order *o, err *e)
{
	if (!o->external_id || !*o->external_id)
		return err_set(e, E_INVAL, "external_id: missing");
	if (strlen(o->external_id) > 200)
		return err_set(e, E_INVAL, "external_id: longer than 200 bytes");
	if (!o->placed_at)
		return err_set(e, E_INVAL, "placed_at: missing");
	if (!o->currency || strlen(o->currency) != 3)
		return err_set(e, E_INVAL, "currency: '%s' is not a 3-letter ISO 4217 code",
			       o->currency ? o->currency : "");
	for (size_t i = 0; i < o->n_items; i++) {
		if (!o->items[i].product_id)
			return err_set(e, E_INVAL, "items[%zu].product: missing", i);
		if (o->items[i].unit_cost.set && o->items[i].unit_cost.v < 0)
			return err_set(e, E_INVAL, "items[%zu].unit_cost: negative", i);
	}
	return E_OK;
}

#define ORDER_FIELDS                                                                         \
	"external_id, customer_id, channel, status, placed_at, currency, subtotal, discount, " \
	"shipping, tax, total, cogs, item_count, guest_email, attributes"

/* A guest's email sealed with the store's personal-data keys (in `a`). */
static status seal_guest_email(store *st, const order *o, arena *a, const char **out, err *e)
{
	*out = NULL;
	if (!o->guest_email || !*o->guest_email)
		return E_OK;
	if (!store_keys(st))
		return err_set(e, E_INTERNAL, "no personal-data key attached to the store");
	*out = pii_seal(store_keys(st), "guest_email", o->guest_email, a);
	return E_OK;
}

/* Opens a stored (sealed) guest email in place. */
static status open_guest_email(store *st, arena *a, const char **v, err *e)
{
	if (!store_keys(st))
		return err_set(e, E_INTERNAL, "no personal-data key attached to the store");
	return pii_open(store_keys(st), "guest_email", *v, a, v, e);
}

/* Binds the header in ORDER_FIELDS order; `guest_email` is already sealed. */
static void bind_order(stmt *s, const order *o, const char *guest_email)
{
	stmt_bind_text(s, 1, o->external_id);
	stmt_bind_opt_int64(s, 2, o->customer_id, o->customer_id == 0);
	stmt_bind_text(s, 3, o->channel ? o->channel : "web");
	stmt_bind_text(s, 4, o->status ? o->status : "completed");
	stmt_bind_int64(s, 5, o->placed_at);
	stmt_bind_text(s, 6, o->currency);
	stmt_bind_int64(s, 7, o->subtotal);
	stmt_bind_int64(s, 8, o->discount);
	stmt_bind_int64(s, 9, o->shipping);
	stmt_bind_int64(s, 10, o->tax);
	stmt_bind_int64(s, 11, o->total);
	stmt_bind_opt_int64(s, 12, o->cogs.v, !o->cogs.set);
	stmt_bind_int64(s, 13, o->item_count);
	stmt_bind_text(s, 14, guest_email);
	stmt_bind_text(s, 15, o->attributes ? o->attributes : "{}");
}

static void bind_item(stmt *s, int base, const order *o, size_t i)
{
	const order_item *it = &o->items[i];

	stmt_bind_int64(s, base + 1, o->id);
	stmt_bind_int64(s, base + 2, it->line_no ? it->line_no : (int64_t)i + 1);
	stmt_bind_int64(s, base + 3, it->product_id);
	stmt_bind_int64(s, base + 4, it->qty);
	stmt_bind_int64(s, base + 5, it->unit_price);
	stmt_bind_opt_int64(s, base + 6, it->unit_cost.v, !it->unit_cost.set);
}

/* Inserts the lines of a new order, CHUNK per statement, then the rest. */
static status insert_items(store *st, const order *o, err *e)
{
	static const char *const one =
		"INSERT INTO order_items (order_id, line_no, product_id, qty, unit_price, unit_cost)"
		" VALUES ($1, $2, $3, $4, $5, $6)";
	size_t i = 0;
	status rc = E_OK;
	stmt *s;

	pthread_once(&chunk_once, build_chunk_sql);
	if (o->n_items >= CHUNK) {
		if ((rc = store_prepare(st, chunk_sql, &s, e)))
			return rc;
		for (; i + CHUNK <= o->n_items && !rc; i += CHUNK) {
			stmt_reset(s);
			for (int r = 0; r < CHUNK; r++)
				bind_item(s, r * 6, o, i + (size_t)r);
			rc = stmt_exec(s, e);
		}
		stmt_done(s);
	}
	if (rc || i == o->n_items || (rc = store_prepare(st, one, &s, e)))
		return rc;
	for (; i < o->n_items && !rc; i++) {
		stmt_reset(s);
		bind_item(s, 0, o, i);
		rc = stmt_exec(s, e);
	}
	stmt_done(s);
	return rc;
}

/* Writes lines [from, n) of a stored order (insert or replace) and deletes
 * stored lines past n. */
static status write_items(store *st, const order *o, size_t from, bool delete_tail, err *e)
{
	static const char *const upsert =
		"INSERT INTO order_items (order_id, line_no, product_id, qty, unit_price, unit_cost)"
		" VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id, line_no) DO UPDATE SET"
		" product_id = excluded.product_id, qty = excluded.qty,"
		" unit_price = excluded.unit_price, unit_cost = excluded.unit_cost";
	static const char *const trim =
		"DELETE FROM order_items WHERE order_id = $1 AND line_no > $2";
	status rc = E_OK;
	stmt *s;

	if (from < o->n_items) {
		if ((rc = store_prepare(st, upsert, &s, e)))
			return rc;
		for (size_t i = from; i < o->n_items && !rc; i++) {
			stmt_reset(s);
			bind_item(s, 0, o, i);
			rc = stmt_exec(s, e);
		}
		stmt_done(s);
	}
	if (rc || !delete_tail)
		return rc;
	if ((rc = store_prepare(st, trim, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, o->id);
	stmt_bind_int64(s, 2, (int64_t)o->n_items);
	rc = stmt_exec(s, e);
	stmt_done(s);
	return rc;
}

status order_insert(store *st, order *o, err *e)
{
	static const char *const sql =
		"INSERT INTO orders (" ORDER_FIELDS ", created_at, updated_at) VALUES ($1, $2, $3, "
		"$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id";
	const char *guest;
	status rc;
	arena a;
	stmt *s;

	arena_init(&a, 256);
	if ((rc = seal_guest_email(st, o, &a, &guest, e)) ||
	    (rc = store_prepare(st, sql, &s, e))) {
		arena_release(&a);
		return rc;
	}
	bind_order(s, o, guest);
	stmt_bind_int64(s, 16, (int64_t)time(NULL));
	if (stmt_row(s, e))
		o->id = stmt_int64(s, 0);
	rc = e->code;
	stmt_done(s);
	arena_release(&a);
	if (rc == E_CONFLICT)
		return err_set(e, rc, "external_id: an order with id '%s' exists", o->external_id);
	if (rc)
		return rc;
	return insert_items(st, o, e);
}

void order_from_row(stmt *s, arena *a, order *o)
{
	memset(o, 0, sizeof(*o));
	o->id = stmt_int64(s, 0);
	o->external_id = domain_col_str(s, 1, a);
	o->customer_id = domain_col_id(s, 2);
	o->channel = domain_col_str(s, 3, a);
	o->status = domain_col_str(s, 4, a);
	o->placed_at = stmt_int64(s, 5);
	o->currency = domain_col_str(s, 6, a);
	o->subtotal = stmt_int64(s, 7);
	o->discount = stmt_int64(s, 8);
	o->shipping = stmt_int64(s, 9);
	o->tax = stmt_int64(s, 10);
	o->total = stmt_int64(s, 11);
	if (!stmt_null(s, 12))
		o->cogs = opt_some(stmt_int64(s, 12));
	o->item_count = stmt_int64(s, 13);
	o->guest_email = domain_col_str(s, 14, a);
	o->attributes = domain_col_str(s, 15, a);
}

bool order_header_matches(stmt *s, int c, const order *o)
{
	return domain_col_id(s, c) == o->customer_id &&
	       domain_str_eq(stmt_text(s, c + 1), o->channel ? o->channel : "web") &&
	       domain_str_eq(stmt_text(s, c + 2), o->status ? o->status : "completed") &&
	       stmt_int64(s, c + 3) == o->placed_at &&
	       domain_str_eq(stmt_text(s, c + 4), o->currency) &&
	       stmt_int64(s, c + 5) == o->subtotal && stmt_int64(s, c + 6) == o->discount &&
	       stmt_int64(s, c + 7) == o->shipping && stmt_int64(s, c + 8) == o->tax &&
	       stmt_int64(s, c + 9) == o->total && stmt_null(s, c + 10) == !o->cogs.set &&
	       (!o->cogs.set || stmt_int64(s, c + 10) == o->cogs.v) &&
	       stmt_int64(s, c + 11) == o->item_count &&
	       domain_str_eq(stmt_text(s, c + 13), o->attributes ? o->attributes : "{}");
}

bool order_item_matches(stmt *s, int c, const order_item *it)
{
	return domain_col_id(s, c) == it->product_id && stmt_int64(s, c + 1) == it->qty &&
	       stmt_int64(s, c + 2) == it->unit_price && stmt_null(s, c + 3) == !it->unit_cost.set &&
	       (!it->unit_cost.set || stmt_int64(s, c + 3) == it->unit_cost.v);
}

/* Compares the stored order `id` with `o`: header fields, then lines. Sets
 * *same_header and *first_diff (the first line index that differs, or
 * n_items when all of o's lines are stored as they are) and *stored_lines. */
static status compare_stored(store *st, const order *o, bool *same_header, size_t *first_diff,
			     int64_t *stored_lines, err *e)
{
	static const char *const head =
		"SELECT " ORDER_MATCH_COLUMNS " FROM orders WHERE id = $1";
	static const char *const lines =
		"SELECT line_no, product_id, qty, unit_price, unit_cost FROM order_items "
		"WHERE order_id = $1 ORDER BY line_no";
	status rc;
	stmt *s;
	size_t i = 0;

	*same_header = false;
	*first_diff = 0;
	*stored_lines = 0;
	if ((rc = store_prepare(st, head, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, o->id);
	if (stmt_row(s, e)) {
		*same_header = order_header_matches(s, 0, o);
		/* The stored guest email is sealed: compare what it opens to. */
		if (*same_header && (!stmt_null(s, 12) || o->guest_email)) {
			const char *stored = stmt_text(s, 12);
			arena a;
			arena_init(&a, 256);
			*same_header = open_guest_email(st, &a, &stored, e) == E_OK &&
				       domain_str_eq(stored, o->guest_email);
			arena_release(&a);
		}
	}
	rc = e->code;
	stmt_done(s);
	if (rc || (rc = store_prepare(st, lines, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, o->id);
	*first_diff = SIZE_MAX;
	while (stmt_row(s, e)) {
		(*stored_lines)++;
		if (*first_diff != SIZE_MAX)
			continue;
		if (i >= o->n_items) {
			*first_diff = o->n_items;
			continue;
		}
		const order_item *it = &o->items[i];
		bool same = stmt_int64(s, 0) == (it->line_no ? it->line_no : (int64_t)i + 1) &&
			    order_item_matches(s, 1, it);
		if (!same)
			*first_diff = i;
		i++;
	}
	if (*first_diff == SIZE_MAX)
		*first_diff = i;
	rc = e->code;
	stmt_done(s);
	return rc;
}

status order_save(store *st, order *o, save_result *res, err *e)
{
	static const char *const find = "SELECT id FROM orders WHERE external_id = $1";
	static const char *const update =
		"UPDATE orders SET (" ORDER_FIELDS ", updated_at) = ($1, $2, $3, $4, $5, $6, $7, "
		"$8, $9, $10, $11, $12, $13, $14, $15, $16) WHERE id = $17";
	bool same_header;
	size_t first_diff;
	int64_t stored_lines;
	status rc;
	stmt *s;

	o->id = 0;
	if ((rc = store_prepare(st, find, &s, e)))
		return rc;
	stmt_bind_text(s, 1, o->external_id);
	if (stmt_row(s, e))
		o->id = stmt_int64(s, 0);
	rc = e->code;
	stmt_done(s);
	if (rc)
		return rc;
	if (!o->id) {
		if (res)
			*res = SAVE_NEW;
		return order_insert(st, o, e);
	}
	if ((rc = compare_stored(st, o, &same_header, &first_diff, &stored_lines, e)))
		return rc;
	if (same_header && first_diff == o->n_items && stored_lines == (int64_t)o->n_items) {
		if (res)
			*res = SAVE_UNCHANGED;
		return E_OK;
	}
	if (!same_header) {
		const char *guest;
		arena a;
		arena_init(&a, 256);
		if ((rc = seal_guest_email(st, o, &a, &guest, e)) ||
		    (rc = store_prepare(st, update, &s, e))) {
			arena_release(&a);
			return rc;
		}
		bind_order(s, o, guest);
		stmt_bind_int64(s, 16, (int64_t)time(NULL));
		stmt_bind_int64(s, 17, o->id);
		rc = stmt_exec(s, e);
		stmt_done(s);
		arena_release(&a);
		if (rc)
			return rc;
	}
	if (res)
		*res = SAVE_UPDATED;
	return write_items(st, o, first_diff, stored_lines > (int64_t)o->n_items, e);
}

status order_load(store *st, int64_t id, arena *a, order *out, err *e)
{
	static const char *const head =
		"SELECT " ORDER_ROW_COLUMNS " FROM orders o WHERE o.id = $1";
	static const char *const lines =
		"SELECT line_no, product_id, qty, unit_price, unit_cost FROM order_items "
		"WHERE order_id = $1 ORDER BY line_no";
	size_t cap = 0;
	status rc;
	stmt *s;

	memset(out, 0, sizeof(*out));
	if ((rc = store_prepare(st, head, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	if (stmt_row(s, e))
		order_from_row(s, a, out);
	else if (e->code == E_OK)
		err_set(e, E_NOTFOUND, "no order %" PRId64, id);
	rc = e->code;
	stmt_done(s);
	if (!rc && out->guest_email)
		rc = open_guest_email(st, a, &out->guest_email, e);
	if (rc || (rc = store_prepare(st, lines, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	while (stmt_row(s, e)) {
		if (out->n_items == cap) {
			order_item *bigger;
			cap = cap ? cap * 2 : 8;
			bigger = arena_alloc(a, cap * sizeof(*bigger));
			if (out->n_items)
				memcpy(bigger, out->items, out->n_items * sizeof(*bigger));
			out->items = bigger;
		}
		order_item *it = &out->items[out->n_items++];
		it->line_no = (int)stmt_int64(s, 0);
		it->product_id = stmt_int64(s, 1);
		it->qty = stmt_int64(s, 2);
		it->unit_price = stmt_int64(s, 3);
		it->unit_cost = stmt_null(s, 4) ? (opt_i64){ 0, false } : opt_some(stmt_int64(s, 4));
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

status order_append_lines(store *st, order *fragment, arena *a, err *e)
{
	static const char *const find = "SELECT id FROM orders WHERE external_id = $1";
	int64_t id = 0;
	order whole;
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, find, &s, e)))
		return rc;
	stmt_bind_text(s, 1, fragment->external_id);
	if (stmt_row(s, e))
		id = stmt_int64(s, 0);
	rc = e->code;
	stmt_done(s);
	if (rc)
		return rc;
	if (!id)
		return order_save(st, fragment, NULL, e);
	if ((rc = order_load(st, id, a, &whole, e)))
		return rc;
	order_item *lines = arena_alloc(a, (whole.n_items + fragment->n_items) * sizeof(*lines));
	memcpy(lines, whole.items, whole.n_items * sizeof(*lines));
	memcpy(lines + whole.n_items, fragment->items, fragment->n_items * sizeof(*lines));
	whole.items = lines;
	whole.n_items += fragment->n_items;
	whole.subtotal = whole.total = 0;
	order_compute_totals(&whole);
	rc = order_save(st, &whole, NULL, e);
	fragment->id = whole.id;
	return rc;
}
