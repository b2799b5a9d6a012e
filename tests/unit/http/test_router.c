/* test_router.c: path matching: parameters, literal-first precedence
 * whatever the table order, trailing slashes, 405 with Allow. */
#include "testutil.h"
#include "http/router.h"

static status h_dummy(http_req *r, err *e)
{
	(void)r;
	(void)e;
	return E_OK;
}

/* Deliberately ordered so that precedence cannot come from table order. */
static const http_route table[] = {
	{HTTP_GET, "/api/customers/:id", h_dummy, ROLE_AGENT, 0, "0"},
	{HTTP_GET, "/api/customers/search", h_dummy, ROLE_AGENT, 0, "1"},
	{HTTP_PATCH, "/api/customers/:id", h_dummy, ROLE_AGENT, 0, "2"},
	{HTTP_GET, "/api/customers/:id/orders/:order", h_dummy, ROLE_AGENT, 0, "3"},
	{HTTP_GET, "/api/:thing/export", h_dummy, ROLE_ANALYST, 0, "4"},
	{HTTP_GET, "/api/customers/:id/export", h_dummy, ROLE_ANALYST, 0, "5"},
	{HTTP_GET, "/assets/*path", h_dummy, ROLE_VIEWER, HTTP_PUBLIC, "6"},
	{HTTP_GET, "/assets/app.js", h_dummy, ROLE_VIEWER, HTTP_PUBLIC, "7"},
	{HTTP_GET, "/", h_dummy, ROLE_VIEWER, HTTP_PUBLIC, "8"},
	{HTTP_POST, "/api/customers/merge", h_dummy, ROLE_MANAGER, 0, "9"},
	{HTTP_DELETE, "/api/customers/:id", h_dummy, ROLE_MANAGER, 0, "10"},
};

static const struct {
	http_method m;
	const char *path;
	http_match_result want;
	const char *route;  /* summary of the route expected */
	const char *params; /* "name=value;..." expected */
	const char *allow;  /* Allow header for 405 */
} cases[] = {
	{HTTP_GET, "/api/customers/42", HTTP_MATCH_OK, "0", "id=42;", NULL},
	{HTTP_GET, "/api/customers/42/", HTTP_MATCH_OK, "0", "id=42;", NULL},
	{HTTP_HEAD, "/api/customers/42", HTTP_MATCH_OK, "0", "id=42;", NULL},
	{HTTP_PATCH, "/api/customers/7", HTTP_MATCH_OK, "2", "id=7;", NULL},
	/* A literal beats a parameter in the same place, listed after or not. */
	{HTTP_GET, "/api/customers/search", HTTP_MATCH_OK, "1", "", NULL},
	{HTTP_GET, "/api/customers/search/", HTTP_MATCH_OK, "1", "", NULL},
	/* The first differing segment decides: customers (literal) at 2. */
	{HTTP_GET, "/api/customers/9/export", HTTP_MATCH_OK, "5", "id=9;", NULL},
	{HTTP_GET, "/api/orders/export", HTTP_MATCH_OK, "4", "thing=orders;", NULL},
	{HTTP_GET, "/api/customers/5/orders/A-17", HTTP_MATCH_OK, "3", "id=5;order=A-17;", NULL},
	/* The rest of the path, and a literal beats it. */
	{HTTP_GET, "/assets/css/site.css", HTTP_MATCH_OK, "6", "path=css/site.css;", NULL},
	{HTTP_GET, "/assets/app.js", HTTP_MATCH_OK, "7", "", NULL},
	{HTTP_GET, "/assets", HTTP_MATCH_NONE, NULL, NULL, NULL},
	{HTTP_GET, "/assets/a//b", HTTP_MATCH_NONE, NULL, NULL, NULL},
	{HTTP_GET, "/", HTTP_MATCH_OK, "8", "", NULL},
	/* Empty segments and extra segments match nothing. */
	{HTTP_GET, "/api/customers//", HTTP_MATCH_NONE, NULL, NULL, NULL},
	{HTTP_GET, "/api//customers/1", HTTP_MATCH_NONE, NULL, NULL, NULL},
	{HTTP_GET, "/api/customers/1/2", HTTP_MATCH_NONE, NULL, NULL, NULL},
	{HTTP_GET, "/api/customer/1", HTTP_MATCH_NONE, NULL, NULL, NULL},
	{HTTP_GET, "", HTTP_MATCH_NONE, NULL, NULL, NULL},
	{HTTP_GET, "api/customers/1", HTTP_MATCH_NONE, NULL, NULL, NULL},
	/* Right path, wrong method: 405, Allow lists every method the path takes. */
	{HTTP_PUT, "/api/customers/42", HTTP_MATCH_METHOD, NULL, NULL, "GET, HEAD, PATCH, DELETE"},
	{HTTP_GET, "/api/customers/merge", HTTP_MATCH_OK, "0", "id=merge;", NULL},
	{HTTP_DELETE, "/api/customers/search", HTTP_MATCH_OK, "10", "id=search;", NULL},
	{HTTP_POST, "/api/customers/search", HTTP_MATCH_METHOD, NULL, NULL,
	 "GET, HEAD, PATCH, DELETE"},
	{HTTP_POST, "/api/customers/merge/", HTTP_MATCH_OK, "9", "", NULL},
	{HTTP_DELETE, "/", HTTP_MATCH_METHOD, NULL, NULL, "GET, HEAD"},
};

static void table_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		http_match m;
		http_match_result got =
			http_route_match(table, ARRAY_SIZE(table), cases[i].m, cases[i].path, &m);
		char params[256] = "", allow[64];
		size_t used = 0;

		if (got != cases[i].want)
			fail_msg("%s %s: result %d, want %d", http_method_name(cases[i].m),
				 cases[i].path, got, cases[i].want);
		if (got == HTTP_MATCH_OK) {
			assert_string_equal(m.route->summary, cases[i].route);
			assert_ptr_equal(m.route, &table[m.index]);
			for (size_t k = 0; k < m.nparams; k++)
				used += (size_t)snprintf(params + used, sizeof(params) - used,
							 "%.*s=%.*s;", (int)m.params[k].name_len,
							 m.params[k].name, (int)m.params[k].len,
							 m.params[k].value);
			if (strcmp(params, cases[i].params) != 0)
				fail_msg("%s: params '%s', want '%s'", cases[i].path, params,
					 cases[i].params);
		}
		if (got == HTTP_MATCH_METHOD) {
			http_allow_header(m.allow, allow, sizeof(allow));
			if (strcmp(allow, cases[i].allow) != 0)
				fail_msg("%s %s: Allow '%s', want '%s'",
					 http_method_name(cases[i].m), cases[i].path, allow,
					 cases[i].allow);
		}
	}
}

static void methods_parse(void **state)
{
	http_method m;
	(void)state;
	assert_true(http_method_parse("PATCH", &m));
	assert_int_equal(m, HTTP_PATCH);
	assert_false(http_method_parse("patch", &m));
	assert_false(http_method_parse("TRACE", &m));
	assert_string_equal(http_method_name(HTTP_DELETE), "DELETE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_cases),
		cmocka_unit_test(methods_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
