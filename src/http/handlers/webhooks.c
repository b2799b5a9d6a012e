/* webhooks.c: orders pushed by shops: Shopify's order webhooks, signed with
 * X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body under the
 * "shopify" secret), and our own order JSON signed with X-Ecrm-Signature:
 * sha256=<hex> (the "orders" secret). Public routes: the signature is the
 * credential. A bad or missing signature is 401 and nothing is stored; a
 * repeated delivery saves the same order again, which changes nothing.
 *
 * Which secret: the one an admin set in the database (Settings, PUT
 * /api/settings/webhooks/NAME; domain/webhook_secret.h) when there is one,
 * else ecrm.conf's [webhooks] secret / shopify_secret. It is read on every
 * delivery, so a rotation on one server holds on all of them at once. */
#include "http/handlers/handlers.h"
#include "domain/webhook_secret.h"
#include "http/server.h"
#include "ingest/webhook.h"

const char *h_webhook_config_secret(const http_req *r, const char *name)
{
	if (strcmp(name, WEBHOOK_SECRET_SHOPIFY) == 0)
		return r->ctx->settings->shopify_secret;
	if (strcmp(name, WEBHOOK_SECRET_ORDERS) == 0)
		return r->ctx->settings->webhook_secret;
	return "";
}

status h_webhook_secret(http_req *r, const char *name, const char **secret, const char **from,
			err *e)
{
	const char *db = NULL;
	status rc = webhook_secret_get(r->st, r->arena, name, &db, e);

	if (rc == E_AUTH) {
		/* Not the caller's fault: a 500 with the reason, not a 401. */
		char why[sizeof(e->msg)];
		snprintf(why, sizeof(why), "%s", e->msg);
		return err_set(e, E_INTERNAL, "the stored webhook secret '%s' does not open: %s",
			       name, why);
	}
	if (rc)
		return rc;
	*secret = db ? db : h_webhook_config_secret(r, name);
	if (from)
		*from = db ? "database" : **secret ? "config" : "none";
	return E_OK;
}

/* Saves the order and replies: 201 when new, 200 otherwise. */
static status finish(http_req *r, const char *source, order *o, save_result res, err *e)
{
	json_t *d;

	d = json_pack("{s:s, s:s, s:s}", "source", source, "external_id", o->external_id, "result",
		      res == SAVE_NEW	    ? "new"
		      : res == SAVE_UPDATED ? "updated"
					    : "unchanged");
	http_audit(r, "order.webhook", arena_printf(r->arena, "order:%" PRId64, o->id),
		   json_to_arena(r->arena, d, NULL));
	json_decref(d);
	(void)e;
	http_reply_json(r, res == SAVE_NEW ? 201 : 200,
			json_pack("{s:I, s:s, s:s}", "order_id", (json_int_t)o->id, "external_id",
				  o->external_id, "result",
				  res == SAVE_NEW	? "created"
				  : res == SAVE_UPDATED ? "updated"
							: "unchanged"));
	return E_OK;
}

/* The signature checks of ingest/webhook.h (webhook_verify_hex, _base64). */
typedef bool (*signature_check)(const char *secret, const void *body, size_t n, const char *header);

/* E_OK when the request's `header` signs its body under the secret `name`
 * (`verify` checks); else E_AUTH (401) saying what is wrong. */
static status check_signature(http_req *r, const char *name, const char *header,
			      signature_check verify, err *e)
{
	const char *secret = "";
	status rc;

	if ((rc = h_webhook_secret(r, name, &secret, NULL, e)))
		return rc;
	if (verify(secret, r->body.buf, r->body.len, http_header(r, header)))
		return E_OK;
	r->err_code = "bad_signature";
	if (!*secret)
		return err_set(e, E_AUTH,
			       "webhooks are not set up: set the secret in Settings (web UI), "
			       "or in [webhooks] of ecrm.conf");
	return err_set(e, E_AUTH, "%s header %s", header,
		       http_header(r, header) ? "does not match the body" : "is missing");
}

status h_webhook_shopify_orders(http_req *r, err *e)
{
	save_result res;
	json_t *body;
	order o;
	status rc;

	if ((rc = check_signature(r, WEBHOOK_SECRET_SHOPIFY, "X-Shopify-Hmac-Sha256",
				  webhook_verify_base64, e)) ||
	    (rc = http_body_json(r, &body, e)) ||
	    (rc = h_orders_save(r, webhook_shopify_build, body, &o, &res, e)))
		return rc;
	return finish(r, "shopify", &o, res, e);
}

status h_webhook_orders(http_req *r, err *e)
{
	save_result res;
	json_t *body;
	order o;
	status rc;

	if ((rc = check_signature(r, WEBHOOK_SECRET_ORDERS, "X-Ecrm-Signature", webhook_verify_hex,
				  e)) ||
	    (rc = http_body_json(r, &body, e)) ||
	    (rc = h_orders_save(r, webhook_order_build, body, &o, &res, e)))
		return rc;
	return finish(r, "api", &o, res, e);
}
