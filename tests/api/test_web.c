/* test_web.c: end-to-end tests of the web UI's server side against a real
 * `ecrm serve`: the embedded page and files with their caching and CSP
 * headers, the dashboard aggregates on a shop worked out by hand, and
 * changing one's password. */
#include "harness.h"
#include "core/datetime.h"
#include "store/db.h"

#include <jansson.h>

static api_server srv;
static const char *db;
static char build[64]; /* the build id the page names */

#define JSON_CT "Content-Type: application/json"

static int64_t day(int y, int m, int d)
{
	return days_from_civil(y, m, d) * 86400;
}

/* The shop of tests/unit/domain/test_kpi.c, smaller: customer 1 buys in
 * November and twice in December, 2 once in December, a guest in December;
 * one December return. */
static void fill(void)
{
	const char *fmt =
		"INSERT INTO orders (external_id, customer_id, placed_at, currency, "
		"total, created_at, updated_at) VALUES ('%s', %s, %" PRId64 ", 'GBP', %d, 0, 0)";
	struct {
		const char *id, *cust;
		int64_t at;
		int total;
	} orders[] = {
		{ "o1", "1", day(2025, 11, 3), 1000 },	 { "o2", "1", day(2025, 12, 2), 2000 },
		{ "o3", "1", day(2025, 12, 20), 1500 },	 { "o4", "2", day(2025, 12, 5), 4000 },
		{ "o5", "NULL", day(2025, 12, 6), 500 },
	};
	char sql[512];
	store *st;
	err e;

	if (store_open(db, 0, &st, &e))
		fail_msg("store_open: %s", e.msg);
	if (store_exec(st,
		       "INSERT INTO customers (id, name, created_at, updated_at) VALUES "
		       "(1, '王小明', 0, 0), (2, 'Ann', 0, 0)",
		       &e))
		fail_msg("%s", e.msg);
	for (size_t i = 0; i < ARRAY_SIZE(orders); i++) {
		snprintf(sql, sizeof(sql), fmt, orders[i].id, orders[i].cust, orders[i].at + 60,
			 orders[i].total);
		if (store_exec(st, sql, &e))
			fail_msg("%s", e.msg);
	}
	snprintf(sql, sizeof(sql),
		 "INSERT INTO returns (external_id, customer_id, amount, currency, returned_at) "
		 "VALUES ('r1', 1, 700, 'GBP', %" PRId64 ")",
		 day(2025, 12, 21));
	if (store_exec(st, sql, &e))
		fail_msg("%s", e.msg);
	if (store_exec(st,
		       "INSERT INTO customer_scores (customer_id, as_of, computed_at, profit, "
		       "rfm_segment, value_tier) VALUES (1, 0, 0, 700, 'champions', 'key'), "
		       "(2, 0, 0, 300, 'new', 'normal')",
		       &e))
		fail_msg("%s", e.msg);
	store_close(st);
}

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	db = api_new_db("web.db");
	if (api_cli(db, "pw-viewer-secret\n", NULL, "user", "add", "viewer@example.com", "--role",
		    "viewer", NULL) != 0)
		fail_msg("ecrm user add failed");
	fill();
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

static void page_has_csp_and_no_cache(void **state)
{
	char buf[512], etag[128], inm[160];
	const char *p;
	api_resp r;
	(void)state;
	api_request(&srv, "GET", "/", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(api_header(&r, "Content-Type", buf, sizeof(buf)),
			    "text/html; charset=utf-8");
	assert_string_equal(api_header(&r, "Cache-Control", buf, sizeof(buf)), "no-cache");
	assert_non_null(api_header(&r, "Content-Security-Policy", buf, sizeof(buf)));
	assert_non_null(strstr(buf, "script-src 'self';"));
	assert_non_null(strstr(buf, "style-src 'self';"));
	assert_non_null(strstr(buf, "connect-src 'self';"));
	assert_null(strstr(buf, "unsafe-inline"));
	/* No inline script: every <script> has a src. */
	for (p = r.body.buf; (p = strstr(p, "<script")); p++) {
		const char *end = strchr(p, '>'), *src = strstr(p, " src=");
		assert_non_null(end);
		if (!src || src > end)
			fail_msg("inline script in the page: %.60s", p);
	}
	p = strstr(r.body.buf, "/static/");
	assert_non_null(p);
	snprintf(build, sizeof(build), "%.*s", (int)strcspn(p + 8, "/"), p + 8);
	assert_int_equal(strlen(build), 16);
	assert_null(strstr(r.body.buf, "__BUILD__"));
	assert_non_null(api_header(&r, "ETag", etag, sizeof(etag)));
	api_resp_release(&r);

	/* Revalidation: the same ETag gives 304 without a body. */
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	{
		const char *h[] = { inm, NULL };
		api_request(&srv, "GET", "/", NULL, h, &r);
		assert_int_equal(r.status, 304);
		assert_int_equal(r.body.len, 0);
		api_resp_release(&r);
	}
	{
		const char *h[] = { "If-None-Match: \"something-else\"", NULL };
		api_request(&srv, "GET", "/", NULL, h, &r);
		assert_int_equal(r.status, 200);
		api_resp_release(&r);
	}
}

static void files_are_immutable_under_the_build(void **state)
{
	static const struct {
		const char *path, *type, *fragment;
	} files[] = {
		{ "app/main.js", "text/javascript; charset=utf-8", "import" },
		{ "vendor/preact.js", "text/javascript; charset=utf-8", "createElement" },
		{ "vendor/hooks.js", "text/javascript; charset=utf-8", "from\"./preact.js\"" },
		{ "vendor/chart.js", "text/javascript; charset=utf-8",
		  "from './chart-helpers.js'" },
		{ "vendor/chart-helpers.js", "text/javascript; charset=utf-8",
		  "from './color.js'" },
		{ "vendor/htm.js", "text/javascript; charset=utf-8", "export" },
		{ "css/app.css", "text/css; charset=utf-8", "{" },
		{ "i18n/zh-CN.json", "application/json", "\"nav.dashboard\"" },
	};
	char path[256], buf[256];
	api_resp r;
	(void)state;
	if (!build[0])
		page_has_csp_and_no_cache(state);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "/static/%s/%s", build, files[i].path);
		api_request(&srv, "GET", path, NULL, NULL, &r);
		if (r.status != 200)
			fail_msg("GET %s: %ld", path, r.status);
		assert_string_equal(api_header(&r, "Content-Type", buf, sizeof(buf)),
				    files[i].type);
		assert_string_equal(api_header(&r, "Cache-Control", buf, sizeof(buf)),
				    "public, max-age=31536000, immutable");
		if (!strstr(r.body.buf, files[i].fragment))
			fail_msg("%s lacks %s", path, files[i].fragment);
		api_resp_release(&r);
	}
	/* Another build's URL: the file, but to be revalidated. */
	api_request(&srv, "GET", "/static/0000000000000000/app/main.js", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(api_header(&r, "Cache-Control", buf, sizeof(buf)), "no-cache");
	api_resp_release(&r);
	/* Not files: the page itself, the marker, unknown names, parent paths. */
	{
		const char *bad[] = { "index.html", "BUILD", "app/nope.js", "../CMakeLists.txt",
				      "app/../index.html" };
		for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
			snprintf(path, sizeof(path), "/static/%s/%s", build, bad[i]);
			api_request(&srv, "GET", path, NULL, NULL, &r);
			if (r.status != 404)
				fail_msg("GET %s: %ld, want 404", path, r.status);
			api_resp_release(&r);
		}
	}
}

static void login(const char *email, const char *pw, char *cookie, size_t nc, char *csrf,
		  size_t ncsrf)
{
	api_session ses;

	assert_int_equal(api_login(&srv, email, pw, NULL, &ses), 200);
	snprintf(cookie, nc, "%s", ses.cookie);
	snprintf(csrf, ncsrf, "%s", ses.csrf);
}

static json_t *get_json(const char *cookie, const char *path, long want)
{
	const char *h[] = { cookie, NULL };
	api_resp r;
	json_t *v;

	api_request(&srv, "GET", path, NULL, h, &r);
	if (r.status != want)
		fail_msg("GET %s: %ld (%s), want %ld", path, r.status, r.body.buf, want);
	v = api_json(&r);
	api_resp_release(&r);
	return v;
}

static json_int_t num(json_t *o, const char *a, const char *b)
{
	json_t *x = json_object_get(json_object_get(o, a), b);
	if (!json_is_integer(x))
		fail_msg("%s.%s is not an integer", a, b);
	return json_integer_value(x);
}

static void dashboard_kpis(void **state)
{
	char cookie[256], csrf[256];
	json_t *v;
	(void)state;
	login("viewer@example.com", "pw-viewer-secret", cookie, sizeof(cookie), csrf, sizeof(csrf));
	/* December 2025 against the 31 days before (Oct 31 - Nov 30). */
	v = get_json(cookie, "/api/dashboard/kpis?from=2025-12-01&to=2025-12-31", 200);
	assert_string_equal(json_string_value(json_object_get(v, "currency")), "GBP");
	assert_string_equal(json_string_value(json_object_get(v, "previous_from")), "2025-10-31");
	assert_string_equal(json_string_value(json_object_get(v, "previous_to")), "2025-11-30");
	assert_string_equal(json_string_value(json_object_get(v, "data_to")), "2025-12-20");
	assert_int_equal(num(v, "current", "customers"), 2);
	assert_int_equal(num(v, "current", "active_customers"), 2);
	assert_int_equal(num(v, "current", "new_customers"), 1);
	assert_int_equal(num(v, "current", "returning_customers"), 1);
	assert_int_equal(num(v, "current", "repeat_customers"), 1);
	assert_int_equal(num(v, "current", "orders"), 4);
	assert_int_equal(num(v, "current", "gross"), 8000);
	assert_int_equal(num(v, "current", "returns"), 700);
	assert_int_equal(num(v, "current", "revenue"), 7300);
	assert_true(json_real_value(json_object_get(json_object_get(v, "current"), "aov")) ==
		    2000.0);
	assert_true(json_real_value(
			    json_object_get(json_object_get(v, "current"), "repeat_rate")) == 0.5);
	assert_int_equal(num(v, "previous", "orders"), 1);
	assert_int_equal(num(v, "previous", "new_customers"), 1);
	assert_true(json_is_null(json_object_get(json_object_get(v, "previous"), "returns_rate")) ==
		    false);
	json_decref(v);
	/* Defaults: the 30 days ending with the newest order's day. */
	v = get_json(cookie, "/api/dashboard/kpis", 200);
	assert_string_equal(json_string_value(json_object_get(v, "to")), "2025-12-20");
	assert_string_equal(json_string_value(json_object_get(v, "from")), "2025-11-21");
	assert_int_equal(num(v, "current", "orders"), 4);
	json_decref(v);
	/* Another currency: no money, same customers; no orders: null ratios. */
	v = get_json(cookie, "/api/dashboard/kpis?from=2025-12-01&to=2025-12-31&currency=USD", 200);
	assert_int_equal(num(v, "current", "gross"), 0);
	assert_int_equal(num(v, "current", "active_customers"), 2);
	assert_true(json_is_null(json_object_get(json_object_get(v, "current"), "aov")));
	json_decref(v);
	json_decref(get_json(cookie, "/api/dashboard/kpis?from=2025-13-01", 400));
	json_decref(get_json(cookie, "/api/dashboard/kpis?from=2025-12-31&to=2025-12-01", 400));
}

static void dashboard_monthly(void **state)
{
	char cookie[256], csrf[256];
	json_t *v, *m;
	(void)state;
	login("viewer@example.com", "pw-viewer-secret", cookie, sizeof(cookie), csrf, sizeof(csrf));
	v = get_json(cookie, "/api/dashboard/monthly?from=2025-10&to=2026-01", 200);
	m = json_object_get(v, "months");
	assert_int_equal(json_array_size(m), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(m, 0), "month")),
			    "2025-10");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(m, 0), "orders")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(m, 1), "revenue")),
			 1000);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(m, 1), "new_customers")),
			 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(m, 2), "revenue")),
			 7300);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(m, 2), "new_customers")),
			 1);
	assert_int_equal(
		json_integer_value(json_object_get(json_array_get(m, 2), "returning_customers")),
		1);
	json_decref(v);
	/* Default: twelve months up to the newest order's. */
	v = get_json(cookie, "/api/dashboard/monthly", 200);
	m = json_object_get(v, "months");
	assert_int_equal(json_array_size(m), 12);
	assert_string_equal(json_string_value(json_object_get(json_array_get(m, 11), "month")),
			    "2025-12");
	assert_string_equal(json_string_value(json_object_get(json_array_get(m, 0), "month")),
			    "2025-01");
	json_decref(v);
	json_decref(get_json(cookie, "/api/dashboard/monthly?from=2000-01&to=2025-12", 400));
}

static void pareto_and_segment_lists(void **state)
{
	char cookie[256], csrf[256];
	json_t *v, *pts, *c;
	(void)state;
	login("viewer@example.com", "pw-viewer-secret", cookie, sizeof(cookie), csrf, sizeof(csrf));
	v = get_json(cookie, "/api/dashboard/pareto?points=2", 200);
	assert_int_equal(json_integer_value(json_object_get(v, "customers")), 2);
	assert_int_equal(json_integer_value(json_object_get(v, "total_profit")), 1000);
	pts = json_object_get(v, "points");
	assert_int_equal(json_array_size(pts), 3);
	assert_true(json_real_value(json_object_get(json_array_get(pts, 1), "profit_share")) ==
		    0.7);
	assert_true(json_real_value(json_object_get(json_array_get(pts, 2), "profit_share")) ==
		    1.0);
	json_decref(v);
	json_decref(get_json(cookie, "/api/dashboard/pareto?points=0", 400));
	/* A chart's segment or tier opens the customer list filtered by it:
	 * names, so analysts and up. */
	json_decref(get_json(cookie, "/api/customers?segment=champions", 403));
	if (api_cli(db, "pw-analyst-secret\n", NULL, "user", "add", "analyst@example.com", "--role",
		    "analyst", NULL) != 0)
		fail_msg("ecrm user add failed");
	login("analyst@example.com", "pw-analyst-secret", cookie, sizeof(cookie), csrf,
	      sizeof(csrf));
	v = get_json(cookie, "/api/customers?segment=champions", 200);
	c = json_object_get(v, "customers");
	assert_int_equal(json_array_size(c), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 0), "name")),
			    "王小明");
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(c, 0), "value_tier")), "key");
	assert_true(json_is_null(json_object_get(v, "next_cursor")));
	json_decref(v);
	v = get_json(cookie, "/api/customers?tier=normal&limit=1", 200);
	assert_int_equal(json_array_size(json_object_get(v, "customers")), 1);
	json_decref(v);
	v = get_json(cookie, "/api/customers?tier=normal&segment=champions", 200);
	assert_int_equal(json_array_size(json_object_get(v, "customers")), 0);
	json_decref(v);
	json_decref(get_json(cookie, "/api/customers?segment=best", 400));
	json_decref(get_json(cookie, "/api/customers?tier=none", 400));
}

static void change_password(void **state)
{
	char cookie[256], csrf[256], code[64];
	const char *h[] = { JSON_CT, cookie, csrf, NULL };
	api_resp r;
	(void)state;
	if (api_cli(db, "pw-changer-secret\n", NULL, "user", "add", "changer@example.com", "--role",
		    "agent", NULL) != 0)
		fail_msg("ecrm user add failed");
	login("changer@example.com", "pw-changer-secret", cookie, sizeof(cookie), csrf,
	      sizeof(csrf));
	api_request(&srv, "POST", "/api/me/password",
		    "{\"old_password\":\"wrong-one-here\",\"new_password\":\"pw-changed-secret\"}",
		    h, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body.buf, "\"field\":\"old_password\""));
	api_resp_release(&r);
	api_request(&srv, "POST", "/api/me/password",
		    "{\"old_password\":\"pw-changer-secret\",\"new_password\":\"short\"}", h, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body.buf, "\"field\":\"new_password\""));
	api_resp_release(&r);
	{
		const char *no_csrf[] = { JSON_CT, cookie, NULL };
		api_request(&srv, "POST", "/api/me/password",
			    "{\"old_password\":\"pw-changer-secret\",\"new_password\":\"pw-x-"
			    "secret-1\"}",
			    no_csrf, &r);
		assert_int_equal(r.status, 403);
		assert_string_equal(api_error_code(&r, code, sizeof(code)), "csrf");
		api_resp_release(&r);
	}
	api_request(
		&srv, "POST", "/api/me/password",
		"{\"old_password\":\"pw-changer-secret\",\"new_password\":\"pw-changed-secret\"}",
		h, &r);
	assert_int_equal(r.status, 204);
	api_resp_release(&r);
	/* The session ended; the old password no longer works, the new one does. */
	{
		const char *me[] = { cookie, NULL };
		api_request(&srv, "GET", "/api/me", NULL, me, &r);
		assert_int_equal(r.status, 401);
		api_resp_release(&r);
	}
	{
		const char *jh[] = { JSON_CT, NULL };
		api_request(
			&srv, "POST", "/api/login",
			"{\"email\":\"changer@example.com\",\"password\":\"pw-changer-secret\"}",
			jh, &r);
		assert_int_equal(r.status, 401);
		api_resp_release(&r);
	}
	login("changer@example.com", "pw-changed-secret", cookie, sizeof(cookie), csrf,
	      sizeof(csrf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(page_has_csp_and_no_cache),
		cmocka_unit_test(files_are_immutable_under_the_build),
		cmocka_unit_test(dashboard_kpis),
		cmocka_unit_test(dashboard_monthly),
		cmocka_unit_test(pareto_and_segment_lists),
		cmocka_unit_test(change_password),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
