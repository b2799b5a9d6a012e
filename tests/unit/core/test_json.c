/* test_json.c: the request-body readers of core/json.h: a member absent,
 * null, of the wrong type or required, what `*out` and `*present` hold
 * afterwards, and the messages (they name the member first). */
#include "testutil.h"
#include "core/json.h"

/* The body every case reads from. */
static json_t *body(void)
{
	static const char text[] = "{\"s\": \"text\", \"i\": -42, "
				   "\"big\": 9007199254740993, \"r\": 1.0, \"t\": true, "
				   "\"f\": false, \"n\": null, \"zero\": 0, \"yes\": \"yes\"}";
	json_t *v;
	err e = { 0 };

	assert_int_equal(json_parse(text, strlen(text), &v, NULL, NULL, NULL, &e), E_OK);
	/* json_parse refuses \u0000; a body built in code can hold one */
	json_object_set_new(v, "z", json_stringn("a\0b", 3));
	return v;
}

typedef struct {
	const char *key;
	bool required;
	status rc;
	const char *msg;  /* the whole message when rc != E_OK */
	const char *want; /* the string read; NULL: *out is NULL */
} str_case;

static void get_str(void **state)
{
	static const str_case cases[] = {
		{ "s", false, E_OK, NULL, "text" },
		{ "s", true, E_OK, NULL, "text" },
		{ "absent", false, E_OK, NULL, NULL },
		{ "absent", true, E_INVAL, "absent: is required", NULL },
		{ "n", false, E_OK, NULL, NULL },
		{ "n", true, E_INVAL, "n: is required", NULL },
		{ "i", false, E_INVAL, "i: must be a string", NULL },
		{ "t", true, E_INVAL, "t: must be a string", NULL },
		{ "z", false, E_INVAL, "z: must not contain NUL characters", NULL },
	};
	json_t *v = body();
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const str_case *c = &cases[i];
		const char *out = "untouched";
		err e = { 0 };
		status rc = json_get_str(v, c->key, c->required, &out, &e);

		assert_int_equal(rc, c->rc);
		if (rc)
			assert_string_equal(e.msg, c->msg);
		if (c->want)
			assert_string_equal(out, c->want);
		else
			assert_null(out);
	}
	json_decref(v);
}

typedef struct {
	const char *key;
	bool required;
	status rc;
	const char *msg;
	bool present; /* what *present says afterwards */
	int64_t want; /* *out afterwards (set to -1 before the call) */
} int_case;

static void get_int(void **state)
{
	static const int_case cases[] = {
		{ "i", false, E_OK, NULL, true, -42 },
		{ "i", true, E_OK, NULL, true, -42 },
		{ "zero", false, E_OK, NULL, true, 0 },
		{ "big", false, E_OK, NULL, true, INT64_C(9007199254740993) },
		{ "absent", false, E_OK, NULL, false, -1 },
		{ "n", false, E_OK, NULL, false, -1 },
		{ "absent", true, E_INVAL, "absent: is required", false, -1 },
		{ "n", true, E_INVAL, "n: is required", false, -1 },
		{ "r", false, E_INVAL, "r: must be an integer", false, -1 },
		{ "s", true, E_INVAL, "s: must be an integer", false, -1 },
		{ "t", false, E_INVAL, "t: must be an integer", false, -1 },
	};
	json_t *v = body();
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const int_case *c = &cases[i];
		int64_t out = -1, out2 = -1;
		bool present = !c->present;
		err e = { 0 };
		status rc = json_get_int(v, c->key, c->required, &out, &present, &e);

		assert_int_equal(rc, c->rc);
		if (rc)
			assert_string_equal(e.msg, c->msg);
		assert_int_equal(present, c->present);
		assert_int_equal(out, c->want);
		/* `present` may be NULL */
		assert_int_equal(json_get_int(v, c->key, c->required, &out2, NULL, &e), c->rc);
		assert_int_equal(out2, c->want);
	}
	json_decref(v);
}

typedef struct {
	const char *key;
	bool required;
	status rc;
	const char *msg;
	bool present;
	int want; /* *out afterwards: 0, 1, or 2 for untouched */
} bool_case;

static void get_bool(void **state)
{
	static const bool_case cases[] = {
		{ "t", false, E_OK, NULL, true, 1 },
		{ "f", true, E_OK, NULL, true, 0 },
		{ "absent", false, E_OK, NULL, false, 2 },
		{ "n", false, E_OK, NULL, false, 2 },
		{ "absent", true, E_INVAL, "absent: is required", false, 2 },
		{ "zero", false, E_INVAL, "zero: must be true or false", false, 2 },
		{ "yes", true, E_INVAL, "yes: must be true or false", false, 2 },
	};
	json_t *v = body();
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const bool_case *c = &cases[i];
		/* two calls, starting from each value, tell "untouched" apart */
		for (int start = 0; start < 2; start++) {
			bool out = start, present = !c->present;
			err e = { 0 };
			status rc = json_get_bool(v, c->key, c->required, &out, &present, &e);

			assert_int_equal(rc, c->rc);
			if (rc)
				assert_string_equal(e.msg, c->msg);
			assert_int_equal(present, c->present);
			assert_int_equal(out, c->want == 2 ? start : c->want);
		}
	}
	json_decref(v);
}

/* Not an object (an array, a number, NULL): every member is absent. */
static void not_an_object(void **state)
{
	json_t *arr = json_array();
	const char *s = "untouched";
	int64_t n = 7;
	bool b = true, present = true;
	err e = { 0 };
	(void)state;

	assert_int_equal(json_get_str(arr, "s", false, &s, &e), E_OK);
	assert_null(s);
	assert_int_equal(json_get_int(NULL, "i", false, &n, &present, &e), E_OK);
	assert_false(present);
	assert_int_equal(n, 7);
	assert_int_equal(json_get_bool(arr, "t", true, &b, &present, &e), E_INVAL);
	assert_string_equal(e.msg, "t: is required");
	assert_true(b);
	json_decref(arr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get_str),
		cmocka_unit_test(get_int),
		cmocka_unit_test(get_bool),
		cmocka_unit_test(not_an_object),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
