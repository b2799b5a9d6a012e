/* import_save.c: the import engine's saves (format.h): customers
 * resolved by their keys, products by SKU, orders and returns by external
 * id. Formats with defer_saves have them kept and saved a chunk at a time
 * (import_flush): what the store holds of a chunk is read in a few
 * statements (stored.h) instead of a few round trips per record, and ids
 * not known yet are handed out as references resolved at the flush. */
#include "ingest/import_internal.h"
#include "ingest/stored.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#include <time.h>

static const char *copy_str(arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static int64_t current_line(const import_ctx *cx)
{
	return cx->cur ? cx->cur->line : 0;
}

/* A new reference for an id that import_flush will know. */
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
			rc = import_flush(cx, e);
		goto out;
	}
	/* A deferred customer may be the one this finds. */
	if ((rc = import_flush(cx, e)))
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
		return cx->n_pend_products >= PENDING_MAX ? import_flush(cx, e) : E_OK;
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
			rc = product_insert(cx->st, p, e);
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
status import_flush(import_ctx *cx, err *e)
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
		return cx->n_pend_orders >= PENDING_MAX ? import_flush(cx, e) : E_OK;
	}
	/* What follows may read what is waiting (the same order met again). */
	if ((rc = import_flush(cx, e)))
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
		    (rc = import_flush(cx, e)))
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
		return cx->n_pend_returns >= PENDING_MAX ? import_flush(cx, e) : E_OK;
	}
	if ((rc = import_flush(cx, e)))
		return rc;
	resolve_return_refs(cx, r);
	if ((rc = return_save(cx->st, r, &res, e)))
		return rc;
	count_return(cx, res);
	return E_OK;
}
