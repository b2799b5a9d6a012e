/* test_routes.c: the route table against docs/openapi.yaml (as embedded in
 * the binary): every route is described with its lowest role, and the spec
 * describes no route the table lacks; the customer list's score filters
 * list the models' own names. Also the table's own rules. */
#include "testutil.h"
#include "core/embed.h"
#include "http/handlers/score_filters.h"
#include "http/router.h"

extern const embedded_file http_openapi_files[];
extern const size_t http_openapi_files_count;

typedef struct {
	char path[128];
	char method[16];
	char role[16];
	bool seen;
} op;

/* docs/openapi.yaml as embedded in the binary. */
static const char *spec_text(void)
{
	const char *text = NULL;

	for (size_t i = 0; i < http_openapi_files_count; i++) {
		if (strcmp(http_openapi_files[i].name, "openapi.yaml") == 0)
			text = (const char *)http_openapi_files[i].data;
	}
	assert_non_null(text);
	return text;
}

/* Reads the operations under `paths:`: keys indented 2 spaces are paths,
 * 4 spaces HTTP methods, and `x-ecrm-role` at 6 spaces the lowest role. */
static size_t spec_operations(op *ops, size_t max)
{
	static const char *const verbs[] = {"get", "head", "post", "put", "patch", "delete"};
	const char *text = spec_text(), *p;
	char path[128] = "";
	bool in_paths = false;
	size_t n = 0;

	for (p = text; *p;) {
		size_t len = strcspn(p, "\n"), ind = strspn(p, " ");
		char line[256];

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
		if (ind == len || line[ind] == '#')
			continue;
		if (ind == 0) {
			in_paths = strcmp(line, "paths:") == 0;
			continue;
		}
		if (!in_paths)
			continue;
		if (ind == 2 && line[2] == '/') {
			snprintf(path, sizeof(path), "%.*s", (int)(strlen(line) - 3), line + 2);
			continue;
		}
		if (ind == 4) {
			for (size_t v = 0; v < ARRAY_SIZE(verbs); v++) {
				size_t vl = strlen(verbs[v]);
				if (strncmp(line + 4, verbs[v], vl) == 0 && line[4 + vl] == ':' &&
				    line[5 + vl] == '\0') {
					assert_true(n < max);
					memset(&ops[n], 0, sizeof(ops[n]));
					snprintf(ops[n].path, sizeof(ops[n].path), "%s", path);
					for (size_t k = 0; k < vl; k++)
						ops[n].method[k] = (char)(verbs[v][k] - 32);
					n++;
				}
			}
			continue;
		}
		if (ind == 6 && n > 0 && strncmp(line + 6, "x-ecrm-role: ", 13) == 0)
			snprintf(ops[n - 1].role, sizeof(ops[n - 1].role), "%s", line + 19);
	}
	return n;
}

/* "/api/users/:id" -> "/api/users/{id}" (and "*rest" -> "{rest}"). */
static void openapi_path(const char *pattern, char *out, size_t size)
{
	size_t o = 0;

	for (const char *s = pattern; *s && o + 2 < size;) {
		if ((*s == ':' || *s == '*') && (s == pattern || s[-1] == '/')) {
			size_t n = strcspn(s + 1, "/");
			o += (size_t)snprintf(out + o, size - o, "{%.*s}", (int)n, s + 1);
			s += n + 1;
		} else {
			out[o++] = *s++;
		}
	}
	out[o] = '\0';
}

static void spec_and_table_agree(void **state)
{
	op ops[256];
	size_t n = spec_operations(ops, ARRAY_SIZE(ops));
	char path[128];
	int missing = 0;
	(void)state;
	assert_true(n > 0);
	for (size_t i = 0; i < http_routes_count; i++) {
		const http_route *rt = &http_routes[i];
		const char *want_role =
			(rt->flags & HTTP_PUBLIC) ? "public" : user_role_name(rt->role);
		bool found = false;

		openapi_path(rt->pattern, path, sizeof(path));
		for (size_t k = 0; k < n; k++) {
			if (strcmp(ops[k].path, path) != 0 ||
			    strcmp(ops[k].method, http_method_name(rt->method)) != 0)
				continue;
			found = ops[k].seen = true;
			if (strcmp(ops[k].role, want_role) != 0) {
				print_error("%s %s: x-ecrm-role '%s' in the spec, '%s' in the "
					    "table\n",
					    ops[k].method, path, ops[k].role, want_role);
				missing++;
			}
		}
		if (!found) {
			print_error("route %s %s is not in docs/openapi.yaml\n",
				    http_method_name(rt->method), path);
			missing++;
		}
	}
	for (size_t k = 0; k < n; k++) {
		if (!ops[k].seen) {
			print_error("docs/openapi.yaml describes %s %s, which no route serves\n",
				    ops[k].method, ops[k].path);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

static void path_conversion(void **state)
{
	char out[64];
	(void)state;
	openapi_path("/api/users/:id", out, sizeof(out));
	assert_string_equal(out, "/api/users/{id}");
	openapi_path("/a/:x/b/:y", out, sizeof(out));
	assert_string_equal(out, "/a/{x}/b/{y}");
	openapi_path("/assets/*path", out, sizeof(out));
	assert_string_equal(out, "/assets/{path}");
}

/* Rules of the table itself. */
static void table_is_well_formed(void **state)
{
	(void)state;
	for (size_t i = 0; i < http_routes_count; i++) {
		const http_route *a = &http_routes[i];
		assert_non_null(a->handler);
		assert_true(a->pattern[0] == '/');
		assert_true(a->method != HTTP_HEAD); /* GET routes serve HEAD */
		assert_true(a->role < ROLE__COUNT);
		/* No store, no way to check credentials: such routes are public. */
		if (a->flags & HTTP_NO_STORE)
			assert_true(a->flags & HTTP_PUBLIC);
		for (size_t k = i + 1; k < http_routes_count; k++) {
			const http_route *b = &http_routes[k];
			if (a->method == b->method && strcmp(a->pattern, b->pattern) == 0)
				fail_msg("%s %s is listed twice", http_method_name(a->method),
					 a->pattern);
		}
	}
}

/* The `enum: [...]` of query parameter `param` in path `path`'s section
 * of the spec, as written between the brackets (one line). */
static void spec_enum(const char *path, const char *param, char *out, size_t size)
{
	const char *text = spec_text(), *sec, *next, *at, *list, *end;
	char key[160];

	snprintf(key, sizeof(key), "\n  %s:\n", path);
	sec = strstr(text, key);
	assert_non_null(sec);
	next = strstr(sec + 1, "\n  /");
	snprintf(key, sizeof(key), "name: %s", param);
	at = strstr(sec, key);
	assert_true(at && (!next || at < next));
	list = strstr(at, "enum: [");
	assert_true(list && (!next || list < next));
	list += strlen("enum: [");
	end = strchr(list, ']');
	assert_true(end && !memchr(list, '\n', (size_t)(end - list)));
	snprintf(out, size, "%.*s", (int)(end - list), list);
}

/* GET /api/customers's segment, tier and stage filters take the values
 * the models write, in the models' order; the spec lists just those (the
 * web UI's filters are checked against the spec: tests/browser/enum_check.mjs). */
static void score_filters_name_the_models_values(void **state)
{
	(void)state;
	for (size_t f = 0; f < SCORE_FILTER__COUNT; f++) {
		char spec[512];
		strbuf want = STRBUF_INIT;
		score_filter_values(&score_filters[f], &want);
		spec_enum("/api/customers", score_filters[f].param, spec, sizeof(spec));
		if (strcmp(spec, want.buf) != 0)
			fail_msg("docs/openapi.yaml: /api/customers %s: [%s], the models: [%s]",
				 score_filters[f].param, spec, want.buf);
		strbuf_release(&want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_conversion),
		cmocka_unit_test(spec_and_table_agree),
		cmocka_unit_test(table_is_well_formed),
		cmocka_unit_test(score_filters_name_the_models_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
