/* interaction.c: touchpoints on every channel. */
#include "domain/interaction.h"

static const char *const channels[] = { "web", "email", "chat", "phone", "store", "social" };

bool interaction_channel_valid(const char *channel)
{
	for (size_t i = 0; i < ARRAY_SIZE(channels); i++) {
		if (domain_str_eq(channel, channels[i]))
			return true;
	}
	return false;
}

status interaction_validate(const interaction *it, err *e)
{
	if (!interaction_channel_valid(it->channel))
		return err_set(e, E_INVAL,
			       "channel: '%s' is not web, email, chat, phone, store or social",
			       it->channel ? it->channel : "");
	if (it->direction && !domain_str_eq(it->direction, "inbound") &&
	    !domain_str_eq(it->direction, "outbound"))
		return err_set(e, E_INVAL, "direction: '%s' is not inbound or outbound",
			       it->direction);
	if (!it->occurred_at)
		return err_set(e, E_INVAL, "occurred_at: missing");
	if (it->subject && strlen(it->subject) > 1000)
		return err_set(e, E_INVAL, "subject: longer than 1000 bytes");
	if (it->body && strlen(it->body) > 100000)
		return err_set(e, E_INVAL, "body: longer than 100000 bytes");
	return E_OK;
}

status interaction_save(store *st, interaction *it, save_result *res, err *e)
{
	static const char *const sql =
		"INSERT INTO interactions (external_id, customer_id, channel, direction, kind, "
		"agent, occurred_at, subject, body, attributes) VALUES ($1, $2, $3, $4, $5, $6, "
		"$7, $8, $9, $10) ON CONFLICT (external_id) DO UPDATE SET "
		"customer_id = excluded.customer_id, channel = excluded.channel, "
		"direction = excluded.direction, kind = excluded.kind, agent = excluded.agent, "
		"occurred_at = excluded.occurred_at, subject = excluded.subject, "
		"body = excluded.body, attributes = excluded.attributes "
		"WHERE (interactions.customer_id, interactions.channel, interactions.direction, "
		"interactions.kind, interactions.agent, interactions.occurred_at, "
		"interactions.subject, interactions.body, interactions.attributes) IS DISTINCT FROM "
		"(excluded.customer_id, excluded.channel, excluded.direction, excluded.kind, "
		"excluded.agent, excluded.occurred_at, excluded.subject, excluded.body, "
		"excluded.attributes) RETURNING id";
	static const char *const existing = "SELECT id FROM interactions WHERE external_id = $1";
	/* Without an external id there is nothing to conflict with. */
	static const char *const insert =
		"INSERT INTO interactions (external_id, customer_id, channel, direction, kind, "
		"agent, occurred_at, subject, body, attributes) VALUES ($1, $2, $3, $4, $5, $6, "
		"$7, $8, $9, $10) RETURNING id";
	save_result what = SAVE_UNCHANGED;
	int64_t before = 0;
	status rc;
	stmt *s;

	if (it->external_id && (rc = store_prepare(st, existing, &s, e)) == E_OK) {
		stmt_bind_text(s, 1, it->external_id);
		if (stmt_row(s, e))
			before = stmt_int64(s, 0);
		rc = e->code;
		stmt_done(s);
	}
	if (it->external_id && rc)
		return rc;
	if ((rc = store_prepare(st, it->external_id ? sql : insert, &s, e)))
		return rc;
	stmt_bind_text(s, 1, it->external_id);
	stmt_bind_opt_int64(s, 2, it->customer_id, it->customer_id == 0);
	stmt_bind_text(s, 3, it->channel);
	stmt_bind_text(s, 4, it->direction ? it->direction : "inbound");
	stmt_bind_text(s, 5, it->kind ? it->kind : "message");
	stmt_bind_text(s, 6, it->agent);
	stmt_bind_int64(s, 7, it->occurred_at);
	stmt_bind_text(s, 8, it->subject);
	stmt_bind_text(s, 9, it->body);
	stmt_bind_text(s, 10, it->attributes ? it->attributes : "{}");
	if (stmt_row(s, e)) {
		it->id = stmt_int64(s, 0);
		what = before ? SAVE_UPDATED : SAVE_NEW;
	} else {
		it->id = before;
	}
	rc = e->code;
	stmt_done(s);
	if (res && rc == E_OK)
		*res = what;
	return rc;
}
