/* interactions.c: /api/interactions: log a touchpoint on any channel (web,
 * email, chat, phone, store, social), and a customer's touchpoints, newest
 * first. */
#include "http/handlers/handlers.h"
#include "domain/catalog_query.h"
#include "domain/customer.h"
#include "service/render.h"

#include <time.h>

status h_interactions_list(http_req *r, err *e)
{
	int64_t limit, customer_id, id, at;
	interaction *rows;
	const char *key;
	size_t n;
	bool more;
	json_out *w;
	customer c;
	status rc;

	if ((rc = h_limit(r, &limit, e)) || (rc = h_cursor_decode(r, "i", &id, &key, e)) ||
	    (rc = http_query_int(r, "customer", 0, 0, INT64_MAX, &customer_id, e)))
		return rc;
	if (!customer_id)
		return http_bad_request(r, e, "customer",
					"customer: give the customer id (?customer=ID)");
	if ((rc = customer_load(r->st, customer_id, r->arena, &c, e)))
		return rc;
	at = id ? strtoll(key, NULL, 10) : 0;
	if ((rc = interaction_list(r->st, customer_id, at, id, (int)limit, r->arena, &rows, &n,
				   &more, e)))
		return rc;
	w = h_page_begin(r, "interactions");
	for (size_t i = 0; i < n; i++)
		render_interaction(w, NULL, &rows[i], h_sees_pii(r));
	key = more ? arena_printf(r->arena, "%" PRId64, rows[n - 1].occurred_at) : NULL;
	http_audit(r, "interaction.list", arena_printf(r->arena, "customer:%" PRId64, customer_id),
		   NULL);
	h_page_end(r, more ? h_cursor_encode(r->arena, "i", rows[n - 1].id, key) : NULL, limit);
	return E_OK;
}

status h_interactions_create(http_req *r, err *e)
{
	static const char *const keys[] = {"customer_id", "channel",	 "direction", "kind",
					   "agent",	  "occurred_at", "subject",   "body",
					   "external_id", "attributes",	 NULL};
	interaction it = {0};
	const json_t *attrs;
	save_result res;
	json_t *body;
	bool has_at;
	customer c;
	status rc;

	if ((rc = http_body_json(r, &body, e)) || (rc = http_json_keys(r, body, keys, e)) ||
	    (rc = http_json_int(r, body, "customer_id", true, &it.customer_id, NULL, e)) ||
	    (rc = http_json_str(r, body, "channel", true, &it.channel, e)) ||
	    (rc = http_json_str(r, body, "direction", false, &it.direction, e)) ||
	    (rc = http_json_str(r, body, "kind", false, &it.kind, e)) ||
	    (rc = http_json_str(r, body, "agent", false, &it.agent, e)) ||
	    (rc = http_json_str(r, body, "subject", false, &it.subject, e)) ||
	    (rc = http_json_str(r, body, "body", false, &it.body, e)) ||
	    (rc = http_json_str(r, body, "external_id", false, &it.external_id, e)) ||
	    (rc = h_json_time(r, body, "occurred_at", &it.occurred_at, &has_at, e)))
		return rc;
	if ((attrs = json_object_get(body, "attributes")) && !json_is_null(attrs)) {
		if (!json_is_object(attrs))
			return http_bad_request(r, e, "attributes",
						"attributes: must be an object");
		it.attributes = json_to_arena(r->arena, attrs, NULL);
	}
	if (!has_at)
		it.occurred_at = (int64_t)time(NULL);
	if (!it.agent && r->who)
		it.agent = r->who->name && *r->who->name ? r->who->name : r->who->actor;
	if ((rc = customer_load(r->st, it.customer_id, r->arena, &c, e))) {
		if (rc == E_NOTFOUND)
			return h_invalid(r, e, "customer_id", "customer_id: no customer %" PRId64,
					 it.customer_id);
		return rc;
	}
	if (c.merged_into)
		it.customer_id = c.merged_into;
	if (!interaction_channel_valid(it.channel))
		return h_invalid(
			r, e, "channel",
			"channel: '%s' is not one of web, email, chat, phone, store, social",
			it.channel);
	if (it.direction && strcmp(it.direction, "inbound") != 0 &&
	    strcmp(it.direction, "outbound") != 0)
		return h_invalid(r, e, "direction", "direction: must be inbound or outbound");
	if ((rc = interaction_validate(&it, e)) || (rc = interaction_save(r->st, &it, &res, e)) ||
	    (rc = interaction_load(r->st, it.id, r->arena, &it, e)))
		return rc;
	http_audit(r, "interaction.create", arena_printf(r->arena, "interaction:%" PRId64, it.id),
		   NULL);
	if (res == SAVE_NEW)
		http_add_header(r, "Location",
				arena_printf(r->arena, "/api/interactions?customer=%" PRId64,
					     it.customer_id));
	json_out_object(http_out(r), NULL);
	render_interaction(http_out(r), "interaction", &it, true);
	json_out_end(http_out(r));
	http_reply_out(r, res == SAVE_NEW ? 201 : 200);
	return E_OK;
}
