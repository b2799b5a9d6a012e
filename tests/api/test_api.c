/* test_api.c: end-to-end tests against a real `ecrm serve` on 127.0.0.1:
 * sessions and their cookie, CSRF, API keys, every route with every role,
 * login throttling (shared through the database), limits, the error shape,
 * /healthz, /metrics, the OpenAPI file, keep-alive, and a graceful stop with
 * a request in flight. */
#include "harness.h"
#include "http/router.h"

#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static api_server srv;
static const char *db;
static char keys[ROLE__COUNT][128]; /* an API key per role */

#define JSON_CT "Content-Type: application/json"

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	db = api_new_db("api.db");
	for (int r = 0; r < ROLE__COUNT; r++) {
		char email[64], pw[64];
		strbuf out = STRBUF_INIT;
		const char *role = user_role_name((user_role)r);

		snprintf(email, sizeof(email), "%s@example.com", role);
		snprintf(pw, sizeof(pw), "pw-%s-secret\n", role);
		if (api_cli(db, pw, NULL, "user", "add", email, "--role", role, NULL) != 0)
			fail_msg("ecrm user add %s failed", email);
		if (api_cli(db, NULL, &out, "apikey", "create", "--role", role, "--name", role,
			    NULL) != 0)
			fail_msg("ecrm apikey create failed");
		snprintf(keys[r], sizeof(keys[r]), "%.*s", (int)strcspn(out.buf, "\n"), out.buf);
		strbuf_release(&out);
	}
	{
		char pw[] = "pw-throttle-secret\n";
		if (api_cli(db, pw, NULL, "user", "add", "locked@example.com", "--role", "agent",
			    NULL) != 0)
			fail_msg("ecrm user add failed");
	}
	api_start(&srv, db, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(api_stop(&srv), 0);
	curl_global_cleanup();
	return 0;
}

/* "Authorization: Bearer KEY" for a role, in a static buffer. */
static const char *bearer(user_role r)
{
	return api_bearer(keys[r]);
}

static void healthz_and_head(void **state)
{
	api_resp r;
	char buf[128];
	(void)state;
	api_request(&srv, "GET", "/healthz", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.buf, "{\"status\":\"ok\"}");
	assert_string_equal(api_header(&r, "Content-Type", buf, sizeof(buf)), "application/json");
	api_resp_release(&r);
	api_request(&srv, "HEAD", "/healthz", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	api_resp_release(&r);
}

static void unknown_route_is_404_json(void **state)
{
	api_resp r;
	char code[64];
	(void)state;
	api_request(&srv, "GET", "/api/nothing/here", NULL, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(api_error_code(&r, code, sizeof(code)), "not_found");
	api_resp_release(&r);
}

static void wrong_method_is_405_with_allow(void **state)
{
	api_resp r;
	char buf[128], code[64];
	(void)state;
	api_request(&srv, "DELETE", "/api/users", NULL, NULL, &r);
	assert_int_equal(r.status, 405);
	assert_string_equal(api_header(&r, "Allow", buf, sizeof(buf)), "GET, HEAD, POST");
	assert_string_equal(api_error_code(&r, code, sizeof(code)), "method_not_allowed");
	api_resp_release(&r);
	api_request(&srv, "OPTIONS", "/api/me", NULL, NULL, &r);
	assert_int_equal(r.status, 405);
	assert_string_equal(api_header(&r, "Allow", buf, sizeof(buf)), "GET, HEAD, PATCH");
	api_resp_release(&r);
}

static void openapi_is_served(void **state)
{
	char path[1024], buf[128];
	const char *src = getenv("ECRM_SOURCE_DIR");
	strbuf file = STRBUF_INIT;
	api_resp r;
	FILE *f;
	(void)state;
	assert_non_null(src);
	snprintf(path, sizeof(path), "%s/docs/openapi.yaml", src);
	assert_non_null(f = fopen(path, "r"));
	for (int c; (c = fgetc(f)) != EOF;)
		strbuf_addc(&file, (char)c);
	fclose(f);
	api_request(&srv, "GET", "/api/openapi.yaml", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(api_header(&r, "Content-Type", buf, sizeof(buf)), "yaml"));
	assert_int_equal(r.body.len, file.len);
	assert_memory_equal(r.body.buf, file.buf, file.len);
	api_resp_release(&r);
	strbuf_release(&file);
}

static void login_me_logout(void **state)
{
	api_session lr;
	api_resp r;
	char buf[512], code[64];
	json_t *v;
	(void)state;
	assert_int_equal(api_login(&srv, "Admin@Example.com", "pw-admin-secret", NULL, &lr), 200);
	/* The cookie: HttpOnly, SameSite=Strict, whole site, a lifetime, not
	 * Secure over plain HTTP. */
	assert_true(strncmp(lr.set_cookie, "ecrm_session=", 13) == 0);
	assert_non_null(strstr(lr.set_cookie, "; HttpOnly"));
	assert_non_null(strstr(lr.set_cookie, "; SameSite=Strict"));
	assert_non_null(strstr(lr.set_cookie, "; Path=/"));
	assert_non_null(strstr(lr.set_cookie, "; Max-Age=28800"));
	assert_null(strstr(lr.set_cookie, "Secure"));
	{
		const char *h[] = {lr.cookie, NULL};
		api_request(&srv, "GET", "/api/me/", NULL, h, &r); /* trailing slash too */
		assert_int_equal(r.status, 200);
		v = api_json(&r);
		assert_string_equal(
			json_string_value(json_object_get(json_object_get(v, "user"), "email")),
			"admin@example.com");
		assert_string_equal(
			json_string_value(json_object_get(json_object_get(v, "user"), "auth")),
			"session");
		/* The same CSRF token as login gave. */
		assert_string_equal(json_string_value(json_object_get(v, "csrf_token")),
				    lr.csrf + strlen("X-CSRF-Token: "));
		json_decref(v);
		api_resp_release(&r);
		/* A cookie write without the token is refused ... */
		api_request(&srv, "POST", "/api/logout", NULL, h, &r);
		assert_int_equal(r.status, 403);
		assert_string_equal(api_error_code(&r, code, sizeof(code)), "csrf");
		api_resp_release(&r);
	}
	{
		const char *h[] = {lr.cookie, "X-CSRF-Token: wrong-token", NULL};
		api_request(&srv, "POST", "/api/logout", NULL, h, &r);
		assert_int_equal(r.status, 403);
		api_resp_release(&r);
	}
	{
		const char *h[] = {lr.cookie, lr.csrf, NULL};
		api_request(&srv, "POST", "/api/logout", NULL, h, &r);
		assert_int_equal(r.status, 204);
		assert_non_null(
			strstr(api_header(&r, "Set-Cookie", buf, sizeof(buf)), "Max-Age=0"));
		api_resp_release(&r);
		/* ... and after logout the cookie is worth nothing. */
		api_request(&srv, "GET", "/api/me", NULL, h, &r);
		assert_int_equal(r.status, 401);
		assert_string_equal(api_error_code(&r, code, sizeof(code)), "unauthenticated");
		assert_non_null(api_header(&r, "WWW-Authenticate", buf, sizeof(buf)));
		api_resp_release(&r);
	}
}

static void secure_cookie_behind_tls_proxy(void **state)
{
	api_session lr;
	(void)state;
	assert_int_equal(api_login(&srv, "viewer@example.com", "pw-viewer-secret",
			       "X-Forwarded-Proto: https", &lr),
			 200);
	assert_non_null(strstr(lr.set_cookie, "; Secure"));
}

static void wrong_password_and_unknown_user_look_alike(void **state)
{
	char body[128], m1[256], m2[256];
	const char *h[] = {JSON_CT, NULL};
	api_resp r;
	json_t *v;
	(void)state;
	snprintf(body, sizeof(body), "{\"email\":\"analyst@example.com\",\"password\":\"nope\"}");
	api_request(&srv, "POST", "/api/login", body, h, &r);
	assert_int_equal(r.status, 401);
	v = api_json(&r);
	snprintf(m1, sizeof(m1), "%s",
		 json_string_value(json_object_get(json_object_get(v, "error"), "message")));
	json_decref(v);
	api_resp_release(&r);
	snprintf(body, sizeof(body), "{\"email\":\"ghost@example.com\",\"password\":\"nope\"}");
	api_request(&srv, "POST", "/api/login", body, h, &r);
	assert_int_equal(r.status, 401);
	v = api_json(&r);
	snprintf(m2, sizeof(m2), "%s",
		 json_string_value(json_object_get(json_object_get(v, "error"), "message")));
	json_decref(v);
	api_resp_release(&r);
	assert_string_equal(m1, m2);
}

static void cookie_writes_need_csrf_keys_do_not(void **state)
{
	api_session lr;
	api_resp r;
	const char *body = "{\"name\":\"shop\",\"role\":\"agent\"}";
	(void)state;
	assert_int_equal(api_login(&srv, "admin@example.com", "pw-admin-secret", NULL, &lr), 200);
	{
		const char *h[] = {JSON_CT, lr.cookie, NULL};
		api_request(&srv, "POST", "/api/apikeys", body, h, &r);
		assert_int_equal(r.status, 403);
		api_resp_release(&r);
	}
	{
		const char *h[] = {JSON_CT, lr.cookie, lr.csrf, NULL};
		api_request(&srv, "POST", "/api/apikeys", body, h, &r);
		assert_int_equal(r.status, 201);
		api_resp_release(&r);
	}
	{
		const char *h[] = {JSON_CT, bearer(ROLE_ADMIN), NULL};
		api_request(&srv, "POST", "/api/apikeys", body, h, &r);
		assert_int_equal(r.status, 201);
		api_resp_release(&r);
	}
}

static void api_keys_authenticate_until_revoked(void **state)
{
	char path[64], key[128], auth[192];
	api_resp r;
	json_t *v;
	int64_t id;
	(void)state;
	{
		const char *h[] = {bearer(ROLE_ANALYST), NULL};
		api_request(&srv, "GET", "/api/me", NULL, h, &r);
		assert_int_equal(r.status, 200);
		v = api_json(&r);
		assert_string_equal(
			json_string_value(json_object_get(json_object_get(v, "user"), "role")),
			"analyst");
		assert_string_equal(
			json_string_value(json_object_get(json_object_get(v, "user"), "auth")),
			"apikey");
		assert_null(json_object_get(v, "csrf_token"));
		json_decref(v);
		api_resp_release(&r);
	}
	{
		const char *h[] = {"Authorization: Bearer ecrm_not-a-real-key", NULL};
		api_request(&srv, "GET", "/api/me", NULL, h, &r);
		assert_int_equal(r.status, 401);
		api_resp_release(&r);
	}
	{
		const char *h[] = {"Authorization: Basic YWRtaW46YWRtaW4=", NULL};
		api_request(&srv, "GET", "/api/me", NULL, h, &r);
		assert_int_equal(r.status, 401);
		api_resp_release(&r);
	}
	{
		const char *h[] = {JSON_CT, bearer(ROLE_ADMIN), NULL};
		api_request(&srv, "POST", "/api/apikeys", "{\"role\":\"viewer\"}", h, &r);
		assert_int_equal(r.status, 201);
		v = api_json(&r);
		snprintf(key, sizeof(key), "%s", json_string_value(json_object_get(v, "key")));
		id = json_integer_value(json_object_get(json_object_get(v, "api_key"), "id"));
		json_decref(v);
		api_resp_release(&r);
	}
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key);
	{
		const char *h[] = {auth, NULL};
		api_request(&srv, "GET", "/api/me", NULL, h, &r);
		assert_int_equal(r.status, 200);
		api_resp_release(&r);
	}
	snprintf(path, sizeof(path), "/api/apikeys/%" PRId64, id);
	{
		const char *h[] = {bearer(ROLE_ADMIN), NULL};
		api_request(&srv, "DELETE", path, NULL, h, &r);
		assert_int_equal(r.status, 204);
		api_resp_release(&r);
		api_request(&srv, "DELETE", path, NULL, h, &r);
		assert_int_equal(r.status, 404);
		api_resp_release(&r);
	}
	{
		const char *h[] = {auth, NULL};
		api_request(&srv, "GET", "/api/me", NULL, h, &r);
		assert_int_equal(r.status, 401);
		api_resp_release(&r);
	}
}

/* Path parameters become 999999; writes get an empty object. */
static void concrete_path(const char *pattern, char *out, size_t n)
{
	size_t o = 0;
	for (const char *p = pattern; *p && o + 8 < n;) {
		if (*p == ':' || *p == '*') {
			o += (size_t)snprintf(out + o, n - o, "999999");
			p += strcspn(p, "/");
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
}

static void every_route_with_every_role(void **state)
{
	int checked = 0;
	(void)state;
	for (size_t i = 0; i < http_routes_count; i++) {
		const http_route *rt = &http_routes[i];
		const char *m = http_method_name(rt->method);
		const char *body =
			rt->method == HTTP_GET || rt->method == HTTP_DELETE ? NULL : "{}";
		char path[256];
		api_resp r;

		concrete_path(rt->pattern, path, sizeof(path));
		{
			const char *h[] = {JSON_CT, NULL};
			api_request(&srv, m, path, body, h, &r);
			if (rt->flags & HTTP_PUBLIC) {
				/* A signed route's credential is the signature: 401 without. */
				if ((r.status == 401 && !(rt->flags & HTTP_SIGNED)) ||
				    r.status == 403)
					fail_msg("public %s %s answered %ld", m, path, r.status);
			} else if (r.status != 401) {
				fail_msg("%s %s without credentials: %ld, want 401", m, path,
					 r.status);
			}
			api_resp_release(&r);
		}
		for (int role = 0; role < ROLE__COUNT; role++) {
			const char *h[] = {JSON_CT, bearer((user_role)role), NULL};
			bool allowed =
				(rt->flags & HTTP_PUBLIC) ||
				user_role_allows((user_role)role, rt->role, rt->flags & HTTP_PII);
			if (rt->flags & HTTP_PUBLIC)
				continue; /* credentials do not matter */
			api_request(&srv, m, path, body, h, &r);
			if (!allowed && r.status != 403)
				fail_msg("%s %s as %s: %ld, want 403", m, path,
					 user_role_name((user_role)role), r.status);
			if (allowed && (r.status == 401 || r.status == 403))
				fail_msg("%s %s as %s: %ld, want it allowed", m, path,
					 user_role_name((user_role)role), r.status);
			api_resp_release(&r);
			checked++;
		}
	}
	assert_true(checked >= 6);
}

static void body_too_large_is_413(void **state)
{
	size_t n = (1 << 20) + 10;
	char *big = malloc(n + 1), code[64];
	const char *h[] = {JSON_CT, NULL};
	api_resp r;
	(void)state;
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	big[n] = '\0';
	api_request(&srv, "POST", "/api/login", big, h, &r);
	assert_int_equal(r.status, 413);
	assert_string_equal(api_error_code(&r, code, sizeof(code)), "too_large");
	api_resp_release(&r);
	/* Without a Content-Length the cap still holds. */
	{
		const char *hc[] = {JSON_CT, "Transfer-Encoding: chunked", NULL};
		api_request(&srv, "POST", "/api/login", big, hc, &r);
		assert_int_equal(r.status, 413);
		api_resp_release(&r);
	}
	/* A client that asks first is told before it sends the body. */
	{
		const char *he[] = {JSON_CT, "Expect: 100-continue", NULL};
		api_request(&srv, "POST", "/api/login", big, he, &r);
		assert_int_equal(r.status, 413);
		api_resp_release(&r);
	}
	/* Headers past [http] max_header (32 KiB): libmicrohttpd answers 431
	 * itself (its own HTML body) and closes. */
	{
		char *hdr = malloc(40 * 1024);
		const char *hh[] = {hdr, NULL};
		snprintf(hdr, 40 * 1024, "X-Big: %0*d", 40 * 1024 - 16, 0);
		api_request(&srv, "GET", "/healthz", NULL, hh, &r);
		assert_int_equal(r.status, 431);
		api_resp_release(&r);
		free(hdr);
	}
	free(big);
	/* The server is fine afterwards. */
	api_request(&srv, "GET", "/healthz", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	api_resp_release(&r);
}

static void malformed_json_is_400_with_position(void **state)
{
	/* Line 1 is 19 characters and a newline; line 2 is ` "password": }`,
	 * whose '}' is column 14: 20 + 14 = 34 bytes read up to the fault. */
	const char *body = "{\"email\":\"a@b.com\",\n \"password\": }";
	const char *h[] = {JSON_CT, NULL};
	api_resp r;
	json_t *v, *e;
	(void)state;
	api_request(&srv, "POST", "/api/login", body, h, &r);
	assert_int_equal(r.status, 400);
	v = api_json(&r);
	e = json_object_get(v, "error");
	assert_string_equal(json_string_value(json_object_get(e, "code")), "invalid");
	assert_int_equal(json_integer_value(json_object_get(e, "line")), 2);
	assert_int_equal(json_integer_value(json_object_get(e, "column")), 14);
	assert_int_equal(json_integer_value(json_object_get(e, "position")), 34);
	json_decref(v);
	api_resp_release(&r);
	/* A wrong type names the field. */
	api_request(&srv, "POST", "/api/login", "{\"email\":1,\"password\":\"x\"}", h, &r);
	assert_int_equal(r.status, 400);
	v = api_json(&r);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(v, "error"), "field")), "email");
	json_decref(v);
	api_resp_release(&r);
}

static void non_json_body_is_415(void **state)
{
	const char *h[] = {"Content-Type: text/plain", NULL};
	api_resp r;
	char code[64];
	(void)state;
	api_request(&srv, "POST", "/api/login", "email=a", h, &r);
	assert_int_equal(r.status, 415);
	assert_string_equal(api_error_code(&r, code, sizeof(code)), "unsupported_media_type");
	api_resp_release(&r);
}

static void validation_errors_name_the_field(void **state)
{
	const char *h[] = {JSON_CT, bearer(ROLE_ADMIN), NULL};
	api_resp r;
	json_t *v;
	(void)state;
	api_request(
		&srv, "POST", "/api/users",
		"{\"email\":\"new@example.com\",\"role\":\"boss\",\"password\":\"long enough\"}", h,
		&r);
	assert_int_equal(r.status, 422);
	v = api_json(&r);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(v, "error"), "field")), "role");
	json_decref(v);
	api_resp_release(&r);
	api_request(
		&srv, "POST", "/api/users",
		"{\"email\":\"admin@example.com\",\"role\":\"agent\",\"password\":\"long enough\"}",
		h, &r);
	assert_int_equal(r.status, 409);
	api_resp_release(&r);
	api_request(&srv, "GET", "/api/users/abc", NULL, h, &r);
	assert_int_equal(r.status, 400);
	v = api_json(&r);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(v, "error"), "field")), "id");
	json_decref(v);
	api_resp_release(&r);
	api_request(
		&srv, "POST", "/api/users",
		"{\"email\":\"new@example.com\",\"role\":\"agent\",\"password\":\"long enough\"}",
		h, &r);
	assert_int_equal(r.status, 201);
	api_resp_release(&r);
	/* The new user can sign in. */
	assert_int_equal(api_login(&srv, "new@example.com", "long enough", NULL, NULL), 200);
}

static void admin_cannot_lock_themselves_out(void **state)
{
	api_session lr;
	api_resp r;
	char path[64];
	json_t *v;
	int64_t id;
	(void)state;
	assert_int_equal(api_login(&srv, "admin@example.com", "pw-admin-secret", NULL, &lr), 200);
	{
		const char *h[] = {lr.cookie, NULL};
		api_request(&srv, "GET", "/api/me", NULL, h, &r);
		v = api_json(&r);
		id = json_integer_value(json_object_get(json_object_get(v, "user"), "id"));
		json_decref(v);
		api_resp_release(&r);
	}
	snprintf(path, sizeof(path), "/api/users/%" PRId64, id);
	{
		const char *h[] = {JSON_CT, lr.cookie, lr.csrf, NULL};
		api_request(&srv, "PATCH", path, "{\"disabled\":true}", h, &r);
		assert_int_equal(r.status, 409);
		api_resp_release(&r);
	}
}

/* The default account policy: 5 failures in 15 minutes lock 15 minutes. */
static void account_throttle_locks_with_retry_after(void **state)
{
	api_server second;
	api_resp r;
	char buf[64], code[64];
	const char *h[] = {JSON_CT, NULL};
	const char *good = "{\"email\":\"locked@example.com\",\"password\":\"pw-throttle-secret\"}";
	long retry;
	(void)state;
	for (int i = 0; i < 5; i++)
		assert_int_equal(api_login(&srv, "locked@example.com", "wrong password", NULL, NULL),
				 401);
	/* Locked now: even the right password is refused, with Retry-After. */
	api_request(&srv, "POST", "/api/login", good, h, &r);
	assert_int_equal(r.status, 429);
	assert_string_equal(api_error_code(&r, code, sizeof(code)), "too_many_requests");
	assert_non_null(api_header(&r, "Retry-After", buf, sizeof(buf)));
	retry = strtol(buf, NULL, 10);
	/* 900 s lockout, minus however long a loaded (sanitized) run took. */
	assert_true(retry > 600 && retry <= 900);
	api_resp_release(&r);
	/* Another account from the same address is not locked. */
	assert_int_equal(api_login(&srv, "agent@example.com", "pw-agent-secret", NULL, NULL), 200);
	/* A second server on the same database agrees: the counters are stored. */
	api_start(&second, db, NULL);
	api_request(&second, "POST", "/api/login", good, h, &r);
	assert_int_equal(r.status, 429);
	api_resp_release(&r);
	assert_int_equal(api_stop(&second), 0);
}

static void address_throttle(void **state)
{
	const char *conf = test_write_file("throttle.conf", "[auth]\naddress_max_failures = 3\n"
							    "address_lockout = 60\n");
	const char *db2 = api_new_db("addr.db");
	api_server s2;
	api_resp r;
	char buf[64];
	const char *h[] = {JSON_CT, NULL};
	(void)state;
	if (api_cli(db2, "a-good-password\n", NULL, "user", "add", "x@example.com", "--role",
		    "viewer", NULL) != 0)
		fail_msg("user add failed");
	api_start(&s2, db2, conf);
	/* Three accounts fail once each: the address is what is counted. */
	assert_int_equal(api_login(&s2, "a@example.com", "wrong password", NULL, NULL), 401);
	assert_int_equal(api_login(&s2, "b@example.com", "wrong password", NULL, NULL), 401);
	assert_int_equal(api_login(&s2, "c@example.com", "wrong password", NULL, NULL), 401);
	api_request(&s2, "POST", "/api/login",
		    "{\"email\":\"x@example.com\",\"password\":\"a-good-password\"}", h, &r);
	assert_int_equal(r.status, 429);
	assert_non_null(api_header(&r, "Retry-After", buf, sizeof(buf)));
	assert_true(strtol(buf, NULL, 10) <= 60);
	assert_non_null(strstr(r.body.buf, "this address"));
	api_resp_release(&r);
	assert_int_equal(api_stop(&s2), 0);
}

/* GET /api/me with `header`: the status, and the role (and the id, when
 * `id` is not NULL) when 200. */
static long me(api_server *s, const char *header, char *role, size_t n, int64_t *id)
{
	const char *h[] = {header, NULL};
	api_resp r;
	long st;

	api_request(s, "GET", "/api/me", NULL, h, &r);
	st = r.status;
	role[0] = '\0';
	if (st == 200) {
		json_t *v = api_json(&r);
		snprintf(role, n, "%s",
			 json_string_value(json_object_get(json_object_get(v, "user"), "role")));
		if (id)
			*id = json_integer_value(json_object_get(json_object_get(v, "user"), "id"));
		json_decref(v);
	}
	api_resp_release(&r);
	return st;
}

/* Identities are cached for [auth] cache_seconds, yet a change takes
 * effect at once, made through the server or elsewhere (the CLI here;
 * another server in pg/api/test_pg_multi): the cache checks the database's
 * auth generation. */
static void identity_cache_follows_changes(void **state)
{
	const char *conf = test_write_file("cache.conf", "[auth]\ncache_seconds = 2\n");
	const char *db2 = api_new_db("cache.db");
	char key[128], auth[192], role[32], path[64];
	api_session admin, agent;
	api_server s2;
	strbuf out = STRBUF_INIT;
	int64_t uid = 0;
	(void)state;
	if (api_cli(db2, "pw-cache-admin\n", NULL, "user", "add", "a@example.com", "--role",
		    "admin", NULL) != 0 ||
	    api_cli(db2, "pw-cache-user1\n", NULL, "user", "add", "u@example.com", "--role", "agent",
		    NULL) != 0 ||
	    api_cli(db2, NULL, &out, "apikey", "create", "--role", "analyst", "--name", "c", NULL) !=
		    0)
		fail_msg("setting up cache.db failed");
	snprintf(key, sizeof(key), "%.*s", (int)strcspn(out.buf, "\n"), out.buf);
	strbuf_release(&out);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key);
	api_start(&s2, db2, conf);
	assert_int_equal(api_login(&s2, "a@example.com", "pw-cache-admin", NULL, &admin), 200);
	assert_int_equal(api_login(&s2, "u@example.com", "pw-cache-user1", NULL, &agent), 200);

	/* A role change and a disabled account, through this server: at once. */
	assert_int_equal(me(&s2, agent.cookie, role, sizeof(role), &uid), 200);
	assert_string_equal(role, "agent");
	snprintf(path, sizeof(path), "/api/users/%" PRId64, uid);
	{
		const char *h[] = {JSON_CT, admin.cookie, admin.csrf, NULL};
		api_resp r;
		api_request(&s2, "PATCH", path, "{\"role\":\"viewer\"}", h, &r);
		assert_int_equal(r.status, 200);
		api_resp_release(&r);
		assert_int_equal(me(&s2, agent.cookie, role, sizeof(role), NULL), 200);
		assert_string_equal(role, "viewer");
		api_request(&s2, "PATCH", path, "{\"disabled\":true}", h, &r);
		assert_int_equal(r.status, 200);
		api_resp_release(&r);
		assert_int_equal(me(&s2, agent.cookie, role, sizeof(role), NULL), 401);
	}

	/* A key revoked by the CLI (another process): at once too, though the
	 * server has just cached the key. */
	assert_int_equal(me(&s2, auth, role, sizeof(role), NULL), 200);
	assert_int_equal(me(&s2, auth, role, sizeof(role), NULL), 200);
	if (api_cli(db2, NULL, NULL, "apikey", "revoke", "1", NULL) != 0)
		fail_msg("apikey revoke failed");
	assert_int_equal(me(&s2, auth, role, sizeof(role), NULL), 401);
	assert_int_equal(api_stop(&s2), 0);
}

/* Finds `ecrm_http_requests_total{route="R",method="M",status="S"} N`. */
static long counter(const char *text, const char *route, const char *method, const char *st)
{
	char key[256];
	const char *p;
	snprintf(key, sizeof(key),
		 "ecrm_http_requests_total{route=\"%s\",method=\"%s\",status=\"%s\"} ", route,
		 method, st);
	p = strstr(text, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static void metrics_in_prometheus_format(void **state)
{
	const char *h[] = {bearer(ROLE_VIEWER), NULL};
	api_resp r;
	char buf[128];
	long before, after;
	(void)state;
	api_request(&srv, "GET", "/metrics", NULL, NULL, &r);
	assert_int_equal(r.status, 401);
	api_resp_release(&r);
	api_request(&srv, "GET", "/metrics", NULL, h, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(api_header(&r, "Content-Type", buf, sizeof(buf)),
			    "text/plain; version=0.0.4; charset=utf-8");
	before = counter(r.body.buf, "/healthz", "GET", "200");
	assert_true(before >= 1);
	api_resp_release(&r);
	for (int i = 0; i < 3; i++) {
		api_request(&srv, "GET", "/healthz", NULL, NULL, &r);
		api_resp_release(&r);
	}
	api_request(&srv, "GET", "/metrics", NULL, h, &r);
	after = counter(r.body.buf, "/healthz", "GET", "200");
	assert_int_equal(after, before + 3);
	assert_true(counter(r.body.buf, "unmatched", "", "404") >= 1);
	assert_true(counter(r.body.buf, "/api/login", "POST", "429") >= 1);
	assert_non_null(strstr(r.body.buf, "# TYPE ecrm_http_requests_total counter\n"));
	assert_non_null(
		strstr(r.body.buf, "# TYPE ecrm_http_request_duration_seconds histogram\n"));
	assert_non_null(strstr(r.body.buf, "# TYPE ecrm_store_transaction_seconds histogram\n"));
	assert_non_null(strstr(r.body.buf, "ecrm_users 8\n"));
	/* Every sample line is NAME{LABELS} VALUE or NAME VALUE; buckets of one
	 * series never decrease and +Inf equals _count. */
	{
		const char *p = r.body.buf;
		long last = -1, inf = -1;
		while (*p) {
			size_t len = strcspn(p, "\n");
			char line[512];
			snprintf(line, sizeof(line), "%.*s", (int)len, p);
			p += len + (p[len] == '\n');
			if (line[0] == '#')
				continue;
			assert_true(strncmp(line, "ecrm_", 5) == 0);
			assert_non_null(strrchr(line, ' '));
			if (strstr(line, "ecrm_http_request_duration_seconds_bucket{route=\"/"
					 "healthz\"")) {
				long v = strtol(strrchr(line, ' ') + 1, NULL, 10);
				assert_true(v >= last);
				last = v;
				if (strstr(line, "le=\"+Inf\""))
					inf = v;
			}
			if (strstr(line,
				   "ecrm_http_request_duration_seconds_count{route=\"/healthz\""))
				assert_int_equal(strtol(strrchr(line, ' ') + 1, NULL, 10), inf);
		}
		assert_true(inf >= after);
	}
	api_resp_release(&r);
}

static void keep_alive_reuses_the_connection(void **state)
{
	api_resp a, b, c;
	const char *h[] = {JSON_CT, NULL};
	(void)state;
	api_request(&srv, "GET", "/healthz", NULL, NULL, &a);
	api_request(&srv, "GET", "/healthz", NULL, NULL, &b);
	assert_int_equal(b.connects, 0);
	assert_int_equal(a.local_port, b.local_port);
	/* Also after a request with a body and an error reply. */
	api_request(&srv, "POST", "/api/login", "{\"email\":\"a@b.c\",\"password\":\"x\"}", h, &c);
	assert_int_equal(c.status, 401);
	api_resp_release(&c);
	api_request(&srv, "GET", "/healthz", NULL, NULL, &c);
	assert_int_equal(c.connects, 0);
	assert_int_equal(c.local_port, a.local_port);
	api_resp_release(&a);
	api_resp_release(&b);
	api_resp_release(&c);
}

static void audit_log_records_and_verifies(void **state)
{
	const char *h[] = {bearer(ROLE_ADMIN), NULL};
	strbuf out = STRBUF_INIT;
	api_resp r;
	json_t *v, *arr;
	bool login_seen = false, key_seen = false, failed_seen = false;
	(void)state;
	api_request(&srv, "GET", "/api/audit?limit=1000", NULL, h, &r);
	assert_int_equal(r.status, 200);
	v = api_json(&r);
	arr = json_object_get(v, "entries");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *en = json_array_get(arr, i);
		const char *action = json_string_value(json_object_get(en, "action"));
		const char *actor = json_string_value(json_object_get(en, "actor"));
		login_seen |=
			strcmp(action, "session.login") == 0 && strncmp(actor, "user:", 5) == 0;
		key_seen |=
			strcmp(action, "apikey.create") == 0 && strncmp(actor, "apikey:", 7) == 0;
		failed_seen |=
			strcmp(action, "session.login_failed") == 0 &&
			strcmp(json_string_value(json_object_get(en, "address")), "127.0.0.1") == 0;
	}
	assert_true(login_seen);
	assert_true(key_seen);
	assert_true(failed_seen);
	json_decref(v);
	api_resp_release(&r);
	api_request(&srv, "GET", "/api/audit/verify", NULL, h, &r);
	assert_int_equal(r.status, 200);
	v = api_json(&r);
	assert_true(json_is_true(json_object_get(v, "intact")));
	assert_true(json_integer_value(json_object_get(v, "checked")) > 10);
	json_decref(v);
	api_resp_release(&r);
	assert_int_equal(api_cli(db, NULL, &out, "audit", "verify", NULL), 0);
	assert_non_null(strstr(out.buf, "audit log intact"));
	strbuf_release(&out);
}

/* ---- graceful stop with a request in flight ---- */

static size_t on_discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

typedef struct {
	api_server *s;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int phase; /* 0 start, 1 first half sent, 2 may send the rest */
	const char *body;
	size_t sent, half;
	long status;
	CURLcode rc;
} slow_upload;

static size_t slow_read(char *buf, size_t size, size_t n, void *arg)
{
	slow_upload *u = arg;
	size_t room = size * n, left = strlen(u->body) - u->sent, k;

	pthread_mutex_lock(&u->mu);
	if (u->sent >= u->half) {
		if (u->phase < 1) {
			u->phase = 1;
			pthread_cond_broadcast(&u->cv);
		}
		while (u->phase < 2)
			pthread_cond_wait(&u->cv, &u->mu);
	}
	pthread_mutex_unlock(&u->mu);
	k = u->sent < u->half ? u->half - u->sent : left;
	if (k > room)
		k = room;
	memcpy(buf, u->body + u->sent, k);
	u->sent += k;
	return k;
}

static void *slow_client(void *arg)
{
	slow_upload *u = arg;
	CURL *c = curl_easy_init();
	struct curl_slist *hl = curl_slist_append(NULL, JSON_CT);
	char url[128];

	hl = curl_slist_append(hl, "Expect:");
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/api/login", u->s->port);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, slow_read);
	curl_easy_setopt(c, CURLOPT_READDATA, u);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(u->body));
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_discard);
	u->rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &u->status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	return NULL;
}

static void sigterm_finishes_the_request_in_flight(void **state)
{
	const char *db3 = api_new_db("stop.db");
	slow_upload u = {.body = "{\"email\":\"s@example.com\",\"password\":\"stop-password\"}"};
	api_server s3;
	pthread_t t;
	int st;
	(void)state;
	if (api_cli(db3, "stop-password\n", NULL, "user", "add", "s@example.com", "--role",
		    "viewer", NULL) != 0)
		fail_msg("user add failed");
	api_start(&s3, db3, NULL);
	u.s = &s3;
	u.half = strlen(u.body) / 2;
	pthread_mutex_init(&u.mu, NULL);
	pthread_cond_init(&u.cv, NULL);
	pthread_create(&t, NULL, slow_client, &u);
	/* Wait until half the body is on its way, let it arrive, stop the
	 * server, then send the rest. */
	pthread_mutex_lock(&u.mu);
	while (u.phase < 1)
		pthread_cond_wait(&u.cv, &u.mu);
	pthread_mutex_unlock(&u.mu);
	usleep(200 * 1000);
	kill(s3.pid, SIGTERM);
	usleep(300 * 1000);
	pthread_mutex_lock(&u.mu);
	u.phase = 2;
	pthread_cond_broadcast(&u.cv);
	pthread_mutex_unlock(&u.mu);
	pthread_join(t, NULL);
	assert_int_equal(u.rc, CURLE_OK);
	assert_int_equal(u.status, 200); /* signed in, although the stop began */
	/* The server exits by itself, cleanly. */
	for (int i = 0; i < 500 && waitpid(s3.pid, &st, WNOHANG) == 0; i++)
		usleep(20 * 1000);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	s3.pid = 0;
	curl_easy_cleanup(s3.curl);
	pthread_mutex_destroy(&u.mu);
	pthread_cond_destroy(&u.cv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(healthz_and_head),
		cmocka_unit_test(unknown_route_is_404_json),
		cmocka_unit_test(wrong_method_is_405_with_allow),
		cmocka_unit_test(openapi_is_served),
		cmocka_unit_test(login_me_logout),
		cmocka_unit_test(secure_cookie_behind_tls_proxy),
		cmocka_unit_test(wrong_password_and_unknown_user_look_alike),
		cmocka_unit_test(cookie_writes_need_csrf_keys_do_not),
		cmocka_unit_test(api_keys_authenticate_until_revoked),
		cmocka_unit_test(identity_cache_follows_changes),
		cmocka_unit_test(every_route_with_every_role),
		cmocka_unit_test(body_too_large_is_413),
		cmocka_unit_test(malformed_json_is_400_with_position),
		cmocka_unit_test(non_json_body_is_415),
		cmocka_unit_test(validation_errors_name_the_field),
		cmocka_unit_test(admin_cannot_lock_themselves_out),
		cmocka_unit_test(account_throttle_locks_with_retry_after),
		cmocka_unit_test(address_throttle),
		cmocka_unit_test(metrics_in_prometheus_format),
		cmocka_unit_test(keep_alive_reuses_the_connection),
		cmocka_unit_test(audit_log_records_and_verifies),
		cmocka_unit_test(sigterm_finishes_the_request_in_flight),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
