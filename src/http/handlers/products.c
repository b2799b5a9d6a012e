/* products.c: /api/products: pages, one product, create (409 when the SKU
 * is taken) and partial update. */
#include "http/handlers/handlers.h"
#include "domain/catalog_query.h"
#include "ingest/normalize.h"
#include "service/render.h"

#include <time.h>

status h_products_list(http_req *r, err *e)
{
	int64_t limit, id;
	const char *key, *category = http_query(r, "category");
	product *rows;
	size_t n;
	bool more;
	json_out *w;
	status rc;

	if ((rc = h_limit(r, &limit, e)) || (rc = h_cursor_decode(r, "p", &id, &key, e)) ||
	    (rc = product_list(r->st, category && *category ? category : NULL, id, (int)limit,
			       r->arena, &rows, &n, &more, e)))
		return rc;
	w = h_page_begin(r, "products");
	for (size_t i = 0; i < n; i++)
		render_product(w, NULL, &rows[i]);
	h_page_end(r, more ? h_cursor_encode(r->arena, "p", rows[n - 1].id, NULL) : NULL, limit);
	return E_OK;
}

static status reply_product(http_req *r, unsigned code, int64_t id, err *e)
{
	product p;
	status rc;

	if ((rc = product_load(r->st, id, r->arena, &p, e)))
		return rc;
	json_out_object(http_out(r), NULL);
	render_product(http_out(r), "product", &p);
	json_out_end(http_out(r));
	http_reply_out(r, code);
	return E_OK;
}

status h_product_get(http_req *r, err *e)
{
	int64_t id;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)))
		return rc;
	return reply_product(r, 200, id, e);
}

/* Reads the members into `p` (only those present). */
static status read_product(http_req *r, const json_t *body, product *p, bool create, err *e)
{
	static const char *const keys[] = {"sku",  "name",     "category", "price",
					   "cost", "currency", NULL};
	const char *sku, *name, *category, *currency;
	int64_t cost;
	bool has_cost, has_price;
	status rc;

	if ((rc = http_json_keys(r, body, keys, e)) ||
	    (rc = http_json_str(r, body, "sku", create, &sku, e)) ||
	    (rc = http_json_str(r, body, "name", false, &name, e)) ||
	    (rc = http_json_str(r, body, "category", false, &category, e)) ||
	    (rc = http_json_str(r, body, "currency", false, &currency, e)) ||
	    (rc = h_json_money(r, body, "price", &p->price, &has_price, e)) ||
	    (rc = h_json_money(r, body, "cost", &cost, &has_cost, e)))
		return rc;
	if (sku) {
		if (!create)
			return h_invalid(r, e, "sku",
					 "sku: the SKU identifies the product and cannot change");
		p->sku = normalize_text(r->arena, sku, strlen(sku));
		if (!p->sku)
			return h_invalid(r, e, "sku", "sku: must not be empty");
	}
	if (name)
		p->name = normalize_name(r->arena, name, strlen(name));
	if (category)
		p->category = category;
	if (currency) {
		if (strlen(currency) != 3)
			return h_invalid(r, e, "currency",
					 "currency: '%s' is not a 3-letter ISO 4217 code",
					 currency);
		p->currency = currency;
	}
	if (has_cost)
		p->cost = opt_some(cost);
	return product_validate(p, e);
}

status h_products_create(http_req *r, err *e)
{
	json_t *body;
	int64_t existing;
	product p = {0};
	status rc;

	if ((rc = http_body_json(r, &body, e)) || (rc = read_product(r, body, &p, true, e)) ||
	    (rc = product_find_sku(r->st, p.sku, &existing, e)))
		return rc;
	if (existing) {
		http_error_field(r, "sku");
		return err_set(e, E_CONFLICT, "sku: '%s' is product %" PRId64 "; PATCH it instead",
			       p.sku, existing);
	}
	if ((rc = product_save(r->st, &p, NULL, e)))
		return rc;
	http_audit(r, "product.create", arena_printf(r->arena, "product:%" PRId64, p.id), NULL);
	http_add_header(r, "Location", arena_printf(r->arena, "/api/products/%" PRId64, p.id));
	return reply_product(r, 201, p.id, e);
}

status h_product_update(http_req *r, err *e)
{
	json_t *body;
	int64_t id;
	product p;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)) || (rc = http_body_json(r, &body, e)) ||
	    (rc = product_load(r->st, id, r->arena, &p, e)) ||
	    (rc = read_product(r, body, &p, false, e)))
		return rc;
	p.updated_at = (int64_t)time(NULL);
	if ((rc = product_update(r->st, &p, e)))
		return rc;
	http_audit(r, "product.update", arena_printf(r->arena, "product:%" PRId64, id), NULL);
	return reply_product(r, 200, id, e);
}
