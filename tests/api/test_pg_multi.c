/* test_pg_multi.c: two `ecrm serve` processes on one PostgreSQL database
 * behave as one server: a session from one works on the other (cookie and
 * CSRF token); a sign-out, key revocation, role or password change on one
 * is honoured by the other at once (the identity cache checks the shared
 * auth generation); login failures on both add up to one lockout; the same
 * webhook delivered to both at the same moment makes one order; an import
 * job one server runs shows its progress on the other; both append to one
 * intact audit chain. PostgreSQL only (CMake registers it as
 * pg/api/test_pg_multi alone): without a PostgreSQL URL it fails, it never
 * skips. */
#include "harness.h"
#include "ingest/webhook.h"

#include <jansson.h>
#include <pthread.h>
#include <time.h>

static api_server a, b; /* a runs imports; b does not */
static const char *db;
static char admin_key[128];

#define JSON_CT	    "Content-Type: application/json"
#define HOOK_SECRET "multi-hook-secret"
#define DELIVERIES  20 /* per server, per order */
#define ROUNDS	    5

static void add_user(const char *email, const char *role, const char *pw)
{
	char line[128];

	snprintf(line, sizeof(line), "%s\n", pw);
	if (api_cli(db, line, NULL, "user", "add", email, "--role", role, NULL) != 0)
		fail_msg("ecrm user add %s failed", email);
}

static int setup(void **state)
{
	const char *conf_a, *conf_b;
	strbuf out = STRBUF_INIT;
	(void)state;
	if (strcmp(test_store_kind(), "postgres") != 0)
		fail_msg("this test needs PostgreSQL: run it as pg/api/test_pg_multi through ctest "
			 "(or set ECRM_TEST_DB_URL); on SQLite two servers cannot share a "
			 "database");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	db = api_new_db("multi.db");
	add_user("admin@example.com", "admin", "pw-admin-secret");
	add_user("agent@example.com", "agent", "pw-agent-secret");
	add_user("pw@example.com", "agent", "pw-change-secret");
	add_user("off@example.com", "agent", "pw-disable-secret");
	add_user("locked@example.com", "agent", "pw-locked-secret");
	if (api_cli(db, NULL, &out, "apikey", "create", "--role", "admin", "--name", "admin",
		    NULL) != 0)
		fail_msg("ecrm apikey create failed");
	snprintf(admin_key, sizeof(admin_key), "%.*s", (int)strcspn(out.buf, "\n"), out.buf);
	strbuf_release(&out);
	/* Small import batches, so a job reports progress many times. The
	 * identity cache keeps its default (5 s): the point is that it does
	 * not make the servers disagree. */
	conf_a = test_write_file("a.conf", "[webhooks]\nsecret = " HOOK_SECRET "\n"
					   "[import]\nrunner = 1\nbatch = 250\n");
	conf_b = test_write_file("b.conf", "[webhooks]\nsecret = " HOOK_SECRET "\n"
					   "[import]\nrunner = 0\n");
	api_start(&a, db, conf_a);
	api_start(&b, db, conf_b);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(api_stop(&a), 0);
	assert_int_equal(api_stop(&b), 0);
	curl_global_cleanup();
	return 0;
}

/* One request; returns the status and, when `out` is not NULL, the parsed
 * body (the caller decrefs; JSON null for an empty body). */
static long call(api_server *s, const char *method, const char *path, const char *body,
		 const char *const *headers, json_t **out)
{
	api_resp r;
	long st;

	api_request(s, method, path, body, headers, &r);
	st = r.status;
	if (out)
		*out = r.body.len ? api_json(&r) : json_null();
	api_resp_release(&r);
	return st;
}

static long as_admin(api_server *s, const char *method, const char *path, const char *body,
		     json_t **out)
{
	const char *h[] = {JSON_CT, api_bearer(admin_key), NULL};
	return call(s, method, path, body, h, out);
}

static long me(api_server *s, const api_session *lr)
{
	const char *h[] = {lr->cookie, NULL};
	return call(s, "GET", "/api/me", NULL, h, NULL);
}

static int64_t user_id(const char *email)
{
	json_t *v, *it;
	size_t i;
	int64_t id = 0;

	assert_int_equal(as_admin(&a, "GET", "/api/users", NULL, &v), 200);
	json_array_foreach(json_object_get(v, "users"), i, it)
	{
		if (strcmp(json_string_value(json_object_get(it, "email")), email) == 0)
			id = json_integer_value(json_object_get(it, "id"));
	}
	json_decref(v);
	if (!id)
		fail_msg("no user %s", email);
	return id;
}

/* ---- sessions ---- */

static void session_works_on_both(void **state)
{
	api_session lr;
	json_t *v;
	char code[64];
	(void)state;
	assert_int_equal(api_login(&a, "admin@example.com", "pw-admin-secret", NULL, &lr), 200);
	{
		const char *h[] = {lr.cookie, NULL};
		assert_int_equal(call(&b, "GET", "/api/me", NULL, h, &v), 200);
		assert_string_equal(
			json_string_value(json_object_get(json_object_get(v, "user"), "email")),
			"admin@example.com");
		/* B hands out the CSRF token A issued: it is the session's. */
		assert_string_equal(json_string_value(json_object_get(v, "csrf_token")),
				    lr.csrf + strlen("X-CSRF-Token: "));
		json_decref(v);
	}
	/* A cookie write on B needs A's CSRF token, and takes it. */
	{
		const char *h[] = {JSON_CT, lr.cookie, NULL};
		api_resp r;
		api_request(&b, "POST", "/api/customers", "{\"name\":\"Cross Server\"}", h, &r);
		assert_int_equal(r.status, 403);
		assert_string_equal(api_error_code(&r, code, sizeof(code)), "csrf");
		api_resp_release(&r);
	}
	{
		const char *h[] = {JSON_CT, lr.cookie, lr.csrf, NULL};
		assert_int_equal(
			call(&b, "POST", "/api/customers", "{\"name\":\"Cross Server\"}", h, NULL),
			201);
	}
	/* Both servers have now seen (and cached) the session. Signing out on
	 * A ends it on B at once, the identity cache notwithstanding. */
	assert_int_equal(me(&a, &lr), 200);
	assert_int_equal(me(&b, &lr), 200);
	{
		const char *h[] = {lr.cookie, lr.csrf, NULL};
		assert_int_equal(call(&a, "POST", "/api/logout", NULL, h, NULL), 204);
	}
	assert_int_equal(me(&b, &lr), 401);
	assert_int_equal(me(&a, &lr), 401);
	/* And the other way round. */
	assert_int_equal(api_login(&b, "admin@example.com", "pw-admin-secret", NULL, &lr), 200);
	assert_int_equal(me(&a, &lr), 200);
	assert_int_equal(me(&b, &lr), 200);
	{
		const char *h[] = {lr.cookie, lr.csrf, NULL};
		assert_int_equal(call(&b, "POST", "/api/logout", NULL, h, NULL), 204);
	}
	assert_int_equal(me(&a, &lr), 401);
}

/* A key revoked, a role lowered, a user disabled or a password changed on
 * one server holds on the other at once, as does a change made with the
 * command line. */
static void auth_changes_reach_the_other_server(void **state)
{
	api_session agent, pw, off;
	json_t *v;
	int64_t key_id, agent_id = user_id("agent@example.com"), off_id = user_id("off@example.com");
	char key[128], path[64];
	(void)state;
	/* A key made on A, used on B, revoked on A. */
	assert_int_equal(as_admin(&a, "POST", "/api/apikeys", "{\"name\":\"k\",\"role\":\"viewer\"}",
				  &v),
			 201);
	snprintf(key, sizeof(key), "%s", json_string_value(json_object_get(v, "key")));
	key_id = json_integer_value(json_object_get(json_object_get(v, "api_key"), "id"));
	json_decref(v);
	{
		const char *h[] = {api_bearer(key), NULL};
		assert_int_equal(call(&b, "GET", "/api/me", NULL, h, NULL), 200);
		snprintf(path, sizeof(path), "/api/apikeys/%" PRId64, key_id);
		assert_int_equal(as_admin(&a, "DELETE", path, NULL, NULL), 204);
		assert_int_equal(call(&b, "GET", "/api/me", NULL, h, NULL), 401);
	}
	/* A role lowered on A: B refuses what the old role allowed. */
	assert_int_equal(api_login(&a, "agent@example.com", "pw-agent-secret", NULL, &agent), 200);
	{
		const char *h[] = {agent.cookie, NULL};
		assert_int_equal(call(&b, "GET", "/api/customers?limit=1", NULL, h, NULL), 200);
		snprintf(path, sizeof(path), "/api/users/%" PRId64, agent_id);
		assert_int_equal(as_admin(&a, "PATCH", path, "{\"role\":\"viewer\"}", NULL), 200);
		assert_int_equal(call(&b, "GET", "/api/customers?limit=1", NULL, h, NULL), 403);
		assert_int_equal(as_admin(&a, "PATCH", path, "{\"role\":\"agent\"}", NULL), 200);
		assert_int_equal(call(&b, "GET", "/api/customers?limit=1", NULL, h, NULL), 200);
	}
	/* A user disabled on A. */
	assert_int_equal(api_login(&b, "off@example.com", "pw-disable-secret", NULL, &off), 200);
	assert_int_equal(me(&b, &off), 200);
	snprintf(path, sizeof(path), "/api/users/%" PRId64, off_id);
	assert_int_equal(as_admin(&a, "PATCH", path, "{\"disabled\":true}", NULL), 200);
	assert_int_equal(me(&b, &off), 401);
	/* A password changed on A ends the user's sessions on B. */
	assert_int_equal(api_login(&b, "pw@example.com", "pw-change-secret", NULL, &pw), 200);
	assert_int_equal(me(&b, &pw), 200);
	{
		const char *h[] = {JSON_CT, pw.cookie, pw.csrf, NULL};
		assert_int_equal(call(&a, "POST", "/api/me/password",
				      "{\"old_password\":\"pw-change-secret\","
				      "\"new_password\":\"pw-changed-secret\"}",
				      h, NULL),
				 204);
	}
	assert_int_equal(me(&b, &pw), 401);
	/* The command line is a third writer on the same database. */
	assert_int_equal(as_admin(&b, "POST", "/api/apikeys", "{\"name\":\"c\",\"role\":\"viewer\"}",
				  &v),
			 201);
	snprintf(key, sizeof(key), "%s", json_string_value(json_object_get(v, "key")));
	key_id = json_integer_value(json_object_get(json_object_get(v, "api_key"), "id"));
	json_decref(v);
	{
		const char *h[] = {api_bearer(key), NULL};
		char id[32];
		assert_int_equal(call(&a, "GET", "/api/me", NULL, h, NULL), 200);
		assert_int_equal(call(&b, "GET", "/api/me", NULL, h, NULL), 200);
		snprintf(id, sizeof(id), "%" PRId64, key_id);
		assert_int_equal(api_cli(db, NULL, NULL, "apikey", "revoke", id, NULL), 0);
		assert_int_equal(call(&a, "GET", "/api/me", NULL, h, NULL), 401);
		assert_int_equal(call(&b, "GET", "/api/me", NULL, h, NULL), 401);
	}
}

/* ---- login throttling ---- */

/* The default account policy locks after 5 failures: 3 on A and 2 on B. */
static void login_failures_add_up(void **state)
{
	const char *h[] = {JSON_CT, NULL};
	const char *good = "{\"email\":\"locked@example.com\",\"password\":\"pw-locked-secret\"}";
	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(api_login(&a, "locked@example.com", "wrong password", NULL, NULL), 401);
	assert_int_equal(api_login(&b, "locked@example.com", "wrong password", NULL, NULL), 401);
	/* The fifth failure, on B (which saw two), locks the account on both. */
	assert_int_equal(api_login(&b, "locked@example.com", "wrong password", NULL, NULL), 401);
	assert_int_equal(call(&a, "POST", "/api/login", good, h, NULL), 429);
	assert_int_equal(call(&b, "POST", "/api/login", good, h, NULL), 429);
}

/* ---- webhooks ---- */

typedef struct {
	api_server *s;
	const char *body, *sig;
	pthread_barrier_t *go;
	long status;
} delivery;

static size_t discard(char *p, size_t size, size_t n, void *user)
{
	(void)p;
	(void)user;
	return size * n;
}

static void *deliver(void *arg)
{
	delivery *d = arg;
	struct curl_slist *hl = NULL;
	char url[128];
	CURL *c = curl_easy_init();

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/api/webhooks/orders", d->s->port);
	hl = curl_slist_append(hl, JSON_CT);
	hl = curl_slist_append(hl, d->sig);
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, d->body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	/* Every thread ready first: the deliveries leave together. */
	pthread_barrier_wait(d->go);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &d->status);
	else
		d->status = -1;
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	return NULL;
}

/* Orders whose external id is `ext`, counted over the whole list. */
static size_t orders_named(const char *ext)
{
	json_t *v, *it;
	size_t i, n = 0;

	assert_int_equal(as_admin(&b, "GET", "/api/orders?limit=200", NULL, &v), 200);
	json_array_foreach(json_object_get(v, "orders"), i, it) n +=
		strcmp(json_string_value(json_object_get(it, "external_id")), ext) == 0;
	json_decref(v);
	return n;
}

static void one_webhook_at_both_servers_makes_one_order(void **state)
{
	(void)state;
	for (int round = 0; round < ROUNDS; round++) {
		delivery d[2 * DELIVERIES];
		pthread_t t[2 * DELIVERIES];
		pthread_barrier_t go;
		char body[512], sig[WEBHOOK_HEX_SIZE], header[128], ext[32], cust[48];
		int created = 0, replayed = 0;
		json_t *v;

		snprintf(ext, sizeof(ext), "multi-%d", round);
		snprintf(body, sizeof(body),
			 "{\"external_id\":\"%s\",\"placed_at\":1772359200,\"currency\":\"EUR\","
			 "\"customer\":{\"external_id\":\"multi-buyer-%d\",\"name\":\"Twin "
			 "Buyer\"},\"items\":[{\"sku\":\"MULTI-%d\",\"qty\":2,\"unit_price\":450}]}",
			 ext, round, round);
		webhook_sign_hex(HOOK_SECRET, body, strlen(body), sig);
		snprintf(header, sizeof(header), "X-Ecrm-Signature: sha256=%s", sig);
		pthread_barrier_init(&go, NULL, 2 * DELIVERIES);
		for (int i = 0; i < 2 * DELIVERIES; i++) {
			d[i] = (delivery){.s = i % 2 ? &b : &a, .body = body, .sig = header,
					  .go = &go};
			assert_int_equal(pthread_create(&t[i], NULL, deliver, &d[i]), 0);
		}
		for (int i = 0; i < 2 * DELIVERIES; i++)
			pthread_join(t[i], NULL);
		pthread_barrier_destroy(&go);
		for (int i = 0; i < 2 * DELIVERIES; i++) {
			if (d[i].status == 201)
				created++;
			else if (d[i].status == 200)
				replayed++;
			else
				fail_msg("round %d: delivery %d to %s answered %ld", round, i,
					 i % 2 ? "B" : "A", d[i].status);
		}
		/* Exactly one delivery made the order; the rest found it. */
		assert_int_equal(created, 1);
		assert_int_equal(replayed, 2 * DELIVERIES - 1);
		assert_int_equal(orders_named(ext), 1);
		snprintf(cust, sizeof(cust), "/api/customers?q=multi-buyer-%d", round);
		assert_int_equal(as_admin(&a, "GET", cust, NULL, &v), 200);
		assert_int_equal(json_array_size(json_object_get(v, "customers")), 1);
		json_decref(v);
	}
}

/* ---- import jobs ---- */

static void import_progress_shows_on_the_other_server(void **state)
{
	enum { ROWS = 20000 };
	strbuf csv = STRBUF_INIT;
	char path[96], ct[] = "Content-Type: text/csv";
	const char *h[] = {ct, api_bearer(admin_key), NULL};
	int64_t id, total, last = 0, partial = 0;
	bool done = false;
	json_t *v;
	time_t deadline;
	(void)state;
	strbuf_adds(&csv, "customer_id,name,email,city\n");
	for (int i = 0; i < ROWS; i++)
		strbuf_addf(&csv, "imp-%d,Importee %d,importee%d@example.com,York\n", i, i, i);
	total = (int64_t)csv.len;
	/* Posted to B, which runs no imports: A's runner takes the job. */
	assert_int_equal(call(&b, "POST", "/api/imports?kind=customers", csv.buf, h, &v), 202);
	id = json_integer_value(json_object_get(json_object_get(v, "job"), "id"));
	json_decref(v);
	strbuf_release(&csv);
	snprintf(path, sizeof(path), "/api/imports/%" PRId64 "?limit=1", id);
	deadline = time(NULL) + 240;
	while (!done && time(NULL) < deadline) {
		json_t *job, *progress;
		const char *st;
		int64_t bytes;
		assert_int_equal(as_admin(&b, "GET", path, NULL, &v), 200);
		job = json_object_get(v, "job");
		progress = json_object_get(job, "progress");
		st = json_string_value(json_object_get(job, "state"));
		bytes = json_integer_value(json_object_get(progress, "bytes_done"));
		assert_int_equal(json_integer_value(json_object_get(progress, "bytes_total")),
				 total);
		/* Progress only goes forward. */
		assert_true(bytes >= last);
		last = bytes;
		if (strcmp(st, "running") == 0 && bytes > 0 && bytes < total)
			partial++;
		if (strcmp(st, "failed") == 0)
			fail_msg("the import failed: %s",
				 json_string_value(json_object_get(job, "error")));
		if (strcmp(st, "done") == 0) {
			done = true;
			assert_int_equal(bytes, total);
			assert_int_equal(json_integer_value(json_object_get(job, "rows")), ROWS);
			assert_int_equal(json_integer_value(json_object_get(job, "rows_failed")),
					 0);
		}
		json_decref(v);
	}
	assert_true(done);
	/* B saw the job part-way, more than once (80 batches of 250 rows). */
	assert_true(partial >= 2);
	/* And A agrees on the result. */
	assert_int_equal(as_admin(&a, "GET", "/api/customers?q=imp-19999", NULL, &v), 200);
	assert_int_equal(json_array_size(json_object_get(v, "customers")), 1);
	json_decref(v);
}

/* ---- the audit log ---- */

/* Both servers appended to the one hash chain all along (sign-ins,
 * failures, key and user changes, imports); each remembers the head it
 * wrote last, so the chain holds only if each notices the other's entries. */
static void one_audit_chain_from_both_servers(void **state)
{
	json_t *v;
	int64_t checked;
	(void)state;
	assert_int_equal(as_admin(&a, "GET", "/api/audit/verify", NULL, &v), 200);
	assert_true(json_is_true(json_object_get(v, "intact")));
	checked = json_integer_value(json_object_get(v, "checked"));
	assert_true(checked > 20);
	json_decref(v);
	/* One more entry from each side, then again. */
	assert_int_equal(api_login(&a, "admin@example.com", "wrong password", NULL, NULL), 401);
	assert_int_equal(api_login(&b, "admin@example.com", "wrong password", NULL, NULL), 401);
	assert_int_equal(as_admin(&b, "GET", "/api/audit/verify", NULL, &v), 200);
	assert_true(json_is_true(json_object_get(v, "intact")));
	assert_int_equal(json_integer_value(json_object_get(v, "checked")), checked + 2);
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(session_works_on_both),
		cmocka_unit_test(auth_changes_reach_the_other_server),
		cmocka_unit_test(login_failures_add_up),
		cmocka_unit_test(one_webhook_at_both_servers_makes_one_order),
		cmocka_unit_test(import_progress_shows_on_the_other_server),
		cmocka_unit_test(one_audit_chain_from_both_servers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
