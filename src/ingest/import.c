/* import.c: the import engine: format detection, the row loop with batched
 * transactions, identity resolution, caches, bad-row reports, summary. */
#include "ingest/format.h"
#include "ingest/stored.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/strbuf.h"
#include "core/strmap.h"
#include "core/xalloc.h"

#include <jansson.h>

#include <strings.h>
#include <sys/stat.h>
#include <time.h>

static const import_format *const formats[] = {
	&import_format_uci,
	&import_format_transactions,
	&import_format_generic_customers,
	&import_format_shopify_orders,
	&import_format_shopify_customers,
	&import_format_woo_orders,
	&import_format_woo_customers,
};

/* Deferred saves are looked up and written this many at a time. */
#define PENDING_MAX 1024

typedef struct {
	order o;
	int64_t line;
} pending_order;

typedef struct {
	return_record r;
	int64_t line;
} pending_return;

/* A customer or product whose save waits for flush_pending, and the
 * reference (see ref_new) handed out for its id. */
typedef struct {
	customer c;
	int64_t ref;
} pending_customer;

typedef struct {
	product p;
	int64_t ref;
} pending_product;

struct import_ctx {
	store *st;
	const import_options *opt;
	import_summary *sum;
	const import_format *fmt;
	void *state;
	arena batch;
	strmap customers; /* record content -> id: a record seen this run */
	strmap products;  /* sku -> id: products saved this run */
	strmap orders;    /* external id -> lines saved this run */
	strmap touched;   /* customer id (decimal) -> 1: saved once this run */
	/* Saves waiting for flush_pending (formats with defer_saves), copied
	 * into the batch arena, with the line each was read at. */
	pending_order *pend_orders;
	size_t n_pend_orders, cap_pend_orders;
	pending_return *pend_returns;
	size_t n_pend_returns, cap_pend_returns;
	strmap pend_return_ids; /* external id -> 1 for pend_returns */
	pending_customer *pend_customers;
	size_t n_pend_customers, cap_pend_customers;
	pending_product *pend_products;
	size_t n_pend_products, cap_pend_products;
	/* With defer_saves, customers and products are saved at flush_pending
	 * too; until then their ids are references: -(k + 1) for refs[k],
	 * which flush_pending fills with the real id. A reference stays valid
	 * for the whole run (formats keep ids across rows, and the caches map
	 * keys to them). */
	int64_t *refs;
	size_t n_refs, cap_refs;
	char **header;    /* header names, for messages */
	size_t n_header;
	const csv_row *cur;
	bool cur_bad;
	int64_t since_commit;
	FILE *errors;
	progress bar;
	int reported;
	bool first_is_data;
	bool whitespace; /* the file is a whitespace-separated table */
	int64_t bytes;	 /* of the file read so far */
};

void import_first_row_is_data(import_ctx *cx)
{
	cx->first_is_data = true;
}

const import_options *import_opts(import_ctx *cx)
{
	return cx->opt;
}

void *import_state_alloc(import_ctx *cx, size_t size)
{
	free(cx->state);
	cx->state = xcalloc(1, size);
	return cx->state;
}

void *import_state(import_ctx *cx)
{
	return cx->state;
}

arena *import_batch_arena(import_ctx *cx)
{
	return &cx->batch;
}

void import_count_return_document(import_ctx *cx)
{
	cx->sum->return_documents++;
}

void import_count_guest_rows(import_ctx *cx, int64_t n)
{
	cx->sum->guest_rows += n;
}

/* Trims spaces (and a BOM-free header's stray quotes are already gone). */
static const char *trimmed(const char *s, size_t *n)
{
	while (*n && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
		(*n)--;
	return s;
}

static bool name_matches(const char *col, size_t coln, const char *name, size_t namen)
{
	col = trimmed(col, &coln);
	return coln == namen && strncasecmp(col, name, namen) == 0;
}

static int find_column(const csv_row *header, const char *name, size_t n)
{
	for (size_t i = 0; i < header->n; i++) {
		if (name_matches(header->field[i], header->len[i], name, n))
			return (int)i;
	}
	return -1;
}

int import_column(import_ctx *cx, const csv_row *header, const char *names)
{
	const char *bar = strchr(names, '|');
	size_t first = bar ? (size_t)(bar - names) : strlen(names);

	/* --map COLUMN=FIELD: the user names the column of one of our fields;
	 * COLUMN may be a header name or a 1-based column number. */
	for (size_t i = 0; i < cx->opt->n_maps; i++) {
		const char *m = cx->opt->maps[i], *eq = strrchr(m, '=');
		char *end;
		long num;
		if (!eq || strlen(eq + 1) != first || strncasecmp(eq + 1, names, first) != 0)
			continue;
		num = strtol(m, &end, 10);
		if (end == eq && num >= 1)
			return num <= (long)header->n ? (int)num - 1 : -1;
		return find_column(header, m, (size_t)(eq - m));
	}
	for (const char *p = names; *p;) {
		bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		int col = find_column(header, p, len);
		if (col >= 0)
			return col;
		p += len + (bar != NULL);
	}
	return -1;
}

const char *import_field(const csv_row *row, int col, size_t *n)
{
	if (col < 0 || (size_t)col >= row->n) {
		*n = 0;
		return "";
	}
	*n = row->len[col];
	return trimmed(row->field[col], n);
}

static void open_errors(import_ctx *cx)
{
	const char *path = cx->opt->errors_path;
	char buf[sizeof(cx->sum->errors_path)];

	if (cx->errors || (path && !*path))
		return;
	if (!path) {
		snprintf(buf, sizeof(buf), "%s.errors.csv",
			 strcmp(cx->opt->path, "-") == 0 ? "stdin" : cx->opt->path);
		path = buf;
	}
	if (!(cx->errors = fopen(path, "w"))) {
		if (cx->opt->report)
			fprintf(cx->opt->report, "ecrm: cannot write %s: %s\n", path, strerror(errno));
		return;
	}
	snprintf(cx->sum->errors_path, sizeof(cx->sum->errors_path), "%s", path);
	/* line, column, reason, then the row as it was, so it can be fixed and
	 * imported again. */
	fputs("line,column,reason", cx->errors);
	for (size_t i = 0; i < cx->n_header; i++) {
		fputc(',', cx->errors);
		csv_write_field(cx->errors, cx->header[i]);
	}
	fputc('\n', cx->errors);
}

static void report_bad(import_ctx *cx, int64_t line, int col, const csv_row *row, const char *fmt,
		       va_list ap)
{
	char reason[512], colname[160] = "";
	int max = cx->opt->max_reported ? cx->opt->max_reported : 20;

	vsnprintf(reason, sizeof(reason), fmt, ap);
	if (col >= 0 && (size_t)col < cx->n_header)
		snprintf(colname, sizeof(colname), " (%s)", cx->header[col]);
	cx->sum->rows_failed++;
	if (cx->opt->report && cx->reported < max)
		fprintf(cx->opt->report, "%s:%" PRId64 ":%d%s: %s\n", cx->opt->path, line,
			col >= 0 ? col + 1 : 0, colname, reason);
	cx->reported++;
	open_errors(cx);
	if (!cx->errors)
		return;
	fprintf(cx->errors, "%" PRId64 ",%d,", line, col >= 0 ? col + 1 : 0);
	csv_write_field(cx->errors, reason);
	for (size_t i = 0; row && i < row->n; i++) {
		fputc(',', cx->errors);
		csv_write_field(cx->errors, row->field[i]);
	}
	fputc('\n', cx->errors);
}

status import_bad(import_ctx *cx, int col, const char *fmt, ...)
{
	va_list ap;

	if (cx->cur_bad)
		return E_INVAL; /* one report per row */
	cx->cur_bad = true;
	va_start(ap, fmt);
	report_bad(cx, cx->cur ? cx->cur->line : 0, col, cx->cur, fmt, ap);
	va_end(ap);
	return E_INVAL;
}

status import_bad_at(import_ctx *cx, int64_t line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_bad(cx, line, col, NULL, fmt, ap);
	va_end(ap);
	return E_INVAL;
}

status import_time(import_ctx *cx, const char *s, size_t n, int64_t *out, err *e)
{
	if (cx->opt->date_format)
		return datetime_parse_format(s, n, cx->opt->date_format, out, e);
	return datetime_parse(s, n, cx->opt->date_order, out, e);
}

/* The content of a customer record, to recognise one seen before this run. */
static void record_key(const customer *c, strbuf *sb)
{
	const char *f[] = { c->external_id, c->name,    c->email,   c->phone,      c->gender,
			    c->birth_date,  c->address, c->postcode, c->city,     c->region,
			    c->country,     c->tags,    c->attributes };
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		strbuf_adds(sb, f[i] ? f[i] : "");
		strbuf_addc(sb, '\x1f');
	}
	/* created_at is left out: formats pass the date of the row, and one
	 * customer's rows would otherwise never hit the cache. The first row
	 * seen gives the date (files are mostly in time order). */
	strbuf_addf(sb, "%d%d%d", c->consent_email, c->consent_sms, c->consent_profiling);
}

static status flush_pending(import_ctx *cx, err *e);
static int64_t ref_new(import_ctx *cx);

static const char *copy_str(arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

/* Keeps a copy of `c` (strings in the batch arena) for flush_customers. */
static int64_t defer_customer(import_ctx *cx, const customer *c)
{
	arena *a = &cx->batch;
	pending_customer *p;

	cx->pend_customers = xgrow(cx->pend_customers, &cx->cap_pend_customers,
				   cx->n_pend_customers + 1, sizeof(*cx->pend_customers));
	p = &cx->pend_customers[cx->n_pend_customers++];
	p->c = *c;
	const char **str[] = { &p->c.external_id, &p->c.name,	  &p->c.email,	 &p->c.phone,
			       &p->c.gender,	  &p->c.birth_date, &p->c.address, &p->c.postcode,
			       &p->c.city,	  &p->c.region,	    &p->c.country, &p->c.source,
			       &p->c.tags,	  &p->c.attributes };
	for (size_t i = 0; i < ARRAY_SIZE(str); i++)
		*str[i] = copy_str(a, *str[i]);
	p->ref = ref_new(cx);
	return p->ref;
}

static bool given(const char *s)
{
	return s && *s;
}

status import_customer(import_ctx *cx, customer *c, int64_t *id, err *e)
{
	static const customer_key keys[] = { CUSTOMER_BY_EXTERNAL_ID, CUSTOMER_BY_EMAIL,
					     CUSTOMER_BY_PHONE };
	const char *values[] = { c->external_id, c->email, c->phone };
	strbuf key = STRBUF_INIT;
	int64_t found = 0;
	status rc = E_OK;
	customer stored;

	record_key(c, &key);
	if (strmap_get(&cx->customers, key.buf, key.len, id))
		goto out;
	if ((rc = customer_validate(c, e)))
		goto out;
	/* Known by its shop id alone: saved with the chunk's other deferred
	 * saves, its stored record read with theirs (flush_customers). */
	if (cx->fmt->defer_saves && given(c->external_id) && !given(c->email) &&
	    !given(c->phone)) {
		*id = defer_customer(cx, c);
		strmap_put(&cx->customers, key.buf, key.len, *id);
		if (cx->n_pend_customers >= PENDING_MAX)
			rc = flush_pending(cx, e);
		goto out;
	}
	/* A deferred customer may be the one this finds. */
	if ((rc = flush_pending(cx, e)))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(keys) && !found && !rc; i++)
		rc = customer_find(cx->st, keys[i], values[i], &found, e);
	if (rc)
		goto out;
	if (!found) {
		char idkey[24];
		if (!c->source)
			c->source = cx->sum->format;
		if ((rc = customer_insert(cx->st, c, e)))
			goto out;
		*id = c->id;
		strmap_put(&cx->touched, idkey,
			   (size_t)snprintf(idkey, sizeof(idkey), "%" PRId64, c->id), 1);
		cx->sum->customers_new++;
	} else if ((rc = customer_load(cx->st, found, &cx->batch, &stored, e)) == E_OK) {
		char idkey[24];
		int64_t seen = 0;
		int n = snprintf(idkey, sizeof(idkey), "%" PRId64, found);
		/* The first record of a customer in a run replaces; later ones in
		 * the same run (another order with another country, say) only
		 * fill gaps, so importing the file again finds nothing to change. */
		overlay_mode mode = strmap_get(&cx->touched, idkey, (size_t)n, &seen) ? OVERLAY_FILL
											: OVERLAY_REPLACE;
		strmap_put(&cx->touched, idkey, (size_t)n, 1);
		*id = found;
		if (customer_overlay(&stored, c, mode, &cx->batch)) {
			stored.updated_at = (int64_t)time(NULL);
			rc = customer_update(cx->st, &stored, e);
			cx->sum->customers_updated++;
		} else {
			cx->sum->customers_unchanged++;
		}
	}
	if (rc == E_OK)
		strmap_put(&cx->customers, key.buf, key.len, *id);
out:
	strbuf_release(&key);
	return rc;
}

status import_product(import_ctx *cx, product *p, int64_t *id, err *e)
{
	save_result r;
	status rc;

	if (p->sku && strmap_get(&cx->products, p->sku, strlen(p->sku), id))
		return E_OK;
	if ((rc = product_validate(p, e)))
		return rc;
	if (cx->fmt->defer_saves) {
		pending_product *pp;
		cx->pend_products = xgrow(cx->pend_products, &cx->cap_pend_products,
					  cx->n_pend_products + 1, sizeof(*cx->pend_products));
		pp = &cx->pend_products[cx->n_pend_products++];
		pp->p = *p;
		pp->p.sku = copy_str(&cx->batch, p->sku);
		pp->p.name = copy_str(&cx->batch, p->name);
		pp->p.category = copy_str(&cx->batch, p->category);
		pp->p.currency = copy_str(&cx->batch, p->currency);
		pp->ref = *id = ref_new(cx);
		strmap_put(&cx->products, p->sku, strlen(p->sku), *id);
		return cx->n_pend_products >= PENDING_MAX ? flush_pending(cx, e) : E_OK;
	}
	if ((rc = product_save(cx->st, p, &r, e)))
		return rc;
	*id = p->id;
	cx->sum->products_new += r == SAVE_NEW;
	cx->sum->products_updated += r == SAVE_UPDATED;
	strmap_put(&cx->products, p->sku, strlen(p->sku), p->id);
	return E_OK;
}

static void count_order(import_ctx *cx, const order *o, save_result r)
{
	cx->sum->orders_new += r == SAVE_NEW;
	cx->sum->orders_updated += r == SAVE_UPDATED;
	cx->sum->orders_unchanged += r == SAVE_UNCHANGED;
	cx->sum->guest_orders += o->customer_id == 0;
	cx->sum->items += (int64_t)o->n_items;
}

static void count_return(import_ctx *cx, save_result r)
{
	cx->sum->returns_new += r == SAVE_NEW;
	cx->sum->returns_updated += r == SAVE_UPDATED;
	cx->sum->returns_unchanged += r == SAVE_UNCHANGED;
}

static int64_t current_line(const import_ctx *cx)
{
	return cx->cur ? cx->cur->line : 0;
}

/* A new reference for an id that flush_pending will know. */
static int64_t ref_new(import_ctx *cx)
{
	cx->refs = xgrow(cx->refs, &cx->cap_refs, cx->n_refs + 1, sizeof(*cx->refs));
	cx->refs[cx->n_refs++] = 0;
	return -(int64_t)cx->n_refs;
}

/* The id a reference stands for once flushed (`v` itself when it is an id
 * or not flushed yet). */
static int64_t ref_id(const import_ctx *cx, int64_t v)
{
	if (v >= 0 || (size_t)(-v) > cx->n_refs || !cx->refs[-v - 1])
		return v;
	return cx->refs[-v - 1];
}

static void ref_set(import_ctx *cx, int64_t ref, int64_t id)
{
	cx->refs[-ref - 1] = id;
}

static void resolve_order_refs(const import_ctx *cx, order *o)
{
	o->customer_id = ref_id(cx, o->customer_id);
	for (size_t i = 0; i < o->n_items; i++)
		o->items[i].product_id = ref_id(cx, o->items[i].product_id);
}

static void resolve_return_refs(const import_ctx *cx, return_record *r)
{
	r->customer_id = ref_id(cx, r->customer_id);
	r->product_id = ref_id(cx, r->product_id);
	r->order_id = ref_id(cx, r->order_id);
}

/* Saves the deferred products: looked up set-based, new ones inserted
 * (together, in bulk mode), changed ones saved the usual way. */
static status flush_products(import_ctx *cx, err *e)
{
	size_t n = cx->n_pend_products;
	const product **recs;
	int64_t *ids;
	bool *same;
	status rc;

	if (!n)
		return E_OK;
	recs = xmalloc(n * sizeof(*recs));
	ids = xmalloc(n * sizeof(*ids));
	same = xmalloc(n * sizeof(*same));
	for (size_t i = 0; i < n; i++)
		recs[i] = &cx->pend_products[i].p;
	rc = stored_products(cx->st, recs, n, ids, same, e);
	for (size_t i = 0; i < n && !rc; i++) {
		product *p = &cx->pend_products[i].p;
		save_result r = SAVE_UNCHANGED;
		if (!ids[i]) {
			rc = stored_product_insert(cx->st, p, e);
			r = SAVE_NEW;
		} else if (same[i]) {
			p->id = ids[i];
		} else {
			rc = product_save(cx->st, p, &r, e);
		}
		if (rc)
			break;
		cx->sum->products_new += r == SAVE_NEW;
		cx->sum->products_updated += r == SAVE_UPDATED;
		ref_set(cx, cx->pend_products[i].ref, p->id);
	}
	free(recs);
	free(ids);
	free(same);
	cx->n_pend_products = 0;
	return rc;
}

/* The stored customer `id` for an overlay: from `loaded` (by_id: decimal
 * id -> index, -1 once written since) or else loaded now. */
static status stored_customer(import_ctx *cx, strmap *by_id, const customer *loaded, int64_t id,
			      customer *out, err *e)
{
	char key[24];
	int64_t i;

	if (strmap_get(by_id, key, (size_t)snprintf(key, sizeof(key), "%" PRId64, id), &i) &&
	    i >= 0) {
		*out = loaded[i];
		return E_OK;
	}
	return customer_load(cx->st, id, &cx->batch, out, e);
}

/* Saves the deferred customers (each keyed by its external id only) in the
 * order met, as import_customer would have at once: the stored ones are
 * read set-based; a merged one is followed with customer_find. */
static status flush_customers(import_ctx *cx, err *e)
{
	size_t n = cx->n_pend_customers, k = 0;
	const char **keys;
	customer *loaded;
	bool *found;
	strmap by_ext, by_id;
	status rc;

	if (!n)
		return E_OK;
	keys = xmalloc(n * sizeof(*keys));
	loaded = xmalloc(n * sizeof(*loaded));
	found = xmalloc(n * sizeof(*found));
	strmap_init(&by_ext, 0);
	strmap_init(&by_id, 0);
	for (size_t i = 0; i < n; i++) {
		const char *ext = cx->pend_customers[i].c.external_id;
		int64_t dup;
		if (!strmap_get(&by_ext, ext, strlen(ext), &dup)) {
			strmap_put(&by_ext, ext, strlen(ext), 0);
			keys[k++] = ext;
		}
	}
	rc = stored_customers(cx->st, keys, k, &cx->batch, loaded, found, e);
	/* by_ext: external id -> the customer it resolves to (0: none yet). */
	for (size_t i = 0; i < k && !rc; i++) {
		int64_t id = 0;
		char idkey[24];
		if (!found[i])
			continue;
		if (loaded[i].merged_into) {
			rc = customer_find(cx->st, CUSTOMER_BY_EXTERNAL_ID, keys[i], &id, e);
		} else {
			id = loaded[i].id;
			strmap_put(&by_id, idkey,
				   (size_t)snprintf(idkey, sizeof(idkey), "%" PRId64, id),
				   (int64_t)i);
		}
		strmap_put(&by_ext, keys[i], strlen(keys[i]), id);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		customer *c = &cx->pend_customers[i].c;
		int64_t id = 0, seen = 0;
		char idkey[24];
		int len;
		strmap_get(&by_ext, c->external_id, strlen(c->external_id), &id);
		if (!id) {
			if (!c->source)
				c->source = cx->sum->format;
			if ((rc = customer_insert(cx->st, c, e)))
				break;
			id = c->id;
			len = snprintf(idkey, sizeof(idkey), "%" PRId64, id);
			strmap_put(&cx->touched, idkey, (size_t)len, 1);
			strmap_put(&by_ext, c->external_id, strlen(c->external_id), id);
			cx->sum->customers_new++;
		} else {
			customer stored;
			if ((rc = stored_customer(cx, &by_id, loaded, id, &stored, e)))
				break;
			len = snprintf(idkey, sizeof(idkey), "%" PRId64, id);
			/* As import_customer: the first record of a customer in a
			 * run replaces, later ones only fill gaps. */
			overlay_mode mode = strmap_get(&cx->touched, idkey, (size_t)len, &seen)
						    ? OVERLAY_FILL
						    : OVERLAY_REPLACE;
			strmap_put(&cx->touched, idkey, (size_t)len, 1);
			if (customer_overlay(&stored, c, mode, &cx->batch)) {
				stored.updated_at = (int64_t)time(NULL);
				if ((rc = customer_update(cx->st, &stored, e)))
					break;
				/* Written: read it again if met again. */
				strmap_put(&by_id, idkey, (size_t)len, -1);
				cx->sum->customers_updated++;
			} else {
				cx->sum->customers_unchanged++;
			}
		}
		ref_set(cx, cx->pend_customers[i].ref, id);
	}
	strmap_release(&by_ext);
	strmap_release(&by_id);
	free(keys);
	free(loaded);
	free(found);
	cx->n_pend_customers = 0;
	return rc;
}

/* Saves the deferred orders, then the deferred returns: what the store
 * holds of them is read set-based (stored.h); new ones are inserted (which
 * the store may send together in bulk mode), changed ones saved the usual
 * way, unchanged ones only counted. A row the store refuses (E_INVAL) is
 * reported at the line it was read at, as when saved at once. */
static status flush_pending(import_ctx *cx, err *e)
{
	size_t n = cx->n_pend_orders > cx->n_pend_returns ? cx->n_pend_orders : cx->n_pend_returns;
	const void **recs;
	int64_t *ids;
	bool *same;
	status rc;

	if ((rc = flush_products(cx, e)) || (rc = flush_customers(cx, e))) {
		/* Not a bad row: the references handed out for the chunk's
		 * customers and products are not all resolved, so the import
		 * stops (E_INVAL would let the format report a row and go on). */
		if (rc == E_INVAL)
			rc = e->code = E_DB;
		return rc;
	}
	if (!n)
		return E_OK;
	for (size_t i = 0; i < cx->n_pend_orders; i++)
		resolve_order_refs(cx, &cx->pend_orders[i].o);
	for (size_t i = 0; i < cx->n_pend_returns; i++)
		resolve_return_refs(cx, &cx->pend_returns[i].r);
	recs = xmalloc(n * sizeof(*recs));
	ids = xmalloc(n * sizeof(*ids));
	same = xmalloc(n * sizeof(*same));
	for (size_t i = 0; i < cx->n_pend_orders; i++)
		recs[i] = &cx->pend_orders[i].o;
	if (cx->n_pend_orders)
		rc = stored_orders(cx->st, (const order *const *)recs, cx->n_pend_orders, ids, same,
				   e);
	for (size_t i = 0; i < cx->n_pend_orders && !rc; i++) {
		order *o = &cx->pend_orders[i].o;
		save_result r = SAVE_NEW;
		if (same[i]) {
			o->id = ids[i];
			r = SAVE_UNCHANGED;
		} else {
			rc = ids[i] ? order_save(cx->st, o, &r, e) : order_insert(cx->st, o, e);
		}
		if (rc == E_INVAL) {
			import_bad_at(cx, cx->pend_orders[i].line, -1, "order %s: %s",
				      o->external_id, e->msg);
			/* Not saved: a later fragment of it is saved as new. */
			strmap_put(&cx->orders, o->external_id, strlen(o->external_id), 0);
			rc = E_OK;
		} else if (rc == E_OK) {
			count_order(cx, o, r);
		}
	}
	for (size_t i = 0; i < cx->n_pend_returns && !rc; i++)
		recs[i] = &cx->pend_returns[i].r;
	if (!rc && cx->n_pend_returns)
		rc = stored_returns(cx->st, (const return_record *const *)recs, cx->n_pend_returns,
				    ids, same, e);
	for (size_t i = 0; i < cx->n_pend_returns && !rc; i++) {
		return_record *r = &cx->pend_returns[i].r;
		save_result res = SAVE_NEW;
		if (same[i]) {
			r->id = ids[i];
			res = SAVE_UNCHANGED;
		} else {
			rc = ids[i] ? return_save(cx->st, r, &res, e) : return_insert(cx->st, r, e);
		}
		if (rc == E_INVAL) {
			import_bad_at(cx, cx->pend_returns[i].line, -1, "%s", e->msg);
			rc = E_OK;
		} else if (rc == E_OK) {
			count_return(cx, res);
		}
	}
	free(recs);
	free(ids);
	free(same);
	cx->n_pend_orders = cx->n_pend_returns = 0;
	strmap_clear(&cx->pend_return_ids);
	/* The store may write the chunk while the next one is read. */
	if (rc == E_OK)
		rc = store_bulk_send(cx->st, e);
	return rc;
}

/* Keeps a copy of `o` (strings and lines in the batch arena) for later. */
static void defer_order(import_ctx *cx, const order *o)
{
	arena *a = &cx->batch;
	pending_order *p;

	cx->pend_orders = xgrow(cx->pend_orders, &cx->cap_pend_orders, cx->n_pend_orders + 1,
				sizeof(*cx->pend_orders));
	p = &cx->pend_orders[cx->n_pend_orders++];
	p->o = *o;
	p->line = current_line(cx);
	p->o.external_id = copy_str(a, o->external_id);
	p->o.channel = copy_str(a, o->channel);
	p->o.status = copy_str(a, o->status);
	p->o.currency = copy_str(a, o->currency);
	p->o.guest_email = copy_str(a, o->guest_email);
	p->o.attributes = copy_str(a, o->attributes);
	p->o.items = NULL;
	if (o->n_items) {
		p->o.items = arena_alloc(a, o->n_items * sizeof(*o->items));
		memcpy(p->o.items, o->items, o->n_items * sizeof(*o->items));
	}
}

status import_order(import_ctx *cx, order *o, err *e)
{
	size_t idlen = o->external_id ? strlen(o->external_id) : 0;
	int64_t earlier = 0;
	bool seen;
	save_result r;
	status rc;

	if ((rc = order_validate(o, e)))
		return rc;
	seen = strmap_get(&cx->orders, o->external_id, idlen, &earlier);
	if (cx->fmt->defer_saves && !seen) {
		defer_order(cx, o);
		strmap_put(&cx->orders, o->external_id, idlen, (int64_t)o->n_items);
		return cx->n_pend_orders >= PENDING_MAX ? flush_pending(cx, e) : E_OK;
	}
	/* What follows may read what is waiting (the same order met again). */
	if ((rc = flush_pending(cx, e)))
		return rc;
	resolve_order_refs(cx, o);
	seen = strmap_get(&cx->orders, o->external_id, idlen, &earlier);
	/* An order met again further down the file (its lines not together)
	 * gets these lines added after the ones saved before. */
	if (seen && earlier > 0) {
		for (size_t i = 0; i < o->n_items; i++)
			o->items[i].line_no = (int)earlier + (int)i + 1;
		rc = order_append_lines(cx->st, o, &cx->batch, e);
		r = SAVE_UPDATED;
	} else {
		rc = order_save(cx->st, o, &r, e);
	}
	if (rc)
		return rc;
	strmap_put(&cx->orders, o->external_id, idlen, earlier + (int64_t)o->n_items);
	count_order(cx, o, r);
	return E_OK;
}

status import_return(import_ctx *cx, return_record *r, err *e)
{
	save_result res;
	status rc;

	if ((rc = return_validate(r, e)))
		return rc;
	if (cx->fmt->defer_saves) {
		arena *a = &cx->batch;
		size_t n = strlen(r->external_id);
		int64_t dup;
		pending_return *p;
		/* The same return twice: the first must be stored to compare. */
		if (strmap_get(&cx->pend_return_ids, r->external_id, n, &dup) &&
		    (rc = flush_pending(cx, e)))
			return rc;
		cx->pend_returns = xgrow(cx->pend_returns, &cx->cap_pend_returns,
					 cx->n_pend_returns + 1, sizeof(*cx->pend_returns));
		p = &cx->pend_returns[cx->n_pend_returns++];
		p->r = *r;
		p->line = current_line(cx);
		p->r.external_id = copy_str(a, r->external_id);
		p->r.kind = copy_str(a, r->kind);
		p->r.currency = copy_str(a, r->currency);
		p->r.reason = copy_str(a, r->reason);
		strmap_put(&cx->pend_return_ids, p->r.external_id, n, 1);
		return cx->n_pend_returns >= PENDING_MAX ? flush_pending(cx, e) : E_OK;
	}
	if ((rc = flush_pending(cx, e)))
		return rc;
	resolve_return_refs(cx, r);
	if ((rc = return_save(cx->st, r, &res, e)))
		return rc;
	count_return(cx, res);
	return E_OK;
}

static status commit_batch(import_ctx *cx, err *e)
{
	status rc;

	/* The deferred saves live in the batch arena. */
	if ((rc = flush_pending(cx, e)))
		return rc;
	cx->since_commit = 0;
	arena_clear(&cx->batch);
	/* A dry run stays in one transaction, rolled back at the end. */
	if (cx->opt->dry_run)
		return E_OK;
	if ((rc = store_commit(cx->st, e)))
		return rc;
	if (cx->opt->on_batch &&
	    (rc = cx->opt->on_batch(cx->opt->on_batch_user, cx->bytes, cx->sum, e)))
		return rc;
	if ((rc = store_begin(cx->st, e)))
		return rc;
	return E_OK;
}

static status on_row(void *user, const csv_row *row, err *e)
{
	import_ctx *cx = user;
	int64_t batch = cx->opt->batch_rows ? cx->opt->batch_rows : 20000;
	status rc;

	if (row->index == 0) {
		cx->header = xcalloc(row->n, sizeof(*cx->header));
		cx->n_header = row->n;
		for (size_t i = 0; i < row->n; i++)
			cx->header[i] = xstrdup(row->field[i]);
		if ((rc = cx->fmt->begin(cx, row, e)))
			return rc;
		if (!cx->first_is_data)
			return E_OK;
		for (size_t i = 0; i < row->n; i++) {
			free(cx->header[i]);
			cx->header[i] = xstrdup("");
		}
	}
	cx->sum->rows++;
	cx->cur = row;
	cx->cur_bad = false;
	rc = cx->fmt->row(cx, row, e);
	if (rc == E_INVAL) {
		if (!cx->cur_bad)
			import_bad(cx, -1, "%s", e->msg);
		rc = E_OK;
	}
	cx->cur = NULL;
	if (rc)
		return rc;
	progress_update(&cx->bar, row->bytes);
	cx->bytes = row->bytes;
	if (++cx->since_commit >= batch)
		return commit_batch(cx, e);
	return E_OK;
}

typedef struct {
	csv_row *out;
	arena *a;
} peek_ctx;

static status on_peek(void *user, const csv_row *row, err *e)
{
	peek_ctx *p = user;
	const char **f = arena_alloc(p->a, (row->n + 1) * sizeof(*f));
	size_t *len = arena_alloc(p->a, (row->n + 1) * sizeof(*len));

	(void)e;
	for (size_t i = 0; i < row->n; i++) {
		f[i] = arena_strndup(p->a, row->field[i], row->len[i]);
		len[i] = row->len[i];
	}
	*p->out = *row;
	p->out->field = f;
	p->out->len = len;
	return E_OK;
}

/* Reads the header row (or first row) of the file to choose the format. */
static status peek_first_row(const char *path, bool whitespace, csv_row *out, arena *a, err *e)
{
	csv_options o = { .whitespace = whitespace, .max_rows = 1 };
	peek_ctx p = { out, a };

	memset(out, 0, sizeof(*out));
	return csv_read(path, &o, on_peek, &p, e);
}

/* True when the first line has no delimiter but several space-separated
 * fields: a plain whitespace table such as CDNOW's. */
static bool looks_whitespace(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	bool ws = false;

	if (f && getline(&line, &cap, f) > 0) {
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		ws = !strpbrk(p, ",;|\"") && !strchr(p, '\t') && strchr(p, ' ');
	}
	free(line);
	if (f)
		fclose(f);
	return ws;
}

static status choose_format(import_ctx *cx, err *e)
{
	const char *want = cx->opt->format;
	csv_row header;
	arena a;
	int best = 0;
	status rc;

	if (want && *want && strcmp(want, "auto") != 0) {
		for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
			if (formats[i]->kind == cx->opt->kind && strcmp(formats[i]->name, want) == 0)
				cx->fmt = formats[i];
		}
		if (!cx->fmt)
			return err_set(e, E_INVAL, "--format: '%s' is not one of auto, %s", want,
				       import_format_names(cx->opt->kind));
		return E_OK;
	}
	if (strcmp(cx->opt->path, "-") == 0)
		return err_set(e, E_INVAL, "standard input needs --format (one of %s)",
			       import_format_names(cx->opt->kind));
	arena_init(&a, 0);
	if ((rc = peek_first_row(cx->opt->path, cx->whitespace, &header, &a, e)))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		int score;
		if (formats[i]->kind != cx->opt->kind ||
		    (cx->whitespace && !formats[i]->accepts_whitespace))
			continue;
		if ((score = formats[i]->detect(&header)) > best) {
			best = score;
			cx->fmt = formats[i];
		}
	}
	if (!cx->fmt)
		rc = err_set(e, E_INVAL,
			     "%s: the header does not look like any known %s format (%s); "
			     "give --format and --map COLUMN=FIELD",
			     cx->opt->path, cx->opt->kind == IMPORT_ORDERS ? "orders" : "customers",
			     import_format_names(cx->opt->kind));
out:
	arena_release(&a);
	return rc;
}

const char *import_format_names(import_kind kind)
{
	static char names[2][256];
	char *buf = names[kind == IMPORT_CUSTOMERS];

	if (!buf[0]) {
		strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
			if (formats[i]->kind != kind)
				continue;
			if (sb.len)
				strbuf_adds(&sb, ", ");
			strbuf_adds(&sb, formats[i]->name);
		}
		snprintf(buf, sizeof(names[0]), "%s", sb.buf);
		strbuf_release(&sb);
	}
	return buf;
}

status import_run(store *st, const import_options *opt, import_summary *sum, err *e)
{
	import_ctx cx = { .st = st, .opt = opt, .sum = sum };
	csv_options copt = { 0 };
	struct timespec t0, t1;
	struct stat sb;
	status rc;

	memset(sum, 0, sizeof(*sum));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err_clear(e);
	cx.whitespace = strcmp(opt->path, "-") != 0 && looks_whitespace(opt->path);
	if ((rc = choose_format(&cx, e)))
		return rc;
	snprintf(sum->format, sizeof(sum->format), "%s", cx.fmt->name);
	if (cx.whitespace && !cx.fmt->accepts_whitespace)
		return err_set(e, E_INVAL, "%s: fields are separated by spaces, which the %s format "
			       "does not read", opt->path, cx.fmt->name);
	copt.whitespace = cx.whitespace;
	arena_init(&cx.batch, 0);
	strmap_init(&cx.customers, 200000);
	strmap_init(&cx.products, 500000);
	strmap_init(&cx.orders, 0);
	strmap_init(&cx.touched, 0);
	strmap_init(&cx.pend_return_ids, 0);
	progress_init_opts(&cx.bar, opt->report ? opt->report : stderr, opt->path,
			   stat(opt->path, &sb) == 0 ? (int64_t)sb.st_size : 0,
			   opt->progress && opt->report, &(progress_opts){ .unit = "bytes" });
	if ((rc = store_bulk_mode(st, true, e)))
		goto out;
	if ((rc = store_begin(st, e)))
		goto bulk;
	rc = csv_read(opt->path, &copt, on_row, &cx, e);
	if (rc == E_OK && cx.header && cx.fmt->finish)
		rc = cx.fmt->finish(&cx, e);
	if (rc == E_OK)
		rc = flush_pending(&cx, e);
	if (rc == E_OK && !cx.header)
		rc = err_set(e, E_INVAL, "%s: the file is empty", opt->path);
	if (rc || opt->dry_run)
		store_rollback(st);
	else
		rc = store_commit(st, e);
	progress_finish(&cx.bar);
bulk:
	if (store_bulk_mode(st, false, &(err){ 0 }))
		log_warn("could not leave bulk mode");
out:
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sum->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (cx.errors)
		fclose(cx.errors);
	if (opt->report && cx.reported > (opt->max_reported ? opt->max_reported : 20))
		fprintf(opt->report, "... %d more bad rows: see %s\n",
			cx.reported - (opt->max_reported ? opt->max_reported : 20), sum->errors_path);
	for (size_t i = 0; i < cx.n_header; i++)
		free(cx.header[i]);
	free(cx.header);
	if (cx.state && cx.fmt->release)
		cx.fmt->release(cx.state);
	free(cx.state);
	strmap_release(&cx.customers);
	strmap_release(&cx.products);
	strmap_release(&cx.orders);
	strmap_release(&cx.touched);
	strmap_release(&cx.pend_return_ids);
	free(cx.pend_orders);
	free(cx.pend_returns);
	free(cx.pend_customers);
	free(cx.pend_products);
	free(cx.refs);
	arena_release(&cx.batch);
	return rc;
}

void import_print_summary(FILE *out, const import_summary *s, bool json)
{
	if (json) {
		const struct {
			const char *name;
			int64_t v;
		} f[] = {
			{ "rows", s->rows },
			{ "rows_failed", s->rows_failed },
			{ "customers_new", s->customers_new },
			{ "customers_updated", s->customers_updated },
			{ "customers_unchanged", s->customers_unchanged },
			{ "products_new", s->products_new },
			{ "products_updated", s->products_updated },
			{ "orders_new", s->orders_new },
			{ "orders_updated", s->orders_updated },
			{ "orders_unchanged", s->orders_unchanged },
			{ "guest_orders", s->guest_orders },
			{ "guest_rows", s->guest_rows },
			{ "items", s->items },
			{ "returns_new", s->returns_new },
			{ "returns_updated", s->returns_updated },
			{ "returns_unchanged", s->returns_unchanged },
			{ "return_documents", s->return_documents },
		};
		fprintf(out, "{\"format\":\"%s\"", s->format);
		for (size_t i = 0; i < ARRAY_SIZE(f); i++)
			fprintf(out, ",\"%s\":%" PRId64, f[i].name, f[i].v);
		fprintf(out, ",\"seconds\":%.3f", s->seconds);
		if (s->errors_path[0]) {
			json_t *path = json_string(s->errors_path);
			fputs(",\"errors_file\":", out);
			json_dumpf(path, out, JSON_ENCODE_ANY);
			json_decref(path);
		}
		fputs("}\n", out);
		return;
	}
	fprintf(out, "format        %s\n", s->format);
	fprintf(out, "rows          %" PRId64 " read, %" PRId64 " bad, in %.2f s (%.0f rows/s)\n",
		s->rows, s->rows_failed, s->seconds, s->seconds > 0 ? (double)s->rows / s->seconds : 0);
	fprintf(out, "customers     %" PRId64 " new, %" PRId64 " updated, %" PRId64 " unchanged\n",
		s->customers_new, s->customers_updated, s->customers_unchanged);
	fprintf(out, "products      %" PRId64 " new, %" PRId64 " updated\n", s->products_new,
		s->products_updated);
	fprintf(out, "orders        %" PRId64 " new, %" PRId64 " updated, %" PRId64
		     " unchanged; %" PRId64 " guest orders (%" PRId64 " rows)\n",
		s->orders_new, s->orders_updated, s->orders_unchanged, s->guest_orders,
		s->guest_rows);
	fprintf(out, "order lines   %" PRId64 "\n", s->items);
	fprintf(out, "returns       %" PRId64 " new, %" PRId64 " updated, %" PRId64
		     " unchanged, in %" PRId64 " documents\n",
		s->returns_new, s->returns_updated, s->returns_unchanged, s->return_documents);
	if (s->errors_path[0])
		fprintf(out, "bad rows      written to %s\n", s->errors_path);
}
