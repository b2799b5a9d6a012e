/* orders.c: /api/orders: pages filtered by customer and date, one order
 * with its lines, and create: idempotent by external_id (the same order
 * posted again is answered with the stored one and 200, never doubled; a
 * different order under a taken external_id is 409). */
#include "http/handlers/handlers.h"
#include "domain/order_query.h"
#include "http/server.h"
#include "ingest/webhook.h"
#include "service/render.h"

status h_orders_list(http_req *r, err *e)
{
	order_query q = {0};
	int64_t limit, id;
	order_line *lines;
	const char *key;
	size_t n, nlines;
	order *rows;
	bool more;
	json_out *w;
	status rc;

	if ((rc = h_limit(r, &limit, e)) || (rc = h_cursor_decode(r, "o", &id, &key, e)) ||
	    (rc = http_query_int(r, "customer", 0, 0, INT64_MAX, &q.customer_id, e)) ||
	    (rc = h_query_time(r, "from", &q.from, &q.has_from, e)) ||
	    (rc = h_query_time(r, "to", &q.to, &q.has_to, e)))
		return rc;
	q.limit = (int)limit;
	q.after_id = id;
	q.after_placed_at = id ? strtoll(key, NULL, 10) : 0;
	if ((rc = order_list(r->st, &q, r->arena, &rows, &n, &more, e)) ||
	    (rc = order_page_lines(r->st, &q, rows, n, r->arena, &lines, &nlines, e)))
		return rc;
	w = h_page_begin(r, "orders");
	for (size_t i = 0; i < n; i++)
		render_order(w, NULL, &rows[i], lines, nlines, h_sees_pii(r), r->arena);
	key = more ? arena_printf(r->arena, "%" PRId64, rows[n - 1].placed_at) : NULL;
	h_page_end(r, more ? h_cursor_encode(r->arena, "o", rows[n - 1].id, key) : NULL, limit);
	return E_OK;
}

/* Loads order `id` with its lines and replies with it. */
static status reply_order(http_req *r, unsigned code, int64_t id, err *e)
{
	order_line *lines;
	size_t nlines;
	order o;
	status rc;

	if ((rc = order_load(r->st, id, r->arena, &o, e)) ||
	    (rc = order_lines_load(r->st, &o, 1, r->arena, &lines, &nlines, e)))
		return rc;
	json_out_object(http_out(r), NULL);
	render_order(http_out(r), "order", &o, lines, nlines, h_sees_pii(r), r->arena);
	json_out_end(http_out(r));
	http_reply_out(r, code);
	return E_OK;
}

status h_order_get(http_req *r, err *e)
{
	int64_t id;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)))
		return rc;
	return reply_order(r, 200, id, e);
}

status h_orders_save(http_req *r, h_order_builder build, const json_t *body, order *o,
		     save_result *res, err *e)
{
	bool shape = false;
	status rc;

	if ((rc = build(r->st, r->arena, body, r->ctx->settings->phone_region, o, &shape, e))) {
		if (rc == E_INVAL && shape)
			r->err_http = 400;
		return rc;
	}
	return order_save(r->st, o, res, e);
}

status h_orders_create(http_req *r, err *e)
{
	int64_t existing = 0;
	save_result res;
	json_t *body;
	order o;
	status rc;

	if ((rc = http_body_json(r, &body, e)))
		return rc;
	/* Known external id: the same content is a retry (200), other content
	 * a conflict; the save runs either way and is rolled back on 409. */
	{
		const json_t *x = json_object_get(body, "external_id");
		if (json_is_string(x) &&
		    (rc = order_find_external(r->st, json_string_value(x), &existing, e)))
			return rc;
	}
	if ((rc = h_orders_save(r, webhook_order_build, body, &o, &res, e)))
		return rc;
	if (existing && res != SAVE_UNCHANGED) {
		http_error_field(r, "external_id");
		return err_set(e, E_CONFLICT,
			       "external_id: order '%s' exists with other content (order %" PRId64
			       "); send the same content to retry, or use another id",
			       o.external_id, existing);
	}
	if (res == SAVE_NEW) {
		http_audit(r, "order.create", arena_printf(r->arena, "order:%" PRId64, o.id), NULL);
		http_add_header(r, "Location",
				arena_printf(r->arena, "/api/orders/%" PRId64, o.id));
	}
	return reply_order(r, res == SAVE_NEW ? 201 : 200, o.id, e);
}
