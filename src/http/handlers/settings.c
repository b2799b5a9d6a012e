/* settings.c: /api/settings/webhooks (admin): which webhook endpoints have
 * a secret and where it comes from (never the secret: its last four
 * characters), set or rotate one (given, or generated and shown once), and
 * clear the database's so ecrm.conf's applies again. */
#include "http/handlers/handlers.h"
#include "domain/webhook_secret.h"

#include <sodium.h>
#include <time.h>

/* The endpoints, what a shop is told to call and how it signs. */
static const struct {
	const char *name, *path, *header;
} endpoints[] = {
	{ WEBHOOK_SECRET_ORDERS, "/api/webhooks/orders", "X-Ecrm-Signature" },
	{ WEBHOOK_SECRET_SHOPIFY, "/api/webhooks/shopify/orders", "X-Shopify-Hmac-Sha256" },
};

/* Index of endpoint `name`; 404 when there is none. */
static status find_endpoint(http_req *r, size_t *out, err *e)
{
	const char *name = http_param(r, "name");

	for (size_t i = 0; i < ARRAY_SIZE(endpoints); i++) {
		if (name && strcmp(name, endpoints[i].name) == 0) {
			*out = i;
			return E_OK;
		}
	}
	return err_set(e, E_NOTFOUND, "no webhook endpoint named '%s' (orders, shopify)",
		       name ? name : "");
}

/* {name, path, header, source, last4, updated_at, updated_by, config_set}. */
static status describe(http_req *r, size_t i, json_t **out, err *e)
{
	const char *conf = h_webhook_config_secret(r, endpoints[i].name);
	webhook_secret_info info;
	char last4[5] = "";
	bool found;
	status rc;
	json_t *o;

	if ((rc = webhook_secret_describe(r->st, r->arena, endpoints[i].name, &info, &found, e)))
		return rc;
	if (found)
		snprintf(last4, sizeof(last4), "%s", info.last4);
	else if (*conf)
		webhook_secret_last4(conf, last4);
	o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "name", endpoints[i].name, "path",
		      endpoints[i].path, "header", endpoints[i].header, "source",
		      found ? "database" : *conf ? "config" : "none", "config_set", *conf != '\0');
	json_object_set_new(o, "last4", *last4 ? json_string(last4) : json_null());
	json_object_set_new(o, "updated_at", found ? json_integer(info.updated_at) : json_null());
	json_object_set_new(o, "updated_by",
			    found ? json_string(info.updated_by) : json_null());
	*out = o;
	return E_OK;
}

status h_settings_webhooks(http_req *r, err *e)
{
	json_t *arr = json_array(), *o;
	status rc;

	for (size_t i = 0; i < ARRAY_SIZE(endpoints); i++) {
		if ((rc = describe(r, i, &o, e))) {
			json_decref(arr);
			return rc;
		}
		json_array_append_new(arr, o);
	}
	http_reply_json(r, 200, json_pack("{s:o}", "webhooks", arr));
	return E_OK;
}

status h_settings_webhook_set(http_req *r, err *e)
{
	static const char *const keys[] = { "secret", "generate", NULL };
	char fresh[WEBHOOK_SECRET_GEN_SIZE] = "";
	const char *secret = NULL;
	bool generate = false, have_gen = false;
	json_t *body, *o, *d, *reply;
	size_t i = 0;
	status rc;

	if ((rc = find_endpoint(r, &i, e)) || (rc = http_body_json(r, &body, e)) ||
	    (rc = http_json_keys(r, body, keys, e)) ||
	    (rc = http_json_str(r, body, "secret", false, &secret, e)) ||
	    (rc = http_json_bool(r, body, "generate", false, &generate, &have_gen, e)))
		return rc;
	if ((secret != NULL) == generate)
		return http_bad_request(r, e, secret ? "generate" : "secret",
					"give either \"secret\" (the shop's) or \"generate\": true");
	if (generate) {
		webhook_secret_generate(fresh);
		secret = fresh;
	}
	if ((rc = webhook_secret_set(r->st, endpoints[i].name, secret, http_actor(r),
				     (int64_t)time(NULL), e))) {
		if (rc == E_INVAL)
			http_error_field(r, "secret");
		goto out;
	}
	if ((rc = describe(r, i, &o, e)))
		goto out;
	d = json_pack("{s:b}", "generated", generate);
	http_audit(r, "webhook.secret_set", arena_printf(r->arena, "webhook:%s", endpoints[i].name),
		   json_to_arena(r->arena, d, NULL));
	json_decref(d);
	reply = json_pack("{s:o}", "webhook", o);
	/* The only time a generated secret is ever shown. */
	if (generate)
		json_object_set_new(reply, "secret", json_string(fresh));
	http_reply_json(r, 200, reply);
out:
	sodium_memzero(fresh, sizeof(fresh));
	return rc;
}

status h_settings_webhook_clear(http_req *r, err *e)
{
	size_t i = 0;
	status rc;

	if ((rc = find_endpoint(r, &i, e)) ||
	    (rc = webhook_secret_clear(r->st, endpoints[i].name, e)))
		return rc;
	http_audit(r, "webhook.secret_clear",
		   arena_printf(r->arena, "webhook:%s", endpoints[i].name), NULL);
	http_reply_empty(r, 204);
	return E_OK;
}
