/* webhooks.c: orders pushed by shops: Shopify's order webhooks, signed with
 * X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body under [webhooks]
 * shopify_secret), and our own order JSON signed with X-Ecrm-Signature:
 * sha256=<hex> ([webhooks] secret). Public routes: the signature is the
 * credential. A bad or missing signature is 401 and nothing is stored; a
 * repeated delivery saves the same order again, which changes nothing. */
#include "http/handlers/handlers.h"
#include "http/server.h"
#include "ingest/webhook.h"

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

static status unsigned_request(http_req *r, const char *header, const char *secret, err *e)
{
	r->err_code = "bad_signature";
	if (!*secret)
		return err_set(e, E_AUTH,
			       "webhooks are not set up: configure the secret in [webhooks] of "
			       "ecrm.conf");
	return err_set(e, E_AUTH, "%s header %s", header,
		       http_header(r, header) ? "does not match the body" : "is missing");
}

status h_webhook_shopify_orders(http_req *r, err *e)
{
	const char *secret = r->ctx->settings->shopify_secret;
	bool shape = false;
	save_result res;
	json_t *body;
	order o;
	status rc;

	if (!webhook_verify_base64(secret, r->body.buf, r->body.len,
				   http_header(r, "X-Shopify-Hmac-Sha256")))
		return unsigned_request(r, "X-Shopify-Hmac-Sha256", secret, e);
	if ((rc = http_body_json(r, &body, e)))
		return rc;
	if ((rc = webhook_shopify_build(r->st, r->arena, body, r->ctx->settings->phone_region, &o,
					&shape, e))) {
		if (rc == E_INVAL && shape)
			r->err_http = 400;
		return rc;
	}
	if ((rc = order_save(r->st, &o, &res, e)))
		return rc;
	return finish(r, "shopify", &o, res, e);
}

status h_webhook_orders(http_req *r, err *e)
{
	const char *secret = r->ctx->settings->webhook_secret;
	save_result res;
	json_t *body;
	order o;
	status rc;

	if (!webhook_verify_hex(secret, r->body.buf, r->body.len,
				http_header(r, "X-Ecrm-Signature")))
		return unsigned_request(r, "X-Ecrm-Signature", secret, e);
	if ((rc = http_body_json(r, &body, e)) || (rc = h_orders_save(r, body, &o, &res, e)))
		return rc;
	return finish(r, "api", &o, res, e);
}
