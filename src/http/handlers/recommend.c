/* recommend.c: recommendations and basket rules over HTTP:
 * /api/customers/:id/recommendations, /api/products/:id/similar,
 * /api/products/:id/bought-together and /api/analytics/basket. They read
 * what `ecrm analyze basket` and `ecrm analyze recommend` stored. */
#include "http/handlers/handlers.h"
#include "analytics/recs_store.h"

#include <math.h>

static json_t *product_json(const recs_product *p)
{
	return json_pack("{s:I, s:o, s:o}", "id", (json_int_t)p->id, "sku",
			 json_str_or_null(p->sku), "name", json_str_or_null(p->name));
}

static json_t *products_json(const recs_product *v, uint32_t n)
{
	json_t *a = json_array();
	for (uint32_t i = 0; i < n; i++)
		json_array_append_new(a, product_json(&v[i]));
	return a;
}

/* What a person reads: the name, else the SKU, else "#id". */
static const char *label(http_req *r, const recs_product *p)
{
	if (p->name && *p->name)
		return p->name;
	if (p->sku && *p->sku)
		return p->sku;
	return arena_printf(r->arena, "#%" PRId64, p->id);
}

/* "A, B and C" */
static const char *labels(http_req *r, const recs_product *v, uint32_t n)
{
	strbuf sb = STRBUF_INIT;
	char *s;

	for (uint32_t i = 0; i < n; i++) {
		if (i)
			strbuf_adds(&sb, i + 1 == n ? " and " : ", ");
		strbuf_adds(&sb, label(r, &v[i]));
	}
	s = arena_strdup(r->arena, sb.buf);
	strbuf_release(&sb);
	return s;
}

static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* A real query argument in [min, max]; `def` when absent; 400 otherwise. */
static status query_real(http_req *r, const char *name, double def, double min, double max,
			 double *out, err *e)
{
	const char *s = http_query(r, name);
	char *end;

	*out = def;
	if (!s)
		return E_OK;
	errno = 0;
	*out = strtod(s, &end);
	if (errno || end == s || *end || !(*out >= min && *out <= max))
		return http_bad_request(r, e, name, "%s: must be a number from %g to %g", name, min,
					max);
	return E_OK;
}

static json_t *reason_json(http_req *r, const recs_rec_row *x)
{
	json_t *o = json_pack("{s:s, s:o}", "kind", recs_reason_name(x->reason), "products",
			      products_json(x->reason_products, x->n_reason_products));
	const char *y = label(r, &x->product);

	switch (x->reason) {
	case RECS_RULE:
		json_object_set_new(o, "confidence", real_or_null(x->reason_value));
		json_object_set_new(o, "lift", real_or_null(x->reason_lift));
		json_object_set_new(
			o, "text",
			json_string(arena_printf(
				r->arena, "bought %s, often bought with %s",
				labels(r, x->reason_products, x->n_reason_products), y)));
		break;
	case RECS_SIMILAR:
		json_object_set_new(o, "similarity", real_or_null(x->reason_value));
		json_object_set_new(o, "text",
				    json_string(arena_printf(
					    r->arena, "similar to %s you bought",
					    labels(r, x->reason_products, x->n_reason_products))));
		break;
	default:
		json_object_set_new(o, "text", json_string("popular with other customers"));
		break;
	}
	return o;
}

/* The path's :id and ?limit (10 when absent, 1 to 100): what every list
 * about one customer or product takes. */
static status id_and_limit(http_req *r, int64_t *id, int64_t *limit, err *e)
{
	status rc = http_param_id(r, "id", id, e);

	return rc ? rc : http_query_int(r, "limit", 10, 1, 100, limit, e);
}

status h_customer_recommendations(http_req *r, err *e)
{
	int64_t id, limit;
	recs_rec_row *v;
	json_t *arr;
	size_t n;
	status rc;

	if ((rc = id_and_limit(r, &id, &limit, e)) || (rc = recs_customer_exists(r->st, id, e)) ||
	    (rc = recs_for_customer(r->st, r->arena, id, (size_t)limit, &v, &n, e)))
		return rc;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I, s:o, s:f, s:o}", "rank",
						     (json_int_t)v[i].rank, "product",
						     product_json(&v[i].product), "score",
						     isfinite(v[i].score) ? v[i].score : 0.0,
						     "reason", reason_json(r, &v[i])));
	http_reply_json(r, 200,
			json_pack("{s:I, s:o, s:o, s:o}", "customer_id", (json_int_t)id, "model",
				  n ? json_string(v[0].model) : json_null(), "computed_at",
				  n ? json_integer(v[0].computed_at) : json_null(),
				  "recommendations", arr));
	return E_OK;
}

status h_product_similar(http_req *r, err *e)
{
	int64_t id, limit;
	recs_product p;
	recs_similar_row *v;
	json_t *arr;
	size_t n;
	status rc;

	if ((rc = id_and_limit(r, &id, &limit, e)) ||
	    (rc = recs_product_get(r->st, r->arena, id, &p, e)) ||
	    (rc = recs_similar_list(r->st, r->arena, id, (size_t)limit, &v, &n, e)))
		return rc;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:I, s:o, s:f}", "rank", (json_int_t)v[i].rank, "product",
				       product_json(&v[i].product), "similarity", v[i].similarity));
	http_reply_json(r, 200,
			json_pack("{s:o, s:o, s:o}", "product", product_json(&p), "computed_at",
				  n ? json_integer(v[0].computed_at) : json_null(), "similar",
				  arr));
	return E_OK;
}

static json_t *rule_json(const recs_rule_row *x)
{
	return json_pack("{s:I, s:o, s:o, s:f, s:f, s:f, s:I, s:s}", "id", (json_int_t)x->id,
			 "antecedent", products_json(x->antecedent, x->n_antecedent), "consequent",
			 products_json(x->consequent, x->n_consequent), "support", x->support,
			 "confidence", x->confidence, "lift", x->lift, "count",
			 (json_int_t)x->count, "basis", x->basis);
}

status h_product_bought_together(http_req *r, err *e)
{
	int64_t id, limit;
	recs_product p;
	recs_rule_row *v;
	json_t *arr;
	size_t n;
	status rc;

	if ((rc = id_and_limit(r, &id, &limit, e)) ||
	    (rc = recs_product_get(r->st, r->arena, id, &p, e)) ||
	    (rc = recs_bought_together(r->st, r->arena, id, (size_t)limit, &v, &n, e)))
		return rc;
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		if (!v[i].n_consequent)
			continue;
		json_array_append_new(arr,
				      json_pack("{s:o, s:f, s:f, s:f, s:I, s:I}", "product",
						product_json(&v[i].consequent[0]), "confidence",
						v[i].confidence, "lift", v[i].lift, "support",
						v[i].support, "count", (json_int_t)v[i].count,
						"rule_id", (json_int_t)v[i].id));
	}
	http_reply_json(r, 200,
			json_pack("{s:o, s:o, s:o, s:o}", "product", product_json(&p), "basis",
				  n ? json_string(v[0].basis) : json_null(), "computed_at",
				  n ? json_integer(v[0].computed_at) : json_null(),
				  "bought_together", arr));
	return E_OK;
}

status h_basket_rules(http_req *r, err *e)
{
	recs_rule_filter f = { 0 };
	int64_t limit, offset, product, total;
	recs_rule_row *v;
	json_t *arr;
	size_t n;
	status rc;

	if ((rc = query_real(r, "min_lift", 0, 0, 1e12, &f.min_lift, e)) ||
	    (rc = query_real(r, "min_confidence", 0, 0, 1, &f.min_confidence, e)) ||
	    (rc = query_real(r, "min_support", 0, 0, 1, &f.min_support, e)) ||
	    (rc = http_query_int(r, "product", 0, 1, INT64_MAX, &product, e)) ||
	    (rc = http_query_int(r, "limit", 50, 1, 1000, &limit, e)) ||
	    (rc = http_query_int(r, "offset", 0, 0, INT64_MAX, &offset, e)))
		return rc;
	f.product_id = product;
	f.limit = (size_t)limit;
	f.offset = (size_t)offset;
	if ((rc = recs_rules_list(r->st, r->arena, &f, &v, &n, &total, e)))
		return rc;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, rule_json(&v[i]));
	http_reply_json(r, 200,
			json_pack("{s:I, s:I, s:I, s:o, s:o, s:o}", "total", (json_int_t)total,
				  "limit", (json_int_t)limit, "offset", (json_int_t)offset, "basis",
				  n ? json_string(v[0].basis) : json_null(), "computed_at",
				  n ? json_integer(v[0].computed_at) : json_null(), "rules", arr));
	return E_OK;
}
