/* test_settings.c: settings kept in the database, against real `ecrm serve`
 * processes on 127.0.0.1: webhook secrets (admin only; set, rotate,
 * generate and clear; a delivery signed with the new secret is accepted
 * and one signed with the old is 401; cleared, ecrm.conf's applies again;
 * a second server on the same database agrees at once; never shown back;
 * sealed at rest; audited) and each user's UI language (PATCH /api/me,
 * returned by /api/me and at sign-in). */
#include "harness.h"
#include "domain/user.h"
#include "domain/webhook_secret.h"
#include "ingest/webhook.h"
#include "store/db.h"

#include <jansson.h>

static api_server srv;	/* with ecrm.conf's [webhooks] secrets */
static api_server bare; /* the same database, no config file */
static const char *db;
static char keys[ROLE__COUNT][128];

#define JSON_CT	       "Content-Type: application/json"
#define CONF_SECRET    "conf-orders-secret-0001"
#define CONF_SHOPIFY   "conf-shopify-secret-0002"
#define DB_SECRET      "db-orders-secret-AbCd"
#define DB_SHOPIFY     "shpss_db_shopify_secret_9876"
#define USER_EMAIL     "lang@example.com"
#define USER_PASSWORD  "lang-secret-pw"

static int setup(void **state)
{
	const char *conf;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	db = api_new_db("settings.db");
	api_role_keys(db, keys, ROLE__COUNT);
	if (api_cli(db, USER_PASSWORD "\n", NULL, "user", "add", USER_EMAIL, "--role", "viewer",
		    NULL) != 0)
		fail_msg("ecrm user add failed");
	conf = test_write_file("settings.conf", "[webhooks]\n"
						"secret = " CONF_SECRET "\n"
						"shopify_secret = " CONF_SHOPIFY "\n");
	api_start(&srv, db, conf);
	api_start(&bare, db, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(api_stop(&bare), 0);
	assert_int_equal(api_stop(&srv), 0);
	curl_global_cleanup();
	return 0;
}

static const char *bearer(user_role r)
{
	return api_bearer(keys[r]);
}

/* One request as `role` on `s`; returns the status; `body_out` (may be
 * NULL) gets the raw reply body (the caller releases it). */
static long call_on(api_server *s, const char *method, const char *path, user_role role,
		    const char *body, strbuf *body_out)
{
	const char *h[] = {JSON_CT, bearer(role), NULL};
	api_resp r;
	long st;

	api_request(s, method, path, body, h, &r);
	st = r.status;
	if (body_out) {
		strbuf_init(body_out, 0);
		strbuf_add(body_out, r.body.buf, r.body.len);
	}
	api_resp_release(&r);
	return st;
}

static long call(const char *method, const char *path, user_role role, const char *body,
		 json_t **out)
{
	strbuf b;
	long st = call_on(&srv, method, path, role, body, &b);

	if (out) {
		json_error_t je;
		*out = b.len ? json_loadb(b.buf, b.len, 0, &je) : json_null();
		if (!*out)
			fail_msg("%s %s: not JSON: %s", method, path, b.buf);
	}
	strbuf_release(&b);
	return st;
}

/* The entry of endpoint `name` in GET /api/settings/webhooks (decref
 * `*all` after use). */
static json_t *endpoint(const char *name, json_t **all)
{
	json_t *it;
	size_t i;

	assert_int_equal(call("GET", "/api/settings/webhooks", ROLE_ADMIN, NULL, all), 200);
	json_array_foreach(json_object_get(*all, "webhooks"), i, it)
	{
		if (strcmp(api_str(it, "name"), name) == 0)
			return it;
	}
	fail_msg("no endpoint %s", name);
	return NULL;
}

/* An order delivery for /api/webhooks/orders, numbered `n`. */
static const char *order_body(int n)
{
	static char buf[4][320];
	static int next;
	char *b = buf[next++ % 4];
	snprintf(b, sizeof(buf[0]),
		 "{\"external_id\":\"set-%d\",\"placed_at\":1772359200,\"currency\":\"EUR\","
		 "\"customer\":{\"external_id\":\"set-c%d\",\"name\":\"Hook Buyer\"},"
		 "\"items\":[{\"sku\":\"TEA-1\",\"qty\":1,\"unit_price\":450}]}",
		 n, n);
	return b;
}

/* POSTs `body` to /api/webhooks/orders on `s`, signed with `secret`. */
static long deliver(api_server *s, const char *secret, const char *body)
{
	char sig[WEBHOOK_HEX_SIZE], header[128];
	const char *h[] = {JSON_CT, header, NULL};
	api_resp r;
	long st;

	webhook_sign_hex(secret, body, strlen(body), sig);
	snprintf(header, sizeof(header), "X-Ecrm-Signature: sha256=%s", sig);
	api_request(s, "POST", "/api/webhooks/orders", body, h, &r);
	st = r.status;
	api_resp_release(&r);
	return st;
}

/* POSTs a Shopify order numbered `n` signed with `secret`. */
static long deliver_shopify(const char *secret, int n)
{
	char body[512], header[256];
	const char *h[] = {JSON_CT, header, NULL};
	api_resp r;
	arena a;
	long st;

	snprintf(body, sizeof(body),
		 "{\"id\":%d,\"name\":\"#S%d\",\"created_at\":\"2026-03-05T12:30:00Z\","
		 "\"currency\":\"USD\",\"total_price\":\"10.00\",\"line_items\":[{\"sku\":\"S-1\","
		 "\"title\":\"Soap\",\"quantity\":1,\"price\":\"10.00\"}]}",
		 n, n);
	arena_init(&a, 0);
	snprintf(header, sizeof(header), "X-Shopify-Hmac-Sha256: %s",
		 webhook_sign_base64(&a, secret, body, strlen(body)));
	arena_release(&a);
	api_request(&srv, "POST", "/api/webhooks/shopify/orders", body, h, &r);
	st = r.status;
	api_resp_release(&r);
	return st;
}

static void webhook_settings_need_admin(void **state)
{
	(void)state;
	for (int role = 0; role < ROLE_ADMIN; role++) {
		assert_int_equal(call("GET", "/api/settings/webhooks", (user_role)role, NULL, NULL),
				 403);
		assert_int_equal(call("PUT", "/api/settings/webhooks/orders", (user_role)role,
				      "{\"secret\":\"" DB_SECRET "\"}", NULL),
				 403);
		assert_int_equal(call("DELETE", "/api/settings/webhooks/orders", (user_role)role,
				      NULL, NULL),
				 403);
	}
	{
		const char *h[] = {JSON_CT, NULL};
		api_resp r;
		api_request(&srv, "GET", "/api/settings/webhooks", NULL, h, &r);
		assert_int_equal(r.status, 401);
		api_resp_release(&r);
	}
	/* Nothing was set by the refused calls. */
	{
		json_t *all, *o = endpoint("orders", &all);
		assert_string_equal(api_str(o, "source"), "config");
		json_decref(all);
	}
}

static void webhook_secret_set_rotate_clear(void **state)
{
	json_t *all, *o, *v;
	strbuf body;
	char generated[128], gen_last4[5];
	(void)state;

	/* From the config file to begin with: its last four characters. */
	o = endpoint("orders", &all);
	assert_string_equal(api_str(o, "source"), "config");
	assert_string_equal(api_str(o, "last4"), "0001");
	assert_string_equal(api_str(o, "path"), "/api/webhooks/orders");
	assert_string_equal(api_str(o, "header"), "X-Ecrm-Signature");
	assert_true(json_is_true(json_object_get(o, "config_set")));
	assert_true(json_is_null(json_object_get(o, "updated_at")));
	json_decref(all);
	assert_int_equal(deliver(&srv, CONF_SECRET, order_body(1)), 201);
	/* The server without a config file has no secret at all. */
	assert_int_equal(deliver(&bare, CONF_SECRET, order_body(2)), 401);
	{
		const char *h[] = {JSON_CT, "X-Ecrm-Signature: sha256=00", NULL};
		char code[64];
		api_resp r;
		api_request(&bare, "POST", "/api/webhooks/orders", order_body(2), h, &r);
		assert_int_equal(r.status, 401);
		assert_string_equal(api_error_code(&r, code, sizeof(code)), "bad_signature");
		v = api_json(&r);
		assert_string_equal(api_str(json_object_get(v, "error"), "message"),
				    "webhooks are not set up: set the secret in Settings (web UI), "
				    "or in [webhooks] of ecrm.conf");
		json_decref(v);
		api_resp_release(&r);
	}

	/* Refused values: neither or both, too short, a space, an unknown endpoint. */
	assert_int_equal(call("PUT", "/api/settings/webhooks/orders", ROLE_ADMIN, "{}", NULL), 400);
	assert_int_equal(call("PUT", "/api/settings/webhooks/orders", ROLE_ADMIN,
			      "{\"secret\":\"" DB_SECRET "\",\"generate\":true}", NULL),
			 400);
	assert_int_equal(call("PUT", "/api/settings/webhooks/orders", ROLE_ADMIN,
			      "{\"secret\":\"short\"}", &v),
			 422);
	assert_string_equal(api_str(json_object_get(v, "error"), "field"), "secret");
	json_decref(v);
	assert_int_equal(call("PUT", "/api/settings/webhooks/orders", ROLE_ADMIN,
			      "{\"secret\":\"" DB_SECRET " \"}", NULL),
			 422);
	assert_int_equal(call("PUT", "/api/settings/webhooks/nope", ROLE_ADMIN,
			      "{\"secret\":\"" DB_SECRET "\"}", NULL),
			 404);

	/* Set: the new secret is accepted, the config file's is not any more,
	 * and the reply does not echo the secret. */
	assert_int_equal(call_on(&srv, "PUT", "/api/settings/webhooks/orders", ROLE_ADMIN,
				 "{\"secret\":\"" DB_SECRET "\"}", &body),
			 200);
	assert_null(strstr(body.buf, DB_SECRET));
	strbuf_release(&body);
	o = endpoint("orders", &all);
	assert_string_equal(api_str(o, "source"), "database");
	assert_string_equal(api_str(o, "last4"), "AbCd");
	assert_string_equal(api_str(o, "updated_by"), "apikey:6");
	assert_true(json_integer_value(json_object_get(o, "updated_at")) > 0);
	json_decref(all);
	assert_int_equal(deliver(&srv, CONF_SECRET, order_body(3)), 401);
	assert_int_equal(deliver(&srv, DB_SECRET, order_body(3)), 201);
	/* The other server on the database agrees at once. */
	assert_int_equal(deliver(&bare, DB_SECRET, order_body(4)), 201);

	/* Rotate to a generated secret, shown in this reply only. */
	assert_int_equal(call("PUT", "/api/settings/webhooks/orders", ROLE_ADMIN,
			      "{\"generate\":true}", &v),
			 200);
	snprintf(generated, sizeof(generated), "%s", api_str(v, "secret"));
	assert_int_equal(strlen(generated), 64);
	assert_int_equal(strspn(generated, "0123456789abcdef"), 64);
	webhook_secret_last4(generated, gen_last4);
	assert_string_equal(api_str(json_object_get(v, "webhook"), "last4"), gen_last4);
	json_decref(v);
	assert_int_equal(deliver(&srv, DB_SECRET, order_body(5)), 401);
	assert_int_equal(deliver(&bare, DB_SECRET, order_body(5)), 401);
	assert_int_equal(deliver(&srv, generated, order_body(5)), 201);
	assert_int_equal(deliver(&bare, generated, order_body(6)), 201);
	/* Generated twice: two different secrets. */
	assert_int_equal(call("PUT", "/api/settings/webhooks/orders", ROLE_ADMIN,
			      "{\"generate\":true}", &v),
			 200);
	assert_string_not_equal(api_str(v, "secret"), generated);
	snprintf(generated, sizeof(generated), "%s", api_str(v, "secret"));
	json_decref(v);
	/* Never shown again. */
	assert_int_equal(call_on(&srv, "GET", "/api/settings/webhooks", ROLE_ADMIN, NULL, &body),
			 200);
	assert_null(strstr(body.buf, generated));
	strbuf_release(&body);

	/* Sealed at rest: neither the secret nor its hex in the database. */
	{
		store *st;
		stmt *s;
		int rows = 0;
		err e = {0};
		assert_int_equal(store_open(db, STORE_NO_MIGRATE, &st, &e), E_OK);
		assert_int_equal(store_prepare(st, "SELECT name, secret FROM webhook_secrets", &s, &e),
				 E_OK);
		while (stmt_row(s, &e)) {
			assert_string_equal(stmt_text(s, 0), "orders");
			assert_true(strncmp(stmt_text(s, 1), "enc1:", 5) == 0);
			assert_null(strstr(stmt_text(s, 1), generated));
			rows++;
		}
		assert_int_equal(e.code, E_OK);
		stmt_done(s);
		assert_int_equal(rows, 1);
		store_close(st);
	}

	/* Clear: the config file's secret applies again; the server without
	 * one refuses everything, saying where to set it. */
	assert_int_equal(call("DELETE", "/api/settings/webhooks/orders", ROLE_ADMIN, NULL, NULL),
			 204);
	assert_int_equal(call("DELETE", "/api/settings/webhooks/orders", ROLE_ADMIN, NULL, NULL),
			 404);
	o = endpoint("orders", &all);
	assert_string_equal(api_str(o, "source"), "config");
	assert_string_equal(api_str(o, "last4"), "0001");
	json_decref(all);
	assert_int_equal(deliver(&srv, generated, order_body(7)), 401);
	assert_int_equal(deliver(&srv, CONF_SECRET, order_body(7)), 201);
	{
		char sig[WEBHOOK_HEX_SIZE], header[128];
		const char *h[] = {JSON_CT, header, NULL};
		api_resp r;
		webhook_sign_hex(CONF_SECRET, order_body(8), strlen(order_body(8)), sig);
		snprintf(header, sizeof(header), "X-Ecrm-Signature: sha256=%s", sig);
		api_request(&bare, "POST", "/api/webhooks/orders", order_body(8), h, &r);
		assert_int_equal(r.status, 401);
		assert_non_null(strstr(r.body.buf, "Settings"));
		api_resp_release(&r);
	}
}

static void shopify_secret_set_and_clear(void **state)
{
	json_t *all, *o;
	(void)state;
	assert_int_equal(deliver_shopify(CONF_SHOPIFY, 101), 201);
	assert_int_equal(call("PUT", "/api/settings/webhooks/shopify", ROLE_ADMIN,
			      "{\"secret\":\"" DB_SHOPIFY "\"}", NULL),
			 200);
	o = endpoint("shopify", &all);
	assert_string_equal(api_str(o, "source"), "database");
	assert_string_equal(api_str(o, "last4"), "9876");
	assert_string_equal(api_str(o, "header"), "X-Shopify-Hmac-Sha256");
	json_decref(all);
	/* The orders endpoint's secret is its own. */
	o = endpoint("orders", &all);
	assert_string_equal(api_str(o, "source"), "config");
	json_decref(all);
	assert_int_equal(deliver_shopify(CONF_SHOPIFY, 102), 401);
	assert_int_equal(deliver_shopify(DB_SHOPIFY, 102), 201);
	assert_int_equal(deliver(&srv, DB_SHOPIFY, order_body(9)), 401);
	assert_int_equal(call("DELETE", "/api/settings/webhooks/shopify", ROLE_ADMIN, NULL, NULL),
			 204);
	assert_int_equal(deliver_shopify(DB_SHOPIFY, 103), 401);
	assert_int_equal(deliver_shopify(CONF_SHOPIFY, 103), 201);
}

static void webhook_changes_are_audited(void **state)
{
	strbuf body;
	json_t *v, *it;
	size_t i;
	int set = 0, generated = 0, cleared = 0;
	(void)state;
	assert_int_equal(call_on(&srv, "GET", "/api/audit?limit=1000", ROLE_ADMIN, NULL, &body),
			 200);
	assert_null(strstr(body.buf, DB_SECRET));
	assert_null(strstr(body.buf, DB_SHOPIFY));
	strbuf_release(&body);
	assert_int_equal(call("GET", "/api/audit?limit=1000", ROLE_ADMIN, NULL, &v), 200);
	json_array_foreach(json_object_get(v, "entries"), i, it)
	{
		const char *action = api_str(it, "action"), *target = api_str(it, "target");
		if (strcmp(action, "webhook.secret_set") == 0) {
			set++;
			generated += strstr(api_str(it, "detail"), "\"generated\": true") ||
				     strstr(api_str(it, "detail"), "\"generated\":true");
		}
		if (strcmp(action, "webhook.secret_clear") == 0)
			cleared += strcmp(target, "webhook:orders") == 0 ||
				   strcmp(target, "webhook:shopify") == 0;
	}
	json_decref(v);
	/* orders: set, generated twice, cleared; shopify: set, cleared. */
	assert_int_equal(set, 4);
	assert_int_equal(generated, 2);
	assert_int_equal(cleared, 2);
}

/* ---- the UI language ---- */

typedef struct {
	char cookie[160];
	char csrf[160];
	char locale[16]; /* "" for null */
} session;

static long sign_in(session *s)
{
	const char *h[] = {JSON_CT, NULL};
	char buf[512];
	api_resp r;
	long st;

	api_request(&srv, "POST", "/api/login",
		    "{\"email\":\"" USER_EMAIL "\",\"password\":\"" USER_PASSWORD "\"}", h, &r);
	st = r.status;
	if (st == 200) {
		json_t *v = api_json(&r), *u = json_object_get(v, "user");
		const char *c = api_header(&r, "Set-Cookie", buf, sizeof(buf));
		assert_non_null(c);
		snprintf(s->cookie, sizeof(s->cookie), "Cookie: %.*s", (int)strcspn(c, ";"), c);
		snprintf(s->csrf, sizeof(s->csrf), "X-CSRF-Token: %s", api_str(v, "csrf_token"));
		assert_non_null(json_object_get(u, "locale"));
		snprintf(s->locale, sizeof(s->locale), "%s",
			 api_str(u, "locale") ? api_str(u, "locale") : "");
		json_decref(v);
	}
	api_resp_release(&r);
	return st;
}

/* PATCH /api/me with the session (and its CSRF token when `csrf`). */
static long patch_me(const session *s, const char *body, bool csrf, json_t **out)
{
	const char *h[] = {JSON_CT, s->cookie, csrf ? s->csrf : NULL, NULL};
	api_resp r;
	long st;

	api_request(&srv, "PATCH", "/api/me", body, h, &r);
	st = r.status;
	if (out)
		*out = api_json(&r);
	api_resp_release(&r);
	return st;
}

/* GET /api/me's user.locale with the session ("" for null). */
static void me_locale(const session *s, char *out, size_t n)
{
	const char *h[] = {s->cookie, NULL};
	api_resp r;
	json_t *v, *u;

	api_request(&srv, "GET", "/api/me", NULL, h, &r);
	assert_int_equal(r.status, 200);
	v = api_json(&r);
	u = json_object_get(v, "user");
	assert_non_null(json_object_get(u, "locale"));
	snprintf(out, n, "%s", api_str(u, "locale") ? api_str(u, "locale") : "");
	json_decref(v);
	api_resp_release(&r);
}

static void locale_follows_the_user(void **state)
{
	session a, b;
	char got[16];
	json_t *v;
	(void)state;
	assert_int_equal(sign_in(&a), 200);
	assert_string_equal(a.locale, "");
	me_locale(&a, got, sizeof(got));
	assert_string_equal(got, "");

	/* A cookie write without the CSRF token is refused. */
	assert_int_equal(patch_me(&a, "{\"locale\":\"zh-CN\"}", false, NULL), 403);
	assert_int_equal(patch_me(&a, "{\"locale\":\"zh-CN\"}", true, &v), 200);
	assert_string_equal(api_str(json_object_get(v, "user"), "locale"), "zh-CN");
	assert_string_equal(api_str(json_object_get(v, "user"), "email"), USER_EMAIL);
	json_decref(v);
	me_locale(&a, got, sizeof(got));
	assert_string_equal(got, "zh-CN");
	/* Another sign-in (another browser) gets it straight away. */
	assert_int_equal(sign_in(&b), 200);
	assert_string_equal(b.locale, "zh-CN");

	/* Refused: not a tag, a language without translations, a wrong type,
	 * another member, nothing. */
	assert_int_equal(patch_me(&b, "{\"locale\":\"zh CN\"}", true, &v), 422);
	assert_string_equal(api_str(json_object_get(v, "error"), "field"), "locale");
	json_decref(v);
	assert_int_equal(patch_me(&b, "{\"locale\":\"fr\"}", true, NULL), 422);
	assert_int_equal(patch_me(&b, "{\"locale\":\"../en\"}", true, NULL), 422);
	assert_int_equal(patch_me(&b, "{\"locale\":5}", true, NULL), 400);
	assert_int_equal(patch_me(&b, "{\"locale\":\"en\",\"role\":\"admin\"}", true, NULL), 400);
	assert_int_equal(patch_me(&b, "{}", true, NULL), 400);
	me_locale(&a, got, sizeof(got));
	assert_string_equal(got, "zh-CN");

	/* Changed in one session, seen in the other. */
	assert_int_equal(patch_me(&b, "{\"locale\":\"en\"}", true, NULL), 200);
	me_locale(&a, got, sizeof(got));
	assert_string_equal(got, "en");
	/* null forgets the choice. */
	assert_int_equal(patch_me(&a, "{\"locale\":null}", true, NULL), 200);
	me_locale(&b, got, sizeof(got));
	assert_string_equal(got, "");

	/* An API key has no language of its own. */
	assert_int_equal(call("PATCH", "/api/me", ROLE_ADMIN, "{\"locale\":\"en\"}", NULL), 400);
	assert_int_equal(call("GET", "/api/me", ROLE_ADMIN, NULL, &v), 200);
	assert_true(json_is_null(json_object_get(json_object_get(v, "user"), "locale")));
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(webhook_settings_need_admin),
		cmocka_unit_test(webhook_secret_set_rotate_clear),
		cmocka_unit_test(shopify_secret_set_and_clear),
		cmocka_unit_test(webhook_changes_are_audited),
		cmocka_unit_test(locale_follows_the_user),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
