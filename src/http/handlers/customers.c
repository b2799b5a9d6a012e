/* customers.c: /api/customers: pages with filters (scores' segment, tier
 * and stage too), sorts and search, the 360 view, create, partial update,
 * tags of many customers at once, merge and unmerge, export, erasure and
 * duplicate candidates (of the shop or of one customer). Personal fields
 * are masked for roles without the personal-data permission
 * (service/render.h); a read of one customer's personal data and every
 * write go to the audit log. */
#include "http/handlers/handlers.h"
#include "http/handlers/score_filters.h"
#include "domain/customer_tags.h"
#include "domain/catalog_query.h"
#include "domain/customer.h"
#include "domain/customer_query.h"
#include "domain/customer_view.h"
#include "domain/order_query.h"
#include "ingest/duplicates.h"
#include "ingest/merge.h"
#include "ingest/normalize.h"
#include "http/server.h"
#include "service/privacy.h"
#include "service/render.h"

#include <ctype.h>
#include <time.h>

/* How many of each the 360 view shows before linking to the rest. */
#define VIEW_ORDERS	  20
#define VIEW_RETURNS	  50
#define VIEW_INTERACTIONS 50

static const char *target(http_req *r, int64_t id)
{
	return arena_printf(r->arena, "customer:%" PRId64, id);
}

static const char *region(const http_req *r)
{
	const char *reg = r->ctx->settings->phone_region;
	return reg[0] ? reg : "GB";
}

static const struct {
	const char *name;
	customer_sort sort;
	bool desc;
} sorts[] = {
	{"id", CUSTOMER_SORT_ID, false},
	{"-id", CUSTOMER_SORT_ID, true},
	{"name", CUSTOMER_SORT_NAME, false},
	{"-name", CUSTOMER_SORT_NAME, true},
	{"created_at", CUSTOMER_SORT_CREATED, false},
	{"-created_at", CUSTOMER_SORT_CREATED, true},
	{"revenue", CUSTOMER_SORT_REVENUE, false},
	{"-revenue", CUSTOMER_SORT_REVENUE, true},
	{"orders", CUSTOMER_SORT_ORDERS, false},
	{"-orders", CUSTOMER_SORT_ORDERS, true},
	{"last_order_at", CUSTOMER_SORT_LAST_ORDER, false},
	{"-last_order_at", CUSTOMER_SORT_LAST_ORDER, true},
	{"clv", CUSTOMER_SORT_CLV, false},
	{"-clv", CUSTOMER_SORT_CLV, true},
	{"churn_risk", CUSTOMER_SORT_CHURN, false},
	{"-churn_risk", CUSTOMER_SORT_CHURN, true},
};

/* A score filter's value (score_filters.h); 400 listing them otherwise. */
static status score_filter_read(http_req *r, const score_filter *f, const char **out, err *e)
{
	const char *v = http_query(r, f->param);
	strbuf all = STRBUF_INIT;

	*out = NULL;
	if (!v || !*v)
		return E_OK;
	if (score_filter_has(f, v)) {
		*out = v;
		return E_OK;
	}
	score_filter_values(f, &all);
	http_bad_request(r, e, f->param, "%s: '%s' is not one of %s", f->param, v, all.buf);
	strbuf_release(&all);
	return E_INVAL;
}

/* Digits and phone punctuation with at least 6 digits. */
static bool phone_like(const char *s)
{
	int digits = 0;

	for (; *s; s++) {
		if (isdigit((unsigned char)*s))
			digits++;
		else if (!strchr("+-(). ", *s))
			return false;
	}
	return digits >= 6;
}

status h_customers_list(http_req *r, err *e)
{
	customer_query q = {0};
	const char *sort = http_query(r, "sort"), *key, *kind;
	int64_t limit, id;
	customer_row *rows;
	size_t n, si = 0;
	bool more, found = false;
	json_out *w;
	status rc;

	if (sort && *sort) {
		for (si = 0; si < ARRAY_SIZE(sorts) && !found; si++)
			found = strcmp(sorts[si].name, sort) == 0;
		if (!found)
			return http_bad_request(r, e, "sort",
						"sort: '%s' is not one of id, name, created_at, "
						"revenue, orders, last_order_at, clv, churn_risk "
						"(prefix - for descending)",
						sort);
		si--;
	}
	q.sort = sorts[si].sort;
	q.desc = sorts[si].desc;
	kind = arena_printf(r->arena, "c%s", sorts[si].name);
	if ((rc = h_limit(r, &limit, e)) || (rc = h_cursor_decode(r, kind, &id, &key, e)) ||
	    (rc = h_query_time(r, "created_from", &q.created_from, &q.has_created_from, e)) ||
	    (rc = h_query_time(r, "created_to", &q.created_to, &q.has_created_to, e)) ||
	    (rc = score_filter_read(r, &score_filters[SCORE_FILTER_SEGMENT], &q.segment, e)) ||
	    (rc = score_filter_read(r, &score_filters[SCORE_FILTER_TIER], &q.tier, e)) ||
	    (rc = score_filter_read(r, &score_filters[SCORE_FILTER_STAGE], &q.stage, e)))
		return rc;
	q.limit = (int)limit;
	q.after_id = id;
	/* The cursor's key was written below; a forged one only moves the page. */
	if (id && q.sort == CUSTOMER_SORT_NAME)
		q.after_name = key;
	else if (id && q.sort == CUSTOMER_SORT_CREATED)
		q.after_created = strtoll(key, NULL, 10);
	else if (id && customer_sort_is_real(q.sort))
		q.after_real = strtod(key, NULL);
	else if (id)
		q.after_int = strtoll(key, NULL, 10);
	q.q = http_query(r, "q");
	q.tag = http_query(r, "tag");
	q.country = http_query(r, "country");
	if (q.country && *q.country && normalize_country(q.country))
		q.country = normalize_country(q.country);
	q.city = http_query(r, "city");
	if (q.q && strchr(q.q, '@')) {
		q.email = normalize_email(r->arena, q.q, strlen(q.q));
		q.q = NULL;
	} else if (q.q && phone_like(q.q)) {
		const char *phone = NULL;
		err pe;
		/* Kept as a candidate: a shop id that looks like a number wins. */
		if (normalize_phone(r->arena, q.q, strlen(q.q), region(r), &phone, &pe) == E_OK)
			q.phone = phone;
	}
	if ((rc = customer_list(r->st, &q, r->arena, &rows, &n, &more, e))) {
		if (rc == E_INVAL)
			r->err_http = 400;
		return rc;
	}
	w = h_page_begin(r, "customers");
	for (size_t i = 0; i < n; i++)
		render_customer_row(w, NULL, &rows[i], h_sees_pii(r), r->arena);
	key = NULL;
	if (more && q.sort == CUSTOMER_SORT_NAME) {
		key = rows[n - 1].name;
	} else if (more && q.sort != CUSTOMER_SORT_ID) {
		int64_t ki;
		double kd;
		customer_row_key(&rows[n - 1], q.sort, &ki, &kd);
		/* %.17g reads back as the same double. */
		key = customer_sort_is_real(q.sort) ? arena_printf(r->arena, "%.17g", kd)
						    : arena_printf(r->arena, "%" PRId64, ki);
	}
	h_page_end(r, more ? h_cursor_encode(r->arena, kind, rows[n - 1].id, key) : NULL, limit);
	return E_OK;
}

status h_customer_get(http_req *r, err *e)
{
	static const customer_view_limits lim = { VIEW_ORDERS, VIEW_RETURNS, VIEW_INTERACTIONS };
	bool pii = h_sees_pii(r);
	customer_view v;
	int64_t id;
	json_out *w;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)) ||
	    (rc = customer_view_load(r->st, id, &lim, r->arena, &v, e)))
		return rc;
	w = http_out(r);
	json_out_object(w, NULL);
	render_customer(w, "customer", &v.head.c, pii, r->arena);
	json_out_object(w, "totals");
	json_out_int(w, "orders", v.head.totals.orders);
	json_out_int(w, "revenue", v.head.totals.revenue);
	json_out_int(w, "returns", v.head.totals.returns);
	json_out_int(w, "interactions", v.head.totals.interactions);
	json_out_opt_int(w, "first_order_at", v.head.totals.first_order_at != 0,
			 v.head.totals.first_order_at);
	json_out_opt_int(w, "last_order_at", v.head.totals.last_order_at != 0,
			 v.head.totals.last_order_at);
	json_out_end(w);
	json_out_array(w, "orders");
	for (size_t i = 0; i < v.norders; i++)
		render_order(w, NULL, &v.orders[i], v.lines, v.nlines, pii, r->arena);
	json_out_end(w);
	json_out_array(w, "returns");
	for (size_t i = 0; i < v.nreturns; i++)
		render_return(w, NULL, &v.returns[i], pii);
	json_out_end(w);
	json_out_array(w, "interactions");
	for (size_t i = 0; i < v.ninteractions; i++)
		render_interaction(w, NULL, &v.interactions[i], pii);
	json_out_end(w);
	if (v.head.scores)
		render_scores(w, "scores", v.head.scores, v.head.nscores);
	else
		json_out_null(w, "scores");
	json_out_object(w, "links");
	if (v.more_orders) {
		const order *last = &v.orders[v.norders - 1];
		const char *key = arena_printf(r->arena, "%" PRId64, last->placed_at);
		json_out_string(w, "more_orders",
				arena_printf(r->arena, "/api/orders?customer=%" PRId64 "&cursor=%s",
					     id, h_cursor_encode(r->arena, "o", last->id, key)));
	}
	if (v.more_interactions) {
		const interaction *last = &v.interactions[v.ninteractions - 1];
		const char *key = arena_printf(r->arena, "%" PRId64, last->occurred_at);
		json_out_string(w, "more_interactions",
				arena_printf(r->arena,
					     "/api/interactions?customer=%" PRId64 "&cursor=%s", id,
					     h_cursor_encode(r->arena, "i", last->id, key)));
	}
	if (v.more_returns)
		json_out_string(w, "more_returns",
				arena_printf(r->arena, "/api/customers/%" PRId64 "/export", id));
	json_out_end(w);
	json_out_end(w);
	if (pii)
		http_audit(r, "customer.read", target(r, id), NULL);
	http_reply_out(r, 200);
	return E_OK;
}

/* ---- create and update ---- */

static const char *const customer_keys[] = {
	"external_id", "name",	 "email",   "phone",  "gender", "birth_date", "address", "postcode",
	"city",	       "region", "country", "source", "tags",	"attributes", "consent", NULL};

typedef struct {
	const char *key;
	size_t off;
} str_field;

static const str_field str_fields[] = {
	{"external_id", offsetof(customer, external_id)}, {"gender", offsetof(customer, gender)},
	{"birth_date", offsetof(customer, birth_date)},	  {"address", offsetof(customer, address)},
	{"postcode", offsetof(customer, postcode)},	  {"city", offsetof(customer, city)},
	{"region", offsetof(customer, region)},		  {"source", offsetof(customer, source)},
};

/* A member that is present: a string, or null (which clears). */
static status member_str(http_req *r, const json_t *body, const char *key, bool *present,
			 const char **out, err *e)
{
	const json_t *v = json_object_get(body, key);

	*present = v != NULL;
	*out = NULL;
	if (!v || json_is_null(v))
		return E_OK;
	if (!json_is_string(v))
		return http_bad_request(r, e, key, "%s: must be a string or null", key);
	*out = json_string_value(v);
	return E_OK;
}

/* Applies the members of `body` to `c`; `names` (JSON array) collects the
 * names of the fields given, for the audit log (values stay out of it). */
static status apply_fields(http_req *r, const json_t *body, customer *c, json_t *names, err *e)
{
	const char *s;
	const json_t *v;
	bool present;
	status rc;

	if ((rc = http_json_keys(r, body, customer_keys, e)))
		return rc;
	for (size_t i = 0; i < ARRAY_SIZE(str_fields); i++) {
		if ((rc = member_str(r, body, str_fields[i].key, &present, &s, e)))
			return rc;
		if (present) {
			*(const char **)((char *)c + str_fields[i].off) =
				s && *s ? normalize_text(r->arena, s, strlen(s)) : NULL;
			json_array_append_new(names, json_string(str_fields[i].key));
		}
	}
	if ((rc = member_str(r, body, "name", &present, &s, e)))
		return rc;
	if (present) {
		c->name = s ? normalize_name(r->arena, s, strlen(s)) : NULL;
		if (!c->name)
			c->name = "";
		json_array_append_new(names, json_string("name"));
	}
	if ((rc = member_str(r, body, "email", &present, &s, e)))
		return rc;
	if (present) {
		c->email = s ? normalize_email(r->arena, s, strlen(s)) : NULL;
		json_array_append_new(names, json_string("email"));
	}
	if ((rc = member_str(r, body, "phone", &present, &s, e)))
		return rc;
	if (present) {
		err pe;
		c->phone = NULL;
		err_clear(&pe);
		if (s && normalize_phone(r->arena, s, strlen(s), region(r), &c->phone, &pe))
			return h_invalid(r, e, "phone", "phone: '%s' is not a phone number (%s)", s,
					 pe.msg);
		json_array_append_new(names, json_string("phone"));
	}
	if ((rc = member_str(r, body, "country", &present, &s, e)))
		return rc;
	if (present) {
		c->country = NULL;
		if (s && *s && !(c->country = normalize_country(s)))
			return h_invalid(r, e, "country",
					 "country: '%s' is not a country name or ISO code", s);
		json_array_append_new(names, json_string("country"));
	}
	if ((v = json_object_get(body, "tags"))) {
		size_t i;
		json_t *t;
		if (json_is_null(v)) {
			c->tags = "[]";
		} else {
			if (!json_is_array(v))
				return http_bad_request(r, e, "tags",
							"tags: must be an array of strings");
			json_array_foreach(v, i, t) if (!json_is_string(t)) return http_bad_request(
				r, e, "tags", "tags: must be an array of strings");
			c->tags = json_to_arena(r->arena, v, NULL);
		}
		json_array_append_new(names, json_string("tags"));
	}
	if ((v = json_object_get(body, "attributes"))) {
		if (!json_is_null(v) && !json_is_object(v))
			return http_bad_request(r, e, "attributes",
						"attributes: must be an object");
		c->attributes = json_is_null(v) ? "{}" : json_to_arena(r->arena, v, NULL);
		json_array_append_new(names, json_string("attributes"));
	}
	if ((v = json_object_get(body, "consent"))) {
		static const char *const ckeys[] = {"email", "sms", "profiling", NULL};
		int *dst[] = {&c->consent_email, &c->consent_sms, &c->consent_profiling};
		if (!json_is_object(v))
			return http_bad_request(r, e, "consent",
						"consent: must be an object of booleans");
		if ((rc = http_json_keys(r, v, ckeys, e)))
			return rc;
		for (size_t i = 0; i < 3; i++) {
			bool b, has;
			if ((rc = http_json_bool(r, v, ckeys[i], false, &b, &has, e)))
				return rc;
			if (has)
				*dst[i] = b;
		}
		json_array_append_new(names, json_string("consent"));
	}
	return E_OK;
}

static void audit_fields(http_req *r, const char *action, int64_t id, json_t *names)
{
	json_t *d = json_pack("{s:o}", "fields", names);
	http_audit(r, action, target(r, id), json_to_arena(r->arena, d, NULL));
	json_decref(d);
}

static void reply_customer(http_req *r, unsigned code, const customer *c)
{
	json_out *w = http_out(r);

	json_out_object(w, NULL);
	render_customer(w, "customer", c, h_sees_pii(r), r->arena);
	json_out_end(w);
	http_reply_out(r, code);
}

status h_customers_create(http_req *r, err *e)
{
	json_t *body, *names = json_array();
	customer c;
	status rc;

	customer_init(&c);
	c.source = "api";
	if ((rc = http_body_json(r, &body, e)) || (rc = apply_fields(r, body, &c, names, e)) ||
	    (rc = customer_validate(&c, e)) || (rc = customer_insert(r->st, &c, e)) ||
	    (rc = customer_load(r->st, c.id, r->arena, &c, e))) {
		json_decref(names);
		return rc;
	}
	audit_fields(r, "customer.create", c.id, names);
	http_add_header(r, "Location", arena_printf(r->arena, "/api/customers/%" PRId64, c.id));
	reply_customer(r, 201, &c);
	return E_OK;
}

/* E_CONFLICT for a record that may no longer change. */
static status check_live(const customer *c, err *e)
{
	if (c->erased_at)
		return err_set(e, E_CONFLICT, "customer %" PRId64 " was erased", c->id);
	if (c->merged_into)
		return err_set(e, E_CONFLICT,
			       "customer %" PRId64 " is merged into %" PRId64
			       ": change that one, or unmerge first",
			       c->id, c->merged_into);
	return E_OK;
}

status h_customer_update(http_req *r, err *e)
{
	json_t *body, *names = NULL;
	int64_t id;
	customer c;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)) || (rc = http_body_json(r, &body, e)) ||
	    (rc = customer_load(r->st, id, r->arena, &c, e)) || (rc = check_live(&c, e)))
		return rc;
	names = json_array();
	c.updated_at = (int64_t)time(NULL);
	if ((rc = apply_fields(r, body, &c, names, e)) || (rc = customer_validate(&c, e)) ||
	    (rc = customer_update(r->st, &c, e)) ||
	    (rc = customer_load(r->st, id, r->arena, &c, e))) {
		json_decref(names);
		return rc;
	}
	audit_fields(r, "customer.update", id, names);
	reply_customer(r, 200, &c);
	return E_OK;
}

/* ---- merge, unmerge, export, erase, duplicates ---- */

status h_customer_merge(http_req *r, err *e)
{
	static const char *const keys[] = {"other", NULL};
	int64_t id, other, merge_id;
	json_t *body, *d;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)) || (rc = http_body_json(r, &body, e)) ||
	    (rc = http_json_keys(r, body, keys, e)) ||
	    (rc = http_json_int(r, body, "other", true, &other, NULL, e)))
		return rc;
	if (other <= 0)
		return h_invalid(r, e, "other", "other: must be a customer id");
	if ((rc = customer_merge(r->st, id, other, http_actor(r), &merge_id, e)))
		return rc;
	d = json_pack("{s:I, s:I}", "other", (json_int_t)other, "merge_id", (json_int_t)merge_id);
	http_audit(r, "customer.merge", target(r, id), json_to_arena(r->arena, d, NULL));
	json_decref(d);
	http_reply_json(r, 200,
			json_pack("{s:I, s:I, s:I}", "merge_id", (json_int_t)merge_id, "customer",
				  (json_int_t)id, "other", (json_int_t)other));
	return E_OK;
}

status h_customer_unmerge(http_req *r, err *e)
{
	int64_t id;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)) || (rc = customer_unmerge(r->st, id, e)))
		return rc;
	http_audit(r, "customer.unmerge", target(r, id), NULL);
	http_reply_json(r, 200, json_pack("{s:I, s:b}", "customer", (json_int_t)id, "unmerged", 1));
	return E_OK;
}

status h_customer_export(http_req *r, err *e)
{
	int64_t id;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)) ||
	    (rc = privacy_export(r->st, id, (int64_t)time(NULL), r->arena, http_out(r), e)))
		return rc;
	http_audit(r, "customer.export", target(r, id), NULL);
	http_add_header(
		r, "Content-Disposition",
		arena_printf(r->arena, "attachment; filename=\"customer-%" PRId64 ".json\"", id));
	http_reply_out(r, 200);
	return E_OK;
}

status h_customer_erase(http_req *r, err *e)
{
	int64_t id, n, now = (int64_t)time(NULL);
	json_t *d;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)) ||
	    (rc = privacy_erase(r->st, id, now, r->arena, &n, e)))
		return rc;
	d = json_pack("{s:I}", "records", (json_int_t)n);
	http_audit(r, "customer.erase", target(r, id), json_to_arena(r->arena, d, NULL));
	json_decref(d);
	http_reply_json(r, 200,
			json_pack("{s:I, s:I, s:I}", "erased", (json_int_t)id, "records",
				  (json_int_t)n, "erased_at", (json_int_t)now));
	return E_OK;
}

static json_t *pair_side(http_req *r, int64_t id, err *e, status *rc)
{
	customer c;

	if ((*rc = customer_load(r->st, id, r->arena, &c, e)))
		return NULL;
	return json_pack(
		"{s:I, s:s?, s:o, s:o, s:s?, s:s?}", "id", (json_int_t)id, "name", c.name, "email",
		json_str_or_null(h_sees_pii(r) ? c.email : render_mask_email(r->arena, c.email)),
		"phone",
		json_str_or_null(h_sees_pii(r) ? c.phone : render_mask_phone(r->arena, c.phone)),
		"city", c.city, "postcode", h_sees_pii(r) ? c.postcode : NULL);
}

/* ?min_score: 0..1, 0.85 when absent. */
static status min_score_arg(http_req *r, double *out, err *e)
{
	const char *ms = http_query(r, "min_score");
	char *end;

	*out = 0.85;
	if (!ms)
		return E_OK;
	*out = strtod(ms, &end);
	if (end == ms || *end || !(*out >= 0 && *out <= 1))
		return http_bad_request(r, e, "min_score", "min_score: must be a number from 0 to 1");
	return E_OK;
}

static status reply_pairs(http_req *r, const duplicate_pair *pairs, size_t n, err *e);

status h_customers_duplicates(http_req *r, err *e)
{
	duplicate_pair *pairs = NULL;
	double min_score;
	int64_t limit;
	size_t n = 0;
	status rc;

	if ((rc = min_score_arg(r, &min_score, e)) || (rc = h_limit(r, &limit, e)) ||
	    (rc = duplicates_find(r->st, min_score, (size_t)limit, &pairs, &n, e)))
		return rc;
	rc = reply_pairs(r, pairs, n, e);
	free(pairs);
	return rc;
}

/* Pairs as the shop-wide list gives them: both sides, masked per role. */
static status reply_pairs(http_req *r, const duplicate_pair *pairs, size_t n, err *e)
{
	json_t *arr = json_array();
	status rc = E_OK;

	for (size_t i = 0; i < n && !rc; i++) {
		json_t *a = pair_side(r, pairs[i].a, e, &rc),
		       *b = a ? pair_side(r, pairs[i].b, e, &rc) : NULL;
		if (rc) {
			json_decref(a);
			break;
		}
		json_array_append_new(arr, json_pack("{s:o, s:o, s:f, s:f, s:b, s:b}", "a", a, "b",
						     b, "score", pairs[i].score, "name_similarity",
						     pairs[i].name_similarity, "same_phone",
						     pairs[i].same_phone, "same_postcode",
						     pairs[i].same_postcode));
	}
	if (rc) {
		json_decref(arr);
		return rc;
	}
	http_reply_json(r, 200, json_pack("{s:o}", "pairs", arr));
	return E_OK;
}

status h_customer_duplicates(http_req *r, err *e)
{
	duplicate_pair *pairs = NULL;
	double min_score;
	int64_t id, limit;
	size_t n = 0;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)) || (rc = min_score_arg(r, &min_score, e)) ||
	    (rc = h_limit(r, &limit, e)) ||
	    (rc = duplicates_of(r->st, id, min_score, (size_t)limit, &pairs, &n, e)))
		return rc;
	rc = reply_pairs(r, pairs, n, e);
	free(pairs);
	return rc;
}

/* A member that must be an array of strings (absent: none); the strings are
 * trimmed of spaces and borrowed from the body. */
static status tag_list(http_req *r, const json_t *body, const char *key, const char ***out,
		       size_t *n, err *e)
{
	const json_t *v = json_object_get(body, key), *it;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!v || json_is_null(v))
		return E_OK;
	if (!json_is_array(v))
		return http_bad_request(r, e, key, "%s: must be an array of strings", key);
	*out = arena_alloc(r->arena, (json_array_size(v) + 1) * sizeof(**out));
	json_array_foreach(v, i, it)
	{
		const char *s;
		size_t len;
		if (!json_is_string(it))
			return http_bad_request(r, e, key, "%s: must be an array of strings", key);
		s = json_string_value(it);
		while (*s == ' ')
			s++;
		len = strlen(s);
		while (len && s[len - 1] == ' ')
			len--;
		(*out)[(*n)++] = arena_strndup(r->arena, s, len);
	}
	return E_OK;
}

status h_customers_tags(http_req *r, err *e)
{
	static const char *const keys[] = {"ids", "add", "remove", NULL};
	const char **add, **remove;
	const json_t *ids_v, *it;
	int64_t *ids, *changed;
	size_t nids, nadd, nremove, nchanged, i;
	json_t *body, *arr, *d;
	status rc;

	if ((rc = http_body_json(r, &body, e)) || (rc = http_json_keys(r, body, keys, e)) ||
	    (rc = tag_list(r, body, "add", &add, &nadd, e)) ||
	    (rc = tag_list(r, body, "remove", &remove, &nremove, e)))
		return rc;
	ids_v = json_object_get(body, "ids");
	if (!json_is_array(ids_v))
		return http_bad_request(r, e, "ids", "ids: required, an array of customer ids");
	nids = json_array_size(ids_v);
	if (nids == 0 || nids > CUSTOMER_TAGS_MAX_IDS)
		return h_invalid(r, e, "ids", "ids: give 1 to %d customer ids",
				 CUSTOMER_TAGS_MAX_IDS);
	if (nadd + nremove == 0)
		return h_invalid(r, e, "add", "add: give tags to add or to remove");
	ids = arena_alloc(r->arena, nids * sizeof(*ids));
	json_array_foreach(ids_v, i, it)
	{
		if (!json_is_integer(it) || json_integer_value(it) <= 0)
			return http_bad_request(r, e, "ids", "ids: must be positive integers");
		ids[i] = json_integer_value(it);
	}
	if ((rc = customer_tags_apply(r->st, ids, nids, add, nadd, remove, nremove,
				      (int64_t)time(NULL), r->arena, &changed, &nchanged, e)))
		return rc;
	/* One entry per customer changed, so each one's history shows it. */
	d = json_object();
	json_object_set_new(d, "add", json_array());
	json_object_set_new(d, "remove", json_array());
	for (i = 0; i < nadd; i++)
		json_array_append_new(json_object_get(d, "add"), json_string(add[i]));
	for (i = 0; i < nremove; i++)
		json_array_append_new(json_object_get(d, "remove"), json_string(remove[i]));
	{
		const char *detail = json_to_arena(r->arena, d, NULL);
		for (i = 0; i < nchanged; i++)
			http_audit(r, "customer.tags", target(r, changed[i]), detail);
	}
	json_decref(d);
	arr = json_array();
	for (i = 0; i < nchanged; i++)
		json_array_append_new(arr, json_integer(changed[i]));
	http_reply_json(r, 200,
			json_pack("{s:o, s:I}", "changed", arr, "unchanged",
				  (json_int_t)(nids - nchanged)));
	return E_OK;
}
